import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from kpi import breach, sla_clock
from kpi import frames as kpi_frames
from loaders import settings as settings_mod
from tests.kpi_frames import frames, table

T = pd.Timestamp
NOW = T("2026-11-25 10:00")   # Wednesday before US Thanksgiving (Thu 11-26)


def _settings(clock="business", country="US"):
    s = settings_mod.load()
    s["sla"]["clock"] = clock
    s["sla"]["holidays_country"] = country
    return s


def _t(tid, created="2026-11-20 09:00", priority="P1", due=None, resolved=None,
       team="SD", board=None):
    return {"source_system": "halopsa", "ticket_id": tid, "summary": f"ticket {tid}",
            "client": "Acme", "team": team, "board": board, "assignee": "Ann",
            "priority": priority, "created_at": created, "resolution_due_at": due,
            "resolved_at": resolved, "closed_at": None, "status_class": "open"}


# Business clock Mon-Fri 08-17, US holidays: from Wed 10:00 the next business day after
# Wednesday is Friday (Thursday is Thanksgiving): horizon Fri 11-27 17:00.
FIXTURE = pd.DataFrame([
    _t("b1", due="2026-11-25 10:00"),     # due exactly now: listed, 0 h left
    _t("b2", due="2026-11-25 09:59"),     # already past due: not listed
    # Fri 16:59: Wed 10-17 (7) + Thu holiday + Fri 08:00-16:59 (8 h 59 min)
    _t("b3", due="2026-11-27 16:59"),
    _t("b4", due="2026-11-27 17:00"),     # at the horizon: not listed
    # P1 4 h from Wed 09:00 -> 13:00: 3 h left; no team -> board
    _t("b5", created="2026-11-25 09:00", team=None, board="Net"),
    # P2 8 h from Wed 09:30: Wed 7.5, Thu holiday, Fri 08:00 + 0.5 -> Fri 08:30;
    # left: Wed 10-17 (7) + Fri 08:00-08:30 (0.5) = 7.5
    _t("b6", created="2026-11-25 09:30", priority="P2"),
    _t("b7", due="2026-11-25 12:00", resolved="2026-11-25 09:30"),   # done before now
    _t("b8", due="2026-11-25 12:00", resolved="2026-11-25 10:00"),   # done at now: still open
    _t("b9", created="2026-11-25 11:00"),                             # created after now
    _t("b10", created="2026-11-24 09:00", priority="P5"),            # 240 h: far off
    _t("b11", due="2026-11-26 12:00"),    # due on the holiday: Wed 10-17 = 7 h left
])
FRAMES = frames(tickets=FIXTURE)


def test_about_to_breach_business_clock_with_holiday():
    out = breach.about_to_breach(FRAMES, NOW, _settings())
    assert list(out.columns) == breach.COLUMNS
    assert out["ticket_id"].tolist() == ["b1", "b8", "b5", "b11", "b6", "b3"]
    left = dict(zip(out["ticket_id"], out["hours_left"]))
    assert left["b1"] == 0.0 and left["b8"] == 2.0 and left["b5"] == 3.0
    assert left["b11"] == 7.0 and left["b6"] == 7.5
    assert abs(left["b3"] - (15 + 59 / 60)) < 1e-9
    row = out.set_index("ticket_id").loc["b5"]
    assert (row["team"], row["client"], row["assignee"], row["priority"], row["summary"],
            row["source_system"], row["due"]) == ("Net", "Acme", "Ann", "P1", "ticket b5",
                                                  "halopsa", T("2026-11-25 13:00"))


def test_horizon_rules():
    s = _settings()
    assert breach.horizon(T("2026-11-24 10:00"), s) == T("2026-11-25 17:00")   # Tue -> Wed
    assert breach.horizon(T("2026-11-24 07:00"), s) == T("2026-11-25 17:00")   # before opening
    assert breach.horizon(NOW, s) == T("2026-11-27 17:00")                     # skips holiday
    assert breach.horizon(T("2026-11-20 16:00"), s) == T("2026-11-23 17:00")   # Fri -> Mon
    assert breach.horizon(T("2026-11-21 12:00"), s) == T("2026-11-23 17:00")   # Sat -> Mon
    assert breach.horizon(NOW, _settings(country="")) == T("2026-11-26 17:00")
    assert breach.horizon(NOW, _settings(clock="24x7")) == T("2026-11-26 10:00")


def test_weekend():
    now = T("2026-11-21 12:00")   # Saturday; horizon Mon 11-23 17:00
    tickets = pd.DataFrame([
        _t("w1", due="2026-11-23 16:00"),                      # Mon 08-16: 8 business hours
        _t("w2", due="2026-11-22 20:00"),                      # Sunday: no business time left
        _t("w3", due="2026-11-24 09:00"),                      # Tuesday: beyond the horizon
        _t("w4", created="2026-11-20 16:00", priority="P2"),   # Fri 1 + Mon 7 -> Mon 15:00
    ])
    out = breach.about_to_breach(frames(tickets=tickets), now, _settings(country=""))
    assert out["ticket_id"].tolist() == ["w2", "w4", "w1"]
    assert out["hours_left"].tolist() == [0.0, 7.0, 8.0]


def test_24x7():
    out = breach.about_to_breach(FRAMES, NOW, _settings(clock="24x7"))
    # horizon Thu 10:00; b5 due 13:00 (3 h), b6 09:30 + 8 h = 17:30 (7.5 clock hours);
    # b11 (Thu 12:00) and b3 (Fri) are beyond it
    assert out["ticket_id"].tolist() == ["b1", "b8", "b5", "b6"]
    assert out["hours_left"].tolist() == [0.0, 2.0, 3.0, 7.5]


def test_nothing_open_and_text_timestamps():
    out = breach.about_to_breach(frames(tickets=FIXTURE.iloc[:0]), NOW, _settings())
    assert out.empty and list(out.columns) == breach.COLUMNS
    # SQLite hands timestamps back as text: the frames parse them once, at the boundary
    text = FIXTURE.astype("object")
    typed = FIXTURE.copy()
    for col in ("created_at", "resolution_due_at", "resolved_at", "closed_at"):
        typed[col] = pd.to_datetime(typed[col]).astype("datetime64[ns]")
    pd.testing.assert_frame_equal(
        breach.about_to_breach(frames(tickets=text), NOW, _settings()),
        breach.about_to_breach(frames(tickets=typed), NOW, _settings()))
    # ... and the KPI input itself refuses untyped times, naming the column
    tables = {name: table(name) for name in kpi_frames.TABLES.values()}
    tables["tickets"] = table("tickets", FIXTURE).astype({"resolution_due_at": "object"})
    with pytest.raises(kpi_frames.FramesError, match="resolution_due_at"):
        kpi_frames.make(tables, _settings())


@hsettings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60 * 24 * 10), st.sampled_from(["P1", "P2", "P3"]),
                          st.one_of(st.none(), st.integers(0, 60 * 24 * 10))), max_size=25),
       st.integers(0, 60 * 24 * 7), st.sampled_from(["business", "24x7"]))
def test_invariants(specs, now_min, clock):
    base = dt.datetime(2026, 11, 16)
    now = T(base) + pd.Timedelta(minutes=now_min)
    tickets = table("tickets", pd.DataFrame([
        _t(str(i), created=base + dt.timedelta(minutes=c), priority=p,
           resolved=None if d is None else base + dt.timedelta(minutes=c + d))
        for i, (c, p, d) in enumerate(specs)], columns=list(_t("x").keys())))
    s = _settings(clock=clock)
    out = breach.about_to_breach(frames(tickets=tickets, settings=s), now, s)
    end = breach.horizon(now, s)
    assert ((out["due"] >= now) & (out["due"] < end)).all()
    assert out["due"].is_monotonic_increasing
    assert (out["hours_left"] >= 0).all()
    clock_hours = (out["due"] - now) / pd.Timedelta(hours=1)
    assert (out["hours_left"] <= clock_hours + 1e-9).all()
    # every open ticket due in the window is listed
    due = sla_clock.resolution_due(tickets, s)
    created = pd.to_datetime(tickets["created_at"])
    done = pd.to_datetime(tickets["resolved_at"])
    expected = (created < now) & (done.isna() | (done >= now)) & (due >= now) & (due < end)
    assert sorted(out["ticket_id"]) == sorted(tickets.loc[expected, "ticket_id"])
