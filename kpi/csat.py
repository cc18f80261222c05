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

from .frames import Frames, ns
from .periods import WEEK, week_label

SMALL_N = 10
COLUMNS = ["period", "start", "end", "responses", "positive", "neutral", "negative",
           "percent_positive", "small_n"]


def csat_by_period(frames: Frames, bounds: Sequence[tuple], labels=None) -> pd.DataFrame:
    """One row per ``(start, end)`` in ``bounds``."""
    responses = frames.csat
    when = responses["responded_at"]
    rating = responses["rating"].fillna("").str.lower()
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


def csat_weekly(frames: Frames, weeks: Sequence) -> pd.DataFrame:
    """``csat_by_period`` over weeks given by their Monday starts, labelled YYYY-MM-DD."""
    starts = [pd.Timestamp(w) for w in weeks]
    return csat_by_period(frames, [(s, s + WEEK) for s in starts],
                          [week_label(s) for s in starts])


COMMENT_COLUMNS = ["responded_at", "client", "technician", "score_raw", "comment",
                   "source_system", "ticket_id"]


def negative_comments(frames: Frames, start, end) -> pd.DataFrame:
    """Negative responses in ``[start, end)``, newest first, with their comment."""
    csat = frames.csat
    when = csat["responded_at"]
    bad = csat[(csat["rating"] == "negative") & (when >= pd.Timestamp(start))
               & (when < pd.Timestamp(end))]
    return bad.sort_values("responded_at", ascending=False)[COMMENT_COLUMNS] \
        .reset_index(drop=True)
