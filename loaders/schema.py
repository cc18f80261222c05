"""The canonical SQL store (SPEC: Canonical store). Users may query these tables from their
own tools, so names and meanings are part of the contract; see docs/STORE.md."""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, Index, Integer, MetaData,
                        String, Table, Text)

metadata = MetaData()

ID = String(200)
NAME = Text

tickets = Table(
    "tickets", metadata,
    Column("source_system", String(40), primary_key=True),
    Column("ticket_id", ID, primary_key=True),
    Column("summary", Text), Column("client", NAME), Column("board", NAME),
    Column("team", NAME), Column("assignee", NAME), Column("status", Text),
    Column("status_class", String(20)), Column("priority_raw", Text),
    Column("priority", String(4)), Column("category", Text), Column("source_channel", Text),
    Column("created_at", DateTime), Column("first_response_at", DateTime),
    Column("resolved_at", DateTime), Column("closed_at", DateTime),
    Column("response_due_at", DateTime), Column("resolution_due_at", DateTime),
    Column("sla_met", Boolean), Column("reopen_count", Integer),
    Column("hours_actual", Float), Column("updated_at", DateTime),
    Column("import_id", Integer, index=True),
    Index("ix_tickets_created_at", "created_at"),
)

time_entries = Table(
    "time_entries", metadata,
    Column("source_system", String(40), primary_key=True),
    Column("entry_id", ID, primary_key=True),
    Column("ticket_id", ID), Column("client", NAME), Column("technician", NAME),
    Column("work_date", Date), Column("hours", Float), Column("hours_billed", Float),
    Column("billable", Boolean), Column("bill_rate", Float), Column("work_type", Text),
    Column("entered_at", DateTime),
    Column("import_id", Integer, index=True),
    Index("ix_time_entries_work_date", "work_date"),
)

agreements = Table(
    "agreements", metadata,
    Column("source_system", String(40), primary_key=True),
    Column("agreement_id", ID, primary_key=True),
    Column("client", NAME), Column("name", Text), Column("type", String(30)),
    Column("monthly_revenue", Float), Column("monthly_cost", Float),
    Column("start_date", Date), Column("end_date", Date),
    Column("import_id", Integer, index=True),
)

csat_responses = Table(
    "csat_responses", metadata,
    Column("source_system", String(40), primary_key=True),
    Column("response_id", ID, primary_key=True),
    Column("ticket_id", ID), Column("client", NAME), Column("technician", NAME),
    Column("responded_at", DateTime), Column("score_raw", Text), Column("scale", String(10)),
    Column("rating", String(10)), Column("comment", Text),
    Column("import_id", Integer, index=True),
)

technicians = Table(
    "technicians", metadata,
    Column("name", String(200), primary_key=True),
    Column("team", NAME), Column("hourly_cost", Float), Column("weekly_capacity_hours", Float),
    Column("import_id", Integer, index=True),
)

imports = Table(
    "imports", metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", Text), Column("sha256", String(64)), Column("vendor", String(40)),
    Column("kind", String(20)), Column("rows_read", Integer), Column("rows_stored", Integer),
    Column("rows_rejected", Integer), Column("imported_at", DateTime),
    # Not in the spec's list: when the import was undone (NULL while it counts).
    Column("undone_at", DateTime),
)

rejected_rows = Table(
    "rejected_rows", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer, index=True), Column("row_number", Integer),
    Column("reason", Text), Column("raw", Text),
)

# Versions of a row that are not the current one: what an older import held before a
# later one replaced it, or a repeated row that lost to a newer one. Undo restores from
# here, so an undone import brings back exactly the values it replaced.
row_history = Table(
    "row_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("table_name", String(40)), Column("row_key", Text),
    Column("import_id", Integer, index=True), Column("row_number", Integer),
    Column("updated_at", DateTime), Column("row_json", Text),
    Index("ix_row_history_key", "table_name", "row_key"),
)

# The dashboard's Settings page saves here; the command lines read it when no --config
# file is given, so both use the same values.
app_settings = Table(
    "app_settings", metadata,
    Column("name", String(40), primary_key=True),
    Column("toml", Text), Column("updated_at", DateTime),
)

DATA_TABLES = {"tickets": tickets, "time_entries": time_entries, "agreements": agreements,
               "csat_responses": csat_responses, "technicians": technicians}
