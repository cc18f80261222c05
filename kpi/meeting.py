"""The numbers a weekly review is saved with (SPEC, "The weekly review as a meeting"): the
headline cards and the per-team aged counts as the page shows them, in the report's JSON
form, so a saved review can be set beside today's numbers of the same week and equals
the report (``kpi.report``) of that week.

    numbers = review_numbers(review)      # review: kpi.weekly.WeeklyReview
    rows = compare(saved, numbers)        # what moved since the review was saved

``cards``: the week's backlog at its end, opened and closed, CSAT % positive with its
responses, tickets aged past SLA at the cut-off (the teams' sum), the clients to reprice
and the service margin % of the month so far; ``teams``: the report's ``teams`` records.
Values are rounded as the report rounds them (``kpi.report``).
"""
from __future__ import annotations

from .metrics import label, unit
from .report import TEAM_KEYS, _number, _records
from .weekly import WeeklyReview

CARDS = ["open_at_end", "opened", "closed", "csat_percent_positive", "csat_responses",
         "aged_past_sla", "reprice_clients", "margin_percent"]
MONEY = ("margin_percent",)


def review_numbers(review: WeeklyReview) -> dict:
    this = review.trend.iloc[-1]
    csat = review.csat.iloc[-1]
    teams = _records(review.teams, TEAM_KEYS)
    months = review.months
    cards = {
        "open_at_end": this["open_at_end"], "opened": this["opened"],
        "closed": this["closed"], "csat_percent_positive": csat["percent_positive"],
        "csat_responses": csat["responses"],
        "aged_past_sla": sum(t["aged_past_sla"] for t in teams),
        "reprice_clients": review.reprice_series[-1],
        "margin_percent": months["margin_percent"].iloc[-1] if len(months) else None,
    }
    return {"week": review.week.date().isoformat(), "cutoff": review.cutoff.isoformat(),
            "team": review.team or "", "client": review.client or "",
            "cards": {k: _number(cards[k]) for k in CARDS}, "teams": teams}


def compare(saved: dict, today: dict, money: bool = True) -> list[dict]:
    """One row per number: ``key``, ``label``, ``unit``, ``as_reviewed``, ``today`` (the
    cards, then each team's aged count); ``money`` False leaves out the margin."""
    rows = []
    for key in CARDS:
        if key in MONEY and not money:
            continue
        rows.append({"key": key, "label": label(key), "unit": unit(key) or "count",
                     "as_reviewed": saved.get("cards", {}).get(key),
                     "today": today.get("cards", {}).get(key)})
    aged = {}
    for side in ("as_reviewed", "today"):
        for t in (saved if side == "as_reviewed" else today).get("teams", []):
            aged.setdefault(t["team"], {})[side] = t["aged_past_sla"]
    for team in sorted(aged):
        rows.append({"key": f"aged:{team}", "label": f"{label('aged_past_sla')}: {team}",
                     "unit": "count", "as_reviewed": aged[team].get("as_reviewed"),
                     "today": aged[team].get("today")})
    return rows
