"""The weekly report: the spec's JSON shape, and a text summary to paste into an email.

Nothing after the cut-off counts: weeks end at it, aged tickets are judged at it, months
and tiers are cut at it, so a report for a past date gives the same numbers however much
later data has been imported.
"""
from __future__ import annotations

import math

import pandas as pd

from .aged import aged_past_sla
from .backlog import backlog_trend
from .csat import csat_weekly
from .data import StoreData
from .margin import service_margin
from .periods import cutoff as cutoff_of
from .periods import last_months, last_weeks
from .tiers import client_tiers

WEEK_KEYS = ["week", "opened", "closed", "open_at_end", "csat_responses", "csat_positive",
             "csat_percent_positive"]
MONTH_KEYS = ["month", "revenue", "recurring_revenue", "labor_revenue", "labor_cost",
              "hard_cost", "margin", "margin_percent", "hours", "effective_hourly_rate"]
CLIENT_KEYS = ["client", "revenue", "hours", "effort_index", "effective_hourly_rate", "tier"]
TEAM_KEYS = ["team", "open", "aged_past_sla", "status", "top_categories"]


def _number(value, digits: int | None = 2):
    """JSON-safe: None for missing, ints stay ints, floats rounded to the cent."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return int(value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, int):
        return value
    return round(float(value), digits) if digits is not None else float(value)


def _records(frame: pd.DataFrame, keys: list[str]) -> list[dict]:
    out = []
    for row in frame[keys].to_dict("records"):
        out.append({k: (v if isinstance(v, (str, list)) else _number(v))
                    for k, v in row.items()})
    return out


def build(data: StoreData, as_of, settings: dict, weeks: int = 12) -> dict:
    as_of = pd.Timestamp(as_of).normalize()
    cut = cutoff_of(as_of)
    week_starts = last_weeks(cut, weeks)
    trend = backlog_trend(data.tickets, week_starts)
    csat = csat_weekly(data.csat, week_starts)
    weekly = trend.merge(csat[["period", "responses", "positive", "percent_positive"]],
                         left_on="week", right_on="period", how="left")
    weekly = weekly.rename(columns={"responses": "csat_responses",
                                    "positive": "csat_positive",
                                    "percent_positive": "csat_percent_positive"})
    teams = aged_past_sla(data.tickets, cut, settings)
    months = service_margin(data.agreements, data.time_entries, data.technicians,
                            last_months(as_of, 12), settings, cutoff=cut)
    clients = client_tiers(data.agreements, data.time_entries, data.technicians, cut,
                           settings)
    return {
        "as_of": as_of.date().isoformat(),
        "cutoff": cut.isoformat(),
        "weeks": _records(weekly, WEEK_KEYS),
        "teams": _records(teams, TEAM_KEYS),
        "months": _records(months, MONTH_KEYS),
        "clients": _records(clients, CLIENT_KEYS),
    }


# ---------------------------------------------------------------------------- text
def _money(value) -> str:
    return "n/a" if value is None else f"${value:,.0f}"


def _pct(value) -> str:
    return "n/a" if value is None else f"{value:.0f}%"


def _signed(value) -> str:
    return "n/a" if value is None else f"{value:+,}"


def to_text(report: dict, review_threshold: int = 4) -> str:
    weeks = report["weeks"]
    this, last = weeks[-1], (weeks[-2] if len(weeks) > 1 else None)
    lines = [f"Cadence weekly review - week of {this['week']} "
             f"(as of {report['as_of']}, cut-off {report['cutoff'][:16].replace('T', ' ')})",
             ""]
    change = this["open_at_end"] - last["open_at_end"] if last else None
    lines.append(f"Backlog: {this['open_at_end']} open at the end of the week "
                 f"({_signed(change)} on the week before); {this['opened']} opened, "
                 f"{this['closed']} closed.")
    flag = " - fewer than 10 responses, read with care" if this["csat_responses"] < 10 else ""
    before = f"; the week before {_pct(last['csat_percent_positive'])}" if last else ""
    lines.append(f"CSAT: {_pct(this['csat_percent_positive'])} positive "
                 f"(n={this['csat_responses']}{flag}){before}.")
    review = [t for t in report["teams"] if t["status"] == "review"]
    lines.append(f"Aged past SLA: {sum(t['aged_past_sla'] for t in report['teams'])} tickets; "
                 f"{len(review)} team(s) at or above the review threshold of "
                 f"{review_threshold}.")
    for t in report["teams"]:
        mark = "REVIEW" if t["status"] == "review" else "ok"
        cats = f" - top categories: {', '.join(t['top_categories'])}" if t["top_categories"] \
            else ""
        lines.append(f"  {t['team']}: {t['aged_past_sla']} aged of {t['open']} open "
                     f"[{mark}]{cats if t['status'] == 'review' else ''}")
    if report["months"]:
        m = report["months"][-1]
        lines.append(f"Service margin {m['month']} (to the cut-off): revenue "
                     f"{_money(m['revenue'])}, margin {_money(m['margin'])} "
                     f"({_pct(m['margin_percent'])}), effective rate "
                     f"{_money(m['effective_hourly_rate'])}/h.")
    reprice = [c for c in report["clients"] if c["tier"] == "Reprice"]
    if reprice:
        names = ", ".join(
            f"{c['client']} (effort {c['effort_index']:.1f}x)" if c["effort_index"] is not None
            else f"{c['client']} (hours, no revenue)" for c in reprice)
        lines.append(f"Clients to reprice: {names}.")
    lines += ["", "Week        Opened  Closed  Open at end  CSAT"]
    for w in weeks:
        lines.append(f"{w['week']}  {w['opened']:>6}  {w['closed']:>6}  {w['open_at_end']:>11}"
                     f"  {_pct(w['csat_percent_positive']):>4} (n={w['csat_responses']})")
    return "\n".join(lines)
