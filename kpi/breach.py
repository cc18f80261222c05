"""Tickets about to breach (SPEC "Supporting measures"): open tickets whose resolution due
time falls within the next working day.

Decisions:

- Listed: tickets open at ``now`` (``backlog.open_at``: created before ``now``, not done
  before it; ``waiting`` tickets are open — a paused SLA clock is not modelled) whose
  resolution due time (``sla_clock.resolution_due``: PSA due wins, else computed) is at
  or after ``now`` and before the *horizon*. A ticket already past due is aged, not about
  to breach; one with no due time is never listed.
- Horizon under the business clock: the closing time (``sla.business_hours[1]``) of the
  next business day **after now's calendar day** — the first later day that is one of
  ``sla.business_days`` and not a holiday of ``sla.holidays_country``. So on Tuesday at
  10:00 (or 07:00) the horizon is Wednesday 17:00; on Friday, Saturday or Sunday it is
  Monday 17:00 (Tuesday 17:00 when that Monday is a public holiday). Under ``24x7`` (or
  settings with no business day) the horizon is ``now + 24 h``.
- ``hours_left`` = time from ``now`` to the due time in **business hours** under the
  business clock (so a ticket due Monday 09:00 has 2 h left on Friday at 16:00), in
  clock hours under ``24x7``.
- Columns: source_system, ticket_id, summary, client, team (the team key), assignee,
  priority, due, hours_left; sorted by due, then source_system and ticket_id.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .backlog import open_at
from .frames import Frames, ns
from .sla_clock import BusinessCalendar, _minutes, resolution_due

COLUMNS = ["source_system", "ticket_id", "summary", "client", "team", "assignee",
           "priority", "due", "hours_left"]
_HOUR_NS = 3600 * 10**9
_SEARCH_DAYS = 400


def _business(settings: dict) -> bool:
    sla = settings["sla"]
    return sla["clock"] != "24x7" and bool(sla["business_days"])


def _calendar(now: pd.Timestamp, settings: dict) -> BusinessCalendar:
    return BusinessCalendar(settings, np.datetime64(now.normalize().date(), "D"),
                            _SEARCH_DAYS)


def horizon(now, settings: dict) -> pd.Timestamp:
    """The end of the look-ahead window (see the module notes)."""
    now = pd.Timestamp(now)
    if not _business(settings):
        return now + pd.Timedelta(hours=24)
    cal = _calendar(now, settings)
    later = np.nonzero(cal.length[1:] > 0)[0]
    if not len(later):   # no working day within a year: fall back to a day's clock time
        return now + pd.Timedelta(hours=24)
    day = pd.Timestamp(cal.days[1 + later[0]])
    return day + pd.Timedelta(minutes=_minutes(settings["sla"]["business_hours"][1]))


def about_to_breach(frames: Frames, now, settings: dict) -> pd.DataFrame:
    now = pd.Timestamp(now)
    end = horizon(now, settings)
    frame = frames.tickets.loc[open_at(frames, now)]
    due = resolution_due(frame, settings)
    soon = ((due >= now) & (due < end)).fillna(False).astype(bool)
    frame, due = frame.loc[soon], due[soon]
    out = frame[["source_system", "ticket_id", "summary", "client"]].copy()
    out["team"] = frame["team_key"]
    out["assignee"] = frame["assignee"]
    out["priority"] = frame["priority"]
    out["due"] = due.astype("datetime64[ns]")
    if _business(settings) and len(frame):
        cal = _calendar(now, settings)
        left = cal.to_business(ns(due)) - cal.to_business(np.array([now.value]))[0]
    else:
        left = ns(due) - now.value
    out["hours_left"] = np.asarray(left, dtype="float64") / _HOUR_NS
    out = out.sort_values(["due", "source_system", "ticket_id"], na_position="last",
                          ignore_index=True)
    return out[COLUMNS]
