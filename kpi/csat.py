"""CSAT per period (SPEC KPI 3).

A response counts in a period when its ``responded_at`` is in ``[start, end)``. Only
responses with a ``rating`` (positive / neutral / negative) count; one without a rating
or a time counts nowhere. ``percent_positive`` is 0–100, ``None`` when the period has no
responses; ``small_n`` flags fewer than ``SMALL_N`` (10) responses.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .columns import datetimes, ns, texts
from .periods import WEEK, week_label

SMALL_N = 10
COLUMNS = ["period", "start", "end", "responses", "positive", "neutral", "negative",
           "percent_positive", "small_n"]


def csat_by_period(responses: pd.DataFrame, bounds: Sequence[tuple], labels=None) \
        -> pd.DataFrame:
    """One row per ``(start, end)`` in ``bounds``."""
    when = datetimes(responses, "responded_at")
    rating = texts(responses, "rating").fillna("").astype(str).str.lower()
    keep = (when.notna() & rating.isin(["positive", "neutral", "negative"])).to_numpy()
    t = ns(when)[keep]
    r = rating.to_numpy()[keep]
    rows = []
    for i, (start, end) in enumerate(bounds):
        start, end = pd.Timestamp(start), pd.Timestamp(end)
        inside = (t >= start.value) & (t < end.value)
        counts = {k: int(np.sum(r[inside] == k)) for k in ("positive", "neutral", "negative")}
        n = int(inside.sum())
        rows.append({"period": labels[i] if labels is not None else str(start),
                     "start": start, "end": end, "responses": n, **counts,
                     "percent_positive": (100.0 * counts["positive"] / n) if n else None,
                     "small_n": n < SMALL_N})
    out = pd.DataFrame(rows, columns=COLUMNS)
    # object dtype keeps None (JSON null) for a period without responses, not NaN
    out["percent_positive"] = pd.Series([r["percent_positive"] for r in rows],
                                        index=out.index, dtype="object")
    return out


def csat_weekly(responses: pd.DataFrame, weeks: Sequence) -> pd.DataFrame:
    """``csat_by_period`` over weeks given by their Monday starts, labelled YYYY-MM-DD."""
    starts = [pd.Timestamp(w) for w in weeks]
    return csat_by_period(responses, [(s, s + WEEK) for s in starts],
                          [week_label(s) for s in starts])
