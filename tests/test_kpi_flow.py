"""Ticket flow per week and the median times per priority (kpi/flow.py): hand-worked cases
and the invariants that tie them to the backlog trend and the reopen rate."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from kpi import backlog, compliance, flow, reopen
from loaders import settings as settings_mod
from tests.kpi_frames import frames

T = pd.Timestamp
W1, W2 = T("2026-11-09"), T("2026-11-16")


def _settings(clock="business", country=""):
    s = settings_mod.load()
    s["sla"]["clock"] = clock
    s["sla"]["holidays_country"] = country
    return s


def _t(tid, created="2026-11-10 09:00", done=None, status="resolved", reopens=None,
       escalations=None, priority="P3", responded=None, closed=None):
    return {"source_system": "halopsa", "ticket_id": tid, "created_at": created,
            "resolved_at": done, "closed_at": closed, "status_class": status,
            "reopen_count": reopens, "escalation_count": escalations, "priority": priority,
            "first_response_at": responded}


FLOW = pd.DataFrame([
    _t("f1", done="2026-11-17 10:00", reopens=2, escalations=0),   # W2: closed, reopened
    _t("f2", done="2026-11-18 10:00", reopens=0, escalations=1),   # W2: closed, escalated
    _t("f3", done="2026-11-19 10:00", reopens=1, escalations=3,
       status="cancelled"),                                         # W2: closed, neither
    _t("f4", done="2026-11-16 00:00", reopens=None, escalations=None),  # W2 at its start
    _t("f5", created="2026-11-16 08:00", status="open", reopens=4),  # W2 new, still open
    _t("f6", created="2026-11-22 23:59", done="2026-11-23 00:00",
       reopens=1),                                                  # W2 new, done in W3
    _t("f7", done="2026-11-12 10:00", reopens=None, escalations=None),  # W1: count unknown
])


def test_ticket_flow_hand_worked():
    got = flow.ticket_flow(frames(tickets=FLOW), [W1, W2])
    # W1: new f1-f4, f7 (created 11-10) = 5; closed f7 = 1; f7's counts are unknown and it
    #     is the week's only done ticket -> reopened and escalated <NA>, not 0.
    # W2: new f5, f6 = 2; closed f1 f2 f3 f4 = 4 (cancelled f3 included, as the backlog's);
    #     of f1 f2 f4 (f3 cancelled): reopened f1 = 1, escalated f2 = 1 (f4 unknown).
    assert got["week"].tolist() == ["2026-11-09", "2026-11-16"]
    assert got["new"].tolist() == [5, 2]
    assert got["closed"].tolist() == [1, 4]
    assert got["reopened"].isna().tolist() == [True, False]
    assert got["reopened"].iloc[1] == 1 and got["escalated"].iloc[1] == 1
    assert got["escalated"].isna().tolist() == [True, False]
    # a week without a done ticket has 0, not <NA>
    empty_week = flow.ticket_flow(frames(tickets=FLOW), [T("2026-11-30")])
    assert empty_week[["new", "closed", "reopened", "escalated"]].iloc[0].tolist() == \
        [0, 0, 0, 0]


SPEED = pd.DataFrame([
    # P1 created Mon 16 09:00, responded 10:30 (1.5 h); resolved Tue 17 09:00: Mon 09-17
    # is 8 business hours + Tue 08-09 is 1 = 9 h.
    _t("s1", created="2026-11-16 09:00", responded="2026-11-16 10:30",
       done="2026-11-17 09:00", priority="P1"),
    # P1 created Fri 13 16:00, responded Mon 16 09:00: Fri 16-17 (1) + Mon 08-09 (1) = 2 h;
    # still open.
    _t("s2", created="2026-11-13 16:00", responded="2026-11-16 09:00", status="open",
       priority="P1"),
    # P1 created Mon 16 12:00, responded 12:30 (0.5 h).
    _t("s3", created="2026-11-16 12:00", responded="2026-11-16 12:30", status="open",
       priority="P1"),
    # no priority: responded Tue 17 08:00 after creation Mon 16 16:00: Mon 16-17 = 1 h
    _t("s4", created="2026-11-16 16:00", responded="2026-11-17 08:00", priority=None,
       status="open"),
    # P3 response logged before creation (data error): 0 h; resolved (closed only)
    # Wed 18 08:00 -> Thu 19 08:00 = 9 h
    _t("s5", created="2026-11-18 08:00", responded="2026-11-18 07:00", priority="P3",
       closed="2026-11-19 08:00", status="closed"),
    # P3 cancelled: left out of resolution
    _t("s6", created="2026-11-18 08:00", closed="2026-11-18 09:00", status="cancelled"),
    # responded in the week before: not counted
    _t("s7", created="2026-11-10 08:00", responded="2026-11-10 09:00", priority="P1",
       status="open"),
])


def test_median_times_on_the_business_clock_hand_worked():
    got = flow.median_times(frames(tickets=SPEED), W2, W2 + pd.Timedelta(days=7),
                            _settings()).set_index("priority")
    # P1 responses 1.5, 2, 0.5 -> median 1.5; P1 resolution s1 = 9
    assert got.loc["P1"].tolist() == [3, 1.5, 1, 9.0]
    # no priority: 1 response of 1 h, no resolution (NaN median)
    assert got.loc["(no priority)", ["responded", "median_response_hours",
                                     "resolved"]].tolist() == [1, 1.0, 0]
    assert math.isnan(got.loc["(no priority)", "median_resolution_hours"])
    # P3: the response before creation counts 0 h; the cancelled one is no resolution
    assert got.loc["P3"].tolist() == [1, 0.0, 1, 9.0]


def test_median_times_on_the_24x7_clock_hand_worked():
    got = flow.median_times(frames(tickets=SPEED), W2, W2 + pd.Timedelta(days=7),
                            _settings("24x7")).set_index("priority")
    # P1 responses 1.5 h, Fri 16:00 -> Mon 09:00 = 65 h, 0.5 h -> median 1.5;
    # resolution Mon 09:00 -> Tue 09:00 = 24 h
    assert got.loc["P1"].tolist() == [3, 1.5, 1, 24.0]
    assert got.loc["(no priority)", "median_response_hours"] == 16.0   # Mon 16 -> Tue 08
    assert got.loc["P3", "median_resolution_hours"] == 24.0


def test_speed_sits_beside_the_sla_targets_and_compliance():
    s = _settings()
    got = flow.by_priority(frames(tickets=SPEED), W2, W2 + pd.Timedelta(days=7), s)
    assert list(got.columns) == flow.SPEED_COLUMNS
    row = got.set_index("priority").loc["P1"]
    assert (row["response_target_hours"], row["resolution_target_hours"]) == (1.0, 4.0)
    # P1 response on time: 0.5 h only (1.5 and 2 h are over the 1 h target) -> 1 of 3
    assert row["response_percent"] == 100 / 3
    sla = compliance.sla_compliance(frames(tickets=SPEED), W2, W2 + pd.Timedelta(days=7), s)
    assert got["response_percent"].tolist() == sla["response_percent"].tolist()
    # a missing priority is held to P3's targets, as the SLA clock holds it
    assert got.set_index("priority").loc["(no priority)", "response_target_hours"] == 4.0


def test_sla_hours_across_a_holiday():
    # US Thanksgiving Thu 26 Nov 2026: Wed 25 16:00 -> Fri 27 09:00 = Wed 1 h + Fri 1 h
    got = flow.sla_hours(pd.Series([T("2026-11-25 16:00"), pd.NaT]),
                         pd.Series([T("2026-11-27 09:00"), T("2026-11-27 09:00")]),
                         _settings(country="US"))
    assert got.iloc[0] == 2.0 and math.isnan(got.iloc[1])


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60 * 24 * 27), st.one_of(st.none(),
                                                                   st.integers(0, 60 * 24 * 9)),
                          st.one_of(st.none(), st.integers(0, 3)),
                          st.one_of(st.none(), st.integers(0, 3)), st.booleans()),
                max_size=40))
def test_flow_agrees_with_the_backlog_and_the_reopen_rate(specs):
    base = dt.datetime(2026, 11, 2)
    rows = []
    for i, (created, took, reopens, escalations, cancelled) in enumerate(specs):
        c = base + dt.timedelta(minutes=created)
        rows.append(_t(str(i), created=c, done=None if took is None else
                       c + dt.timedelta(minutes=took), reopens=reopens,
                       escalations=escalations,
                       status="cancelled" if cancelled else ("open" if took is None
                                                             else "resolved")))
    data = frames(tickets=pd.DataFrame(rows, columns=list(_t("x").keys())))
    weeks = [T("2026-11-02"), T("2026-11-09"), T("2026-11-16"), T("2026-11-23")]
    got = flow.ticket_flow(data, weeks)
    trend = backlog.backlog_trend(data, weeks)
    assert got["new"].tolist() == trend["opened"].tolist()
    assert got["closed"].tolist() == trend["closed"].tolist()
    for i, week in enumerate(weeks):
        rate = reopen.reopen_rate(data, week, week + pd.Timedelta(days=7))
        assert (None if pd.isna(got["reopened"].iloc[i]) else got["reopened"].iloc[i]) == \
            (rate["reopened"] if rate["done"] else 0)
        for column in ("reopened", "escalated"):
            value = got[column].iloc[i]
            assert pd.isna(value) or 0 <= value <= got["closed"].iloc[i]
