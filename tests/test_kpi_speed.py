"""The weekly review's speed beside the SLA (kpi.flow.beside_sla), hand-worked, and the
week's flow (kpi.flow.weekly_flow) against the backlog trend and the reopen rate."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from kpi import backlog, compliance, flow, reopen
from loaders import settings as settings_mod
from tests.kpi_frames import frames

T = pd.Timestamp
WEEK = T("2026-11-16")


def _t(tid, created="2026-11-10 09:00", done=None, status="resolved", reopens=None,
       escalations=None, priority="P3", responded=None, closed=None):
    return {"source_system": "halopsa", "ticket_id": tid, "created_at": created,
            "resolved_at": done, "closed_at": closed, "status_class": status,
            "reopen_count": reopens, "escalation_count": escalations, "priority": priority,
            "first_response_at": responded}


SPEED = pd.DataFrame([
    # P1 created Mon 16 09:00, responded 10:30 (1.5 h), resolved Tue 17 09:00 (24 h)
    _t("s1", created="2026-11-16 09:00", responded="2026-11-16 10:30",
       done="2026-11-17 09:00", priority="P1"),
    # P1 created Fri 13 16:00, responded Mon 16 09:00 (65 h); open
    _t("s2", created="2026-11-13 16:00", responded="2026-11-16 09:00", status="open",
       priority="P1"),
    # P1 created Mon 16 12:00, responded 12:30 (0.5 h); open
    _t("s3", created="2026-11-16 12:00", responded="2026-11-16 12:30", status="open",
       priority="P1"),
    # no priority: created Mon 16 16:00, responded Tue 17 08:00 (16 h); open
    _t("s4", created="2026-11-16 16:00", responded="2026-11-17 08:00", priority=None,
       status="open"),
    # P3: response logged before creation (0 h); closed Thu 19 08:00 (24 h)
    _t("s5", created="2026-11-18 08:00", responded="2026-11-18 07:00",
       closed="2026-11-19 08:00", status="closed"),
    # P3 cancelled: no resolution
    _t("s6", created="2026-11-18 08:00", closed="2026-11-18 09:00", status="cancelled"),
    # responded the week before: not counted
    _t("s7", created="2026-11-10 08:00", responded="2026-11-10 09:00", priority="P1",
       status="open"),
])


def speed(start, end) -> pd.DataFrame:
    data, settings = frames(tickets=SPEED), settings_mod.load()
    return flow.beside_sla(flow.time_to(data, start, end, settings),
                           compliance.sla_compliance(data, start, end, settings), settings)


def test_speed_beside_the_sla_hand_worked():
    got = speed(WEEK, WEEK + pd.Timedelta(days=7))
    assert list(got.columns) == flow.SPEED_COLUMNS
    rows = {r["priority"]: r for r in got.to_dict("records")}
    assert list(rows) == ["(no priority)", "P1", "P3", "All priorities"]
    # P1: responses 1.5, 65, 0.5 h -> median 1.5; resolution 24 h. On the business clock
    # (Mon-Fri 08-17) only s3 answered within 1 h (s1 due 10:00, s2 due Fri 17:00): 1 of 3;
    # s1 was due Mon 13:00 (4 h) and resolved Tuesday: 0 of 1.
    # On the SLA clock: s1 answered in 1.5 h, s2 in 2 h (Fri 16-17, Mon 08-09), s3 in
    # 0.5 h -> 1.5; s1 resolved in 9 h (Mon 09-17, Tue 08-09).
    assert rows["P1"] == {"priority": "P1", "response_n": 3, "response_median_hours": 1.5,
                          "response_median_sla_hours": 1.5,
                          "response_target_hours": 1.0, "response_percent": 100 / 3,
                          "resolution_n": 1, "resolution_median_hours": 24.0,
                          "resolution_median_sla_hours": 9.0,
                          "resolution_target_hours": 4.0, "resolution_percent": 0.0}
    # No priority: held to P3's targets; due Mon 16:00 + 4 business h = Tue 11:00, answered
    # Tue 08:00: on time.
    assert rows["(no priority)"] == {
        "priority": "(no priority)", "response_n": 1, "response_median_hours": 16.0,
        "response_median_sla_hours": 1.0,   # Mon 16-17: the night doesn't count
        "response_target_hours": 4.0, "response_percent": 100.0, "resolution_n": 0,
        "resolution_median_hours": None, "resolution_median_sla_hours": None,
        "resolution_target_hours": 24.0, "resolution_percent": None}
    # P3: s5 answered "before" creation (0 h, on time); resolved in 24 clock hours, due
    # Wed 08:00 + 24 business h = Fri 14:00: on time. s6 cancelled: no resolution.
    assert (rows["P3"]["response_median_hours"], rows["P3"]["resolution_n"],
            rows["P3"]["resolution_percent"]) == (0.0, 1, 100.0)
    # ... in 9 business hours (Wed 08-17): well within 24, though 24 clock hours passed
    assert (rows["P3"]["response_median_sla_hours"],
            rows["P3"]["resolution_median_sla_hours"]) == (0.0, 9.0)
    # All: responses 0, 0.5, 1.5, 16, 65 -> 1.5; on time s3 s4 s5 of five = 60 %;
    # resolutions 24, 24 -> 24; on time s5 of s1 s5 = 50 %; no single target.
    assert rows["All priorities"] == {
        "priority": "All priorities", "response_n": 5, "response_median_hours": 1.5,
        "response_median_sla_hours": 1.0,   # 0, 0.5, 1, 1.5, 2
        "response_target_hours": None, "response_percent": 60.0, "resolution_n": 2,
        "resolution_median_hours": 24.0, "resolution_median_sla_hours": 9.0,
        "resolution_target_hours": None, "resolution_percent": 50.0}


def test_speed_of_an_empty_week():
    got = speed(T("2026-12-07"), T("2026-12-14"))
    assert got.to_dict("records") == [{
        "priority": "All priorities", "response_n": 0, "response_median_hours": None,
        "response_median_sla_hours": None,
        "response_target_hours": None, "response_percent": None, "resolution_n": 0,
        "resolution_median_hours": None, "resolution_median_sla_hours": None,
        "resolution_target_hours": None, "resolution_percent": None}]


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60 * 24 * 27),
                          st.one_of(st.none(), st.integers(0, 60 * 24 * 9)),
                          st.one_of(st.none(), st.integers(0, 3)),
                          st.one_of(st.none(), st.integers(0, 3)), st.booleans()),
                max_size=40))
def test_weekly_flow_agrees_with_the_backlog_and_the_reopen_rate(specs):
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
    got = flow.weekly_flow(data, weeks)
    trend = backlog.backlog_trend(data, weeks)
    assert got["opened"].tolist() == trend["opened"].tolist()
    assert (got["closed"] <= trend["closed"]).all()   # the backlog's closed counts cancels
    for i, week in enumerate(weeks):
        rate = reopen.reopen_rate(data, week, week + pd.Timedelta(days=7))
        assert got["closed"].iloc[i] == rate["done"]
        assert got["reopened"].iloc[i] == rate["reopened"]
        for column in ("reopened", "escalated"):
            value = got[column].iloc[i]
            assert value is None or 0 <= value <= got["closed"].iloc[i]
