"""Time entries priced: each entry's labour revenue and labour cost (SPEC KPI 4), and the
priced labour per client and work day that margin, tiers and the QBR read (``Frames.labour``).

- Billable: the entry's ``billable`` flag where set, else "billed hours above zero"
  (``hours_billed``, else ``hours``): the loaders' rule.
- Labour revenue: ``hours_billed × bill_rate`` over billable entries; ``hours_billed``
  missing → ``hours``; rate missing → ``labor.default_bill_rate``.
- Labour cost: ``hours × hourly cost`` over every entry, billable or not. Hourly cost:
  ``[labor.hourly_cost]`` in the settings for that technician, else the ``technicians``
  table's ``hourly_cost``, else ``labor.default_hourly_cost`` (the settings are what the
  dashboard edits, so they win).
- An entry with no client counts under ``"(no client)"``.

Every month window and cut-off falls on a midnight, so margin and tiers from the sums per
client and day equal those from the entries while reading far fewer rows. Entries without
a work date count in no month and are left out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NO_CLIENT = "(no client)"
COLUMNS = ["client", "work_date", "hours", "labor_revenue", "labor_cost"]


def internal(clients: pd.Series, settings: dict) -> pd.Series:
    """Whether each client is the MSP itself: one of ``labor.internal_clients``, or no
    client at all (time with no client, even after taking its ticket's, is internal). Its
    labour is paid for and counts in the month's margin, but it is no client's: the
    per-client views (tiers, margin by client, QBR) leave it out (SPEC KPI 4 and 6)."""
    names = set(settings["labor"].get("internal_clients") or []) | {NO_CLIENT}
    return clients.isna() | clients.isin(names)


def billable(time_entries: pd.DataFrame) -> pd.Series:
    """Each entry's billable flag as bool (see the module notes for a missing flag)."""
    hours = time_entries["hours"].fillna(0.0)
    billed = time_entries["hours_billed"].fillna(hours)
    return time_entries["billable"].fillna(billed > 0).astype(bool)


def hourly_costs(time_entries: pd.DataFrame, technicians: pd.DataFrame,
                 settings: dict) -> pd.Series:
    labor = settings["labor"]
    table = {n: c for n, c in zip(technicians["name"], technicians["hourly_cost"])
             if isinstance(n, str) and pd.notna(c)}
    table.update({str(k): float(v) for k, v in labor.get("hourly_cost", {}).items()})
    codes, names = pd.factorize(time_entries["technician"])  # a lookup per name, not entry
    per_name = np.array([table.get(n, np.nan) for n in names] + [np.nan], dtype="float64")
    cost = pd.Series(per_name[codes], index=time_entries.index)  # code -1 (no name) -> NaN
    return cost.fillna(float(labor["default_hourly_cost"]))


def priced_entries(time_entries: pd.DataFrame, technicians: pd.DataFrame,
                   settings: dict) -> pd.DataFrame:
    """Each entry's client, work day, hours, labour revenue and labour cost."""
    hours = time_entries["hours"].fillna(0.0)
    billed = time_entries["hours_billed"].fillna(hours)
    rate = time_entries["bill_rate"].fillna(float(settings["labor"]["default_bill_rate"]))
    return pd.DataFrame({
        "client": time_entries["client"].fillna(NO_CLIENT).astype("str"),
        "work_date": time_entries["work_date"].dt.normalize(),
        "hours": hours,
        "labor_revenue": np.where(billable(time_entries), billed * rate, 0.0),
        "labor_cost": hours * hourly_costs(time_entries, technicians, settings),
    })


def labour_by_day(time_entries: pd.DataFrame, technicians: pd.DataFrame,
                  settings: dict) -> pd.DataFrame:
    """``priced_entries`` summed per client and work day."""
    priced = priced_entries(time_entries, technicians, settings)
    return priced.groupby(["client", "work_date"], sort=False)[
        ["hours", "labor_revenue", "labor_cost"]].sum().reset_index()[COLUMNS]
