"""The store's data tables read with ADBC, Arrow all the way, typed by their declaration
and written as a snapshot (``snapshot.py``).

    python -m loaders.store.arrow DATABASE NAME     read a SQLite store into snapshot NAME

ADBC's SQLite driver carries its own copy of the SQLite library. Two copies working on one
file in one process break SQLite's POSIX locks (closing one copy's file drops the other's
locks), a documented way to corrupt a database. So a process that also holds Python
sqlite3 connections to the store (the dashboard) reads it through this module run as a
child process; a process that has closed them first (the command lines) reads in place.
PostgreSQL, reached over a socket, is always read in place.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import tables as declared

# Each table's declared columns as Arrow types; read in this order.
ARROW_KINDS = {"datetime": "timestamp", "date": "timestamp", "float": "float", "int": "int",
               "bool": "bool", "text": "string"}
VERSIONS = "ticket_versions"   # the tickets' earlier versions (row_history), as tickets
ORDER = (*declared.DATA_TABLES, VERSIONS)
# Filled from the ticket a row belongs to where the export had none (an Autotask time
# export has no client column; a survey may carry no technician): table -> {col: ticket col}
FILLS = {"time_entries": {"client": "client"},
         "csat_responses": {"client": "client", "technician": "assignee"}}
FORMAT = 3   # moves when what a snapshot holds changes, so old ones are never mapped
EARLIEST, LATEST = dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)


def query(name: str) -> str:
    if name == VERSIONS:
        return "SELECT row_json FROM row_history WHERE table_name = 'tickets' ORDER BY id"
    names = ", ".join(f'"{c.name}"' for c in declared.DATA_TABLES[name].frame_columns)
    return f'SELECT {names} FROM "{name}"'


def request_digest() -> str:
    """Names what a read holds (tables, columns, kinds, fills), for snapshot names."""
    shape = [FORMAT, FILLS] + [[name, [(c.name, c.kind) for c in t.frame_columns]]
                               for name, t in declared.DATA_TABLES.items()]
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def _sqlite_fetch(database: str, sql: str):
    import adbc_driver_sqlite.dbapi as adbc

    # The whole result as one batch, so column types are inferred from every row (a
    # column empty in its first rows must not be typed as numbers).
    with adbc.connect(f"file:{database}?mode=ro") as conn:
        cursor = conn.cursor()
        # Wait, as the store's own connections do, when another connection briefly holds
        # the file (a checkpoint as one closes): without it the read fails at once with
        # "database is locked".
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.fetchall()
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "2000000000"})
        cursor.execute(sql)
        table = cursor.fetch_arrow_table()
        cursor.close()
    return table


def _postgres_fetch(url: str, sql: str):
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(url) as conn:
        cursor = conn.cursor()
        cursor.execute(sql)
        table = cursor.fetch_arrow_table()
        cursor.close()
    return table


def read_sqlite(database: str) -> dict:
    return _read_all(lambda sql: _sqlite_fetch(database, sql))


def read_postgres(url: str) -> dict:
    """``url``: a libpq URL with its password (the caller's engine URL)."""
    return _read_all(lambda sql: _postgres_fetch(url, sql))


def _read_all(fetch) -> dict:
    """Every table, two at a time (ADBC releases the GIL while it reads: the tickets and
    the million time entries overlap), typed and filled."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        raw = dict(zip(ORDER, pool.map(lambda name: fetch(query(name)), ORDER)))
    raw[VERSIONS] = versions_from_json(raw[VERSIONS].column(0).to_pylist())
    tables = {name: typed(table, "tickets" if name == VERSIONS else name)
              for name, table in raw.items()}
    for name, pairs in FILLS.items():
        tables[name] = fill_from_tickets(tables[name], tables["tickets"], pairs)
    return tables


def versions_from_json(rows: list):
    """Earlier versions of tickets, kept in ``row_history`` as one JSON object per row, as
    an Arrow table of the tickets' frame columns (a field the version lacks, such as a
    column added after it was stored, is empty)."""
    import io

    import pyarrow as pa
    import pyarrow.json as pj

    columns = declared.TICKETS.frame_columns
    kinds = {"text": pa.string(), "datetime": pa.string(), "date": pa.string(),
             "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    schema = pa.schema([(c.name, kinds[c.kind]) for c in columns])
    rows = [r for r in rows if r]
    if not rows:
        return schema.empty_table()
    found = pj.read_json(io.BytesIO("\n".join(rows).encode()),
                         parse_options=pj.ParseOptions(explicit_schema=schema,
                                                       unexpected_field_behavior="ignore"))
    return found.select([c.name for c in columns])


def typed(table, name: str):
    """The declared kinds applied in Arrow: ISO-text timestamps cast (far faster than
    pandas' parser) and given the frames' nanosecond unit, placeholder dates ("never":
    9999-12-31, beyond what nanoseconds hold) kept as 2100-01-01 (1900-01-01 for the far
    past), an all-empty column given its type (the driver infers such a column as
    integers), SQLite's 0/1 flags as booleans. What Arrow can't cast is left as it is, for
    ``frames.conform``'s pandas conversion."""
    import pyarrow as pa
    import pyarrow.compute as pc

    targets = {"timestamp": pa.timestamp("us"), "float": pa.float64(), "int": pa.int64(),
               "bool": pa.bool_(), "string": pa.string()}
    kinds = {c.name: ARROW_KINDS[c.kind] for c in declared.DATA_TABLES[name].columns}
    for n, field in enumerate(table.schema):
        target = targets[kinds[field.name]]
        column = table.column(n)
        if column.null_count == len(column):
            column = pa.nulls(len(column), target)
        elif field.type != target and (
                pa.types.is_string(field.type) and pa.types.is_timestamp(target) or
                pa.types.is_integer(field.type) and target in (pa.bool_(), pa.float64()) or
                pa.types.is_timestamp(field.type) and pa.types.is_timestamp(target) or
                pa.types.is_date(field.type) and pa.types.is_timestamp(target)):
            try:
                column = pc.cast(column, target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                continue
        if pa.types.is_timestamp(column.type) and column.type.unit == "us":
            column = pc.cast(pc.max_element_wise(pc.min_element_wise(column, LATEST, skip_nulls=False),
                                                 EARLIEST, skip_nulls=False),
                             pa.timestamp("ns"))
        table = table.set_column(n, field.name, column)
    return table


def _ticket_keys(table):
    """"system, id" per row (null when either is missing), to look tickets up by."""
    import pyarrow as pa
    import pyarrow.compute as pc

    part = lambda col: pc.cast(table.column(col), pa.string())  # noqa: E731
    return pc.binary_join_element_wise(part("source_system"), part("ticket_id"), "\x1f")


def fill_from_tickets(table, tickets, pairs: dict[str, str]):
    """Fill missing values of ``table``'s columns (``pairs``: column -> ticket column) from
    the ticket each row belongs to. Arrow's hash ``index_in`` does the lookup (faster than
    a pandas merge on two text columns)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if tickets.num_rows == 0 or not any(table.column(c).null_count for c in pairs):
        return table
    at = pc.index_in(_ticket_keys(table), value_set=_ticket_keys(tickets))  # first match
    for target, source in pairs.items():
        # take() at a null position (no such ticket) gives null
        looked_up = pc.take(pc.cast(tickets.column(source), pa.string()), at)
        filled = pc.coalesce(pc.cast(table.column(target), pa.string()), looked_up)
        table = table.set_column(table.schema.get_field_index(target), target, filled)
    return table


def write(tables: dict, folder: Path) -> None:
    import pyarrow as pa

    for name, table in tables.items():
        with pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)


def main(argv: list[str]) -> int:
    """The child process: read the SQLite store at ``argv[0]`` and keep it as the snapshot
    named ``argv[1]``; exit 0 when the snapshot is there."""
    from . import snapshot

    database, name = argv
    return 0 if snapshot.fill(name, database, lambda folder: write(read_sqlite(database),
                                                                   folder)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
