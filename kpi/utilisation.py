"""Technician utilisation (SPEC "Supporting measures"): billable hours ÷ capacity, with a
75–85 % target band.

Decisions:

- An entry counts when its ``work_date`` (the day, time of day ignored) is in
  ``[start, end)``. ``hours`` is the hours worked (missing → 0); ``billable_hours`` is the
  hours *worked* of billable entries (not ``hours_billed``). The ``billable`` flag is read
  as true/false from booleans, 0/1 or text (``true``/``yes``/``y``/``1``…); when it is
  missing the entry is billable when it has billed hours above zero (``hours_billed``,
  else ``hours``) — the same rule as ``margin``.
- Capacity = ``weekly_capacity_hours`` × weeks in the period, where weeks = calendar days
  in ``[start, end)`` ÷ 7 (a partial week counts pro rata by calendar days: a 30-day month
  is 30/7 weeks; weekends and holidays are not taken out, the weekly figure already
  allows for them).
- A technician with **no capacity** — not in the ``technicians`` table, or with a
  missing, zero or negative ``weekly_capacity_hours`` — is given ``DEFAULT_WEEKLY_HOURS``
  (40) a week.
- Listed: every technician in the ``technicians`` table (an idle one shows 0 hours,
  ``below``) and every technician with entries in the period even without a table row
  (team ``None``). Entries with no technician name are nobody's utilisation and count
  nowhere. Names match exactly after stripping blanks.
- ``utilisation_percent`` = 100 × billable_hours ÷ capacity; ``logged_percent`` = 100 ×
  hours ÷ capacity; both ``None`` for an empty period (capacity 0). ``band`` from
  ``utilisation_percent``: ``"below"`` under 75, ``"in band"`` 75 to 85 inclusive,
  ``"above"`` over 85 (unrounded values; ``None`` with no percent).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import datetimes, numbers, texts

DEFAULT_WEEKLY_HOURS = 40.0
BAND_LOW, BAND_HIGH = 75.0, 85.0
COLUMNS = ["technician", "team", "billable_hours", "hours", "capacity",
           "utilisation_percent", "logged_percent", "band"]
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


def billable_flags(time_entries: pd.DataFrame) -> pd.Series:
    """Each entry's billable flag as bool (see the module notes for a missing flag)."""
    hours = numbers(time_entries, "hours").fillna(0.0)
    billed = numbers(time_entries, "hours_billed").fillna(hours)
    if "billable" not in time_entries:
        return (billed > 0).astype(bool)

    def read(value):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return None
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        text = str(value).strip().lower()
        return True if text in _TRUE else False if text in _FALSE else None

    flag = time_entries["billable"].astype("object").map(read)
    return flag.where(flag.notna(), billed > 0).astype(bool)


def band(percent) -> str | None:
    if percent is None:
        return None
    if percent < BAND_LOW:
        return "below"
    return "in band" if percent <= BAND_HIGH else "above"


def utilisation(time_entries: pd.DataFrame, technicians: pd.DataFrame | None, start, end,
                settings: dict) -> pd.DataFrame:
    """One row per technician: technician, team, billable_hours, hours, capacity,
    utilisation_percent, logged_percent, band; sorted by technician. ``settings`` is
    accepted for a uniform KPI signature (nothing in it changes this measure)."""
    s = pd.Timestamp(start).normalize()
    e = pd.Timestamp(end).normalize()
    weeks = max((e - s) / pd.Timedelta(days=7), 0.0)
    day = datetimes(time_entries, "work_date").dt.normalize()
    tech = texts(time_entries, "technician")
    keep = (day >= s) & (day < e) & tech.notna()
    hours = numbers(time_entries, "hours").fillna(0.0)
    entries = pd.DataFrame({
        "technician": tech[keep].astype(str),
        "hours": hours[keep],
        "billable_hours": hours[keep].where(billable_flags(time_entries)[keep], 0.0),
    })
    sums = entries.groupby("technician")[["billable_hours", "hours"]].sum()

    table = pd.DataFrame(columns=["technician", "team", "weekly"])
    if technicians is not None and len(technicians):
        table = pd.DataFrame({"technician": texts(technicians, "name"),
                              "team": texts(technicians, "team"),
                              "weekly": numbers(technicians, "weekly_capacity_hours")})
        table = table.loc[table["technician"].notna()] \
            .drop_duplicates("technician", keep="last")
    names = sorted(set(table["technician"]) | set(sums.index))
    info = table.set_index("technician")
    rows = []
    for name in names:
        weekly = info["weekly"].get(name, np.nan) if len(info) else np.nan
        weekly = float(weekly) if pd.notna(weekly) and float(weekly) > 0 \
            else DEFAULT_WEEKLY_HOURS
        capacity = weekly * weeks
        billable = float(sums["billable_hours"].get(name, 0.0))
        worked = float(sums["hours"].get(name, 0.0))
        util = 100.0 * billable / capacity if capacity > 0 else None
        logged = 100.0 * worked / capacity if capacity > 0 else None
        team = info["team"].get(name) if len(info) and name in info.index else None
        rows.append({"technician": name, "team": team if pd.notna(team) else None,
                     "billable_hours": billable, "hours": worked, "capacity": capacity,
                     "utilisation_percent": util, "logged_percent": logged,
                     "band": band(util)})
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("team", "utilisation_percent", "logged_percent", "band"):
        out[col] = pd.Series([r[col] for r in rows], index=out.index, dtype="object")
    return out
