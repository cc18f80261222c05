"""Every metric declared once: label, unit, which way is good, how it is computed, and how
its numbers are written (``kpi.formats`` by unit). The dashboard shows ``how`` beside each
number and colours a movement by ``higher_is_better``; the text report, the pages and the
QBR files label and format their numbers from here.

``COLUMNS`` labels the other columns the KPI tables carry (counts, names, dates); a
store column not listed takes its declared label (``loaders.tables``). ``label`` and
``unit`` answer for any column. Ratios always travel with their n.
"""
from __future__ import annotations

from dataclasses import dataclass

from loaders import tables as declared


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str                       # count, percent, currency, hours, ratio, days, text
    higher_is_better: bool | None   # None: neither direction is good in itself
    how: str
    headline: bool = False
    digits: int | None = None       # decimals when shown (None: the unit's default)


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
           "revenue, for the calendar month; agreements accrue by day, so a month holding "
           "the cut-off is month-to-date for revenue, costs and labour alike.",
           headline=True, digits=1),
    Metric("aged_past_sla", "Aged past SLA", "count", False,
           "Tickets open at the cut-off whose resolution due time (the PSA's, else created + "
           "the priority's target on the SLA clock) has passed. A team with "
           "review_threshold or more needs a review of its top 3 aging categories.",
           headline=True),
    Metric("reprice_clients", "Clients to reprice", "count", False,
           "Clients below the median revenue whose effort index (their hours per dollar ÷ "
           "the portfolio's) is above the effort threshold (tiers.effort_threshold, 1.2 by "
           "default), over the last full months of the tier window.",
           headline=True),
    Metric("opened", "Opened", "count", None, "Tickets created in the week."),
    Metric("closed", "Closed", "count", True, "Tickets resolved (else closed) in the week."),
    Metric("revenue", "Revenue", "currency", True,
           "Agreements' monthly revenue accrued by the days they are active in the month, "
           "plus billable hours × bill rate of time worked in the month."),
    Metric("recurring_revenue", "Agreement revenue", "currency", True,
           "Agreements' monthly revenue accrued by the days they are active in the month."),
    Metric("labor_revenue", "Billed labour", "currency", True,
           "Billable hours × bill rate of the time worked in the month."),
    Metric("margin", "Margin", "currency", True, "Revenue − labour cost − hard costs."),
    Metric("labor_cost", "Labour cost", "currency", False,
           "Hours worked × the technician's fully loaded hourly cost."),
    Metric("hard_cost", "Hard cost", "currency", False,
           "The agreements' monthly hard costs (tools, licences)."),
    Metric("effective_hourly_rate", "Effective hourly rate", "currency", True,
           "Revenue ÷ hours worked.", digits=2),
    Metric("effort_index", "Effort index", "ratio", False,
           "(Client hours ÷ client revenue) ÷ (all hours ÷ all revenue); 1.0 is average."),
    Metric("hours", "Hours worked", "hours", None, "Hours worked, billable or not."),
    Metric("response_percent", "Response SLA", "percent", True,
           "Of tickets first responded to in the period, the share on or before the "
           "response due time.", digits=1),
    Metric("resolution_percent", "Resolution SLA", "percent", True,
           "Of tickets done in the period, the share on or before the resolution due time.",
           digits=1),
    Metric("utilisation_percent", "Utilisation", "percent", None,
           "Hours worked for clients (not the MSP's own company, labor.internal_clients) ÷ "
           "capacity; managed-services work counts even when it isn't billed. The healthy "
           "band is 75–85 %.", digits=1),
    Metric("billable_percent", "Billable utilisation", "percent", None,
           "Billable hours worked ÷ capacity.", digits=1),
    Metric("waiting", "Waiting", "count", None,
           "Open tickets waiting on the customer or a vendor at the cut-off (status class "
           "waiting): their SLA clock is paused, so they are not aged past SLA unless "
           "sla.age_waiting is set."),
    Metric("response_median_hours", "Time to first response", "hours", False,
           "Median clock hours from a ticket's creation to its first response, over the "
           "tickets first responded to in the period."),
    Metric("resolution_median_hours", "Time to resolution", "hours", False,
           "Median clock hours from a ticket's creation to its resolution (else close), over "
           "the tickets done in the period; cancelled ones left out."),
    Metric("response_median_sla_hours", "Time to first response (SLA clock)", "hours", False,
           "Median hours from a ticket's creation to its first response counted on the SLA "
           "clock (business hours unless the clock is 24x7), the clock of the target beside "
           "it; over the tickets first responded to in the period."),
    Metric("resolution_median_sla_hours", "Time to resolution (SLA clock)", "hours", False,
           "Median hours from a ticket's creation to its resolution (else close) counted on "
           "the SLA clock, the clock of the target beside it; over the tickets done in the "
           "period, cancelled ones left out."),
    Metric("reopened", "Reopened", "count", False,
           "Of the tickets done in the week, those the PSA counts as reopened at least once."),
    Metric("escalated", "Escalated", "count", False,
           "Of the tickets done in the week, those passed to another group or tier at least "
           "once (ServiceNow's reassignment count, or mapped)."),
    Metric("reopen_percent", "Reopen rate", "percent", False,
           "Of tickets done in the period, the share reopened at least once."),
    Metric("lag_days", "Time-entry lag", "days", False,
           "Days between the work date and the day the time was entered."),
    # The QBR pack (kpi.qbr): a client's quarter against the one before.
    Metric("tickets_opened", "Tickets opened", "count", None, "Tickets created in the period."),
    Metric("tickets_closed", "Tickets resolved or closed", "count", True,
           "Tickets resolved (else closed) in the period; cancelled ones are not counted."),
    Metric("tickets_cancelled", "Tickets cancelled", "count", None,
           "Tickets cancelled in the period: neither resolved nor closed."),
    Metric("tickets_open_at_end", "Open at the end", "count", False,
           "Tickets created before the period's end and not yet done by then."),
    Metric("included_hours", "Included hours", "hours", None,
           "Hours a month the client's block agreements include, by the days each is "
           "active in the month."),
    Metric("remaining_hours", "Hours left", "hours", None,
           "Included hours not used in the month (they do not roll over)."),
    Metric("overage_hours", "Hours over", "hours", False,
           "Hours worked beyond the included hours in the month; a quarter's is the sum "
           "of its months'."),
)}

# Other columns of the KPI tables: column -> (label, unit).
COLUMNS: dict[str, tuple[str, str]] = {
    "week": ("Week from", "text"), "month": ("Month", "text"), "period": ("Period", "text"),
    "team": ("Team", "text"), "open": ("Open", "count"),
    "response_n": ("Responses", "count"), "response_met": ("Responded on time", "count"),
    "resolution_n": ("Resolutions", "count"), "resolution_met": ("Resolved on time", "count"),
    "responses": ("Responses", "count"), "positive": ("Positive", "count"),
    "neutral": ("Neutral", "count"), "negative": ("Negative", "count"),
    "percent_positive": ("% positive", "percent"), "small_n": ("Fewer than 10", "text"),
    "tickets": ("Tickets", "count"), "share": ("Share", "percent"),
    "revenue_per_hour": ("Revenue per hour", "currency"),
    "as_of": ("As of", "text"), "cutoff": ("Cut-off", "text"), "tier": ("Tier", "text"),
    "created": ("Created", "text"), "done": ("Done", "text"),
    "revenue_rank": ("Revenue rank (1 = lowest)", "ratio"), "movement": ("Movement", "text"),
    "previous_tier": ("Tier before", "text"), "band": ("Band", "text"),
    "hours_left": ("Hours left", "hours"), "due": ("Due", "text"),
    "billable_hours": ("Billable hours", "hours"),
    "capacity_hours": ("Capacity", "hours"), "client_hours": ("Client hours", "hours"),
    # the QBR pack's tables (dates are date cells in its workbook)
    "week_from": ("Week from", "date"), "days_in_quarter": ("Days in the quarter", "count"),
    "cancelled": ("Cancelled", "count"), "month_start": ("Month", "month"),
    "response_target_hours": ("Response target", "hours"),
    "resolution_target_hours": ("Resolution target", "hours"),
    "previous_response_percent": ("Response SLA, quarter before", "percent"),
    "previous_resolution_percent": ("Resolution SLA, quarter before", "percent"),
    "judged_by": ("Judged by", "text"), "csat_note": ("Note", "text"),
    "csat_responses": ("CSAT responses", "count"),
    "previous_tickets": ("Tickets, quarter before", "count"),
    "tickets_change": ("Change", "count"), "responded": ("Responded", "datetime"),
    "response_sla": ("Response SLA", "text"), "resolution_sla": ("Resolution SLA", "text"),
    "reopens": ("Reopened", "count"),
    "opened_at": ("Created", "datetime"), "done_at": ("Resolved or closed", "datetime"),
    "as_of_date": ("Cut-off", "date"),
}
# The weekly review's speed beside the SLA (kpi.flow), its saved numbers (kpi.meeting) and
# the daily stand-up (kpi.today).
COLUMNS.update({
    "csat_responses": ("CSAT responses", "count"),
    "response_target_hours": ("Response target", "hours"),
    "resolution_target_hours": ("Resolution target", "hours"),
    "past_due": ("Past due", "count"), "due_soon": ("Due by next close", "count"),
    "new_urgent": ("New P1/P2", "count"), "hours_over": ("Over by", "hours"),
    "hours_left": ("Left", "hours"), "waiting": ("Waiting", "count"),
})

# A column name in several tables takes the label of the first that declares it (the
# technicians' "name" reads "Technician" there; an agreement's "Name" elsewhere).
_STORE_LABELS: dict[str, str] = {}
for _table in declared.DATA_TABLES.values():
    for _column in _table.columns:
        _STORE_LABELS.setdefault(_column.name, _column.label)
_STORE_UNITS = {"monthly_revenue": "currency", "monthly_cost": "currency",
                "bill_rate": "currency", "hourly_cost": "currency",
                "hours_billed": "hours", "hours_actual": "hours",
                "weekly_capacity_hours": "hours"}


def label(column: str, table: str | None = None) -> str:
    """What a person reads above a column or beside a number (``table``: the store table
    the column comes from, where its declared label should win)."""
    if table is not None and column in declared.DATA_TABLES[table].names:
        return declared.DATA_TABLES[table][column].label
    if column in METRICS:
        return METRICS[column].label
    if column in COLUMNS:
        return COLUMNS[column][0]
    return _STORE_LABELS.get(column, column.replace("_", " ").capitalize())


def unit(column: str) -> str | None:
    """The unit a column's numbers are written in (None: plain text or a plain number)."""
    if column in METRICS:
        return METRICS[column].unit
    if column in COLUMNS:
        return COLUMNS[column][1]
    return _STORE_UNITS.get(column)


def movement(key: str, change) -> str:
    """'good', 'bad' or 'flat' for a change of a metric (for colouring a delta)."""
    better = METRICS[key].higher_is_better
    if change is None or change == 0 or better is None:
        return "flat"
    return "good" if (change > 0) == better else "bad"
