"""Read the store into the frames the KPI functions take.

Pure pandas + SQLAlchemy (no Streamlit). Reading is the slow part of a report on a big
store, so SQLite is read as raw text through the driver and typed a column at a time,
instead of SQLAlchemy building a Python datetime per cell.
"""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from loaders import schema

TABLES = ("tickets", "time_entries", "agreements", "csat_responses", "technicians")


@dataclass
class StoreData:
    tickets: pd.DataFrame
    time_entries: pd.DataFrame
    agreements: pd.DataFrame
    csat: pd.DataFrame
    technicians: pd.DataFrame


def _arrow_read(engine: Engine, sql: str) -> pd.DataFrame | None:
    """Read through ADBC (Arrow all the way, several times faster than row tuples on a
    million rows); None when no ADBC driver fits, and the caller reads the plain way."""
    try:
        if engine.dialect.name == "sqlite":
            import adbc_driver_sqlite.dbapi as adbc
            target = engine.url.database
            options = {"adbc.sqlite.query.batch_rows": "2000000000"}  # types from all rows
        elif engine.dialect.name == "postgresql":
            import adbc_driver_postgresql.dbapi as adbc
            target = engine.url.set(drivername="postgresql").render_as_string(
                hide_password=False)
            options = {}
        else:
            return None
        with adbc.connect(target) as conn:
            cursor = conn.cursor()
            if options:
                cursor.adbc_statement.set_options(**options)
            cursor.execute(sql)
            frame = cursor.fetch_arrow_table().to_pandas()
            cursor.close()
        return frame
    except Exception:  # a missing or unsuitable driver: the plain reader is always right
        return None


def read_typed(engine: Engine, name: str, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """One table as typed columns (``skip``: columns the caller has no use for)."""
    table = schema.metadata.tables[name]
    columns = [c.name for c in table.c if c.name not in skip]
    names = ", ".join(f'"{c}"' for c in columns)
    frame = _arrow_read(engine, f'SELECT {names} FROM "{name}"')
    if frame is None and engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            cursor = conn.connection.driver_connection.execute(
                f'SELECT {names} FROM "{name}"')
            frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    elif frame is None:
        with engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(select(*[table.c[c] for c in columns])).fetchall(),
                                 columns=columns)
    for col in (c for c in table.c if c.name in columns):
        kind = type(col.type).__name__
        if kind in ("String", "Text") and not pd.api.types.is_string_dtype(frame[col.name]):
            # an all-empty text column comes back from Arrow as numbers
            frame[col.name] = frame[col.name].astype("object").where(
                frame[col.name].notna(), None).astype("str")
        if kind in ("DateTime", "Date"):
            values = frame[col.name]
            frame[col.name] = pd.to_datetime(values, format="ISO8601") \
                if not pd.api.types.is_datetime64_any_dtype(values) else values
        elif kind == "Float":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("float64")
        elif kind == "Boolean":
            frame[col.name] = frame[col.name].astype("boolean")
        elif kind == "Integer":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("Int64")
    return frame


def _fill_from_tickets(frame: pd.DataFrame, tickets: pd.DataFrame,
                       pairs: dict[str, str]) -> pd.DataFrame:
    """Fill missing ``frame`` columns from the ticket the row belongs to (an Autotask
    time export has no client column; a survey may carry no technician)."""
    need = pd.Series(False, index=frame.index)
    for target in pairs:
        need |= frame[target].isna()
    if not need.any() or tickets.empty:
        return frame
    keys = ["source_system", "ticket_id"]
    lookup = tickets[keys + list(pairs.values())].drop_duplicates(keys)
    lookup.columns = keys + [f"_from_{c}" for c in pairs.values()]
    joined = frame.loc[need, keys].merge(lookup, on=keys, how="left")
    joined.index = frame.index[need]
    frame = frame.copy()
    for target, source in pairs.items():
        frame[target] = frame[target].fillna(joined[f"_from_{source}"])
    return frame


def load(engine: Engine) -> StoreData:
    # The two big tables are read side by side: the Arrow readers release the GIL, so a
    # two-core machine reads both in about the time of the larger one.
    with ThreadPoolExecutor(max_workers=2) as pool:
        tickets_job = pool.submit(read_typed, engine, "tickets")
        # A million time entries: leave out the columns no KPI reads.
        entries_job = pool.submit(read_typed, engine, "time_entries",
                                  ("entry_id", "work_type", "import_id"))
        tickets, entries = tickets_job.result(), entries_job.result()
    time_entries = _fill_from_tickets(entries, tickets, {"client": "client"})
    csat = _fill_from_tickets(read_typed(engine, "csat_responses"), tickets,
                              {"client": "client", "technician": "assignee"})
    return StoreData(tickets, time_entries, read_typed(engine, "agreements"), csat,
                     read_typed(engine, "technicians"))


def latest_activity(engine: Engine) -> dt.date | None:
    """The latest date with ticket activity (created, responded, resolved or closed)."""
    t = schema.tickets
    with engine.connect() as conn:
        values = conn.execute(select(func.max(t.c.created_at), func.max(t.c.first_response_at),
                                     func.max(t.c.resolved_at), func.max(t.c.closed_at))).one()
    stamps = [pd.Timestamp(v) for v in values if v is not None]
    return max(stamps).date() if stamps else None
