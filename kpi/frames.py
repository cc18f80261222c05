"""``Frames``: the one input every KPI function takes, checked once where it is made.

    frames = kpi.frames.make(tables, settings)     # tables: {store table name: DataFrame}

Each table must hold its declared frame columns (``loaders.tables``) with the declared
dtype; a missing or mistyped column is a ``FramesError`` naming every such column at
once, never a silent NaN or zero. Text holds what the loaders stored: stripped, a blank
cell as missing. Worked out once here, so no KPI does it again:

- ``tickets.done_at``: when the ticket was done (``done_at`` below), NaT while open;
- ``tickets.team_key``: ``team``, else ``board``, else ``Unassigned`` (SPEC KPI 2);
- ``labour``: the time entries priced (labour revenue and cost, ``kpi.labour``) and summed
  per client and work day, a field of its own: margin, tiers and the QBR read it; the raw
  ``time_entries`` stay for utilisation and entry lag;
- ``ticket_versions``: the tickets' earlier versions (kept by the store for history and
  undo), from which ``as_known_at`` reads each ticket as it was known at a cut-off.

Frames are shared read-only (the dashboard holds one per store version): functions derive
new frames, never change these in place.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from loaders import tables as declared

from . import labour as labour_mod

UNASSIGNED = "Unassigned"
TABLES = {"tickets": "tickets", "time_entries": "time_entries", "agreements": "agreements",
          "csat": "csat_responses", "technicians": "technicians"}   # field -> store table
VERSIONS = "ticket_versions"   # the store's frame of earlier ticket versions
LABOUR_COLUMNS = {"client": "str", "work_date": "datetime64[ns]", "hours": "float64",
                  "labor_revenue": "float64", "labor_cost": "float64"}


class FramesError(ValueError):
    """Frames that don't hold what the KPI functions read: every problem, one sentence."""


@dataclass(frozen=True)
class Frames:
    tickets: pd.DataFrame
    time_entries: pd.DataFrame
    agreements: pd.DataFrame
    csat: pd.DataFrame
    technicians: pd.DataFrame
    labour: pd.DataFrame
    ticket_versions: pd.DataFrame

    def slice(self, team: str | None = None, client: str | None = None) -> "Frames":
        """Narrowed to a team and/or a client. A survey follows its ticket's team; time,
        agreements and labour have no team, so only the client narrows them."""
        if not team and not client:
            return self
        tickets = self.tickets
        if team:
            tickets = tickets[tickets["team_key"] == team]
        if client:
            tickets = tickets[tickets["client"] == client]
        mine = lambda f: f[f["client"] == client] if client else f  # noqa: E731
        csat = mine(self.csat)
        if team:
            on_team = pd.MultiIndex.from_frame(tickets[["source_system", "ticket_id"]])
            csat = csat[pd.MultiIndex.from_frame(csat[["source_system", "ticket_id"]])
                        .isin(on_team)]
        return replace(self, tickets=tickets, csat=csat, time_entries=mine(self.time_entries),
                       agreements=mine(self.agreements), labour=mine(self.labour))

    def as_known_at(self, cutoff) -> "Frames":
        """The tickets as they were known at ``cutoff`` (SPEC KPI, "As known at the
        cut-off"): of a ticket's versions (the current row and the earlier ones), the one
        with the latest ``updated_at`` at or before the cut-off; a ticket whose every
        version was updated after the cut-off takes its earliest version; a ticket exported
        without ``updated_at`` keeps its current row. So a later export that moves a ticket
        to another team, reopens it or changes its status leaves an earlier report as it
        was. An earlier version stored without ``updated_at`` (an export that lacked the
        column, replaced by one that has it) was known before the later update: when no
        dated version is known at the cut-off, the last such version stored is used.
        Only tickets updated after the cut-off can differ, so the work is on those."""
        cut = pd.Timestamp(cutoff)
        t = self.tickets
        later = t["updated_at"].notna() & (t["updated_at"] > cut)
        if not later.any():
            return self
        columns = [c.name for c in declared.TICKETS.frame_columns]
        key = lambda f: f["source_system"].fillna("") + "\x1f" + f["ticket_id"].fillna("")  # noqa: E731
        current = t.loc[later, columns].assign(_seq=np.inf, _at=t.index[later])
        v = self.ticket_versions
        older = v.loc[key(v).isin(set(key(current))), columns] \
            .assign(_seq=np.arange(len(v), dtype="float64")[key(v).isin(set(key(current)))],
                    _at=-1)
        versions = pd.concat([current, older], ignore_index=True)
        versions["_key"] = key(versions)
        # per ticket, oldest first; on equal times the current row is the later one
        versions = versions.sort_values(["_key", "updated_at", "_seq"], kind="stable")
        dated = versions["updated_at"].notna()
        known = versions.loc[dated & (versions["updated_at"] <= cut)] \
            .drop_duplicates("_key", keep="last")
        undated = versions.loc[~dated].sort_values(["_key", "_seq"], kind="stable") \
            .drop_duplicates("_key", keep="last")
        undated = undated.loc[~undated["_key"].isin(set(known["_key"]))]
        earliest = versions.loc[dated].drop_duplicates("_key", keep="first")
        chosen = pd.concat([known, undated, earliest.loc[
            ~earliest["_key"].isin(set(known["_key"]) | set(undated["_key"]))]])
        at = current.assign(_key=key(current)).set_index("_key")["_at"]
        chosen.index = at.loc[chosen["_key"]].to_numpy()
        replaced = with_ticket_keys(chosen[columns]).astype(t.dtypes.to_dict())
        tickets = t.copy()
        tickets.loc[replaced.index] = replaced
        return replace(self, tickets=tickets)

    def active_between(self, start, end) -> "Frames":
        """Only the tickets that can count anywhere in ``[start, end)``: created before
        ``end`` and not done before ``start``. Every count of a week in that span (opened,
        closed, open at its end, aged past SLA, about to breach at an instant in it) is the
        same on these as on all tickets; a page narrows first to work on a quarter of a
        year's tickets."""
        t = self.tickets
        done = t["done_at"]
        keep = (t["created_at"] < pd.Timestamp(end)) & \
            (done.isna() | (done >= pd.Timestamp(start)))
        return replace(self, tickets=t.loc[keep.to_numpy()])


def problems(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Every missing table, missing column and column of the wrong dtype."""
    found = []
    for name in (*TABLES.values(), VERSIONS):
        frame = tables.get(name)
        if frame is None:
            found.append(f"the {name} table is missing")
            continue
        declared_as = "tickets" if name == VERSIONS else name
        for column in declared.DATA_TABLES[declared_as].frame_columns:
            want = declared.DTYPES[column.kind]
            if column.name not in frame.columns:
                found.append(f"{name}: column '{column.name}' is missing")
            elif str(frame[column.name].dtype) != want:
                found.append(f"{name}: column '{column.name}' is {frame[column.name].dtype}, "
                             f"not {want}")
    return found


def check(tables: Mapping[str, pd.DataFrame]) -> None:
    found = problems(tables)
    if found:
        raise FramesError("The store's frames can't feed the KPIs: " + "; ".join(found)
                          + ".")


def make(tables: Mapping[str, pd.DataFrame], settings: dict) -> Frames:
    """The checked frames of the store's tables (``loaders.store.frames.read``), with the
    derived columns and the priced labour (``settings``: costs and rates)."""
    check(tables)
    entries, technicians = tables["time_entries"], tables["technicians"]
    return Frames(tickets=with_ticket_keys(tables["tickets"]), time_entries=entries,
                  agreements=tables["agreements"], csat=tables["csat_responses"],
                  technicians=technicians,
                  labour=labour_mod.labour_by_day(entries, technicians, settings),
                  ticket_versions=tables[VERSIONS])


def done_at(tickets: pd.DataFrame) -> pd.Series:
    """When each ticket was done: ``resolved_at``, else ``closed_at`` (SPEC). A cancelled
    ticket with neither is done at its ``updated_at`` (when it was cancelled), else at its
    ``created_at``, so it never shows as open. A done time before the creation time (a
    data error) is taken as the creation time, so the running backlog stays consistent."""
    created = tickets["created_at"]
    done = tickets["resolved_at"].fillna(tickets["closed_at"])
    cancelled = tickets["status_class"].fillna("").str.lower().eq("cancelled").to_numpy()
    fallback = tickets["updated_at"].fillna(created)
    done = done.where(~(cancelled & done.isna().to_numpy()), fallback)
    early = done.notna() & created.notna() & (done < created)
    return done.where(~early, created).astype("datetime64[ns]").rename("done_at")


def team_key(tickets: pd.DataFrame) -> pd.Series:
    """``team``, else ``board``, else ``Unassigned``; blank text counts as missing."""
    def blank_as_missing(col: str) -> pd.Series:
        values = tickets[col].str.strip()
        return values.where(values != "")
    return blank_as_missing("team").fillna(blank_as_missing("board")).fillna(UNASSIGNED) \
        .astype("str").rename("team_key")


def with_ticket_keys(tickets: pd.DataFrame) -> pd.DataFrame:
    return tickets.assign(done_at=done_at(tickets), team_key=team_key(tickets))


def ns(values: pd.Series) -> np.ndarray:
    """Datetimes as int64 nanoseconds since the epoch; NaT becomes the int64 minimum."""
    return np.asarray(values.astype("datetime64[ns]")).view("int64")
