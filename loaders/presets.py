"""Vendor presets: which export header feeds which canonical field.

Each preset is data, not code: ``signature`` lists the headers that together identify the
vendor and kind (``a|b`` means either), ``columns`` lists each field's header aliases in
order of preference (the first non-empty one wins per row), ``values`` maps a vendor's own
words to canonical values (``values["rating"]``: a survey's labels), and ``options`` holds
the few facts data can't infer: ``csat_scale`` (the survey's scale, ``3-point``,
``5-point`` or ``0-10``; without it the settings' ``[csat] scale`` decides), ``key_from``
(an id made of two columns), ``default_type`` (the agreement type when the export names
none), ``included_cycle = "span"`` (an agreement's amount and hours cover its own dates).
Headers are compared case-, space- and punctuation-insensitively (see ``norm``).

A user mapping file for any other export produces the same structure (``mapping.py``),
and so does the built-in ``cadence`` preset for Cadence's own technician list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_NON_ALNUM = re.compile(r"[^0-9a-z#]+")


def norm(header: object) -> str:
    """`Date Entered`, `dateEntered` and `date_entered` are the same header."""
    text = str(header).strip().lower().replace("\ufeff", "")
    return _NON_ALNUM.sub("", text)


@dataclass(frozen=True)
class Preset:
    vendor: str
    kind: str
    signature: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    options: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.vendor}/{self.kind}"


# A preset's `values["status_class"]` holds its own status words; the settings' [status]
# words come before them and the keyword rules in normalise.status_class after them.
CONNECTWISE = "connectwise"
AUTOTASK = "autotask"
HALOPSA = "halopsa"
SYNCRO = "syncro"
SERVICENOW = "servicenow"
SMILEBACK = "smileback"
CADENCE = "cadence"

PRESETS: tuple[Preset, ...] = (
    # ---------------------------------------------------------------- ConnectWise PSA
    Preset(
        CONNECTWISE, "tickets",
        signature=("dateEntered", "board|summary"),
        columns={
            "ticket_id": ("id", "Ticket #", "TicketNbr", "Ticket Number"),
            "summary": ("summary", "Summary Description"),
            "client": ("company", "companyName", "Company Name"),
            "board": ("board", "boardName", "Board Name"),
            "team": ("team", "teamName"),
            "assignee": ("owner", "resources", "Resource"),
            "status": ("status", "statusName"),
            "priority_raw": ("priority", "priorityName"),
            "category": ("type", "typeName"),
            "source_channel": ("source", "sourceName"),
            "created_at": ("dateEntered", "Date Entered", "_info.dateEntered"),
            "first_response_at": ("dateResponded", "Date Responded"),
            "resolved_at": ("dateResolved", "Date Resolved"),
            "closed_at": ("closedDate", "Date Closed"),
            "sla_met": ("isInSla", "In SLA"),
            "hours_actual": ("actualHours", "Actual Hours"),
            "updated_at": ("lastUpdated", "_info.lastUpdated", "Last Updated"),
        },
        values={"status_class": {">closed": "closed", "closed": "closed",
                                 "completed": "resolved", "resolved": "resolved",
                                 "cancelled": "cancelled", "canceled": "cancelled"}},
    ),
    Preset(
        CONNECTWISE, "time_entries",
        signature=("chargeToId", "member|memberName", "timeStart|dateEntered"),
        columns={
            "entry_id": ("id",),
            "ticket_id": ("chargeToId", "Charge To Id"),
            "client": ("company", "companyName"),
            "technician": ("member", "memberName", "Member Name"),
            "work_date": ("timeStart", "Time Start", "dateEntered"),
            "_work_end": ("timeEnd", "Time End"),
            "hours": ("actualHours", "Actual Hours"),
            "hours_billed": ("hoursBilled", "Hours Billed"),
            "billable": ("billableOption", "Billable Option"),
            "bill_rate": ("hourlyRate", "Hourly Rate"),
            "work_type": ("workType", "Work Type"),
            "entered_at": ("dateEntered", "_info.dateEntered"),
        },
        values={"billable": {"billable": True, "donotbill": False, "nocharge": False,
                             "nodefault": False}},
    ),
    Preset(
        CONNECTWISE, "agreements",
        signature=("billAmount|invoicingCycle", "company"),
        columns={
            "agreement_id": ("id",),
            "client": ("company", "companyName"),
            "name": ("name", "agreementName"),
            "type": ("type", "agreementType"),
            "_bill_amount": ("billAmount", "Bill Amount"),
            "_cost_per_cycle": ("cost", "Cost"),
            "_billing_cycle": ("invoicingCycle", "billingCycle", "Invoicing Cycle"),
            "start_date": ("startDate", "Start Date"),
            "end_date": ("endDate", "End Date"),
            # The agreement's limit: hours when applicationUnits is Hours (Amount and
            # Incidents are no hours), per applicationCycle (CalendarMonth, ContractYear...).
            "_included_per_cycle": ("applicationLimit", "Application Limit"),
            "_included_units": ("applicationUnits", "Application Units"),
            "_included_cycle": ("applicationCycle", "Application Cycle"),
            "_included_unlimited": ("applicationUnlimitedFlag", "Application Unlimited"),
        },
    ),
    Preset(
        CONNECTWISE, "csat",
        # A customer-satisfaction survey result (service/surveys/{id}/results): the points
        # a contact gave, summed over the survey's questions. The points of each answer
        # are the survey author's choice, so no scale is declared: [csat] scale decides.
        signature=("ticketId", "totalPoints"),
        columns={
            "response_id": ("id",),
            "ticket_id": ("ticketId", "Ticket #"),
            "client": ("company", "companyName", "company.name"),
            "responded_at": ("_info.dateEntered", "dateEntered", "Date Entered"),
            "score_raw": ("totalPoints", "Total Points"),
            "comment": ("footerResponse", "Footer Response", "comment"),
        },
    ),
    # ---------------------------------------------------------------- Datto Autotask
    Preset(
        AUTOTASK, "tickets",
        signature=("Ticket Number", "Create Date|Created", "Queue|Issue Type|Title"),
        columns={
            "ticket_id": ("Ticket Number",),
            "summary": ("Title",),
            "client": ("Account", "Company"),
            "board": ("Queue",),
            "assignee": ("Primary Resource", "Resource"),
            "status": ("Status",),
            "priority_raw": ("Priority",),
            "category": ("Issue Type",),
            "source_channel": ("Source",),
            "created_at": ("Create Date", "Created", "Create Date/Time"),
            "first_response_at": ("First Response Date/Time", "First Response Date"),
            "resolved_at": ("Resolved Date/Time", "Resolved Date"),
            "closed_at": ("Complete Date", "Completed Date", "Complete Date/Time"),
            "response_due_at": ("First Response Due Date/Time",),
            "resolution_due_at": ("Resolved Due Date/Time", "Due Date/Time"),
            "sla_met": ("Service Level Agreement Met", "SLA Met"),
            "hours_actual": ("Total Hours Worked", "Hours Worked"),
            "updated_at": ("Last Activity Date", "Last Activity Date/Time"),
        },
        values={"status_class": {"complete": "closed", "completed": "closed",
                                 "waiting customer": "waiting", "waiting materials": "waiting",
                                 "waiting vendor": "waiting"}},
    ),
    Preset(
        AUTOTASK, "time_entries",
        signature=("Ticket Number", "Hours Worked", "Date Worked|Resource"),
        columns={
            "entry_id": ("Time Entry ID", "Entry ID"),
            "ticket_id": ("Ticket Number",),
            "client": ("Account", "Company"),
            "technician": ("Resource", "Resource Name"),
            "work_date": ("Date Worked", "Start Date/Time"),
            "_work_end": ("End Date/Time",),
            "hours": ("Hours Worked",),
            "hours_billed": ("Hours To Bill", "Hours Billed"),
            "_non_billable": ("Non-Billable", "Non Billable"),
            "bill_rate": ("Hourly Rate", "Billing Rate"),
            "work_type": ("Work Type", "Billing Code"),
            "entered_at": ("Create Date/Time", "Date Entered"),
        },
    ),
    Preset(
        AUTOTASK, "csat",
        signature=("Ticket Number", "Survey Rating"),
        columns={
            "response_id": ("Survey Response ID", "Response ID"),
            "ticket_id": ("Ticket Number",),
            "client": ("Account", "Company"),
            "technician": ("Primary Resource", "Resource"),
            "responded_at": ("Complete Date", "Completed Date", "Survey Date"),
            "score_raw": ("Survey Rating", "Rating"),
            "comment": ("Comment", "Comments"),
        },
        # Survey Rating is the average of the answered questions' 1-5 ratings (Autotask's
        # help, "Viewing and managing survey responses"): a 5-point scale, possibly 3.67.
        options={"csat_scale": "5-point"},
    ),
    Preset(
        AUTOTASK, "agreements",
        # A Block Hours contract's blocks (Contracts > Contract Block; the ContractBlocks
        # entity: Hours, Hourly Rate, Start/End Date, Date Purchased). A block is prepaid
        # hours over its own dates: its price (hours x rate) and hours spread over the
        # months it spans (options.included_cycle = "span").
        signature=("Hours", "Hourly Rate|hourlyRate", "Date Purchased|datePurchased"),
        columns={
            "agreement_id": ("Contract Block ID", "Block ID", "id"),
            "client": ("Account", "Organization", "Company", "Account Name"),
            "name": ("Contract Name", "Contract"),
            "type": ("Contract Type",),
            "_included_per_cycle": ("Hours", "hours"),
            "_block_hourly_rate": ("Hourly Rate", "hourlyRate"),
            "start_date": ("Start Date", "startDate"),
            "end_date": ("End Date", "endDate"),
        },
        options={"default_type": "block", "included_cycle": "span"},
    ),
    # ---------------------------------------------------------------- HaloPSA
    Preset(
        HALOPSA, "tickets",
        signature=("dateoccurred", "client_name|summary"),
        columns={
            "ticket_id": ("id", "Ticket ID", "faultid"),
            "summary": ("summary", "symptom"),
            "client": ("client_name", "Client", "area"),
            "team": ("team", "sectio_"),
            "assignee": ("agent_name", "Agent", "assignedto"),
            "status": ("status_name", "Status"),
            "priority_raw": ("priority_id", "priority_name", "Priority"),
            "category": ("category_1", "Category"),
            "source_channel": ("source", "requesttype_name"),
            "created_at": ("dateoccurred", "Date Occurred"),
            "first_response_at": ("responsedate", "Response Date"),
            "response_due_at": ("respondbydate", "Respond By Date"),
            "resolution_due_at": ("fixbydate", "Fix By Date"),
            "closed_at": ("dateclosed", "Date Closed"),
            "sla_met": ("slastate", "SLA State"),
            "hours_actual": ("timetaken", "Time Taken"),
            "updated_at": ("lastactiondate", "last_update"),
            # `reassigncount`: how often the ticket was passed to another agent or team.
            "escalation_count": ("reassigncount", "Reassign Count"),
            # Halo's API has no reopen count; a ticket report (Halo reports are SQL) can
            # count the reopen events, and one that names its column so is read.
            "reopen_count": ("reopen_count", "Reopen Count", "Times Reopened"),
            # `onhold`: the ticket's status has put its SLA clock on hold.
            "_sla_hold": ("onhold", "On Hold"),
        },
        values={"sla_met": {"i": True, "in": True, "in sla": True, "met": True,
                            "o": False, "out": False, "out of sla": False,
                            "breached": False}},
    ),
    Preset(
        HALOPSA, "time_entries",
        signature=("ticket_id", "who", "timetaken"),
        # A Halo action's `id` / `actionnumber` counts 1, 2, 3... within its ticket, so the
        # entry is keyed by ticket and action number together (options.key_from).
        columns={
            "_entry_number": ("actionnumber", "id"),
            "ticket_id": ("ticket_id", "faultid"),
            "client": ("client_name",),
            "technician": ("who", "agent_name"),
            "work_date": ("datetime", "actiondatecreated"),
            "hours": ("timetaken",),
            "hours_billed": ("actionchargehours",),
            "billable": ("actisbillable",),
            "bill_rate": ("chargerate",),
            "work_type": ("outcome", "chargerate_name"),
            "entered_at": ("actiondatecreated",),
        },
        options={"key_from": ("ticket_id", "_entry_number")},
    ),
    Preset(
        HALOPSA, "agreements",
        signature=("client_name", "periodchargeamount|billingperiod"),
        columns={
            "agreement_id": ("ref", "id"),
            "client": ("client_name",),
            "name": ("contract_name", "ref"),
            "type": ("contract_type", "type"),
            "_bill_amount": ("periodchargeamount",),
            "_cost_per_cycle": ("costperperiod",),
            "_billing_cycle": ("billingperiod",),
            "start_date": ("start_date",),
            "end_date": ("end_date",),
            # prepay hours a period includes (ContractHeader.chargehoursperperiod)
            "_included_per_cycle": ("chargehoursperperiod", "Charge Hours Per Period"),
        },
    ),
    Preset(
        HALOPSA, "csat",
        signature=("ticket_id", "score"),
        columns={
            "response_id": ("id",),
            "ticket_id": ("ticket_id",),
            "client": ("client_name",),
            "technician": ("agent_name",),
            "responded_at": ("date", "datetime"),
            "score_raw": ("score",),
            "comment": ("comment",),
        },
    ),
    # ---------------------------------------------------------------- Syncro
    Preset(
        SYNCRO, "tickets",
        signature=("Subject", "Customer|customer_business_then_name"),
        columns={
            "ticket_id": ("Ticket #", "number", "Ticket Number"),
            "summary": ("Subject",),
            "client": ("Customer", "customer_business_then_name", "Business"),
            "assignee": ("Tech", "user", "Assigned To"),
            "status": ("Status",),
            "priority_raw": ("Priority",),
            "category": ("Issue Type", "problem_type"),
            "source_channel": ("Source",),
            "created_at": ("Created", "created_at"),
            "resolved_at": ("Resolved", "resolved_at"),
            "resolution_due_at": ("Due Date", "due_date"),
            "updated_at": ("Updated", "updated_at"),
        },
        # "Invoiced" is set by Make Invoice, after "Resolved": the ticket is done.
        values={"status_class": {"invoiced": "closed"}},
    ),
    # ---------------------------------------------------------------- ServiceNow
    Preset(
        SERVICENOW, "tickets",
        signature=("number", "opened_at", "state|incident_state|short_description"),
        columns={
            "ticket_id": ("number",),
            "summary": ("short_description",),
            "client": ("company", "account"),
            "board": ("assignment_group",),
            "team": ("assignment_group",),
            "assignee": ("assigned_to",),
            "status": ("incident_state", "state"),
            "priority_raw": ("priority",),
            "category": ("category",),
            "source_channel": ("contact_type",),
            "created_at": ("opened_at", "sys_created_on", "sys_created_at"),
            "resolved_at": ("resolved_at",),
            "closed_at": ("closed_at",),
            "sla_met": ("made_sla",),
            "reopen_count": ("reopen_count",),
            # passed to another assignment group or person: ServiceNow's escalation count
            "escalation_count": ("reassignment_count",),
            "updated_at": ("sys_updated_on", "sys_updated_at"),
        },
        # ServiceNow's numeric incident_state codes, for exports that write the value.
        values={"status_class": {"1": "open", "2": "open", "3": "waiting", "6": "resolved",
                                 "7": "closed", "8": "cancelled", "awaiting user info": "waiting",
                                 "awaiting vendor": "waiting", "awaiting problem": "waiting",
                                 "awaiting evidence": "waiting", "on hold": "waiting"}},
    ),
    # ---------------------------------------------------------------- SmileBack
    Preset(
        SMILEBACK, "csat",
        # Three faces. A review's fields as SmileBack's API names them (rating, comment,
        # rated_on, ticket.reference, company, agents); the rating is a word.
        signature=("rating", "rated_on|Rated On"),
        columns={
            "response_id": ("id", "Review ID"),
            "ticket_id": ("ticket.reference", "ticket_reference", "Ticket", "Ticket #"),
            "client": ("company.name", "company", "Company"),
            "technician": ("agents", "agent", "Agent", "Agents"),
            "responded_at": ("rated_on", "Rated On"),
            "score_raw": ("rating", "Rating", "Reaction"),
            "comment": ("comment", "Comment"),
        },
        values={"rating": {"positive": "positive", "neutral": "neutral",
                           "negative": "negative"}},
        options={"csat_scale": "3-point"},
    ),
    # ---------------------------------------------------------------- Cadence's own lists
    Preset(
        CADENCE, "technicians",
        signature=("name", "hourly_cost|weekly_capacity_hours"),
        columns={
            "name": ("name", "technician"),
            "team": ("team",),
            "hourly_cost": ("hourly_cost", "cost per hour"),
            "weekly_capacity_hours": ("weekly_capacity_hours", "capacity"),
        },
    ),
)
