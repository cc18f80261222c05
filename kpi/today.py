"""The daily SLA stand-up (SPEC "Who uses it"): at an instant ``now``, what needs a
person today.

    day = standup(frames, now, settings)
    day.past_due, day.due_soon, day.new_urgent, day.waiting     # ticket lists
    day.by_team(), day.by_assignee(), day.for_team("Infrastructure")

Decisions:

- Tickets are read as they are now (the store's current rows): the stand-up is about the
  present, not a week's cut-off.
- ``past_due``: tickets open at ``now`` whose resolution due time (``sla_clock``: the
  PSA's, else computed) is before ``now``, i.e. aged past SLA at ``now`` (``kpi.aged``);
  ``hours_over`` is the time since the due time on the SLA clock (business hours under
  the business clock, as ``breach`` counts ``hours_left``; else clock hours).
- ``due_soon``: ``breach.about_to_breach`` at ``now``: due at or after ``now`` and before
  the close of the next working day (``breach.horizon``), with ``hours_left``.
- A ticket whose ``status_class`` is ``waiting`` is in neither list (its PSA clock is
  paused while the customer or a vendor holds it, as in SPEC KPI 2) but in ``waiting``;
  ``sla.age_waiting = true`` lists it like any other as well.
- ``new_urgent``: P1 and P2 tickets created from the start (00:00) of the last working day
  before ``now``'s day up to ``now``, open or done: on a Tuesday since Monday 00:00, on a
  Monday since Friday 00:00 (Thursday when that Friday is a public holiday). Under the
  ``24x7`` clock (or with no business day) since yesterday 00:00.
- ``waiting``: tickets open at ``now`` whose ``status_class`` is ``waiting`` (waiting on the
  customer, a vendor or on hold: the status class doesn't tell them apart).
- Team is the team key (team, else board, else ``Unassigned``); a ticket with no assignee
  is counted under ``(unassigned)`` in ``by_assignee``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import aged, breach
from .backlog import open_at
from .frames import Frames
from .sla_clock import BusinessCalendar, sla_hours

URGENT = ("P1", "P2")
UNASSIGNED = "(unassigned)"
TICKET = ["source_system", "ticket_id", "summary", "client", "team", "assignee", "priority"]
PAST_DUE_COLUMNS = [*TICKET, "due", "hours_over"]
NEW_COLUMNS = [*TICKET, "created_at", "status"]
WAITING_COLUMNS = [*TICKET, "status", "created_at"]
COUNTS = ["past_due", "due_soon", "new_urgent", "waiting"]


def last_working_day(now, settings: dict) -> pd.Timestamp:
    """00:00 of the last working day before ``now``'s calendar day (see the notes)."""
    today = pd.Timestamp(now).normalize()
    sla = settings["sla"]
    if sla["clock"] == "24x7" or not sla["business_days"]:
        return today - pd.Timedelta(days=1)
    first = np.datetime64((today - pd.Timedelta(days=60)).date(), "D")
    cal = BusinessCalendar(settings, first, 60)   # the 60 days before today
    working = np.nonzero(cal.length > 0)[0]
    if not len(working):   # no working day in two months: a day's clock time
        return today - pd.Timedelta(days=1)
    return pd.Timestamp(cal.days[working[-1]])


@dataclass(frozen=True)
class Standup:
    now: pd.Timestamp
    horizon: pd.Timestamp   # the close of the next working day
    since: pd.Timestamp     # the start of the last working day
    past_due: pd.DataFrame
    due_soon: pd.DataFrame
    new_urgent: pd.DataFrame
    waiting: pd.DataFrame

    def teams(self) -> list[str]:
        """The teams with anything to say, by name."""
        names = set()
        for frame in (self.past_due, self.due_soon, self.new_urgent, self.waiting):
            names |= set(frame["team"])
        return sorted(names)

    def by_team(self) -> pd.DataFrame:
        """One row per team: past_due, due_soon, new_urgent, waiting (counts)."""
        counts = {name: getattr(self, name)["team"].value_counts() for name in COUNTS}
        out = pd.DataFrame(counts, index=pd.Index(self.teams(), name="team"))
        return out.fillna(0).astype(int).reset_index()

    def by_assignee(self) -> pd.DataFrame:
        """One row per team and assignee with a ticket past due or due soon: past_due,
        due_soon; most past due first."""
        keys = ["team", "assignee"]
        parts = [getattr(self, name)[keys].fillna({"assignee": UNASSIGNED})
                 .value_counts().rename(name) for name in ("past_due", "due_soon")]
        out = pd.concat(parts, axis=1).fillna(0).astype(int)
        out = out.reset_index() if len(out) else pd.DataFrame(columns=[*keys, "past_due",
                                                                       "due_soon"])
        return out.sort_values(["past_due", "due_soon", "team", "assignee"],
                               ascending=[False, False, True, True], ignore_index=True)

    def for_team(self, team: str | None) -> "Standup":
        if not team:
            return self
        mine = lambda f: f.loc[f["team"] == team].reset_index(drop=True)  # noqa: E731
        return replace(self, past_due=mine(self.past_due), due_soon=mine(self.due_soon),
                       new_urgent=mine(self.new_urgent), waiting=mine(self.waiting))


def _ticket_rows(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["source_system", "ticket_id", "summary", "client"]].copy()
    out["team"] = frame["team_key"]
    out["assignee"] = frame["assignee"]
    out["priority"] = frame["priority"]
    return out


def standup(frames: Frames, now, settings: dict) -> Standup:
    now = pd.Timestamp(now)
    t = frames.tickets
    is_waiting = t["status_class"].fillna("").str.lower().eq("waiting")
    open_now = open_at(frames, now).to_numpy()
    clock_runs = ~is_waiting.to_numpy() | bool(settings["sla"].get("age_waiting", False))
    on_clock = replace(frames, tickets=t.loc[open_now & clock_runs])

    late = aged.aged_tickets(on_clock, now, settings)
    late = late.loc[late["aged"]]
    past_due = _ticket_rows(late)
    past_due["due"] = late["due"].astype("datetime64[ns]")
    past_due["hours_over"] = sla_hours(late["due"], pd.Series(now, index=late.index),
                                       settings)
    past_due = past_due.sort_values(["due", "source_system", "ticket_id"], ignore_index=True)

    since = last_working_day(now, settings)
    created = t["created_at"]
    fresh = t.loc[(created >= since) & (created < now)
                  & t["priority"].str.upper().isin(URGENT).fillna(False)]
    new_urgent = _ticket_rows(fresh).assign(created_at=fresh["created_at"],
                                            status=fresh["status"])
    new_urgent = new_urgent.sort_values(["priority", "created_at"], ignore_index=True)

    held = t.loc[open_now & is_waiting.to_numpy()]
    waiting = _ticket_rows(held).assign(status=held["status"], created_at=held["created_at"])
    waiting = waiting.sort_values(["created_at", "ticket_id"], ignore_index=True)

    return Standup(now=now, horizon=breach.horizon(now, settings), since=since,
                   past_due=past_due[PAST_DUE_COLUMNS],
                   due_soon=breach.about_to_breach(on_clock, now, settings),
                   new_urgent=new_urgent[NEW_COLUMNS], waiting=waiting[WAITING_COLUMNS])
