"""SLA response and resolution compliance (SPEC "Supporting measures"): of the tickets
responded to / done in a period, the share on time, per priority, per team or both.

Decisions:

- Response: a ticket counts in ``response_n`` when its ``first_response_at`` is in
  ``[start, end)``; it is *met* when ``first_response_at <= response due``
  (``sla_clock.response_due``: the PSA's ``response_due_at``, else computed). Responding
  exactly at the due time is on time.
- Resolution: a ticket counts in ``resolution_n`` when its ``done_at``
  (resolved, else closed) is in ``[start, end)``. Where the export carries the PSA's own
  verdict (``sla_met``), that verdict says whether it was met (SPEC: the PSA knows its
  pauses, calendars and contract exceptions; Cadence's clock does not); else it is *met*
  when ``done_at <= resolution due`` (``sla_clock.resolution_due``: the PSA's due time
  wins, else Cadence computes one). ``resolution_psa_n`` counts the tickets judged by
  the PSA's verdict and ``resolution_computed_n`` those judged against a due time Cadence
  computed itself (``response_computed_n`` likewise; with ``basis=True``), so a page can
  say whose clock it is.
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
BASIS = ["response_computed_n", "resolution_psa_n", "resolution_computed_n"]


def _percent(met: int, n: int):
    return 100.0 * met / n if n else None


def sla_compliance(frames: Frames, start, end, settings: dict,
                   by: Sequence[str] = ("priority",), basis: bool = False) -> pd.DataFrame:
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
    verdict = tickets["sla_met"]
    by_psa = in_done & verdict.notna()
    frame["response_n"] = (in_resp & resp_due.notna()).astype(int)
    frame["response_met"] = (frame["response_n"].astype(bool)
                             & (responded <= resp_due)).astype(int)
    frame["response_computed_n"] = (frame["response_n"].astype(bool)
                                    & tickets["response_due_at"].isna()).astype(int)
    by_clock = in_done & ~by_psa & res_due.notna()
    frame["resolution_n"] = (by_psa | by_clock).astype(int)
    frame["resolution_met"] = ((by_psa & verdict.fillna(False).astype(bool))
                               | (by_clock & (done <= res_due))).astype(int)
    frame["resolution_psa_n"] = by_psa.astype(int)
    frame["resolution_computed_n"] = (by_clock & tickets["resolution_due_at"].isna()
                                      ).astype(int)
    frame = frame.loc[(frame["response_n"] + frame["resolution_n"]) > 0]
    counts = ["response_n", "response_met", "resolution_n", "resolution_met", *BASIS]
    if keys:
        grouped = frame.groupby(keys, sort=True)[counts].sum().reset_index()
    else:
        grouped = pd.DataFrame([frame[counts].sum().to_dict()], columns=counts)
    rows = []
    for r in grouped.to_dict("records"):   # one row per group
        row = {k: r[k] for k in keys}
        for m in ("response", "resolution"):
            n, met = int(r[f"{m}_n"]), int(r[f"{m}_met"])
            row.update({f"{m}_n": n, f"{m}_met": met, f"{m}_percent": _percent(met, n)})
        if basis:
            row.update({b: int(r[b]) for b in BASIS})
        rows.append(row)
    out = pd.DataFrame(rows, columns=keys + MEASURES + (BASIS if basis else []))
    for m in ("response_percent", "resolution_percent"):
        # object dtype keeps None (JSON null) for an empty measure, not NaN
        out[m] = pd.Series([r[m] for r in rows], index=out.index, dtype="object")
    return out
