import datetime as dt

import holidays
import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from kpi import sla_clock
from loaders import settings as settings_mod
from tests.kpi_frames import frames

T = pd.Timestamp


def _settings(clock="business", country="US"):
    s = settings_mod.load()
    s["sla"]["clock"] = clock
    s["sla"]["holidays_country"] = country
    return s


# Business clock Mon-Fri 08:00-17:00; US Thanksgiving Thu 2026-11-26 does not count.
ROWS = pd.DataFrame([
    # P3 24 h: Wed 16-17 (1), Thu holiday, Fri 9 (10), Mon 11-30 9 (19), Tue 12-01 08-13 (24)
    {"created_at": T("2026-11-25 16:00"), "priority": "P3", "resolution_due_at": None},
    # P1 4 h from Saturday: Mon 11-30 08:00 + 4 = 12:00
    {"created_at": T("2026-11-28 10:00"), "priority": "P1", "resolution_due_at": None},
    # P2 8 h: Fri 16:30-17 (0.5), Mon 11-23 08:00 + 7.5 = 15:30
    {"created_at": T("2026-11-20 16:30"), "priority": "P2", "resolution_due_at": None},
    # missing priority -> P3 24 h: Mon 11-23 9, Tue 9 (18), Wed 08-14 (24)
    {"created_at": T("2026-11-23 08:00"), "priority": None, "resolution_due_at": None},
    # the PSA's due time wins over the computed one (P1 would give 11-23 12:00)
    {"created_at": T("2026-11-23 08:00"), "priority": "P1",
     "resolution_due_at": T("2026-11-24 10:00")},
    # before opening: Mon 07:00 + 4 h = 12:00
    {"created_at": T("2026-11-23 07:00"), "priority": "P1", "resolution_due_at": None},
    # at closing time: Tue 17:00 + 8 h = Wed 16:00
    {"created_at": T("2026-11-24 17:00"), "priority": "P2", "resolution_due_at": None},
    # no created time: no due time
    {"created_at": None, "priority": "P1", "resolution_due_at": None},
])
FIXTURE = frames(tickets=ROWS).tickets   # the typed tickets the KPI functions take


def test_resolution_due_business_clock():
    due = sla_clock.resolution_due(FIXTURE, _settings()).tolist()
    assert due[:7] == [T("2026-12-01 13:00"), T("2026-11-30 12:00"), T("2026-11-23 15:30"),
                       T("2026-11-25 14:00"), T("2026-11-24 10:00"), T("2026-11-23 12:00"),
                       T("2026-11-25 16:00")]
    assert pd.isna(due[7])


def test_without_holidays_thanksgiving_counts():
    # Wed 1, Thu 9 (10), Fri 9 (19), Mon 11-30 08-13 (24)
    due = sla_clock.resolution_due(FIXTURE.iloc[:1], _settings(country=""))
    assert due.iloc[0] == T("2026-11-30 13:00")


def test_resolution_due_24x7():
    due = sla_clock.resolution_due(FIXTURE, _settings(clock="24x7")).tolist()
    assert due[0] == T("2026-11-26 16:00")    # 24 h around the clock, holiday or not
    assert due[3] == T("2026-11-24 08:00")    # missing priority -> P3 (24 h)
    assert due[4] == T("2026-11-24 10:00")    # PSA value


def test_response_due_and_priority_without_target():
    tickets = frames(tickets=pd.DataFrame([
        # P1 response 1 h: Wed 16:30-17:00 (0.5), Thanksgiving, Fri 08:00-08:30
        {"created_at": T("2026-11-25 16:30"), "priority": "P1"},
        # P5 has no response target in the defaults: no due time
        {"created_at": T("2026-11-25 16:30"), "priority": "P5"},
        {"created_at": T("2026-11-25 16:30"), "priority": "P2", "response_due_at": T("2026-11-25 18:00")},
    ])).tickets
    due = sla_clock.response_due(tickets, _settings()).tolist()
    assert due[0] == T("2026-11-27 08:30")
    assert pd.isna(due[1])
    assert due[2] == T("2026-11-25 18:00")


def test_a_full_day_ends_at_closing_time():
    start = pd.Series([T("2026-11-23 08:00"), T("2026-11-23 08:00")])
    due = sla_clock.add_business_hours(start, [9, 9.5], _settings())
    assert due.tolist() == [T("2026-11-23 17:00"), T("2026-11-24 08:30")]


def _reference(created: pd.Timestamp, minutes: int, s: dict) -> pd.Timestamp:
    """Day-by-day walk: the slow, obvious business clock."""
    if minutes == 0:
        return created
    hol = _US
    days = s["sla"]["business_days"]
    remaining = pd.Timedelta(minutes=minutes)
    t = created
    while True:
        day = t.normalize()
        if day.strftime("%a") in days and day.date() not in hol:
            open_, close = day + pd.Timedelta(hours=8), day + pd.Timedelta(hours=17)
            begin = max(t, open_)
            if begin < close:
                if remaining <= close - begin:
                    return begin + remaining
                remaining -= close - begin
        t = day + pd.Timedelta(days=1)


_US = holidays.country_holidays("US", years=range(2024, 2030))
BASE = dt.datetime(2026, 10, 1)
S = _settings()


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60 * 24 * 120), st.integers(0, 60 * 300)),
                min_size=1, max_size=20))
def test_business_clock_matches_reference_and_invariants(items):
    created = pd.Series([T(BASE) + pd.Timedelta(minutes=c) for c, _ in items])
    minutes = [m for _, m in items]
    due = sla_clock.add_business_hours(created, [m / 60 for m in minutes], S)
    assert (due >= created).all()
    for c, m, d in zip(created, minutes, due):
        assert d == _reference(c, m, S)
    # adding 0 hours is the identity (inside business hours and, by design, outside too)
    same = sla_clock.add_business_hours(created, [0.0] * len(created), S)
    assert same.tolist() == created.tolist()


def test_placeholder_dates_and_bad_country():
    import pytest
    # placeholder dates arrive as text; the frames parse them and keep them in range
    rows = pd.DataFrame({"created_at": ["1066-10-14 00:00:00", "2026-11-25 16:00:00",
                                        "9999-12-31 00:00:00"],
                         "priority": ["P3", "P3", "P3"],
                         "resolution_due_at": [None, None, "9999-12-31 00:00:00"]})
    tickets = frames(tickets=rows).tickets
    due = sla_clock.resolution_due(tickets, _settings())
    assert due.iloc[1] == T("2026-12-01 13:00")           # unaffected by far-off neighbours
    assert due.iloc[2] == T("2100-01-01")                 # "never" stays far in the future
    with pytest.raises(ValueError, match="holidays_country"):
        sla_clock.resolution_due(tickets, _settings(country="XX"))
