"""The daily stand-up (kpi/today.py): a hand-worked day after US Thanksgiving, the last
working day, waiting tickets, and invariants of the counts."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from kpi import today
from loaders import settings as settings_mod
from tests.kpi_frames import frames

T = pd.Timestamp
NOW = T("2026-11-27 09:00")   # Friday after Thanksgiving (Thu 26, a US holiday)


def _settings(clock="business", country="US", age_waiting=False):
    s = settings_mod.load()
    s["sla"].update(clock=clock, holidays_country=country, age_waiting=age_waiting)
    return s


def _t(tid, due=None, created="2026-11-20 09:00", priority="P3", status="open", done=None,
       team="Desk", assignee="Ann"):
    return {"source_system": "halopsa", "ticket_id": tid, "summary": f"ticket {tid}",
            "client": "Acme", "team": team, "assignee": assignee, "priority": priority,
            "created_at": created, "resolution_due_at": due, "resolved_at": done,
            "status_class": status, "status": status.title()}


DAY = pd.DataFrame([
    _t("p1", due="2026-11-26 12:00"),                      # past due
    _t("p2", due="2026-11-25 10:00", status="waiting"),     # waiting: not past due
    _t("p3", due="2026-11-30 16:00", team="Infra", assignee=None),   # due soon
    _t("p4", due="2026-11-30 17:00"),                      # at the horizon: not listed
    _t("p5", due="2026-11-25 10:00", done="2026-11-26 10:00", status="resolved"),  # done
    _t("p6", created="2026-11-25 00:00", priority="P1", due="2026-11-25 04:00",
       done="2026-11-25 03:00", status="resolved"),        # new P1 (done), at `since`
    _t("p7", created="2026-11-24 23:59", priority="P2", due="2026-12-09 00:00"),  # too old
    _t("p8", created="2026-11-27 09:00", priority="P2", due="2026-12-09 00:00"),  # at now
    _t("p9", created="2026-11-26 10:00", priority="P3", due="2026-12-09 00:00"),  # not P1/2
    _t("p10", due="2026-11-30 10:00", status="waiting", team="Infra"),   # waiting
    _t("p11", due="2026-11-20 10:00", assignee=None, team="Infra"),      # past due
    _t("p12", created="2026-11-26 20:00", priority="p2", due="2026-12-09 00:00",
       team="Infra"),                                      # new P2 (lower-case priority)
])


def test_the_stand_up_hand_worked():
    day = today.standup(frames(tickets=DAY), NOW, _settings())
    # Thursday is a holiday: the last working day before Friday is Wednesday 25; the next
    # after it Monday 30, closing at 17:00.
    assert (day.since, day.horizon) == (T("2026-11-25"), T("2026-11-30 17:00"))
    assert day.past_due["ticket_id"].tolist() == ["p11", "p1"]   # by due time
    # p1: due Thu 12:00 (holiday) -> Fri 08:00-09:00 = 1 h over on the business clock;
    # p11: due Fri 20 10:00 -> Fri 20 10-17 (7) + Mon-Wed 23-25 (27) + Fri 27 08-09 (1) = 35
    assert day.past_due["hours_over"].tolist() == [35.0, 1.0]
    assert day.due_soon["ticket_id"].tolist() == ["p3"]
    assert day.due_soon["hours_left"].tolist() == [16.0]   # Fri 09-17 (8) + Mon 08-16 (8)
    assert day.new_urgent["ticket_id"].tolist() == ["p6", "p12"]
    assert day.new_urgent["status"].tolist() == ["Resolved", "Open"]
    assert day.waiting["ticket_id"].tolist() == ["p10", "p2"]   # same creation: by id
    assert day.teams() == ["Desk", "Infra"]
    assert day.by_team().to_dict("records") == [
        {"team": "Desk", "past_due": 1, "due_soon": 0, "new_urgent": 1, "waiting": 1},
        {"team": "Infra", "past_due": 1, "due_soon": 1, "new_urgent": 1, "waiting": 1}]
    assert day.by_assignee().to_dict("records") == [   # most past due, then due soon
        {"team": "Infra", "assignee": "(unassigned)", "past_due": 1, "due_soon": 1},
        {"team": "Desk", "assignee": "Ann", "past_due": 1, "due_soon": 0}]
    infra = day.for_team("Infra")
    assert (len(infra.past_due), len(infra.due_soon), len(infra.waiting)) == (1, 1, 1)
    assert day.for_team(None) is day


def test_waiting_tickets_age_when_the_settings_say_so():
    day = today.standup(frames(tickets=DAY), NOW, _settings(age_waiting=True))
    assert day.past_due["ticket_id"].tolist() == ["p11", "p2", "p1"]
    assert day.due_soon["ticket_id"].tolist() == ["p10", "p3"]
    assert day.waiting["ticket_id"].tolist() == ["p10", "p2"]   # still counted as waiting


@pytest.mark.parametrize("now,clock,since", [
    ("2026-11-24 09:00", "business", "2026-11-23"),   # Tuesday: since Monday
    ("2026-11-23 09:00", "business", "2026-11-20"),   # Monday: since Friday
    ("2026-11-22 15:00", "business", "2026-11-20"),   # Sunday: since Friday
    ("2026-11-27 09:00", "business", "2026-11-25"),   # Friday after Thanksgiving
    ("2026-11-23 09:00", "24x7", "2026-11-22"),       # around the clock: yesterday
])
def test_the_last_working_day(now, clock, since):
    assert today.last_working_day(T(now), _settings(clock)) == T(since)


def test_an_empty_store_has_an_empty_day():
    day = today.standup(frames(), NOW, _settings())
    assert day.teams() == [] and day.by_team().empty and day.by_assignee().empty
    assert list(day.past_due.columns) == today.PAST_DUE_COLUMNS


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60 * 24 * 20), st.integers(-60 * 24 * 10, 60 * 24 * 10),
                          st.sampled_from(["open", "waiting", "resolved"]),
                          st.sampled_from(["P1", "P2", "P3", None]),
                          st.sampled_from(["A", "B"]), st.sampled_from(["Ann", None])),
                max_size=30))
def test_the_counts_add_up(specs):
    base = dt.datetime(2026, 11, 10)
    rows = [_t(str(i), created=base + dt.timedelta(minutes=c),
               due=NOW + dt.timedelta(minutes=d), status=s, priority=p, team=team,
               assignee=a, done=NOW - dt.timedelta(hours=1) if s == "resolved" else None)
            for i, (c, d, s, p, team, a) in enumerate(specs)]
    day = today.standup(frames(tickets=pd.DataFrame(rows, columns=list(_t("x").keys()))),
                        NOW, _settings())
    by_team = day.by_team()
    for name in today.COUNTS:
        assert by_team[name].sum() == len(getattr(day, name))
    by_assignee = day.by_assignee()
    assert by_assignee["past_due"].sum() == len(day.past_due)
    assert by_assignee["due_soon"].sum() == len(day.due_soon)
    # nothing is both past due and due soon; waiting tickets are in neither
    ids = lambda f: set(f["ticket_id"])  # noqa: E731
    assert not ids(day.past_due) & ids(day.due_soon)
    assert not (ids(day.past_due) | ids(day.due_soon)) & ids(day.waiting)
    assert (day.past_due["due"] < NOW).all() and (day.past_due["hours_over"] >= 0).all()
    assert ((day.due_soon["due"] >= NOW) & (day.due_soon["due"] < day.horizon)).all()


def test_sla_hours_across_a_holiday():
    # US Thanksgiving Thu 26 Nov 2026: Wed 25 16:00 -> Fri 27 09:00 = Wed 1 h + Fri 1 h;
    # around the clock 41 h; a missing end is NaN, an end before the start 0
    start = pd.Series([T("2026-11-25 16:00"), T("2026-11-25 16:00"), T("2026-11-25 16:00")])
    end = pd.Series([T("2026-11-27 09:00"), pd.NaT, T("2026-11-25 15:00")])
    business = today.sla_hours(start, end, _settings())
    assert business.iloc[0] == 2.0 and pd.isna(business.iloc[1]) and business.iloc[2] == 0
    assert today.sla_hours(start, end, _settings("24x7")).iloc[0] == 41.0
