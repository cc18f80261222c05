"""Hand-built KPI input for tests: ``frames(tickets=[...], ...)`` turns partial rows (only
the columns a case is about, times as text) into checked ``kpi.frames.Frames``.

Only tests fill in missing columns: the store's frames must carry every declared column
(``kpi.frames.check``), and this helper says so by adding the absent ones as empty, of
their declared type, before the same check runs.
"""
from __future__ import annotations

import pandas as pd

from kpi import frames as kpi_frames
from loaders import settings as settings_mod
from loaders import tables as declared
from loaders.store.frames import conform

FIELDS = {"tickets": "tickets", "time_entries": "time_entries", "agreements": "agreements",
          "csat": "csat_responses", "technicians": "technicians"}


def table(name: str, rows=None) -> pd.DataFrame:
    """A store table's frame from rows (a DataFrame, a list of dicts or None), the missing
    columns empty; extra columns are kept."""
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows or [])
    frame = frame.reset_index(drop=True)
    for column in declared.DATA_TABLES[name].frame_columns:
        if column.name not in frame.columns:
            frame[column.name] = None
    typed = conform(frame, name)
    extra = [c for c in frame.columns if c not in typed.columns]
    return pd.concat([typed, frame[extra]], axis=1) if extra else typed


def frames(tickets=None, time_entries=None, agreements=None, csat=None, technicians=None,
           settings: dict | None = None, ticket_versions=None) -> kpi_frames.Frames:
    """``ticket_versions``: earlier versions of tickets (rows like tickets'), as the store
    keeps them for history."""
    given = {"tickets": tickets, "time_entries": time_entries, "agreements": agreements,
             "csat": csat, "technicians": technicians}
    tables = {FIELDS[field]: table(FIELDS[field], rows) for field, rows in given.items()}
    tables[kpi_frames.VERSIONS] = table("tickets", ticket_versions)
    return kpi_frames.make(tables, settings or settings_mod.load())
