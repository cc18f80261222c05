"""The canonical fields of each kind of export, and how each one is read.

A preset (see ``presets.py``) only says which header feeds which field; this module says
what the field is. Fields whose name starts with ``_`` are inputs to a derived column
(``_bill_amount`` and ``_billing_cycle`` become ``monthly_revenue``) and are not stored.
"""
from __future__ import annotations

KINDS = ("tickets", "time_entries", "agreements", "csat", "technicians")

# The SQL table each kind lands in, and the columns that identify a row in it.
TABLE = {
    "tickets": "tickets",
    "time_entries": "time_entries",
    "agreements": "agreements",
    "csat": "csat_responses",
    "technicians": "technicians",
}
KEY = {
    "tickets": "ticket_id",
    "time_entries": "entry_id",
    "agreements": "agreement_id",
    "csat": "response_id",
    "technicians": "name",
}

# field -> type. Types: text, datetime, date (a calendar day: a UTC offset is dropped, not
# converted, so 2025-07-01T00:00:00Z stays the 1st of July), hours, money, bool, int.
FIELDS: dict[str, dict[str, str]] = {
    "tickets": {
        "ticket_id": "text", "summary": "text", "client": "text", "board": "text",
        "team": "text", "assignee": "text", "status": "text", "priority_raw": "text",
        "category": "text", "source_channel": "text", "created_at": "datetime",
        "first_response_at": "datetime", "resolved_at": "datetime", "closed_at": "datetime",
        "response_due_at": "datetime", "resolution_due_at": "datetime", "sla_met": "bool",
        "reopen_count": "int", "hours_actual": "hours", "updated_at": "datetime",
    },
    "time_entries": {
        "entry_id": "text", "_entry_number": "text", "ticket_id": "text", "client": "text",
        "technician": "text",
        "work_date": "datetime", "_work_end": "datetime", "hours": "hours",
        "hours_billed": "hours", "billable": "bool", "_non_billable": "bool",
        "bill_rate": "money", "work_type": "text", "entered_at": "datetime",
    },
    "agreements": {
        "agreement_id": "text", "client": "text", "name": "text", "type": "text",
        "_bill_amount": "money", "_cost_per_cycle": "money", "_billing_cycle": "text",
        "monthly_revenue": "money", "monthly_cost": "money",
        "start_date": "date", "end_date": "date",
    },
    "csat": {
        "response_id": "text", "ticket_id": "text", "client": "text", "technician": "text",
        "responded_at": "datetime", "score_raw": "text", "comment": "text",
    },
    "technicians": {
        "name": "text", "team": "text", "hourly_cost": "money",
        "weekly_capacity_hours": "hours",
    },
}

# A row without these cannot be used at all, so it is rejected with the reason.
REQUIRED = {
    "tickets": ("ticket_id", "created_at"),
    "time_entries": ("technician", "work_date", "hours"),
    "agreements": ("client",),
    "csat": ("responded_at", "score_raw"),
    "technicians": ("name",),
}

# The stored columns of each table, in order (derived ones included).
STORED = {
    "tickets": [
        "source_system", "ticket_id", "summary", "client", "board", "team", "assignee",
        "status", "status_class", "priority_raw", "priority", "category", "source_channel",
        "created_at", "first_response_at", "resolved_at", "closed_at", "response_due_at",
        "resolution_due_at", "sla_met", "reopen_count", "hours_actual", "updated_at",
        "import_id",
    ],
    "time_entries": [
        "source_system", "entry_id", "ticket_id", "client", "technician", "work_date",
        "hours", "hours_billed", "billable", "bill_rate", "work_type", "entered_at",
        "import_id",
    ],
    "agreements": [
        "source_system", "agreement_id", "client", "name", "type", "monthly_revenue",
        "monthly_cost", "start_date", "end_date", "import_id",
    ],
    "csat": [
        "source_system", "response_id", "ticket_id", "client", "technician",
        "responded_at", "score_raw", "scale", "rating", "comment", "import_id",
    ],
    "technicians": ["name", "team", "hourly_cost", "weekly_capacity_hours", "import_id"],
}

# Fields an export with no id of its own is keyed on (a stable hash of these values).
HASH_FIELDS = {
    "time_entries": ("ticket_id", "technician", "work_date", "hours", "work_type"),
    "agreements": ("client", "name", "start_date"),
    "csat": ("ticket_id", "client", "responded_at", "score_raw"),
}


def field_names(kind: str) -> list[str]:
    return list(FIELDS[kind])
