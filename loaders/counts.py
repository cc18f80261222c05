"""One vocabulary for what an import holds, said the same way on the command line, in the
import history and when an import is undone:

    "5,998 rows read: 890 tickets, 5,108 earlier versions kept for history"

A row is a line of the file; a record is a ticket (time entry, agreement...) once, however
many rows of the file repeat it; the other rows of a record are its earlier versions.
"""
from __future__ import annotations

NOUNS = {"tickets": ("ticket", "tickets"), "time_entries": ("time entry", "time entries"),
         "agreements": ("agreement", "agreements"),
         "csat": ("survey response", "survey responses"),
         "technicians": ("technician", "technicians")}


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 client``, ``2 clients``, with thousands separators."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def records(kind: str, n: int) -> str:
    one, many = NOUNS.get(kind, ("record", "records"))
    return plural(n, one, many)


def imported(kind: str, rows_read: int, records_stored: int | None, rows_stored: int,
             rows_rejected: int) -> str:
    """What a file brought: rows read, records, earlier versions, rejected rows."""
    stored = rows_stored if records_stored is None else records_stored
    parts = [records(kind, stored)]
    versions = rows_stored - stored
    if versions:
        parts.append(plural(versions, "earlier version") + " kept for history")
    if rows_rejected:
        parts.append(plural(rows_rejected, "row") + " rejected")
    return f"{plural(rows_read, 'row')} read: " + ", ".join(parts)


def undone(kind: str, import_id: int, removed: int, restored: int) -> str:
    text = f"Import #{import_id} undone: {records(kind, removed)} removed"
    if restored:
        text += f", {restored:,} brought back as an earlier import had "
        text += "it" if restored == 1 else "them"
    return text + "."
