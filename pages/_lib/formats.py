"""Numbers on the pages: ``kpi.formats`` by unit, and ``st.column_config`` for tables from
the metric declarations (label and unit of each column)."""
from __future__ import annotations

import streamlit as st

from kpi import formats
from kpi.metrics import label, unit

# printf-style formats of st.column_config by unit
COLUMN_FORMATS = {"currency": "dollar", "percent": "%.1f%%", "hours": "%,.1f h",
                  "ratio": "%.2f", "days": "%.1f d", "count": "%,d"}
DATES = {"datetime": "YYYY-MM-DD HH:mm", "date": "YYYY-MM-DD"}


def money(value, cents: bool = False) -> str:
    return formats.number(value, "currency", 2 if cents else 0)


def percent(value, digits: int = 0) -> str:
    return formats.number(value, "percent", digits)


def hours(value) -> str:
    return formats.number(value, "hours")


def count(value) -> str:
    return formats.number(value, "count")


def in_reading_order(frame, first):
    """``frame`` with the columns of ``first`` it has leading (what a person acts on, in
    view), the others in their order, and the PSA's name (``source_system``) last."""
    lead = [c for c in first if c in frame]
    rest = [c for c in frame.columns if c not in lead and c != "source_system"]
    return frame[[*lead, *rest, *(["source_system"] if "source_system" in frame else [])]]


def column_config(columns, table: str | None = None, labels: dict | None = None,
                  dates: dict | None = None, **override) -> dict:
    """``st.dataframe(column_config=...)`` for these columns: each one's label (``labels``
    first, then the metric declarations and the store's column labels), and a number
    format by its unit; ``dates``: column -> "datetime" or "date". ``override``: column ->
    a config of its own."""
    config = {}
    for column in columns:
        u = unit(column)
        name = (labels or {}).get(column) or label(column, table)
        kind = (dates or {}).get(column) or _date_kind(column, table)
        if kind:
            config[column] = st.column_config.DatetimeColumn(name, format=DATES[kind])
        elif u in COLUMN_FORMATS:
            config[column] = st.column_config.NumberColumn(name, format=COLUMN_FORMATS[u])
        else:
            config[column] = st.column_config.Column(name)
    config.update(override)
    return config


def _date_kind(column: str, table: str | None) -> str | None:
    from loaders import tables as declared

    names = [table] if table else list(declared.DATA_TABLES)
    for name in names:
        if column in declared.DATA_TABLES[name].names:
            kind = declared.DATA_TABLES[name][column].kind
            return kind if kind in DATES else None
    return None


# Markdown (CommonMark lets a backslash escape any ASCII punctuation) and Streamlit's own
# directives (:material/...:, $...$) read these characters.
_MARKDOWN = frozenset("\\`*_{}[]()#+-.!|<>~$:=&\"'")


def plain(text) -> str:
    """Text from data or people (a name, a topic) made safe to put in a Markdown string
    such as a message: every Markdown character escaped, line breaks as spaces."""
    return "".join("\\" + c if c in _MARKDOWN else c for c in " ".join(str(text).split()))
