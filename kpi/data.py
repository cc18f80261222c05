"""Read the store into the frames the KPI functions take.

Pure pandas + SQLAlchemy (no Streamlit). Reading is the slow part of a report on a big
store, so SQLite is read as raw text through the driver and typed a column at a time,
instead of SQLAlchemy building a Python datetime per cell.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from loaders import schema

TABLES = ("tickets", "time_entries", "agreements", "csat_responses", "technicians")


@dataclass
class StoreData:
    tickets: pd.DataFrame
    time_entries: pd.DataFrame
    agreements: pd.DataFrame
    csat: pd.DataFrame
    technicians: pd.DataFrame


def read_typed(engine: Engine, name: str) -> pd.DataFrame:
    table = schema.metadata.tables[name]
    columns = [c.name for c in table.c]
    if engine.dialect.name == "sqlite":
        names = ", ".join(f'"{c}"' for c in columns)
        with engine.connect() as conn:
            cursor = conn.connection.driver_connection.execute(
                f'SELECT {names} FROM "{name}"')
            frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    else:
        with engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(select(table)).fetchall(), columns=columns)
    for col in table.c:
        kind = type(col.type).__name__
        if kind in ("DateTime", "Date"):
            frame[col.name] = pd.to_datetime(frame[col.name], format="ISO8601")
        elif kind == "Float":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("float64")
        elif kind == "Boolean":
            frame[col.name] = frame[col.name].astype("boolean")
        elif kind == "Integer":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("Int64")
    return frame


def _fill_from_tickets(frame: pd.DataFrame, tickets: pd.DataFrame,
                       pairs: dict[str, str]) -> pd.DataFrame:
    """Fill missing ``frame`` columns from the ticket the row belongs to (an Autotask
    time export has no client column; a survey may carry no technician)."""
    if frame.empty or tickets.empty:
        return frame
    keys = ["source_system", "ticket_id"]
    lookup = tickets[keys + list(pairs.values())].drop_duplicates(keys)
    joined = frame[keys].merge(lookup, on=keys, how="left")
    joined.index = frame.index
    frame = frame.copy()
    for target, source in pairs.items():
        frame[target] = frame[target].where(frame[target].notna(), joined[source])
    return frame


def load(engine: Engine) -> StoreData:
    tickets = read_typed(engine, "tickets")
    time_entries = _fill_from_tickets(read_typed(engine, "time_entries"), tickets,
                                      {"client": "client"})
    csat = _fill_from_tickets(read_typed(engine, "csat_responses"), tickets,
                              {"client": "client", "technician": "assignee"})
    return StoreData(tickets, time_entries, read_typed(engine, "agreements"), csat,
                     read_typed(engine, "technicians"))


def latest_activity(engine: Engine) -> dt.date | None:
    """The latest date with ticket activity (created, responded, resolved or closed)."""
    t = schema.tickets
    with engine.connect() as conn:
        values = conn.execute(select(func.max(t.c.created_at), func.max(t.c.first_response_at),
                                     func.max(t.c.resolved_at), func.max(t.c.closed_at))).one()
    stamps = [pd.Timestamp(v) for v in values if v is not None]
    return max(stamps).date() if stamps else None
