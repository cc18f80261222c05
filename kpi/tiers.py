"""Client effort-to-revenue tier (SPEC KPI 5).

Window: the last ``tiers.window_months`` full calendar months ending at or before the
cut-off. Per client: revenue as in ``margin`` (recurring + labour revenue summed over the
window's months) and hours worked. Effort index = (client hours ÷ client revenue) ÷
(all hours ÷ all revenue); 1.0 is the portfolio average.

A client is **high-effort** when its index is above ``tiers.effort_threshold`` (default
1.2): a client 2 % above the portfolio average is noise, not a pricing problem. Tiers:
revenue ≥ median and not high-effort → Core; revenue ≥ median and high-effort →
Demanding; revenue < median and not high-effort → Steady; below median and high-effort →
Reprice.
The MSP's own time (``labor.internal_clients``, and time with no client) is no client's
and is left out, also from the portfolio average. Clients with hours but no revenue:
Reprice (index None). With revenue but no hours: index
0, so Core or Steady. The median is over the clients with revenue or hours in the window.
When the whole portfolio has no hours the index is None and every client with revenue is
Core or Steady by revenue alone.
"""
from __future__ import annotations

import pandas as pd

from .frames import Frames
from .labour import internal
from .margin import service_margin
from .periods import full_months_before, month_label

COLUMNS = ["client", "revenue", "hours", "effort_index", "effective_hourly_rate", "tier"]


def client_tiers(frames: Frames, cutoff, settings: dict) -> pd.DataFrame:
    months = full_months_before(cutoff, int(settings["tiers"]["window_months"]))
    per = service_margin(frames, months, cutoff=cutoff, by_client=True)
    return tiers_from_margin(clients_only(per, settings), threshold(settings))


def clients_only(per: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Per-client margin rows without the MSP's own time (``labour.internal``): it is no
    client's effort, and it would move the portfolio average the index is measured by."""
    return per.loc[~internal(per["client"], settings).to_numpy()]


def threshold(settings: dict) -> float:
    """The effort index above which a client is high-effort."""
    return float(settings["tiers"]["effort_threshold"])


def tiers_at(frames: Frames, cutoffs, settings: dict) -> dict:
    """``client_tiers`` at several cut-offs for the price of one margin computation: the
    windows are full months before each cut-off, so one per-client margin over the union
    of those months serves them all. Returns {cutoff: tiers frame}."""
    window = int(settings["tiers"]["window_months"])
    months_of = {pd.Timestamp(c): full_months_before(c, window) for c in cutoffs}
    union = sorted({m for months in months_of.values() for m in months})
    per = service_margin(frames, union, cutoff=max(months_of), by_client=True)
    per = clients_only(per, settings)
    return {cut: tiers_from_margin(per[per["month"].isin([month_label(m) for m in months])],
                                   threshold(settings))
            for cut, months in months_of.items()}


def tiers_from_margin(per: pd.DataFrame, effort_threshold: float) -> pd.DataFrame:
    """Tiers from per-month, per-client margin rows (``service_margin(by_client=True)``)
    of the window's months."""
    clients = per.groupby("client")[["revenue", "hours"]].sum().reset_index()
    clients = clients.loc[(clients["revenue"] > 0) | (clients["hours"] > 0)]
    if clients.empty:
        return pd.DataFrame(columns=COLUMNS)
    all_rev, all_hours = clients["revenue"].sum(), clients["hours"].sum()
    median = clients["revenue"].median()
    rows = []
    for c in clients.itertuples(index=False):   # one row per client, not per ticket
        if c.revenue <= 0:
            index = None
        elif all_hours <= 0:
            index = None
        else:
            index = (c.hours / c.revenue) / (all_hours / all_rev)
        if c.revenue <= 0:
            tier = "Reprice"
        else:
            demanding = index is not None and index > effort_threshold
            high = c.revenue >= median
            tier = ("Demanding" if demanding else "Core") if high else \
                ("Reprice" if demanding else "Steady")
        rows.append({"client": c.client, "revenue": float(c.revenue), "hours": float(c.hours),
                     "effort_index": index,
                     "effective_hourly_rate": float(c.revenue / c.hours) if c.hours else None,
                     "tier": tier})
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("effort_index", "effective_hourly_rate"):
        out[col] = pd.Series([r[col] for r in rows], dtype="object")
    return out.sort_values(["revenue", "client"], ascending=[False, True], ignore_index=True)


def revenue_rank(revenue: pd.Series) -> pd.Series:
    """1 = lowest revenue; ties share the average rank (the median rank then splits the
    clients where the median revenue does): a place on the revenue axis without money."""
    return pd.to_numeric(revenue, errors="coerce").rank(method="average")


def tier_movement(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """``now`` with ``previous_tier`` and ``movement`` ("Steady → Reprice", "unchanged",
    "new in window") from the previous window's ``client_tiers`` rows."""
    prev = before.set_index("client")["tier"] if len(before) else pd.Series(dtype=object)
    out = now.copy()
    out["previous_tier"] = out["client"].map(prev)
    out["movement"] = [("new in window" if pd.isna(p) else "unchanged" if p == t
                        else f"{p} → {t}")       # one row per client
                       for p, t in zip(out["previous_tier"], out["tier"])]
    return out
