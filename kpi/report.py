"""The weekly report in the spec's JSON shape (SPEC, Command line), from the weekly review
builder (``kpi.weekly``). The text summary to paste into an e-mail is
``kpi.render.text``.

Nothing after the cut-off counts: weeks end at it, aged tickets are judged at it, months
and tiers are cut at it, so a report for a past date gives the same numbers however much
later data has been imported.
"""
from __future__ import annotations

import math

import pandas as pd

from .frames import Frames
from .weekly import WEEKS, WeeklyReview

WEEK_KEYS = ["week", "opened", "closed", "open_at_end", "csat_responses", "csat_positive",
             "csat_percent_positive"]
MONTH_KEYS = ["month", "revenue", "recurring_revenue", "labor_revenue", "labor_cost",
              "hard_cost", "margin", "margin_percent", "hours", "effective_hourly_rate"]
CLIENT_KEYS = ["client", "revenue", "hours", "effort_index", "effective_hourly_rate", "tier"]
TEAM_KEYS = ["team", "open", "aged_past_sla", "waiting", "status", "top_categories"]
TECHNICIAN_KEYS = ["technician", "team", "capacity_hours", "hours", "client_hours",
                   "billable_hours", "utilisation_percent", "billable_percent", "band"]


def _number(value, digits: int | None = 2):
    """JSON-safe: None for missing, ints stay ints, floats rounded to the cent."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return round(float(value), digits) if digits is not None else float(value)


def _records(frame: pd.DataFrame, keys: list[str]) -> list[dict]:
    return [{k: (v if isinstance(v, (str, list)) else _number(v)) for k, v in row.items()}
            for row in frame[keys].to_dict("records")]



def build(frames: Frames, as_of, settings: dict, weeks: int = WEEKS) -> dict:
    review = WeeklyReview(frames, as_of, settings, weeks=weeks)
    weekly = review.trend.merge(
        review.csat[["period", "responses", "positive", "percent_positive"]],
        left_on="week", right_on="period", how="left").rename(columns={
            "responses": "csat_responses", "positive": "csat_positive",
            "percent_positive": "csat_percent_positive"})
    return {
        "as_of": review.as_of.date().isoformat(),
        "cutoff": review.cutoff.isoformat(),
        "weeks": _records(weekly, WEEK_KEYS),
        "teams": _records(review.teams, TEAM_KEYS),
        # the report's week: everyone in the technicians table and everyone who logged time
        "technicians": _records(review.technicians, TECHNICIAN_KEYS),
        "months": _records(review.months, MONTH_KEYS),
        "clients": _records(review.tiers, CLIENT_KEYS),
    }
