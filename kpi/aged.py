"""Aged past SLA, per team (SPEC KPI 2), at the report's cut-off ``B``.

- ``open``: tickets open at ``B`` (created before ``B``, not done before ``B``).
- ``aged_past_sla``: of those, the ones whose resolution due time (``sla_clock``) is
  before ``B``. A ticket with no due time (no target for its priority) is never aged.
- Team is ``team``, else ``board``, else ``"Unassigned"`` (blank text counts as missing).
- ``status``: ``"ok"`` when ``aged_past_sla < sla.review_threshold``, else ``"review"``.
- ``top_categories``: up to 3 categories with the most aged tickets; ties go to the
  category whose oldest aged ticket was created earliest, then by name. A ticket with no
  category counts as ``"Uncategorised"``.
- Only teams with at least one ticket open at ``B`` are listed; most aged first, then by
  team name.
"""
from __future__ import annotations

import pandas as pd

from .backlog import open_at
from .columns import datetimes, texts
from .sla_clock import resolution_due

UNASSIGNED = "Unassigned"
UNCATEGORISED = "Uncategorised"
COLUMNS = ["team", "open", "aged_past_sla", "status", "top_categories"]


def team_of(tickets: pd.DataFrame) -> pd.Series:
    return texts(tickets, "team").fillna(texts(tickets, "board")).fillna(UNASSIGNED) \
        .astype(str).rename("team")


def aged_tickets(tickets: pd.DataFrame, cutoff, settings: dict) -> pd.DataFrame:
    """The tickets open at ``cutoff`` with ``team``, ``due`` and ``aged`` columns added."""
    b = pd.Timestamp(cutoff)
    is_open = open_at(tickets, b)
    frame = tickets.loc[is_open].copy()
    frame["team"] = team_of(frame)
    frame["category"] = texts(frame, "category").fillna(UNCATEGORISED).astype(str)
    frame["created_at"] = datetimes(frame, "created_at")
    frame["due"] = resolution_due(frame, settings)
    frame["aged"] = (frame["due"] < b).fillna(False).astype(bool)
    return frame


def aged_past_sla(tickets: pd.DataFrame, cutoff, settings: dict) -> pd.DataFrame:
    """One row per team: team, open, aged_past_sla, status, top_categories (list)."""
    return team_summary(aged_tickets(tickets, cutoff, settings), settings)


def team_summary(frame: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """``aged_past_sla`` from an ``aged_tickets`` frame (a page that also lists the aged
    tickets works the frame out once)."""
    threshold = int(settings["sla"]["review_threshold"])
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = frame.groupby("team", sort=True).agg(open=("aged", "size"),
                                               aged_past_sla=("aged", "sum"))
    # Top categories of every team in one pass: most aged tickets, ties by the oldest.
    aged = frame.loc[frame["aged"]]
    stats = aged.groupby(["team", "category"]).agg(
        count=("category", "size"), oldest=("created_at", "min")).reset_index()
    stats = stats.sort_values(["team", "count", "oldest", "category"],
                              ascending=[True, False, True, True])
    top = stats.groupby("team").head(3).groupby("team")["category"].agg(list)
    out["top_categories"] = [top.get(team, []) for team in out.index]
    out["aged_past_sla"] = out["aged_past_sla"].astype(int)
    out["open"] = out["open"].astype(int)
    out["status"] = ["ok" if n < threshold else "review" for n in out["aged_past_sla"]]
    out = out.reset_index()[COLUMNS]
    return out.sort_values(["aged_past_sla", "team"], ascending=[False, True],
                           ignore_index=True)
