"""Time-entry lag (SPEC "Supporting measures"): how long after the work day technicians
enter their time (``entered_at`` − work date).

Decisions:

- An entry counts when its ``work_date`` (the day) is in ``[start, end)`` and it has an
  ``entered_at``; entries without ``entered_at`` (exports that lack it) count nowhere.
- Lag is in **whole calendar days**: the date of ``entered_at`` minus the work date, so an
  entry typed in at 23:59 on the day worked has lag 0 and one typed at 00:01 the next day
  has lag 1. An entry entered *before* its work date (time planned ahead, or a clock
  mismatch) is taken as lag 0: it was not late.
- ``mean_days``, ``median_days``, ``p90_days`` (the 90th percentile with linear
  interpolation between the nearest ranks, pandas' default) over those lags;
  ``same_day_percent`` = 100 × entries with lag 0 ÷ ``n``. All ``None`` when ``n`` is 0.
- Per technician (``by_technician=True``): one row per technician with counted entries,
  sorted by name; an entry without a technician is listed under ``"(no technician)"``.
  Without it: one row for everybody.
"""
from __future__ import annotations

import pandas as pd

from .frames import Frames

NO_TECHNICIAN = "(no technician)"
STATS = ["n", "mean_days", "median_days", "p90_days", "same_day_percent"]


def entry_lags(frames: Frames, start, end) -> pd.DataFrame:
    """The counted entries: ``technician`` and ``lag_days`` (int)."""
    s, e = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    time_entries = frames.time_entries
    day = time_entries["work_date"].dt.normalize()
    entered = time_entries["entered_at"]
    keep = (day >= s) & (day < e) & entered.notna()
    lag = ((entered[keep].dt.normalize() - day[keep]).dt.days).clip(lower=0).astype("int64")
    tech = time_entries["technician"][keep].fillna(NO_TECHNICIAN)
    return pd.DataFrame({"technician": tech, "lag_days": lag}).reset_index(drop=True)


def _stats(lags: pd.Series) -> dict:
    n = int(len(lags))
    if n == 0:
        return {"n": 0, "mean_days": None, "median_days": None, "p90_days": None,
                "same_day_percent": None}
    values = lags.astype("float64")
    return {"n": n, "mean_days": float(values.mean()), "median_days": float(values.median()),
            "p90_days": float(values.quantile(0.9)),
            "same_day_percent": 100.0 * float((values == 0).sum()) / n}


def entry_lag(frames: Frames, start, end, by_technician: bool = False) -> pd.DataFrame:
    """Columns: [``technician``,] ``n``, ``mean_days``, ``median_days``, ``p90_days``,
    ``same_day_percent``."""
    lags = entry_lags(frames, start, end)
    if by_technician:
        rows = [{"technician": t, **_stats(g["lag_days"])}
                for t, g in lags.groupby("technician", sort=True)]
        columns = ["technician", *STATS]
    else:
        rows = [_stats(lags["lag_days"])]
        columns = STATS
    out = pd.DataFrame(rows, columns=columns)
    for col in STATS[1:]:
        out[col] = pd.Series([r[col] for r in rows], index=out.index, dtype="object")
    return out
