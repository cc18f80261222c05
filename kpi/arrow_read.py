"""Read a SQLite store with ADBC (Arrow all the way), in place or from a reader process.

    python -m kpi.arrow_read --serve     a long-lived reader (see ``serve``)

The reader runs in its own process when the caller's process also uses Python's sqlite3
on the same file (the dashboard): ADBC brings its own copy of the SQLite library, and two
copies in one process break SQLite's POSIX locks (see kpi/data.py). Being long-lived saves
the dashboard the reader's start-up (importing pyarrow and the driver, about a
second) on every read after the first, and can be started before it is needed.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def read(database: str, sql: str):
    import adbc_driver_sqlite.dbapi as adbc

    # The whole result as one batch, so column types are inferred from every row (a
    # column empty in its first rows must not be typed as numbers).
    with adbc.connect(f"file:{database}?mode=ro") as conn:
        cursor = conn.cursor()
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "2000000000"})
        cursor.execute(sql)
        table = cursor.fetch_arrow_table()
        cursor.close()
    return table


def read_all(database: str, queries: list[str]) -> list:
    """The queries side by side (ADBC releases the GIL while it reads)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, min(2, len(queries)))) as pool:
        return list(pool.map(lambda sql: read(database, sql), queries))


def typed(table, types: dict[str, str]):
    """The store schema's types applied in Arrow (``types``: column -> one of TYPES): ISO-text
    timestamps cast (ten times faster than pandas' parser), an all-empty column given its
    type (the driver infers such a column as integers), SQLite's 0/1 flags as booleans.
    What Arrow can't cast is left as it is, for the caller's slower pandas conversion."""
    import pyarrow as pa
    import pyarrow.compute as pc

    targets = {"timestamp": pa.timestamp("us"), "float": pa.float64(), "int": pa.int64(),
               "bool": pa.bool_(), "string": pa.string()}
    for n, field in enumerate(table.schema):
        target = targets.get(types.get(field.name, ""))
        column = table.column(n)
        if target is None or field.type == target:
            continue
        if column.null_count == len(column):
            column = pa.nulls(len(column), target)
        elif pa.types.is_string(field.type) and pa.types.is_timestamp(target) or \
                pa.types.is_integer(field.type) and target in (pa.bool_(), pa.float64()):
            try:
                column = pc.cast(column, target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                continue
        else:
            continue
        table = table.set_column(n, field.name, column)
    return table


def ticket_keys(table):
    """"system, id" per row (null when either is missing), to look tickets up by."""
    import pyarrow as pa
    import pyarrow.compute as pc

    part = lambda col: pc.cast(table.column(col), pa.string())  # noqa: E731
    return pc.binary_join_element_wise(part("source_system"), part("ticket_id"), "\x1f")


def fill_from_tickets(table, tickets, pairs: dict[str, str]):
    """Fill missing values of ``table``'s columns (``pairs``: column -> ticket column)
    from the ticket each row belongs to: an Autotask time export has no client column, a
    survey may carry no technician. Arrow's hash ``index_in`` does the lookup (a pandas
    merge of a million entries on two text columns took three times as long)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if tickets.num_rows == 0 or not any(table.column(c).null_count for c in pairs):
        return table
    at = pc.index_in(ticket_keys(table), value_set=ticket_keys(tickets))  # first match
    for target, source in pairs.items():
        # take() at a null position (no such ticket) gives null
        looked_up = pc.take(pc.cast(tickets.column(source), pa.string()), at)
        filled = pc.coalesce(pc.cast(table.column(target), pa.string()), looked_up)
        table = table.set_column(table.schema.get_field_index(target), target, filled)
    return table


def prepare(tables: list, types: list[dict], fills: list[dict]) -> list:
    """``typed`` each table, then the fills: ``{"into": n, "from": m, "pairs": {...}}``
    fills table n from the tickets in table m."""
    tables = [typed(t, spec) for t, spec in zip(tables, types)]
    for fill in fills:
        tables[fill["into"]] = fill_from_tickets(tables[fill["into"]], tables[fill["from"]],
                                                 fill["pairs"])
    return tables


def write(tables: list, outdir: str) -> None:
    import pyarrow as pa

    for n, table in enumerate(tables):
        with pa.OSFile(str(Path(outdir) / f"{n}.arrow"), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)


def serve(stdin=sys.stdin, stdout=sys.stdout) -> int:
    """One request per line on stdin, ``{"database", "outdir", "queries", "types",
    "fills"}`` as JSON (see ``prepare``); one answer per line on stdout, ``ok`` or
    ``error <why>``. Exits when stdin closes, so the
    reader never outlives the process that started it."""
    import adbc_driver_sqlite.dbapi  # noqa: F401  (import now, not on the first request)
    import pyarrow  # noqa: F401

    stdout.write("ready\n")
    stdout.flush()
    for line in stdin:
        try:
            ask = json.loads(line)
            tables = read_all(ask["database"], ask["queries"])
            write(prepare(tables, ask["types"], ask["fills"]), ask["outdir"])
            answer = "ok"
        except Exception as exc:  # the caller falls back to its plain reader
            answer = f"error {type(exc).__name__}: {exc}".replace("\n", " ")
        stdout.write(answer + "\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
