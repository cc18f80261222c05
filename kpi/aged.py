"""Aged past SLA, per team (SPEC KPI 2), at the report's cut-off ``B``.

- ``open``: tickets open at ``B`` (created before ``B``, not done before ``B``).
- ``aged_past_sla``: of those, the ones whose resolution due time (``sla_clock``) is
  before ``B``. A ticket with no due time (no target for its priority) is never aged.
- ``waiting``: of those, the ones whose ``status_class`` is ``waiting`` (on the customer
  or a vendor: the PSA's SLA clock is paused). They are not aged past SLA unless
  ``sla.age_waiting`` is true; they are counted here either way, so a team's aged count
  never hides what it is waiting for.
- Team is the team key: ``team``, else ``board``, else ``"Unassigned"`` (``frames``).
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
from .frames import Frames
from .sla_clock import resolution_due

UNCATEGORISED = "Uncategorised"
COLUMNS = ["team", "open", "aged_past_sla", "waiting", "status", "top_categories"]


def aged_tickets(frames: Frames, cutoff, settings: dict) -> pd.DataFrame:
    """The tickets open at ``cutoff`` with ``team`` (the team key), ``category`` (none:
    Uncategorised), ``due``, ``waiting`` and ``aged`` columns added."""
    b = pd.Timestamp(cutoff)
    frame = frames.tickets.loc[open_at(frames, b)].copy()
    frame["team"] = frame["team_key"]
    frame["category"] = frame["category"].fillna(UNCATEGORISED)
    frame["due"] = resolution_due(frame, settings)
    frame["waiting"] = frame["status_class"].fillna("").str.lower().eq("waiting")
    past_due = (frame["due"] < b).fillna(False).astype(bool)
    frame["aged"] = past_due if settings["sla"].get("age_waiting") else \
        past_due & ~frame["waiting"]
    return frame


def aged_past_sla(frames: Frames, cutoff, settings: dict) -> pd.DataFrame:
    """One row per team: team, open, aged_past_sla, status, top_categories (list)."""
    return team_summary(aged_tickets(frames, cutoff, settings), settings)


def aged_series(frames: Frames, cutoffs, settings: dict) -> list[int]:
    """Tickets aged past SLA at each cut-off, as ``aged_past_sla`` counts them there,
    each ticket read as it was known at that cut-off, for a trend."""
    return [int(n) for n in aged_by_team(frames, cutoffs, settings).sum(axis=0)]


def aged_by_team(frames: Frames, cutoffs, settings: dict) -> pd.DataFrame:
    """``aged_series`` per team: one row per team key of ``frames`` (the team a ticket has
    there, so a filter on a team and this row count the same tickets), one column per
    cut-off. A page keeps it per client, and a team pick then reads a row."""
    cutoffs = [pd.Timestamp(b) for b in cutoffs]
    teams = frames.tickets["team_key"]
    counts = {}
    for b in cutoffs:   # a handful of weeks, each vectorised
        t = frames.as_known_at(b).tickets   # same rows and index, as known at b
        due = resolution_due(t, settings)
        is_open = (t["created_at"] < b) & (t["done_at"].isna() | (t["done_at"] >= b))
        aged = is_open & (due < b).fillna(False)
        if not settings["sla"].get("age_waiting"):
            aged &= ~t["status_class"].fillna("").str.lower().eq("waiting")
        counts[b] = aged.astype(int).groupby(teams).sum()
    out = pd.DataFrame(counts, columns=cutoffs)
    return out.fillna(0).astype(int)


def team_summary(frame: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """``aged_past_sla`` from an ``aged_tickets`` frame (a page that also lists the aged
    tickets works the frame out once)."""
    threshold = int(settings["sla"]["review_threshold"])
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = frame.groupby("team", sort=True).agg(open=("aged", "size"),
                                               aged_past_sla=("aged", "sum"),
                                               waiting=("waiting", "sum"))
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
    out["waiting"] = out["waiting"].astype(int)
    out["status"] = ["ok" if n < threshold else "review" for n in out["aged_past_sla"]]
    out = out.reset_index()[COLUMNS]
    return out.sort_values(["aged_past_sla", "team"], ascending=[False, True],
                           ignore_index=True)
