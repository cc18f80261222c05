"""Service margin per calendar month (SPEC KPI 4), in total and per client.

For a month ``[m, next)`` of a report with cut-off ``B`` the counted window is
``[m, min(next, B))`` ("nothing after the cut-off counts": the month holding the cut-off
is month-to-date, and a month starting at or after it counts nothing).

- recurring revenue accrues by day (SPEC KPI 4): an agreement contributes
  ``monthly_revenue × d ÷ (days in the month)``, where ``d`` counts the days of the
  window on which it is active: ``start_date <= day`` (or no start) and ``day <=
  end_date`` (or no end; the end date is the agreement's last day). So an agreement that
  starts or ends mid-month counts only its days, and the month holding the cut-off is
  month-to-date for revenue as it is for labour (a whole month's fee never meets a few
  days' labour). E.g. $3,000 a month from the 16th of a 30-day month: $1,500; at a
  cut-off on the 8th of a month it started on the 1st: 7/30 of its fee.
- hard cost: ``monthly_cost`` accrued by day the same way (missing → 0).
- labour revenue and labour cost: the priced labour (``Frames.labour``, ``kpi.labour``)
  of the work days in the window.
- revenue = recurring + labour revenue; margin = revenue − labour cost − hard cost;
  ``margin_percent`` = 100 × margin ÷ revenue (None when revenue is 0);
  ``effective_hourly_rate`` = revenue ÷ hours worked (None when no hours).
- A row with no client counts under ``"(no client)"`` in the per-client view.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .frames import Frames
from .labour import NO_CLIENT
from .periods import month_bounds, month_label

SUMS = ["recurring_revenue", "labor_revenue", "hard_cost", "labor_cost", "hours"]
COLUMNS = ["month", "revenue", "recurring_revenue", "labor_revenue", "labor_cost",
           "hard_cost", "margin", "margin_percent", "hours", "effective_hourly_rate"]


def _windows(months: Sequence, cutoff) -> pd.DataFrame:
    rows = []
    cut = pd.Timestamp(cutoff) if cutoff is not None else None
    for m in months:
        start, end = month_bounds(m)
        if cut is not None:
            end = min(end, cut)
        rows.append({"month": month_label(start), "w_start": start, "w_end": end})
    return pd.DataFrame(rows, columns=["month", "w_start", "w_end"])


def agreement_months(agreements: pd.DataFrame, months: Sequence, cutoff=None) -> pd.DataFrame:
    """One row per (month, agreement active on a day of that month's window): month,
    client, agreement (``source_system``/``agreement_id``), name, recurring_revenue and
    hard_cost accrued by day (the module notes), and ``days`` (the days counted)."""
    win = _windows(months, cutoff)
    win["month_days"] = [(month_bounds(m)[1] - month_bounds(m)[0]).days
                         for m in win["w_start"]]   # one per month
    a = pd.DataFrame({
        "client": agreements["client"].fillna(NO_CLIENT).astype("str"),
        "agreement_id": agreements["agreement_id"],
        "source_system": agreements["source_system"],
        "name": agreements["name"],
        "monthly_revenue": agreements["monthly_revenue"].fillna(0.0),
        "monthly_cost": agreements["monthly_cost"].fillna(0.0),
        "a_start": agreements["start_date"],
        # the end date is the agreement's last day: it is active until the next midnight
        "a_end": agreements["end_date"] + pd.Timedelta(days=1),
    })
    both = win.merge(a, how="cross")
    start = both["a_start"].where(both["a_start"] > both["w_start"], both["w_start"])
    end = both["a_end"].where(both["a_end"] < both["w_end"], both["w_end"])
    days = ((end - start) / pd.Timedelta(days=1)).clip(lower=0.0)
    share = days / both["month_days"]
    both["recurring_revenue"] = both["monthly_revenue"] * share
    both["hard_cost"] = both["monthly_cost"] * share
    both["days"] = days
    keep = ["month", "client", "agreement_id", "source_system", "name", "recurring_revenue",
            "hard_cost", "days"]
    return both.loc[days > 0, keep].reset_index(drop=True)


def labour_months(labour: pd.DataFrame, months: Sequence, cutoff=None) -> pd.DataFrame:
    """The priced labour (``Frames.labour``) of work days inside a month window, with
    month, client, hours, labor_revenue, labor_cost."""
    win = _windows(months, cutoff)
    e = labour
    starts = win["w_start"].to_numpy()
    idx = np.searchsorted(starts, e["work_date"].to_numpy(), "right") - 1
    ok = e["work_date"].notna().to_numpy() & (idx >= 0)
    idx = np.where(ok, idx, 0)
    ok &= e["work_date"].to_numpy() < win["w_end"].to_numpy()[idx] if len(win) else ok & False
    e = e.loc[ok].copy()
    e["month"] = win["month"].to_numpy()[idx[ok]]
    return e.drop(columns=["work_date"]).reset_index(drop=True)


def _finish(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    frame["revenue"] = frame["recurring_revenue"] + frame["labor_revenue"]
    frame["margin"] = frame["revenue"] - frame["labor_cost"] - frame["hard_cost"]
    frame["margin_percent"] = pd.Series(
        [100.0 * m / r if r else None for m, r in zip(frame["margin"], frame["revenue"])],
        index=frame.index, dtype="object")
    frame["effective_hourly_rate"] = pd.Series(
        [r / h if h else None for r, h in zip(frame["revenue"], frame["hours"])],
        index=frame.index, dtype="object")
    return frame[keys + COLUMNS[1:]].reset_index(drop=True)


def service_margin(frames: Frames, months: Sequence, cutoff=None,
                   by_client: bool = False) -> pd.DataFrame:
    """Per month (``months``: month starts, oldest first), or per month and client when
    ``by_client``; every month is listed, with zeros when nothing counts."""
    ag = agreement_months(frames.agreements, months, cutoff)
    en = labour_months(frames.labour, months, cutoff)
    keys = ["month", "client"] if by_client else ["month"]
    parts = [ag.groupby(keys)[["recurring_revenue", "hard_cost"]].sum(),
             en.groupby(keys)[["labor_revenue", "labor_cost", "hours"]].sum()]
    total = pd.concat(parts, axis=1).fillna(0.0)
    for col in SUMS:
        if col not in total:
            total[col] = 0.0
    total = total.reset_index()
    if not by_client:
        labels = pd.DataFrame({"month": [month_label(month_bounds(m)[0]) for m in months]})
        total = labels.merge(total, on="month", how="left").fillna(
            {c: 0.0 for c in SUMS})
    total[SUMS] = total[SUMS].astype("float64")
    total = total.sort_values(keys, ignore_index=True)
    return _finish(total, keys)


NO_AGREEMENT = "(no agreement)"
AGREEMENT_KEYS = ["month", "client", "source_system", "agreement_id", "name"]


def margin_by_agreement(frames: Frames, month_bounds: Sequence, cutoff=None) -> pd.DataFrame:
    """Per month and agreement (SPEC KPI 4 "per agreement too").

    ``month_bounds``: the months, as month starts (like ``service_margin``'s ``months``)
    or as ``(start, end)`` pairs from ``periods.month_bounds`` (the start is used; the
    window is always the calendar month, cut at ``cutoff``).

    - An agreement active in the month's window carries its own recurring revenue and
      hard cost, as in ``service_margin``.
    - The client's labour in that month (labour revenue, labour cost and hours) is shared
      among the client's active agreements in proportion to the revenue each accrued in
      the month
      (negative amounts weigh 0); when those weights sum to 0, in equal shares.
    - A client's labour in a month with no active agreement goes to one row whose
      ``agreement_id`` and ``name`` are ``"(no agreement)"`` (``source_system`` None).
    - So the rows of a client and month sum to that client's row of
      ``service_margin(..., by_client=True)`` (revenue, costs, hours, margin).

    Columns: month, client, source_system, agreement_id, name, then as ``service_margin``
    (revenue .. effective_hourly_rate); sorted by month, client, then agreement
    (``"(no agreement)"`` rows for a client without agreements).
    """
    months = [m[0] if isinstance(m, (tuple, list)) else m for m in month_bounds]
    ag = agreement_months(frames.agreements, months, cutoff)
    en = labour_months(frames.labour, months, cutoff)
    labour_cols = ["labor_revenue", "labor_cost", "hours"]
    labour = en.groupby(["month", "client"])[labour_cols].sum()

    ag = ag.copy()
    ag["weight"] = ag["recurring_revenue"].clip(lower=0.0)
    group = ag.groupby(["month", "client"])
    total = group["weight"].transform("sum")
    count = group["weight"].transform("size")
    ag["share"] = np.where(total > 0, ag["weight"] / total.where(total > 0, 1.0),
                           1.0 / count)
    pairs = pd.MultiIndex.from_frame(ag[["month", "client"]])
    for col in labour_cols:
        ag[col] = labour[col].reindex(pairs).fillna(0.0).to_numpy() * ag["share"].to_numpy()

    covered = pd.MultiIndex.from_frame(ag[["month", "client"]].drop_duplicates())
    orphan = labour.loc[~labour.index.isin(covered)].reset_index()
    orphan["source_system"] = None
    orphan["agreement_id"] = NO_AGREEMENT
    orphan["name"] = NO_AGREEMENT
    orphan["recurring_revenue"] = 0.0
    orphan["hard_cost"] = 0.0

    cols = AGREEMENT_KEYS + SUMS
    frames = [f[cols] for f in (ag, orphan) if len(f)]
    if not frames:
        return pd.DataFrame(columns=AGREEMENT_KEYS + COLUMNS[1:])
    rows = pd.concat(frames, ignore_index=True)
    rows[SUMS] = rows[SUMS].astype("float64")
    order = rows["agreement_id"].fillna("").astype(str)
    rows = rows.assign(_order=order).sort_values(["month", "client", "_order"],
                                                 kind="stable", ignore_index=True)
    return _finish(rows.drop(columns="_order"), AGREEMENT_KEYS)


def costs_more_than_it_pays(per_client: pd.DataFrame) -> pd.Series:
    """Per row of ``service_margin(by_client=True)``: the client's costs (labour and hard
    cost) exceed its revenue, i.e. a negative margin: the owner's "which clients cost more
    than they pay?"."""
    return per_client["margin"] < 0
