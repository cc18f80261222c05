"""Ticket flow and speed (SPEC "Supporting measures", shown on the weekly review): per
week, the tickets that came in, were closed, and of those closed the ones that had been
reopened or escalated; and per priority the median time to first response and to
resolution, beside the SLA compliance and targets.

Decisions:

- ``new``: created in the week; ``closed``: done in the week (``done_at``: resolved, else
  closed), cancelled tickets included, so both equal the backlog trend's ``opened`` and
  ``closed``.
- ``reopened`` / ``escalated``: of the tickets done in the week and not cancelled (as in
  ``reopen`` and ``compliance``: a cancellation is no resolution), those whose
  ``reopen_count`` / ``escalation_count`` is above 0. The counts are the PSA's as of the
  export, so a ticket counts in the week it was (last) done, once, however often it was
  reopened or passed on; one reopened and still open counts when it is done again.
  ``reopened`` equals ``reopen.reopen_rate(...)["reopened"]`` of the same week. A week
  whose done tickets all lack the count (the export has no such column) has none
  (``<NA>``), not 0; a week with no done ticket has 0.
- Times are counted on the SLA clock, so they read against the targets: business hours
  under ``sla.clock = "business"`` (``sla_clock.BusinessCalendar``: working days and hours,
  public holidays), clock hours under ``24x7``. Time to first response =
  ``first_response_at − created_at`` of the tickets first responded to in the period;
  time to resolution = ``done_at − created_at`` of those done in it, cancelled ones left
  out. A response logged before the creation time (a data error) counts as 0 h.
- Priorities as in ``compliance``: upper-cased, ``"(no priority)"`` when missing; only
  priorities with a response or a resolution in the period are listed, sorted.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import compliance
from .frames import Frames, ns
from .periods import WEEK, week_label
from .sla_clock import BusinessCalendar

FLOW_COLUMNS = ["week", "new", "closed", "reopened", "escalated"]
SPEED_COLUMNS = ["priority", "responded", "median_response_hours", "response_target_hours",
                 "response_percent", "resolved", "median_resolution_hours",
                 "resolution_target_hours", "resolution_percent"]
_HOUR_NS = 3600 * 10**9
_DAY_NS = 86_400 * 10**9
_NAT = np.iinfo("int64").min


def _counted(done_in_week: pd.Series, count: pd.Series):
    """How many of the week's (not cancelled) done tickets have ``count`` > 0; <NA> when
    there are some and none carries the count."""
    known = count[done_in_week].dropna()
    if done_in_week.any() and known.empty:
        return pd.NA
    return int((known > 0).sum())


def ticket_flow(frames: Frames, weeks: Sequence) -> pd.DataFrame:
    """One row per week start in ``weeks``: ``week``, ``new``, ``closed``, ``reopened``,
    ``escalated`` (see the module notes)."""
    t = frames.tickets
    created, done = t["created_at"], t["done_at"]
    cancelled = t["status_class"].fillna("").str.lower().eq("cancelled")
    reopens = t["reopen_count"].astype("Float64")
    escalations = t["escalation_count"].astype("Float64")
    rows = []
    for week in weeks:   # a handful of weeks, each vectorised
        start = pd.Timestamp(week)
        end = start + WEEK
        done_in = done.between(start, end, "left")
        resolved_in = (done_in & ~cancelled).astype(bool)
        rows.append({"week": week_label(start),
                     "new": int(created.between(start, end, "left").sum()),
                     "closed": int(done_in.sum()),
                     "reopened": _counted(resolved_in, reopens),
                     "escalated": _counted(resolved_in, escalations)})
    out = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    for column in ("reopened", "escalated"):
        out[column] = out[column].astype("Int64")
    return out


def _business(settings: dict) -> bool:
    sla = settings["sla"]
    return sla["clock"] != "24x7" and bool(sla["business_days"])


def sla_hours(start: pd.Series, end: pd.Series, settings: dict) -> pd.Series:
    """Hours from ``start`` to ``end`` on the SLA clock (business hours under the
    business clock, else clock hours), never below 0; NaN where either is missing."""
    s, e = ns(pd.Series(start)), ns(pd.Series(end))
    ok = (s != _NAT) & (e != _NAT)
    hours = np.full(len(s), np.nan)
    if ok.any():
        s_ok, e_ok = s[ok], e[ok]
        if _business(settings):
            first = min(s_ok.min(), e_ok.min()) // _DAY_NS
            last = max(s_ok.max(), e_ok.max()) // _DAY_NS
            cal = BusinessCalendar(settings, np.datetime64(int(first), "D"),
                                   int(last - first) + 2)
            elapsed = cal.to_business(e_ok) - cal.to_business(s_ok)
        else:
            elapsed = e_ok - s_ok
        hours[ok] = np.maximum(elapsed, 0) / _HOUR_NS
    return pd.Series(hours, index=pd.Series(start).index, dtype="float64")


def _priority(tickets: pd.DataFrame) -> pd.Series:
    return tickets["priority"].str.upper().fillna(compliance.NO_PRIORITY)


def median_times(frames: Frames, start, end, settings: dict) -> pd.DataFrame:
    """Per priority: ``responded`` and ``median_response_hours`` (tickets first responded
    to in ``[start, end)``), ``resolved`` and ``median_resolution_hours`` (tickets done in
    it, not cancelled); a median is NaN where its n is 0."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    t = frames.tickets
    cancelled = t["status_class"].fillna("").str.lower().eq("cancelled")
    responded = t["first_response_at"].between(s, e, "left") & t["created_at"].notna()
    resolved = t["done_at"].between(s, e, "left") & ~cancelled & t["created_at"].notna()
    found = []
    for name, n_col, mask, until in (
            ("response", "responded", responded, "first_response_at"),
            ("resolution", "resolved", resolved, "done_at")):
        chosen = t.loc[mask.to_numpy()]
        hours = sla_hours(chosen["created_at"], chosen[until], settings)
        found.append(hours.groupby(_priority(chosen)).agg(["size", "median"]).rename(
            columns={"size": n_col, "median": f"median_{name}_hours"}))
    out = found[0].join(found[1], how="outer")
    out[["responded", "resolved"]] = out[["responded", "resolved"]].fillna(0).astype(int)
    out.index.name = "priority"
    return out.reset_index().sort_values("priority", ignore_index=True)[
        ["priority", "responded", "median_response_hours", "resolved",
         "median_resolution_hours"]]


def by_priority(frames: Frames, start, end, settings: dict) -> pd.DataFrame:
    """Per priority, speed beside the SLA: responded, median time to first response, the
    response target and the share on time; the same for resolution (``SPEED_COLUMNS``).
    The shares are ``compliance.sla_compliance``'s (its n leaves out tickets with no
    target); a target is None for a priority the settings give none."""
    times = median_times(frames, start, end, settings)
    sla = compliance.sla_compliance(frames, start, end, settings, by=("priority",))
    out = times.merge(sla[["priority", "response_percent", "resolution_percent"]],
                      on="priority", how="outer").sort_values("priority", ignore_index=True)
    out[["responded", "resolved"]] = out[["responded", "resolved"]].fillna(0).astype(int)
    for name in ("response", "resolution"):
        targets = {str(p).upper(): float(h) for p, h in settings["sla"][f"{name}_hours"].items()}
        as_p3 = out["priority"].replace(compliance.NO_PRIORITY, "P3")   # as sla_clock does
        out[f"{name}_target_hours"] = as_p3.map(targets).astype("float64")
    return out[SPEED_COLUMNS]
