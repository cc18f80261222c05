"""One formatter by unit, for the text report, the pages and the QBR files alike.

    number(284219.4, "currency")   -> "$284,219"
    number(-2622, "currency")      -> "−$2,622"      (a real minus sign, before the $)
    number(46.33, "percent", 1)    -> "46.3%"
    number(12.5, "hours")          -> "12.5 h"
    number(None, "percent")        -> "–"
    number(pd.Timestamp("2026-07-01"), "month")  -> "Jul 2026"

Units: count, percent, currency, hours, ratio, days; date, datetime and month (of a date).
``digits`` overrides the unit's default decimals; ``missing`` is what an absent value
reads as; ``minus`` is the sign of a negative number (plain-text e-mail takes the ASCII
hyphen).
"""
from __future__ import annotations

import math

CURRENCY = "$"
MINUS = "\u2212"
MISSING = "–"
DIGITS = {"count": 0, "percent": 0, "currency": 0, "hours": 1, "ratio": 2, "days": 1}
DATES = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M", "month": "%b %Y"}


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):   # pd.NA compares to nothing
        return True


def number(value, unit: str | None, digits: int | None = None, missing: str = MISSING,
           minus: str = MINUS) -> str:
    if is_missing(value):
        return missing
    if unit in DATES:
        return value.strftime(DATES[unit]) if hasattr(value, "strftime") else str(value)
    if isinstance(value, bool) or unit in (None, "text") and not isinstance(value, (int, float)):
        return str(value)
    value = float(value) if not isinstance(value, int) else value
    places = DIGITS.get(unit or "", 2) if digits is None else digits
    sign = minus if value < 0 and round(abs(value), places) != 0 else ""
    body = f"{abs(value):,.{places}f}"
    if unit == "currency":
        return f"{sign}{CURRENCY}{body}"
    if unit == "percent":
        return f"{sign}{body}%"
    if unit == "hours":
        return f"{sign}{body} h"
    if unit == "days":
        return f"{sign}{body} d"
    if unit == "count" and isinstance(value, float) and digits is None:
        body = f"{abs(value):,.0f}"
    return f"{sign}{body}"


def signed(value, unit: str | None = "count", digits: int | None = None,
           missing: str = MISSING, minus: str = MINUS, zero: str = "±0") -> str:
    """A change: "+16", "−3", "+2.1 pp" for percent points; ``zero`` when nothing moved."""
    if is_missing(value):
        return missing
    places = DIGITS.get(unit or "", 2) if digits is None else digits
    suffix = " pp" if unit == "percent" else ""
    if round(value, places) == 0:
        return zero + suffix
    text = number(abs(value), "count" if unit == "percent" else unit, places)
    return f"{'+' if value > 0 else minus}{text}{suffix}"
