"""Reopen rate (SPEC "Supporting measures"): of the tickets done in a period, the share
that were reopened.

Decisions:

- A ticket counts when its ``done_at`` (resolved, else closed) is in
  ``[start, end)``. **Cancelled** tickets are left out (a cancellation is not a
  resolution that could prove premature), as in ``compliance``.
- Reopened = ``reopen_count > 0``, the PSA's own count as of the export. A ticket that was
  reopened and is open again at export time has no ``done_at`` and is not counted until it
  is done again.
- A ticket whose ``reopen_count`` is missing is **excluded** from ``n`` (its reopen state is
  unknown; in a store mixing PSAs, the one that does not export the count must not dilute
  the rate). ``done`` reports all tickets done in the period for context.
- When no ticket done in the period has a ``reopen_count`` (e.g. the export has no such
  column, all null) ``n`` is 0 and ``reopened`` and ``percent`` are ``None``: the measure
  is not available, rather than 0 %.
- ``percent`` is 0–100.
"""
from __future__ import annotations

import pandas as pd

from .frames import Frames


def reopen_rate(frames: Frames, start, end) -> dict:
    """``{"done", "n", "reopened", "percent"}`` for the period ``[start, end)``."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    tickets = frames.tickets
    done = tickets["done_at"]
    cancelled = tickets["status_class"].fillna("").str.lower().eq("cancelled")
    inside = (done >= s) & (done < e) & ~cancelled
    count = tickets["reopen_count"][inside].astype("float64")
    known = count.dropna()
    n = int(len(known))
    if n == 0:
        return {"done": int(inside.sum()), "n": 0, "reopened": None, "percent": None}
    reopened = int((known > 0).sum())
    return {"done": int(inside.sum()), "n": n, "reopened": reopened,
            "percent": 100.0 * reopened / n}
