"""The weekly reviews' actions as text and CSV (``python -m kpi actions``, and the end of
``python -m kpi report --format text``), from the frame ``loaders.store.review_actions``
returns. People's words are written as they typed them, on one line each; in CSV a cell
a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return)
gets a leading single quote, so it stays text.
"""
from __future__ import annotations

import csv
import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ["action_id", "review_week", "team", "category", "action", "owner",
               "due_week", "status", "carried_over", "closed_at", "outcome"]
DESK = "Whole desk"


def one_line(text) -> str:
    """People's words on one line: line breaks and runs of spaces become one space."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return " ".join(str(text).split())


def _day(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def action_line(row: dict) -> str:
    """``- Infrastructure / Backup: fix the job -- Ravi Shah, due week of 2026-11-23``"""
    carried = int(row.get("carried_over") or 0)
    more = f", carried over {carried}x" if carried else ""
    line = (f"- {one_line(row['team']) or DESK} / {one_line(row['category'])}: "
            f"{one_line(row['action'])} -- {one_line(row['owner'])}, due week of "
            f"{_day(row['due_week'])}{more}")
    if row["status"] != "open":
        line += f" [{row['status']} {_day(row['closed_at'])}: {one_line(row['outcome'])}]"
    elif one_line(row.get("outcome")):
        line += f" (last word: {one_line(row['outcome'])})"
    return line


def report_section(open_actions: pd.DataFrame, reviews_kept: bool) -> str:
    """The end of the text report: the open actions and their owners. Empty when the
    store has no review at all (the team doesn't keep its meeting in Cadence)."""
    if not reviews_kept:
        return ""
    head = f"Open actions from the weekly reviews ({len(open_actions)}):"
    if open_actions.empty:
        return "\n".join(["", "", head, "  none: every action agreed so far is settled."])
    return "\n".join(["", "", head,
                      *(action_line(r) for r in open_actions.to_dict("records"))])


def to_text(actions: pd.DataFrame) -> str:
    """Every action given, grouped by the review week that raised it."""
    if actions.empty:
        return "No actions recorded."
    lines = []
    for week, group in actions.groupby("review_week", sort=True):
        lines += [f"Review of the week of {_day(week)}:",
                  *(action_line(r) for r in group.to_dict("records")), ""]
    return "\n".join(lines).rstrip()


def safe_cell(value) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(actions: pd.DataFrame) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in actions.to_dict("records"):
        cells = {**row, "review_week": _day(row["review_week"]),
                 "due_week": _day(row["due_week"]),
                 "closed_at": "" if pd.isna(row["closed_at"])
                 else pd.Timestamp(row["closed_at"]).isoformat(sep=" ")}
        writer.writerow([safe_cell(cells[c]) for c in CSV_COLUMNS])
    return out.getvalue()
