"""Technician utilisation (SPEC KPI 6): client hours ÷ capacity, with the 75–85 % band,
and billable utilisation beside it.

Decisions:

- An entry counts when its ``work_date`` (the day, time of day ignored) is in
  ``[start, end)``. ``hours`` is every hour worked (missing → 0).
- **Client hours** are hours worked for any client other than those named in
  ``labor.internal_clients`` (the MSP's own company in the PSA). Time with no client, even
  after taking its ticket's client (the store fills it), is internal. Managed-services
  work is client work even when the PSA marks it non-billable: this is why utilisation
  counts client hours, not billable ones.
- **Billable hours** are the hours *worked* of billable entries (not ``hours_billed``;
  billable as in ``kpi.labour.billable``, the margin's rule), shown beside as
  ``billable_percent``.
- Capacity = ``weekly_capacity_hours`` × weeks in the period, where weeks = calendar days
  in ``[start, end)`` ÷ 7 (a partial week counts pro rata; weekends and holidays are not
  taken out, the weekly figure already allows for them). A technician not in the
  ``technicians`` table, or with a missing, zero or negative capacity, gets 40 h a week.
- Listed: every technician in the ``technicians`` table (an idle one shows 0 hours,
  ``below``) and every technician with entries in the period (team ``None`` without a
  table row). Entries with no technician name count nowhere. Names match after stripping
  blanks.
- ``utilisation_percent`` = 100 × client_hours ÷ capacity and ``billable_percent`` = 100
  × billable_hours ÷ capacity, ``None`` for an empty period. ``band`` from utilisation:
  ``"below"`` under 75, ``"in"`` from 75 to 85 inclusive, ``"above"`` over 85 (unrounded).
- A team's utilisation adds its technicians' client hours and capacities (a team of one
  busy and one idle technician is half busy, not the average of two ratios).
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .frames import Frames
from .labour import billable
from .periods import WEEK, week_label

DEFAULT_WEEKLY_HOURS = 40.0
BAND_LOW, BAND_HIGH = 75.0, 85.0
NO_TEAM = "(no team)"
SUMS = ["capacity_hours", "hours", "client_hours", "billable_hours"]
COLUMNS = ["technician", "team", *SUMS, "utilisation_percent", "billable_percent", "band"]


def band(percent) -> str | None:
    if percent is None or pd.isna(percent):
        return None
    if percent < BAND_LOW:
        return "below"
    return "in" if percent <= BAND_HIGH else "above"


def _names(values: pd.Series) -> pd.Series:
    """Technician names stripped, blank as missing."""
    names = values.str.strip()
    return names.where(names != "")


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Percentages and band from the sums (``None`` where there is no capacity)."""
    capacity = frame["capacity_hours"].where(frame["capacity_hours"] > 0)
    out = frame.copy()
    for col, part in (("utilisation_percent", "client_hours"),
                      ("billable_percent", "billable_hours")):
        values = 100.0 * frame[part] / capacity
        out[col] = pd.Series(values.tolist(), index=frame.index, dtype="object") \
            .where(values.notna(), None)
    out["band"] = pd.Series([band(p) for p in out["utilisation_percent"]],
                            index=frame.index, dtype="object")
    return out


def utilisation(frames: Frames, start, end, settings: dict) -> pd.DataFrame:
    """One row per technician (the module notes), sorted by technician."""
    s = pd.Timestamp(start).normalize()
    e = pd.Timestamp(end).normalize()
    weeks = max((e - s) / pd.Timedelta(days=7), 0.0)
    entries, technicians = frames.time_entries, frames.technicians
    day = entries["work_date"].dt.normalize()
    tech = _names(entries["technician"])
    keep = (day >= s) & (day < e) & tech.notna()
    hours = entries["hours"].fillna(0.0)
    internal = set(settings["labor"].get("internal_clients") or [])
    for_client = entries["client"].notna() & ~entries["client"].isin(internal)
    mine = pd.DataFrame({
        "technician": tech[keep],
        "hours": hours[keep],
        "client_hours": hours[keep].where(for_client[keep], 0.0),
        "billable_hours": hours[keep].where(billable(entries)[keep], 0.0),
    })
    sums = mine.groupby("technician")[["hours", "client_hours", "billable_hours"]].sum()
    table = pd.DataFrame({"technician": _names(technicians["name"]),
                          "team": technicians["team"],
                          "weekly": technicians["weekly_capacity_hours"]})
    table = table.loc[table["technician"].notna()].drop_duplicates("technician", keep="last") \
        .set_index("technician")
    names = sorted(set(table.index) | set(sums.index))
    weekly = table["weekly"].reindex(names)
    weekly = weekly.where(weekly > 0, DEFAULT_WEEKLY_HOURS).fillna(DEFAULT_WEEKLY_HOURS)
    teams = table["team"].reindex(names).astype("object")
    out = pd.DataFrame({"technician": names,
                        "team": pd.Series([t if isinstance(t, str) else None for t in teams],
                                          dtype="object"),
                        "capacity_hours": (weekly * weeks).to_numpy(dtype="float64")})
    for col in ("hours", "client_hours", "billable_hours"):
        out[col] = sums[col].reindex(names).fillna(0.0).to_numpy(dtype="float64")
    return _finish(out)[COLUMNS]


def by_week(frames: Frames, weeks: Sequence, settings: dict) -> pd.DataFrame:
    """``utilisation`` for each week start in ``weeks``, with a ``week`` column first."""
    parts = [utilisation(frames, w, pd.Timestamp(w) + WEEK, settings)
             .assign(week=week_label(w)) for w in weeks]   # a handful of weeks
    return pd.concat(parts, ignore_index=True)[["week", *COLUMNS]] if parts else \
        pd.DataFrame(columns=["week", *COLUMNS])


def by_team(rows: pd.DataFrame) -> pd.DataFrame:
    """Teams from technician rows (``utilisation`` or ``by_week``): summed hours and
    capacities, then the same percentages and band."""
    keys = ["week", "team"] if "week" in rows else ["team"]
    frame = rows.assign(team=rows["team"].fillna(NO_TEAM))
    teams = frame.groupby(keys, sort=True)[SUMS].sum().reset_index()
    return _finish(teams)[[*keys, *SUMS, "utilisation_percent", "billable_percent", "band"]]
