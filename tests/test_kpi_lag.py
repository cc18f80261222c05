import datetime as dt

import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from kpi import lag
from tests.kpi_frames import frames

T = pd.Timestamp
START, END = T("2026-11-02"), T("2026-11-09")


def _e(tech, day, entered):
    return {"technician": tech, "work_date": day, "entered_at": entered}


# Lag = date(entered_at) - work date, in whole days.
ENTRIES = pd.DataFrame([
    _e("Ann", "2026-11-02", "2026-11-02 23:59"),   # 0 (first day of the period)
    _e("Ann", "2026-11-03", "2026-11-04 00:01"),   # 1
    _e("Ann", "2026-11-06", "2026-11-10 09:00"),   # 4 (entered after the period: still counts)
    _e("Bob", "2026-11-08", "2026-11-08 10:00"),   # 0 (last day of the period)
    _e("Bob", "2026-11-09", "2026-11-09 10:00"),   # worked at END: outside
    _e("Bob", "2026-11-01", "2026-11-01 10:00"),   # before: outside
    _e("Bob", "2026-11-05", None),                 # no entered_at: counts nowhere
    _e(None, "2026-11-05", "2026-11-04 10:00"),    # entered the day before: lag 0
    _e("Bob", "2026-11-07", "2026-11-17 08:00"),   # 10
])
FRAMES = frames(time_entries=ENTRIES)


def test_lag_hand_worked():
    out = lag.entry_lag(FRAMES, START, END).iloc[0].to_dict()
    # lags sorted 0 0 0 1 4 10: mean 15/6 = 2.5, median (0 + 1)/2 = 0.5,
    # p90 at rank 0.9 * 5 = 4.5: 4 + 0.5 * (10 - 4) = 7; same day 3/6 = 50 %
    assert out == {"n": 6, "mean_days": 2.5, "median_days": 0.5, "p90_days": 7.0,
                   "same_day_percent": 50.0}


def test_lag_by_technician():
    out = lag.entry_lag(FRAMES, START, END, by_technician=True)
    assert out["technician"].tolist() == ["(no technician)", "Ann", "Bob"]
    rows = out.set_index("technician").to_dict("index")
    assert rows["(no technician)"] == {"n": 1, "mean_days": 0.0, "median_days": 0.0,
                                       "p90_days": 0.0, "same_day_percent": 100.0}
    # Ann 0 1 4: mean 5/3, median 1, p90 at rank 1.8: 1 + 0.8 * 3 = 3.4, same day 1/3
    ann = rows["Ann"]
    assert ann["n"] == 3 and ann["median_days"] == 1.0
    assert abs(ann["mean_days"] - 5 / 3) < 1e-9 and abs(ann["p90_days"] - 3.4) < 1e-9
    assert abs(ann["same_day_percent"] - 100 / 3) < 1e-9
    # Bob 0 10: mean 5, median 5, p90 at rank 0.9: 9, same day 50 %
    assert rows["Bob"] == {"n": 2, "mean_days": 5.0, "median_days": 5.0, "p90_days": 9.0,
                           "same_day_percent": 50.0}


def test_no_entries_or_no_entered_at():
    none = {"n": 0, "mean_days": None, "median_days": None, "p90_days": None,
            "same_day_percent": None}
    no_entered_at = frames(time_entries=ENTRIES.drop(columns="entered_at"))
    assert lag.entry_lag(no_entered_at, START, END).iloc[0].to_dict() == none
    no_entries = frames(time_entries=ENTRIES.iloc[:0])
    assert lag.entry_lag(no_entries, START, END).iloc[0].to_dict() == none
    assert lag.entry_lag(no_entries, START, END, by_technician=True).empty


@hsettings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Ann", "Bob", None]), st.integers(0, 20),
                          st.one_of(st.none(), st.integers(-60 * 24, 60 * 24 * 15))),
                max_size=30))
def test_invariants(specs):
    base = dt.datetime(2026, 10, 26)
    entries = pd.DataFrame([
        _e(t, base + dt.timedelta(days=d),
           None if m is None else base + dt.timedelta(days=d, minutes=m))
        for t, d, m in specs], columns=["technician", "work_date", "entered_at"])
    f = frames(time_entries=entries)
    total = lag.entry_lag(f, START, END).iloc[0]
    per = lag.entry_lag(f, START, END, by_technician=True)
    assert per["n"].sum() == total["n"]
    if total["n"]:
        assert 0 <= total["median_days"] <= total["p90_days"]
        assert total["mean_days"] >= 0
        assert 0.0 <= total["same_day_percent"] <= 100.0
        # the overall mean is the n-weighted mean of the technicians' means
        weighted = sum(r.n * r.mean_days for r in per.itertuples()) / total["n"]
        assert abs(weighted - total["mean_days"]) < 1e-9
