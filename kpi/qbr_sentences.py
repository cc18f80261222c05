"""What changed in a client's quarter, in three to five plain sentences made by rules
from the QBR pack's numbers (``kpi.qbr``), in this order:

1. tickets opened (against the quarter before), and how many were resolved or closed and
   cancelled;
2. resolution and response SLA compliance;
3. CSAT (with its n, and a word of care under 10 responses);
4. hours against the included hours of block agreements (the months that went over), or,
   without a block agreement, hours worked against the quarter before;
5. the category that moved most, when one moved by at least 3 tickets and a quarter of
   its larger count.

The first three are always there; 4 when hours were worked or included; 5 when a
category qualifies. Counts move in words: "stayed at 34", "rose by 13%, from 30 to 34",
"doubled", "more than doubled", "fell by half", "fell by more than half", "rose from
none to 4", "fell from 4 to none", and "stayed about level, from 187.00 h to 186.50 h"
for a move that rounds to 0%. Percentages move in points and are compared as shown
(whole percents): "rose from 81% to 92%", "stayed at 97%". No word here names money,
rates, effort or tiers: the sentences go to the client.
"""
from __future__ import annotations

import pandas as pd

from .formats import is_missing, number

CATEGORY_MIN_MOVE = 3          # tickets
CATEGORY_MIN_SHARE = 0.25      # of the larger of the two counts


def _shown(value, unit: str) -> str:
    return number(value, unit, 2 if unit == "hours" else 0)


def moved(before, now, unit: str = "count") -> str:
    """How a number moved from ``before`` to ``now``, in words (see the module notes);
    hours compare as shown (two decimals), counts as they are."""
    b, n = (round(float(before), 2), round(float(now), 2)) if unit == "hours" else \
        (before, now)
    if b == n:
        return f"stayed at {_shown(now, unit)}"
    if b == 0:
        return f"rose from none to {_shown(now, unit)}"
    if n == 0:
        return f"fell from {_shown(before, unit)} to none"
    span = f"from {_shown(before, unit)} to {_shown(now, unit)}"
    if n == 2 * b:
        return f"doubled, {span}"
    if n > 2 * b:
        return f"more than doubled, {span}"
    if 2 * n == b:
        return f"fell by half, {span}"
    if 2 * n < b:
        return f"fell by more than half, {span}"
    pct = round(100 * abs(n - b) / b)
    if pct == 0:   # "rose by 0%" says nothing; "by 1%" would overstate a 0.3 % move
        return f"stayed about level, {span}"
    return f"{'rose' if n > b else 'fell'} by {pct}%, {span}"


def moved_percent(before, now) -> str:
    """A percentage's move as shown (whole percents)."""
    b, n = round(float(before)), round(float(now))
    if b == n:
        return f"stayed at {_shown(now, 'percent')}"
    return f"{'rose' if n > b else 'fell'} from {_shown(before, 'percent')} to " \
           f"{_shown(now, 'percent')}"


def _were(n: int, what: str) -> str:
    return f"{n} {'was' if n == 1 else 'were'} {what}"


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def volume_sentence(now: dict, then: dict) -> str:
    opened, before = now["tickets_opened"], then["tickets_opened"]
    if opened == before == 0 and now["tickets_closed"] == 0:
        return "No tickets were opened in this quarter or the one before."
    text = f"Tickets opened {moved(before, opened)}; " + \
        _were(now["tickets_closed"], "resolved or closed")
    if now["tickets_cancelled"]:
        text += f" and {now['tickets_cancelled']} cancelled"
    return text + "."


def _sla_part(name: str, now: dict, then: dict) -> str | None:
    p, b = now[f"{name}_percent"], then[f"{name}_percent"]
    if is_missing(p):
        return None
    if is_missing(b):
        return f"{name} compliance was {_shown(p, 'percent')} " \
               f"({now[f'{name}_n']} tickets; none to compare the quarter before)"
    return f"{name} compliance {moved_percent(b, p)}"


def sla_sentence(now: dict, then: dict) -> str:
    parts = [x for x in (_sla_part("resolution", now, then),
                         _sla_part("response", now, then)) if x]
    if not parts:
        return "No tickets were responded to or resolved against an SLA target this quarter."
    return _capital("; ".join(parts)) + "."


def csat_sentence(now: dict, then: dict) -> str:
    n, b = now["csat_responses"], then["csat_responses"]
    if n == 0:
        return "No satisfaction surveys were answered this quarter" + \
            (f" ({b} the quarter before)." if b else ".")
    responses = f"{n} response{'' if n == 1 else 's'}"
    if b:
        text = f"CSAT {moved_percent(then['csat_percent_positive'], now['csat_percent_positive'])}" \
               f" positive ({responses}; {b} the quarter before)"
    else:
        text = f"CSAT was {_shown(now['csat_percent_positive'], 'percent')} positive " \
               f"({responses}; none the quarter before)"
    if n < 10:
        text += "; with fewer than 10 responses, read it with care"
    return text + "."


def hours_sentence(now: dict, then: dict, months: pd.DataFrame) -> str | None:
    """``months``: the quarter's three month rows of the pack's hours table."""
    blocks = months.loc[months["included_hours"].notna()]
    if len(blocks):
        worked, included = float(blocks["hours"].sum()), float(blocks["included_hours"].sum())
        over = blocks.loc[blocks["overage_hours"].astype(float).round(2) > 0]
        every = len(blocks) == len(months)
        amounts = f"{_shown(worked, 'hours')} worked, {_shown(included, 'hours')} included" \
            + ("" if every else ", in the months with a block agreement")
        if over.empty:
            return (f"Hours worked stayed within the included hours in every month "
                    f"({amounts}).")
        names = [pd.Timestamp(m).strftime("%B") for m in over["month_start"]]
        return (f"Hours worked went over the included hours in {_listed(names)}: "
                f"{_shown(float(over['overage_hours'].sum()), 'hours')} over in all "
                f"({amounts}).")
    if not now["hours"] and not then["hours"]:
        return None
    return f"Hours worked {moved(then['hours'], now['hours'], 'hours')}."


def category_sentence(categories: pd.DataFrame) -> str | None:
    """``categories``: category, tickets, previous_tickets (every category)."""
    c = categories.assign(
        move=(categories["tickets"] - categories["previous_tickets"]).abs(),
        larger=categories[["tickets", "previous_tickets"]].max(axis=1))
    c = c.loc[(c["move"] >= CATEGORY_MIN_MOVE) & (c["move"] >= CATEGORY_MIN_SHARE * c["larger"])]
    if c.empty:
        return None
    top = c.sort_values(["move", "larger", "category"], ascending=[False, False, True]).iloc[0]
    return f"{top['category']} tickets {moved(int(top['previous_tickets']), int(top['tickets']))}."


def what_changed(now: dict, then: dict, categories: pd.DataFrame,
                 months: pd.DataFrame) -> list[str]:
    """Three to five sentences (the module notes)."""
    sentences = [volume_sentence(now, then), sla_sentence(now, then), csat_sentence(now, then),
                 hours_sentence(now, then, months), category_sentence(categories)]
    return [s for s in sentences if s]
