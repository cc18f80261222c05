"""Every metric declared once: label, unit, which way is good, and how it is computed.

The dashboard shows ``how`` beside each number and colours a movement with
``higher_is_better``; the text report uses the labels. Ratios always travel with their n.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str                       # count, percent, currency, hours, ratio, days
    higher_is_better: bool | None   # None: neither direction is good in itself
    how: str
    headline: bool = False


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("csat_percent_positive", "CSAT", "percent", True,
           "Positive survey responses ÷ all responses received in the week (5-point: 4–5 "
           "positive; 0–10: 9–10; 3-point: the top face). Shown with n; n < 10 is flagged.",
           headline=True),
    Metric("open_at_end", "Backlog", "count", False,
           "Tickets open at the end of the week: created before Monday 00:00 and not yet "
           "resolved (or closed, when there is no resolved time) by then.", headline=True),
    Metric("margin_percent", "Service margin", "percent", True,
           "(Recurring revenue + billable labour revenue − labour cost − hard costs) ÷ "
           "revenue, for the calendar month; a month holding the cut-off is month-to-date.",
           headline=True),
    Metric("aged_past_sla", "Aged past SLA", "count", False,
           "Tickets open at the cut-off whose resolution due time (the PSA's, else created + "
           "the priority's target on the SLA clock) has passed. A team with "
           "review_threshold or more needs a review of its top 3 aging categories.",
           headline=True),
    Metric("reprice_clients", "Clients to reprice", "count", False,
           "Clients below the median revenue whose effort index (their hours per dollar ÷ "
           "the portfolio's) is above 1, over the last full months of the tier window.",
           headline=True),
    Metric("opened", "Opened", "count", None, "Tickets created in the week."),
    Metric("closed", "Closed", "count", True, "Tickets resolved (else closed) in the week."),
    Metric("revenue", "Revenue", "currency", True,
           "Monthly revenue of every agreement active on a day of the month, plus billable "
           "hours × bill rate of time worked in the month."),
    Metric("margin", "Margin", "currency", True, "Revenue − labour cost − hard costs."),
    Metric("labor_cost", "Labour cost", "currency", False,
           "Hours worked × the technician's fully loaded hourly cost."),
    Metric("effective_hourly_rate", "Effective hourly rate", "currency", True,
           "Revenue ÷ hours worked."),
    Metric("effort_index", "Effort index", "ratio", False,
           "(Client hours ÷ client revenue) ÷ (all hours ÷ all revenue); 1.0 is average."),
    Metric("response_percent", "Response SLA", "percent", True,
           "Of tickets first responded to in the period, the share on or before the "
           "response due time."),
    Metric("resolution_percent", "Resolution SLA", "percent", True,
           "Of tickets done in the period, the share on or before the resolution due time."),
    Metric("utilisation_percent", "Utilisation", "percent", None,
           "Billable hours ÷ capacity; the healthy band is 75–85 %."),
    Metric("reopen_percent", "Reopen rate", "percent", False,
           "Of tickets done in the period, the share reopened at least once."),
    Metric("lag_days", "Time-entry lag", "days", False,
           "Days between the work date and the day the time was entered."),
)}

HEADLINE = [m for m in METRICS.values() if m.headline]


def delta(current, previous):
    """current − previous, or None when either is missing."""
    if current is None or previous is None:
        return None
    return current - previous


def movement(key: str, change) -> str:
    """'good', 'bad' or 'flat' for a change of a metric (for colouring a delta)."""
    better = METRICS[key].higher_is_better
    if change is None or change == 0 or better is None:
        return "flat"
    return "good" if (change > 0) == better else "bad"
