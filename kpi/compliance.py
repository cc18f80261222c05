"""SLA response and resolution compliance (SPEC "Supporting measures"): of the tickets
responded to / done in a period, the share on time, per priority, per team or both.

Decisions:

- Response: a ticket counts in ``response_n`` when its ``first_response_at`` is in
  ``[start, end)``; it is *met* when ``first_response_at <= response due``
  (``sla_clock.response_due``: the PSA's ``response_due_at``, else computed). Responding
  exactly at the due time is on time.
- Resolution: a ticket counts in ``resolution_n`` when its ``done_at``
  (resolved, else closed) is in ``[start, end)``; it is *met* when
  ``done_at <= resolution due`` (``sla_clock.resolution_due``: PSA due wins, else computed).
- A ticket with **no due time** (its priority has no target in the settings, e.g. P5 for
  response under the defaults, or no ``created_at`` to compute from) is excluded from
  ``n`` on that measure: it cannot be on time or late.
- **Cancelled** tickets (``status_class == "cancelled"``) are excluded from resolution:
  cancelling is not resolving (and ``done_at`` of a cancelled ticket may be only its last
  update). They still count for response when they were responded to.
- Groups: ``by`` is any of ``"priority"`` and ``"team"`` (``()`` gives one overall row).
  Priority is the ticket's ``priority`` upper-cased; a ticket without one is listed as
  ``"(no priority)"`` (its SLA target is P3's, as in ``sla_clock``). Team is
  the team key (team, else board, else ``"Unassigned"``).
- Only groups with at least one response or resolution in the period are listed, sorted
  by the group keys. ``*_percent`` is 0–100, ``None`` when that ``n`` is 0.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .frames import Frames
from .sla_clock import resolution_due, response_due

NO_PRIORITY = "(no priority)"
GROUP_KEYS = ("priority", "team")
MEASURES = ["response_n", "response_met", "response_percent",
            "resolution_n", "resolution_met", "resolution_percent"]


def _percent(met: int, n: int):
    return 100.0 * met / n if n else None


def sla_compliance(frames: Frames, start, end, settings: dict,
                   by: Sequence[str] = ("priority",)) -> pd.DataFrame:
    """One row per group: the ``by`` keys, then ``response_n``, ``response_met``,
    ``response_percent``, ``resolution_n``, ``resolution_met``, ``resolution_percent``."""
    keys = list(by)
    unknown = [k for k in keys if k not in GROUP_KEYS]
    if unknown:
        raise ValueError(f"sla_compliance can group by {GROUP_KEYS}, not {unknown}")
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    tickets = frames.tickets
    responded = tickets["first_response_at"]
    done = tickets["done_at"]
    cancelled = tickets["status_class"].fillna("").str.lower().eq("cancelled")
    in_resp = (responded >= s) & (responded < e)
    in_done = (done >= s) & (done < e) & ~cancelled
    frame = pd.DataFrame(index=tickets.index)
    frame["priority"] = tickets["priority"].str.upper().fillna(NO_PRIORITY)
    frame["team"] = tickets["team_key"]
    resp_due = pd.Series(pd.NaT, index=tickets.index, dtype="datetime64[ns]")
    res_due = resp_due.copy()
    # Only compute due times for the tickets that can count (the business clock is costly).
    if in_resp.any():
        resp_due[in_resp] = response_due(tickets.loc[in_resp], settings).to_numpy()
    if in_done.any():
        res_due[in_done] = resolution_due(tickets.loc[in_done], settings).to_numpy()
    frame["response_n"] = (in_resp & resp_due.notna()).astype(int)
    frame["response_met"] = (frame["response_n"].astype(bool)
                             & (responded <= resp_due)).astype(int)
    frame["resolution_n"] = (in_done & res_due.notna()).astype(int)
    frame["resolution_met"] = (frame["resolution_n"].astype(bool)
                               & (done <= res_due)).astype(int)
    frame = frame.loc[(frame["response_n"] + frame["resolution_n"]) > 0]
    counts = ["response_n", "response_met", "resolution_n", "resolution_met"]
    if keys:
        grouped = frame.groupby(keys, sort=True)[counts].sum().reset_index()
    else:
        grouped = pd.DataFrame([frame[counts].sum().to_dict()], columns=counts)
    rows = []
    for r in grouped.to_dict("records"):
        row = {k: r[k] for k in keys}
        for m in ("response", "resolution"):
            n, met = int(r[f"{m}_n"]), int(r[f"{m}_met"])
            row.update({f"{m}_n": n, f"{m}_met": met, f"{m}_percent": _percent(met, n)})
        rows.append(row)
    out = pd.DataFrame(rows, columns=keys + MEASURES)
    for m in ("response_percent", "resolution_percent"):
        # object dtype keeps None (JSON null) for an empty measure, not NaN
        out[m] = pd.Series([r[m] for r in rows], index=out.index, dtype="object")
    return out
