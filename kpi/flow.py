"""Ticket flow beyond open and closed (SPEC "Supporting measures"): how long tickets wait
for a first response and for their resolution, and how many come back or move on.

Decisions:

- **Time to first response**: of the tickets first responded to in ``[start, end)``, the
  elapsed clock hours from ``created_at`` to ``first_response_at``; **time to resolution**:
  of the tickets done in ``[start, end)`` (cancelled ones left out: cancelling is not
  resolving), the elapsed hours from ``created_at`` to ``done_at``. Clock hours are how
  long the client waited. Given the settings, the same medians are also counted on the
  SLA clock (``*_median_sla_hours``: business hours unless the clock is 24x7), and that
  is the one set beside a target (``beside_sla``): a 26-clock-hour median beside a
  24-business-hour target is within it, and a table that set the two side by side would
  say otherwise. A time before the creation (a data error) counts as 0.
- Per priority (``P1``..``P5``; no priority: "(no priority)") plus an "All priorities"
  row; ``n`` with every median, ``None`` when n is 0.
- **Per week**: ``opened`` (created in the week), ``closed`` (done in the week, cancelled
  left out), ``reopened`` and ``escalated``: of the tickets done in the week, those whose
  ``reopen_count`` / ``escalation_count`` is above zero (the PSAs export the counts, not
  when each reopen happened, so a ticket counts in the week it was done). ``None`` when
  no ticket done in the week carries the count (an export without it), never 0.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .frames import Frames
from .periods import WEEK, week_label
from .sla_clock import sla_hours

NO_PRIORITY = "(no priority)"
ALL_PRIORITIES = "All priorities"
TIME_COLUMNS = ["priority", "response_n", "response_median_hours", "resolution_n",
                "resolution_median_hours"]
SLA_TIME_COLUMNS = ["response_median_sla_hours", "resolution_median_sla_hours"]
WEEK_COLUMNS = ["week", "opened", "closed", "reopened", "escalated"]


def _cancelled(tickets: pd.DataFrame) -> pd.Series:
    return tickets["status_class"].fillna("").str.lower().eq("cancelled")


def _hours(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return ((later - earlier).dt.total_seconds() / 3600.0).clip(lower=0.0)


def _median(values: pd.Series):
    return float(values.median()) if len(values) else None


def time_to(frames: Frames, start, end, settings: dict | None = None) -> pd.DataFrame:
    """Median hours to first response and to resolution, per priority and overall; with
    ``settings``, also on the SLA clock (``SLA_TIME_COLUMNS``)."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    t = frames.tickets
    priority = t["priority"].str.upper().fillna(NO_PRIORITY)
    responded = t["first_response_at"]
    in_resp = (responded >= s) & (responded < e) & t["created_at"].notna()
    in_done = (t["done_at"] >= s) & (t["done_at"] < e) & ~_cancelled(t) & \
        t["created_at"].notna()
    response = pd.DataFrame({"priority": priority[in_resp],
                             "hours": _hours(responded[in_resp], t["created_at"][in_resp])})
    resolution = pd.DataFrame({"priority": priority[in_done],
                               "hours": _hours(t["done_at"][in_done], t["created_at"][in_done])})
    if settings is not None:
        response["sla_hours"] = sla_hours(t["created_at"][in_resp], responded[in_resp],
                                          settings)
        resolution["sla_hours"] = sla_hours(t["created_at"][in_done], t["done_at"][in_done],
                                            settings)
    rows = []
    groups = sorted(set(response["priority"]) | set(resolution["priority"]))
    for group in [*groups, ALL_PRIORITIES]:   # a handful of priorities
        r = response if group == ALL_PRIORITIES else \
            response.loc[response["priority"] == group]
        d = resolution if group == ALL_PRIORITIES else \
            resolution.loc[resolution["priority"] == group]
        row = {"priority": group, "response_n": int(len(r)),
               "response_median_hours": _median(r["hours"]), "resolution_n": int(len(d)),
               "resolution_median_hours": _median(d["hours"])}
        if settings is not None:
            row |= {"response_median_sla_hours": _median(r["sla_hours"]),
                    "resolution_median_sla_hours": _median(d["sla_hours"])}
        rows.append(row)
    columns = TIME_COLUMNS + (SLA_TIME_COLUMNS if settings is not None else [])
    out = pd.DataFrame(rows, columns=columns)
    for col in columns[1:]:
        if "median" in col:
            out[col] = pd.Series([r[col] for r in rows], index=out.index, dtype="object")
    return out


def weekly_flow(frames: Frames, weeks: Sequence) -> pd.DataFrame:
    """One row per week start in ``weeks``: opened, closed, reopened, escalated."""
    t = frames.tickets
    created, done = t["created_at"], t["done_at"]
    cancelled = _cancelled(t).to_numpy()
    reopens = t["reopen_count"].astype("float64").to_numpy()
    escalations = t["escalation_count"].astype("float64").to_numpy()
    rows = []
    for week in weeks:   # a dozen weeks, each vectorised
        s = pd.Timestamp(week)
        e = s + WEEK
        opened = int(((created >= s) & (created < e)).sum())
        closed = ((done >= s) & (done < e)).to_numpy() & ~cancelled
        rows.append({"week": week_label(s), "opened": opened, "closed": int(closed.sum()),
                     "reopened": _counted(reopens[closed]),
                     "escalated": _counted(escalations[closed])})
    out = pd.DataFrame(rows, columns=WEEK_COLUMNS)
    for col in ("reopened", "escalated"):
        out[col] = pd.Series([r[col] for r in rows], index=out.index, dtype="object")
    return out


def _counted(counts: np.ndarray):
    known = counts[~np.isnan(counts)]
    return int((known > 0).sum()) if len(known) else None


# Each median on the SLA clock beside its target, the clock hours the client waited last.
SPEED_COLUMNS = ["priority", "response_n", "response_median_sla_hours",
                 "response_target_hours", "response_percent", "resolution_n",
                 "resolution_median_sla_hours", "resolution_target_hours",
                 "resolution_percent", "response_median_hours", "resolution_median_hours"]


def beside_sla(times: pd.DataFrame, sla: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """``time_to``'s rows (computed with the settings) with each priority's SLA targets
    (hours; None where the settings give none; no priority is held to P3's, as the SLA
    clock holds it) and the share on time from ``sla``, ``compliance.sla_compliance`` by
    priority over the same period (whose n leaves out tickets without a target); the "All
    priorities" row has the shares of all those tickets together and no target."""
    def share(met, n):
        return 100.0 * met / n if n else None
    overall = {"priority": ALL_PRIORITIES,
               **{f"{m}_percent": share(int(sla[f"{m}_met"].sum()), int(sla[f"{m}_n"].sum()))
                  for m in ("response", "resolution")}}
    shares = pd.concat([sla[["priority", "response_percent", "resolution_percent"]],
                        pd.DataFrame([overall])], ignore_index=True)
    out = times.merge(shares, on="priority", how="left")
    as_p3 = out["priority"].replace(NO_PRIORITY, "P3")
    for name in ("response", "resolution"):
        targets = {str(p).upper(): float(h) for p, h in settings["sla"][f"{name}_hours"].items()}
        hours = as_p3.map(targets).astype("float64")
        out[f"{name}_target_hours"] = hours.astype("object").where(hours.notna(), None)
        out[f"{name}_percent"] = out[f"{name}_percent"].astype("object").where(
            out[f"{name}_percent"].notna(), None)
    return out[SPEED_COLUMNS]
