import pandas as pd

from kpi import periods

T = pd.Timestamp


def test_week_start_and_cutoff():
    # 2026-11-18 is a Wednesday; its week is Mon 11-16 .. Mon 11-23.
    assert periods.week_start("2026-11-18 13:45") == T("2026-11-16")
    assert periods.week_start("2026-11-16 00:00") == T("2026-11-16")   # Monday 00:00 itself
    assert periods.week_start("2026-11-15 23:59:59") == T("2026-11-09")
    assert periods.cutoff("2026-11-18") == T("2026-11-23")
    assert periods.cutoff("2026-11-16") == T("2026-11-23")   # a Monday as-of: its week ends next Monday
    assert periods.cutoff("2026-11-22") == T("2026-11-23")   # Sunday


def test_last_weeks_oldest_first_and_ending_at_cutoff():
    weeks = periods.last_weeks(T("2026-11-23"), 3)
    assert weeks == [T("2026-11-02"), T("2026-11-09"), T("2026-11-16")]
    assert periods.week_label(weeks[-1]) == "2026-11-16"


def test_months():
    assert periods.month_bounds("2026-02-14") == (T("2026-02-01"), T("2026-03-01"))
    assert periods.last_months("2026-11-18", 3) == [T("2026-09-01"), T("2026-10-01"), T("2026-11-01")]
    # full months ending at or before the cut-off: November (ends 12-01) is not yet over.
    assert periods.full_months_before(T("2026-11-23"), 3) == [T("2026-08-01"), T("2026-09-01"), T("2026-10-01")]
    # a cut-off exactly on the 1st: the month that just ended counts.
    assert periods.full_months_before(T("2026-06-01"), 1) == [T("2026-05-01")]
    assert periods.month_label(T("2026-05-01")) == "2026-05"
