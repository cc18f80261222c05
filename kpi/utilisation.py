"""Technician utilisation (SPEC "Supporting measures"): billable hours ÷ capacity, with a
75–85 % target band.

Decisions:

- An entry counts when its ``work_date`` (the day, time of day ignored) is in
  ``[start, end)``. ``hours`` is the hours worked (missing → 0); ``billable_hours`` is the
  hours *worked* of billable entries (not ``hours_billed``); billable as in
  ``kpi.labour.billable`` (the same rule as the margin).
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

from .frames import Frames
from .labour import billable

DEFAULT_WEEKLY_HOURS = 40.0
BAND_LOW, BAND_HIGH = 75.0, 85.0
COLUMNS = ["technician", "team", "billable_hours", "hours", "capacity",
           "utilisation_percent", "logged_percent", "band"]


def band(percent) -> str | None:
    if percent is None:
        return None
    if percent < BAND_LOW:
        return "below"
    return "in band" if percent <= BAND_HIGH else "above"


def _names(values: pd.Series) -> pd.Series:
    """Technician names stripped, blank as missing (the module notes)."""
    names = values.str.strip()
    return names.where(names != "")


def utilisation(frames: Frames, start, end, settings: dict) -> pd.DataFrame:
    """One row per technician: technician, team, billable_hours, hours, capacity,
    utilisation_percent, logged_percent, band; sorted by technician. ``settings`` is
    accepted for a uniform KPI signature (nothing in it changes this measure)."""
    s = pd.Timestamp(start).normalize()
    e = pd.Timestamp(end).normalize()
    weeks = max((e - s) / pd.Timedelta(days=7), 0.0)
    time_entries, technicians = frames.time_entries, frames.technicians
    day = time_entries["work_date"].dt.normalize()
    tech = _names(time_entries["technician"])
    keep = (day >= s) & (day < e) & tech.notna()
    hours = time_entries["hours"].fillna(0.0)
    entries = pd.DataFrame({
        "technician": tech[keep],
        "hours": hours[keep],
        "billable_hours": hours[keep].where(billable(time_entries)[keep], 0.0),
    })
    sums = entries.groupby("technician")[["billable_hours", "hours"]].sum()

    table = pd.DataFrame({"technician": _names(technicians["name"]),
                          "team": technicians["team"],
                          "weekly": technicians["weekly_capacity_hours"]})
    table = table.loc[table["technician"].notna()].drop_duplicates("technician", keep="last")
    names = sorted(set(table["technician"]) | set(sums.index))
    info = table.set_index("technician")
    rows = []
    for name in names:
        weekly = info["weekly"].get(name, np.nan) if len(info) else np.nan
        weekly = float(weekly) if pd.notna(weekly) and float(weekly) > 0 \
            else DEFAULT_WEEKLY_HOURS
        capacity = weekly * weeks
        billed = float(sums["billable_hours"].get(name, 0.0))
        worked = float(sums["hours"].get(name, 0.0))
        util = 100.0 * billed / capacity if capacity > 0 else None
        logged = 100.0 * worked / capacity if capacity > 0 else None
        team = info["team"].get(name) if len(info) and name in info.index else None
        rows.append({"technician": name, "team": team if pd.notna(team) else None,
                     "billable_hours": billed, "hours": worked, "capacity": capacity,
                     "utilisation_percent": util, "logged_percent": logged,
                     "band": band(util)})
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("team", "utilisation_percent", "logged_percent", "band"):
        out[col] = pd.Series([r[col] for r in rows], index=out.index, dtype="object")
    return out
