"""What the QBR workbook and PDF share: their sections, the summary's wording, a column's
header and unit (from ``kpi.metrics``) and a cell's plain value."""
from __future__ import annotations

import math

from ..metrics import label, unit

SHEETS = [  # (pack key, sheet name, title)
    ("volume", "Volume", "Ticket volume per week"),
    ("sla", "SLA", "SLA compliance"),
    ("csat", "CSAT", "Customer satisfaction"),
    ("categories", "Categories", "Top categories"),
    ("hours", "Hours", "Hours against agreement"),
    ("agreements", "Agreements", "Agreements active in the quarter"),
    ("tier", "Tier", "Effort-to-revenue tier"),
    ("tickets", "Tickets", "Tickets opened in the quarter"),
]
SUMMARY_LABELS = {
    "client": "Client", "quarter": "Quarter", "tickets_opened": "Tickets opened",
    "tickets_closed": "Tickets closed", "response_percent": "Response SLA %",
    "response_n": "Responses", "resolution_percent": "Resolution SLA %",
    "resolution_n": "Resolutions", "csat_percent_positive": "CSAT % positive",
    "csat_responses": "CSAT responses", "hours": "Hours worked", "revenue": "Revenue",
    "tier": "Tier at quarter end", "previous_tier": "Tier at previous quarter end",
    "tier_movement": "Tier movement",
}


def header(column: str) -> str:
    """A table's column header: its label, with "%" where its numbers are percentages."""
    text = label(column)
    return f"{text} %" if unit(column) == "percent" and "%" not in text else text


def unit_of(column: str) -> str | None:
    return unit(column)


def heading(pack: dict) -> str:
    return f"QBR {pack['quarter']} - {pack['client']} ({pack['start']} to {pack['end']})"


def plain(value):
    """A Python scalar for a cell: None for missing, numpy numbers unwrapped."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if value is not None and not isinstance(value, (str, bool, int, float)) \
                and value != value:  # pd.NA / NaT
            return None
    except (TypeError, ValueError):
        return None
    return value
