"""The canonical SQL store (SPEC: Canonical store). Users may query these tables from their
own tools, so names and meanings are part of the contract; see docs/STORE.md.

The data tables are built from their one declaration in ``loaders.tables``; the
bookkeeping tables (imports, rejected rows, row history, settings, the store's state)
are declared here.
"""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, Index, Integer, MetaData,
                        String, Table, Text, text)

from .. import tables as declared

metadata = MetaData()

SQL_TYPES = {"datetime": DateTime, "date": Date, "float": Float, "int": Integer,
             "bool": Boolean}


def _sql_type(column: declared.Column):
    if column.kind == "text":
        return String(column.length) if column.length else Text
    return SQL_TYPES[column.kind]


def _data_table(table: declared.Table) -> Table:
    columns = [Column(c.name, _sql_type(c), primary_key=c.key) for c in table.columns]
    indexes = [Index(f"ix_{table.name}_{name}", name)
               for name in ("import_id", *table.indexes)]
    return Table(table.name, metadata, *columns, *indexes)


DATA_TABLES: dict[str, Table] = {name: _data_table(t)
                                 for name, t in declared.DATA_TABLES.items()}
tickets = DATA_TABLES["tickets"]
time_entries = DATA_TABLES["time_entries"]
agreements = DATA_TABLES["agreements"]
csat_responses = DATA_TABLES["csat_responses"]
technicians = DATA_TABLES["technicians"]

imports = Table(
    "imports", metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", Text), Column("sha256", String(64)), Column("vendor", String(40)),
    Column("kind", String(20)), Column("rows_read", Integer), Column("rows_stored", Integer),
    Column("rows_rejected", Integer), Column("imported_at", DateTime),
    # Not in the spec's list: the distinct records among the rows stored (890 tickets
    # among an audit log's 5,998 rows; the rest are their earlier versions).
    Column("records_stored", Integer),
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

# One row: a random id given to the store when it is made, the schema's version
# (docs/STORE.md, "How the schema evolves") and the data version, which every change to a data table moves (Cadence's writes, and anyone's own
# SQL through the triggers in ``migrate``): readers name their cached copies by it.
store_state = Table(
    "store_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("store_id", String(36), nullable=False),   # a random id: this database, not a copy
    Column("schema_version", Integer, nullable=False),
    Column("data_version", Integer, nullable=False),
    # A new random value with every change: a copy of the store that goes its own way
    # never meets a cached copy of the other one's data under the same name.
    Column("data_stamp", String(36), nullable=False),
)

# The weekly review as a meeting (SPEC, "The weekly review as a meeting"): what was
# decided, beside the numbers it was decided on. People's words, not data: writing them
# leaves the data version alone (they are not in VERSIONED), so saving a review never
# makes the dashboard read the data again. Each save is a row of its own: two people
# saving the same week both keep what they recorded.
reviews = Table(
    "reviews", metadata,
    Column("review_id", Integer, primary_key=True, autoincrement=True),
    Column("week", Date, nullable=False),                    # the Monday of the week reviewed
    Column("team", String(200), nullable=False, server_default=text("''")),  # '': the desk
    Column("held_at", DateTime, nullable=False),
    Column("held_by", Text, nullable=False),
    Column("numbers", Text, nullable=False),   # JSON: the headline cards, per-team aged
    Column("notes", Text, nullable=False, server_default=text("''")),
    Index("ix_reviews_week_team", "week", "team"),
)

review_actions = Table(
    "review_actions", metadata,
    Column("action_id", Integer, primary_key=True, autoincrement=True),
    Column("review_id", Integer, nullable=False, index=True),
    Column("team", String(200), nullable=False, server_default=text("''")),
    Column("category", Text, nullable=False),   # the aging category, or another topic
    Column("action", Text, nullable=False),
    Column("owner", Text, nullable=False),      # a technician's name
    Column("due_week", Date, nullable=False),   # the Monday of the week it is due
    Column("status", String(10), nullable=False, index=True),   # open, done, dropped
    Column("closed_at", DateTime),
    Column("outcome", Text),
    # Not in the spec's list: how many reviews carried the action over (0: never).
    Column("carried_over", Integer, nullable=False, server_default=text("0")),
)

REVIEW_TABLES = ("reviews", "review_actions")

# The tables whose every change moves the data version (the ones readers cache).
VERSIONED = (*DATA_TABLES, "row_history")
