"""Ticket flow (kpi.flow): median times to first response and resolution by priority, and
new, closed, reopened and escalated per week, on hand-worked tickets."""
from __future__ import annotations

import pandas as pd

from kpi import flow
from tests.kpi_frames import frames

T = pd.Timestamp
# Week of Mon 2026-03-02; the next week starts 2026-03-09.
TICKETS = [
    # P1: responded after 1 h, resolved after 5 h; reopened once
    {"ticket_id": "A", "priority": "P1", "created_at": "2026-03-02 09:00",
     "first_response_at": "2026-03-02 10:00", "resolved_at": "2026-03-02 14:00",
     "status_class": "resolved", "reopen_count": 1, "escalation_count": 0},
    # P1: responded after 3 h, resolved after 27 h; escalated twice
    {"ticket_id": "B", "priority": "P1", "created_at": "2026-03-03 09:00",
     "first_response_at": "2026-03-03 12:00", "resolved_at": "2026-03-04 12:00",
     "status_class": "resolved", "reopen_count": 0, "escalation_count": 2},
    # P3: responded after 2 h, still open
    {"ticket_id": "C", "priority": "P3", "created_at": "2026-03-04 08:00",
     "first_response_at": "2026-03-04 10:00", "status_class": "open"},
    # no priority: cancelled a day later: counts in no resolution and no "closed"
    {"ticket_id": "D", "created_at": "2026-03-05 08:00", "closed_at": "2026-03-06 08:00",
     "status_class": "cancelled", "reopen_count": 0},
    # P3: created the week before, responded this week after 72 h, closed the next week
    {"ticket_id": "E", "priority": "p3", "created_at": "2026-02-27 10:00",
     "first_response_at": "2026-03-02 10:00", "closed_at": "2026-03-10 10:00",
     "status_class": "closed"},
]


def test_median_times_by_priority():
    out = flow.time_to(frames(tickets=TICKETS), T("2026-03-02"), T("2026-03-09"))
    rows = {r["priority"]: r for r in out.to_dict("records")}
    # P1: responses 1 h and 3 h -> median 2; resolutions 5 h and 27 h -> median 16
    assert rows["P1"] == {"priority": "P1", "response_n": 2, "response_median_hours": 2.0,
                          "resolution_n": 2, "resolution_median_hours": 16.0}
    # P3: C after 2 h and E after 72 h -> median 37; nothing resolved this week
    assert rows["P3"] == {"priority": "P3", "response_n": 2, "response_median_hours": 37.0,
                          "resolution_n": 0, "resolution_median_hours": None}
    # all: responses 1, 2, 3, 72 -> median 2.5; resolutions 5, 27 -> 16 (D cancelled)
    assert rows["All priorities"]["response_median_hours"] == 2.5
    assert rows["All priorities"]["resolution_n"] == 2
    assert list(rows) == ["P1", "P3", "All priorities"]


def test_weekly_flow_counts_reopens_and_escalations_among_the_done():
    out = flow.weekly_flow(frames(tickets=TICKETS), [T("2026-03-02"), T("2026-03-09")])
    assert out.to_dict("records") == [
        # opened A B C D; closed A B (D cancelled); A reopened, B escalated
        {"week": "2026-03-02", "opened": 4, "closed": 2, "reopened": 1, "escalated": 1},
        # E closed; it carries no counts, so reopened and escalated are unknown, not 0
        {"week": "2026-03-09", "opened": 0, "closed": 1, "reopened": None, "escalated": None},
    ]
