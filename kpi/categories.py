"""Top ticket categories of a span: the tickets created in ``[start, end)`` by category
(none → "Uncategorised"), with each one's share of the span's tickets; most tickets
first, ties by name."""
from __future__ import annotations

import pandas as pd

from .aged import UNCATEGORISED
from .frames import Frames

COLUMNS = ["category", "tickets", "share"]


def top_categories(frames: Frames, start, end, n: int) -> pd.DataFrame:
    t = frames.tickets
    created = t["created_at"]
    cats = t.loc[(created >= pd.Timestamp(start)) & (created < pd.Timestamp(end)),
                 "category"].fillna(UNCATEGORISED)
    total = len(cats)
    counts = cats.value_counts().rename_axis("category").reset_index(name="tickets")
    counts = counts.sort_values(["tickets", "category"], ascending=[False, True]).head(n)
    counts = counts.reset_index(drop=True).astype({"tickets": int, "category": object})
    counts["share"] = 100.0 * counts["tickets"] / total if total else 0.0
    return counts[COLUMNS]
