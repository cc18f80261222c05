"""SLA due times (SPEC KPI 2): the PSA's own due time where the export has it, else the
creation time plus the priority's target, counted around the clock or in business hours.

Decisions:

- A ticket with no priority (NULL / unknown) is held to the **P3** target ("Normal", the
  level most PSAs default to). A priority that has no entry in the settings table (e.g. P5
  in ``sla.response_hours``, which the spec's defaults leave out) has **no target**: its
  computed due time is NaT, so it is never "past SLA" on that measure.
- Business clock: the working window is ``sla.business_hours`` ``[open, close)`` on each
  of ``sla.business_days`` that is not a public holiday of ``sla.holidays_country``
  (the ``holidays`` package, all subdivisions ignored). Time outside the window does not
  count. Adding H hours finds the earliest instant by which H business hours have elapsed,
  so a target that uses up a day exactly is due at that day's closing time (17:00, not the
  next morning 08:00), and adding 0 hours leaves the time unchanged (never earlier).
- Settings with no business day at all fall back to the 24x7 clock.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from .frames import ns

DEFAULT_PRIORITY = "P3"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NS = 86_400 * 10**9
_MIN_NS = 60 * 10**9
_NAT = np.iinfo("int64").min
_HOUR_NS = 3600 * 10**9


def _minutes(clock: str) -> int:
    hh, mm = str(clock).split(":")
    return int(hh) * 60 + int(mm)


def _holiday_dates(country: str, first_year: int, last_year: int) -> np.ndarray:
    if not country:
        return np.array([], dtype="datetime64[D]")
    import holidays  # only needed when a country is configured
    try:
        found = holidays.country_holidays(country, years=range(first_year, last_year + 1))
    except NotImplementedError:
        raise ValueError(f"sla.holidays_country '{country}' is not a country code the "
                         "holidays package knows; use one such as US, GB or DE.") from None
    return np.array(sorted(found.keys()), dtype="datetime64[D]")


class BusinessCalendar:
    """Cumulative business time per day from ``first_day`` for ``n_days`` days."""

    def __init__(self, settings: dict, first_day: np.datetime64, n_days: int):
        sla = settings["sla"]
        self.open_ns = _minutes(sla["business_hours"][0]) * _MIN_NS
        self.close_ns = _minutes(sla["business_hours"][1]) * _MIN_NS
        self.first_day = np.datetime64(first_day, "D")
        days = self.first_day + np.arange(n_days)
        # numpy weekday: 1970-01-01 was a Thursday (index 3 with Monday = 0)
        weekday = (days.astype("int64") + 3) % 7
        working = np.isin(weekday, [_DAYS.index(d) for d in sla["business_days"]])
        years = days.astype("datetime64[Y]").astype(int) + 1970
        hol = _holiday_dates(str(sla.get("holidays_country") or ""), int(years.min()),
                             int(years.max()))
        working &= ~np.isin(days, hol)
        self.days = days
        self.length = np.where(working, self.close_ns - self.open_ns, 0).astype("int64")
        self.cum_start = np.concatenate([[0], np.cumsum(self.length)[:-1]]).astype("int64")
        self.cum_end = self.cum_start + self.length

    @property
    def last_ns(self) -> int:
        return int(self.cum_end[-1])

    def to_business(self, t: np.ndarray) -> np.ndarray:
        """int64 ns instants → business ns elapsed since ``first_day`` 00:00."""
        base = self.first_day.astype("datetime64[ns]").astype("int64")
        rel = t - base
        day = rel // _DAY_NS
        within = np.clip(rel - day * _DAY_NS - self.open_ns, 0, self.length[day])
        return self.cum_start[day] + within

    def from_business(self, b: np.ndarray) -> np.ndarray:
        """Business ns → the earliest instant (int64 ns) at which that much has elapsed."""
        day = np.minimum(np.searchsorted(self.cum_end, b, "left"), len(self.days) - 1)
        base = self.first_day.astype("datetime64[ns]").astype("int64")
        return base + day * _DAY_NS + self.open_ns + (b - self.cum_start[day])


def add_business_hours(start: pd.Series, hours: pd.Series, settings: dict) -> pd.Series:
    """``start + hours`` counted in business hours (vectorised). NaT / NaN → NaT."""
    start = pd.Series(start).astype("datetime64[ns]")
    hours = pd.Series(np.asarray(hours, dtype="float64"), index=start.index)
    if not settings["sla"]["business_days"]:
        return add_clock_hours(start, hours)
    out = pd.Series(pd.NaT, index=start.index, dtype="datetime64[ns]")
    ok = (start.notna() & hours.notna() & (hours >= 0)).to_numpy()
    if not ok.any():
        return out
    t = ns(start)[ok]
    add = np.round(hours.to_numpy()[ok] * 3600 * 10**9).astype("int64")
    # Start well before the earliest time so a preceding working day is always present.
    first = np.datetime64(int(t.min()), "ns").astype("datetime64[D]") - np.timedelta64(10, "D")
    span = int(t.max() // _DAY_NS - t.min() // _DAY_NS) + 12
    per_day = max(_minutes(settings["sla"]["business_hours"][1])
                  - _minutes(settings["sla"]["business_hours"][0]), 1) * _MIN_NS
    weeks_needed = int(add.max() // (per_day * len(settings["sla"]["business_days"]))) + 2
    n_days = span + 7 * weeks_needed + 14
    while True:
        cal = BusinessCalendar(settings, first, n_days)
        target = cal.to_business(t) + add
        if target.max() < cal.last_ns or n_days > 200_000:
            break
        n_days *= 2  # many holidays in a row: widen the calendar and try again
    due = np.maximum(cal.from_business(target), t)
    out[ok] = due.view("datetime64[ns]")
    return out


def sla_hours(start: pd.Series, end: pd.Series, settings: dict) -> pd.Series:
    """Hours from ``start`` to ``end`` on the SLA clock (business hours under the
    business clock, else clock hours), never below 0; NaN where either is missing."""
    s, e = ns(pd.Series(start)), ns(pd.Series(end))
    ok = (s != _NAT) & (e != _NAT)
    hours = np.full(len(s), np.nan)
    sla = settings["sla"]
    if ok.any():
        s_ok, e_ok = s[ok], e[ok]
        if sla["clock"] != "24x7" and sla["business_days"]:
            first = min(s_ok.min(), e_ok.min()) // _DAY_NS
            last = max(s_ok.max(), e_ok.max()) // _DAY_NS
            cal = BusinessCalendar(settings, np.datetime64(int(first), "D"),
                                   int(last - first) + 2)
            elapsed = cal.to_business(e_ok) - cal.to_business(s_ok)
        else:
            elapsed = e_ok - s_ok
        hours[ok] = np.maximum(elapsed, 0) / _HOUR_NS
    return pd.Series(hours, index=pd.Series(start).index, dtype="float64")


def add_clock_hours(start: pd.Series, hours: pd.Series) -> pd.Series:
    start = pd.Series(start).astype("datetime64[ns]")
    hours = pd.Series(np.asarray(hours, dtype="float64"), index=start.index)
    return (start + pd.to_timedelta(hours, unit="h")).astype("datetime64[ns]")


def target_hours(tickets: pd.DataFrame, table: dict) -> pd.Series:
    """Each ticket's target in hours from a settings table (``sla.resolution_hours`` or
    ``sla.response_hours``); missing priority → P3's target; priority without an entry →
    NaN."""
    priority = tickets["priority"].fillna(DEFAULT_PRIORITY).str.upper()
    targets = {str(p).upper(): float(hours) for p, hours in table.items()}
    return priority.map(targets).astype("float64")


def computed_due(tickets: pd.DataFrame, table: dict, settings: dict) -> pd.Series:
    created = tickets["created_at"]
    hours = target_hours(tickets, table)
    if settings["sla"]["clock"] == "24x7":
        return add_clock_hours(created, hours)
    return add_business_hours(created, hours, settings)


def resolution_due(tickets: pd.DataFrame, settings: dict) -> pd.Series:
    """The resolution due time: the PSA's ``resolution_due_at``, else computed."""
    psa = tickets["resolution_due_at"]
    return psa.fillna(computed_due(tickets, settings["sla"]["resolution_hours"], settings)) \
        .rename("resolution_due")


def response_due(tickets: pd.DataFrame, settings: dict) -> pd.Series:
    """The first-response due time: the PSA's ``response_due_at``, else computed."""
    psa = tickets["response_due_at"]
    return psa.fillna(computed_due(tickets, settings["sla"]["response_hours"], settings)) \
        .rename("response_due")
