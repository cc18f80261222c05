"""`python -m kpi.arrow_read DATABASE OUTDIR SQL...`: run queries on a SQLite file with
ADBC and write each result to OUTDIR/<n>.arrow as an Arrow IPC file (exit 1 on failure).

It runs in its own process when the caller's process also uses Python's sqlite3 on the
same file (the dashboard): ADBC brings its own copy of the SQLite library, and two copies
in one process break SQLite's POSIX locks (see kpi/data.py).
"""
from __future__ import annotations

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


def main(database: str, outdir: str, queries: list[str]) -> int:
    import pyarrow as pa

    for n, sql in enumerate(queries):
        table = read(database, sql)
        with pa.OSFile(str(Path(outdir) / f"{n}.arrow"), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
    except Exception as exc:  # the parent falls back to its plain reader
        print(f"arrow_read: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
