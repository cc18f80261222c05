"""What the QBR workbook and PDF share: their sections, a column's header and unit (from
``kpi.metrics``), a cell's plain value, and the wording around the tables."""
from __future__ import annotations

import datetime as dt
import math

from ..formats import number
from ..metrics import label, unit

SECTIONS = [  # (pack key, sheet name, title, the pack's notes key or None)
    ("volume", "Volume", "Tickets per week", None),
    ("months", "Months", "Tickets per month", None),
    ("sla", "SLA", "SLA compliance by priority", "sla_notes"),
    ("csat", "CSAT", "Customer satisfaction", None),
    ("comments", "Comments", "Survey comments", None),
    ("categories", "Categories", "Top categories", None),
    ("hours", "Hours", "Hours against included hours", "hours_notes"),
    ("agreements", "Agreements", "Agreements active in the quarter", None),
    ("tier", "Tier", "Effort-to-revenue tier (internal)", None),
    ("tickets", "Tickets", "Tickets of the quarter", None),
]
NUMBER_UNITS = ("count", "percent", "currency", "hours", "ratio", "days")
DIGITS = {"currency": 2, "percent": 1, "hours": 2, "ratio": 2}
INTERNAL_MARK = "Internal preparation: not for the client"


def header(column: str) -> str:
    """A table's column header: its label, with "%" where its numbers are percentages."""
    text = label(column)
    return f"{text} %" if unit(column) == "percent" and "%" not in text else text


def unit_of(column: str) -> str | None:
    return unit(column)


def is_number(column: str) -> bool:
    """Right-aligned with its unit."""
    return unit(column) in NUMBER_UNITS


def heading(pack: dict) -> str:
    return f"QBR {pack['quarter']} - {pack['client']} ({pack['start']} to {pack['end']})"


def text(value, unit_name: str | None = None) -> str:
    """A cell as the PDF and the page show it: ``kpi.formats`` by unit."""
    value = plain(value)
    if isinstance(value, dt.datetime) and unit_name not in ("date", "datetime", "month"):
        unit_name = "date" if value.time() == dt.time() else "datetime"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if unit_name in DIGITS:
            return number(value, unit_name, DIGITS[unit_name])
        return number(value, unit_name or "count", 0 if isinstance(value, int) else 2)
    return number(value, unit_name)


def comparison(pack: dict) -> list[tuple[str, str | None, object, object, object]]:
    """The comparison table's rows: (label, unit, quarter, quarter before, change)."""
    return [(label(m), unit(m), q, p, c) for m, q, p, c in
            pack["comparison"][["measure", "quarter", "previous", "change"]]
            .itertuples(index=False)]


def comparison_headers(pack: dict) -> list[str]:
    return ["Measure", pack["quarter"], f"{pack['previous_quarter']} (before)", "Change"]


def week_labels(volume) -> list[str]:
    """The chart's week names: "07-06", and a partial week with its days, "07-01 (5 d)"."""
    return [w.strftime("%m-%d") + ("" if d == 7 else f" ({d} d)")
            for w, d in zip(volume["week_from"], volume["days_in_quarter"])]


def display(frame):
    """A table as the page shows it: every cell written as the PDF writes it, under its
    header; and the headers of the right-aligned (number) columns."""
    import pandas as pd

    columns = list(frame.columns)
    out = pd.DataFrame({header(c): [text(v, unit_of(c)) for v in frame[c]] for c in columns},
                       columns=[header(c) for c in columns], dtype="object")
    return out, [header(c) for c in columns if is_number(c)]


def comparison_display(pack: dict):
    """The comparison table as the page shows it (all columns but the first right)."""
    import pandas as pd

    heads = comparison_headers(pack)
    rows = [[name, text(q, u), text(p, u), change_text(c, u)]
            for name, u, q, p, c in comparison(pack)]
    return pd.DataFrame(rows, columns=heads, dtype="object"), heads[1:]


def change_text(change, unit_name) -> str:
    """A change as "+3", "−2.9 pp", "+0.55 h"; a tier's change as its words."""
    from ..formats import signed

    if isinstance(change, str) or change is None:
        return text(change, None)
    return signed(change, unit_name or "count", DIGITS.get(unit_name or "", 0))


def partial_weeks_note(pack: dict) -> str | None:
    weeks = pack.get("partial_weeks") or []
    if not weeks:
        return None
    said = [f"the week from {number(w, 'date')} has {d} day{'' if d == 1 else 's'}"
            for w, d in weeks]
    return ("Weeks run Monday to Sunday, cut at the quarter's edges: "
            + " and ".join(said) + " in the quarter.")


def notable_note(pack: dict) -> str:
    others = len(pack["tickets"]) - len(pack["notable"])
    return (f"P1 and P2 tickets, reopened tickets and those late on their SLA: "
            f"{len(pack['notable'])} of the {len(pack['tickets'])} tickets opened, worked on "
            "or still open in the quarter. "
            f"The {others} other{'' if others == 1 else 's'} "
            f"{'is' if others == 1 else 'are'} listed in the workbook.")


def plain(value):
    """A Python scalar for a cell: None for missing, numpy numbers unwrapped, timestamps
    as ``datetime``."""
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT, pd.NA
            return None
    except (TypeError, ValueError):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
