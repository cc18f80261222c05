"""Backlog trend (SPEC KPI 1): per week opened, closed, open at the end, and the age
buckets of what is open at the end.

Decisions:

- A ticket is done at ``tickets.done_at`` (``frames.done_at``: resolved, else closed; a
  cancelled ticket when it was cancelled; never before it was created).
- Tickets without ``created_at`` cannot be placed in time and count nowhere.
- Age of an open ticket at the week end ``E`` = whole days elapsed,
  ``floor((E - created_at) / 24 h)``. Buckets: 0–2, 3–7, 8–14, 15–30, over 30 days.
  E.g. a ticket created 3 days minus one second before ``E`` is 2 days old.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .frames import Frames, ns
from .periods import WEEK, week_label

AGE_BUCKETS = ("age_0_2", "age_3_7", "age_8_14", "age_15_30", "age_over_30")
# Upper bounds (inclusive, whole days) of every bucket but the last.
_AGE_UPPER = np.array([2, 7, 14, 30])
_DAY_NS = 86_400 * 10**9
_NAT = np.iinfo("int64").min


def _arrays(tickets: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """created and done as int64 ns, tickets without created_at dropped; done NaT → +inf."""
    keep = tickets["created_at"].notna().to_numpy()
    c = ns(tickets["created_at"])[keep]
    d = ns(tickets["done_at"])[keep]
    d = np.where(d == _NAT, np.iinfo("int64").max, d)
    return c, d


def open_at(frames: Frames, instant) -> pd.Series:
    """Boolean per ticket: open at ``instant`` (created before it, not done before it)."""
    b = pd.Timestamp(instant)
    t = frames.tickets
    return (t["created_at"] < b) & (t["done_at"].isna() | (t["done_at"] >= b))


def backlog_trend(frames: Frames, weeks: Sequence) -> pd.DataFrame:
    """One row per week start in ``weeks`` (Monday 00:00 timestamps, e.g. from
    ``periods.last_weeks``): ``week`` (YYYY-MM-DD), ``start``, ``end``, ``opened``
    (created in ``[start, end)``), ``closed`` (done in ``[start, end)``), ``open_at_end``
    (open at ``end``) and the age buckets ``age_0_2`` .. ``age_over_30`` of the tickets
    open at ``end``, which sum to ``open_at_end``."""
    c, d = _arrays(frames.tickets)
    c_sorted = np.sort(c)
    d_sorted = np.sort(d)
    rows = []
    for week in weeks:
        start = pd.Timestamp(week)
        end = start + WEEK
        s, e = start.value, end.value
        opened = int(np.searchsorted(c_sorted, e, "left") - np.searchsorted(c_sorted, s, "left"))
        closed = int(np.searchsorted(d_sorted, e, "left") - np.searchsorted(d_sorted, s, "left"))
        is_open = (c < e) & (d >= e)
        ages = (e - c[is_open]) // _DAY_NS
        buckets = np.bincount(np.searchsorted(_AGE_UPPER, ages, "left"),
                              minlength=len(AGE_BUCKETS))
        rows.append({"week": week_label(start), "start": start, "end": end,
                     "opened": opened, "closed": closed, "open_at_end": int(is_open.sum()),
                     **{name: int(n) for name, n in zip(AGE_BUCKETS, buckets)}})
    columns = ["week", "start", "end", "opened", "closed", "open_at_end", *AGE_BUCKETS]
    return pd.DataFrame(rows, columns=columns)
