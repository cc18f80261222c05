"""Report periods: weeks (Monday 00:00 to next Monday 00:00, named by the Monday), the
report cut-off, calendar months. Every interval is half-open ``[start, end)``."""
from __future__ import annotations

import pandas as pd

WEEK = pd.Timedelta(days=7)


def week_start(when) -> pd.Timestamp:
    """The Monday 00:00 that starts ``when``'s week (a Monday 00:00 is its own start)."""
    ts = pd.Timestamp(when).normalize()
    return ts - pd.Timedelta(days=ts.weekday())


def cutoff(as_of) -> pd.Timestamp:
    """The cut-off of a report for date ``as_of``: the Monday 00:00 that ends its week.

    For a Monday as-of date that is the following Monday (the as-of day's week ends then).
    """
    return week_start(as_of) + WEEK


def last_weeks(cut: pd.Timestamp, n: int) -> list[pd.Timestamp]:
    """Week starts of the ``n`` weeks that end at or before ``cut``, oldest first; the last
    one is the week ending exactly at ``cut`` (``cut`` must be a Monday 00:00)."""
    cut = pd.Timestamp(cut)
    if cut != week_start(cut):
        raise ValueError(f"cut-off {cut} is not a Monday 00:00")
    return [cut - WEEK * k for k in range(n, 0, -1)]


def month_start(when) -> pd.Timestamp:
    ts = pd.Timestamp(when)
    return pd.Timestamp(ts.year, ts.month, 1)


def month_bounds(month) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[first day 00:00, first day of next month 00:00)`` for a month given as any
    timestamp in it, a ``pd.Period`` or ``"YYYY-MM"``."""
    if isinstance(month, pd.Period):
        month = month.start_time
    start = month_start(month)
    return start, start + pd.DateOffset(months=1)


def last_months(as_of, n: int = 12) -> list[pd.Timestamp]:
    """Month starts of the ``n`` calendar months up to the one holding ``as_of``,
    oldest first."""
    last = month_start(as_of)
    return [last - pd.DateOffset(months=k) for k in range(n - 1, -1, -1)]


def full_months_before(cut, n: int) -> list[pd.Timestamp]:
    """Month starts of the last ``n`` calendar months that end at or before ``cut``,
    oldest first (a month ends at the first day 00:00 of the next month)."""
    cut = pd.Timestamp(cut)
    last_end = month_start(cut)  # the latest month end <= cut
    return [last_end - pd.DateOffset(months=k) for k in range(n, 0, -1)]


def month_label(start) -> str:
    return pd.Timestamp(start).strftime("%Y-%m")


def week_label(start) -> str:
    return pd.Timestamp(start).strftime("%Y-%m-%d")
