"""Read the store's data tables as typed frames, the raw material of the KPI frames.

    tables = frames.read(engine, sole_user=True)      # {table name: DataFrame}

Every frame holds its table's declared frame columns (``loaders.tables``) with one dtype
per kind (``DTYPES``); time entries and surveys exported without a client (or a survey
without a technician) carry their ticket's.

Reading is the slow part of a report on a big store, so the tables are read with ADBC
into Arrow (``arrow.py``) and kept as a snapshot named by the store's data version
(``snapshot.py``): the next read of unchanged data maps the files. The reads go:

1. the snapshot of the current data version, when there is one;
2. else ADBC, in place where this process may (the command lines, which close their own
   SQLite connections first, and any PostgreSQL store) or in a child process (a SQLite
   store in the dashboard, whose sqlite3 connections must never share a process with
   ADBC's own copy of SQLite), writing the snapshot;
3. else (no driver, a failed child, a damaged cache) the plain way, through SQLAlchemy's
   connection: always right, several times slower.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from .. import tables as declared
from . import arrow, queries, schema, snapshot

ROOT = Path(__file__).resolve().parents[2]
DTYPES = declared.DTYPES
# Placeholder dates ("never": 9999-12-31) fall outside what nanoseconds hold: they are
# kept as far past / far future rather than failing or being lost.
EARLIEST, LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-01-01")


def read(engine: Engine, sole_user: bool = False) -> dict[str, pd.DataFrame]:
    """Every data table as typed frames, and ``ticket_versions``: the tickets' earlier
    versions kept for history and undo, with the tickets' columns, in the order they were
    stored. ``sole_user``: this process uses the engine for
    nothing else meanwhile (a command line), so a SQLite store is read in place: the
    engine's connections are closed first."""
    tables = _arrow_tables(engine, sole_user)
    if tables is not None:
        return {name: conform(_to_frame(table), "tickets" if name == arrow.VERSIONS else name)
                for name, table in tables.items()}
    return _plain(engine)


def write_snapshot(engine: Engine, sole_user: bool = False) -> bool:
    """Leave the snapshot of the store's current data (the writer calls this after an
    import or undo, so the dashboard's next first render maps it); whether it is there."""
    version = queries.data_version(engine)
    return _arrow_tables(engine, sole_user) is not None and version is not None and \
        snapshot.open_tables(_name(version), ("technicians",)) is not None


def _name(version: queries.DataVersion) -> str:
    return f"{version.name}_{arrow.request_digest()}"


def _arrow_tables(engine: Engine, sole_user: bool) -> dict | None:
    try:
        version = queries.data_version(engine)
        name = _name(version)
        found = snapshot.open_tables(name, arrow.ORDER)
        if found is not None:
            return found
        dialect = engine.dialect.name
        if dialect == "sqlite":
            database = str(Path(engine.url.database).resolve())
            if not sole_user:
                return _from_child(database, name)
            engine.dispose()   # no sqlite3 connection of ours while ADBC reads
            return _kept(name, database, lambda: arrow.read_sqlite(database))
        if dialect == "postgresql":
            url = engine.url.set(drivername="postgresql")
            return _kept(name, "postgresql:" + url.render_as_string(hide_password=True),
                         lambda: arrow.read_postgres(url.render_as_string(hide_password=False)))
    except Exception:  # noqa: BLE001  (a missing or unsuitable driver: the plain read is right)
        return None
    return None


def _kept(name: str, database: str, read_tables) -> dict:
    """Read, keep as the snapshot ``name`` and map it; read into memory when the cache
    can't be written."""
    tables = {}

    def write(folder):
        tables.update(read_tables())
        arrow.write(tables, folder)
    if snapshot.fill(name, database, write):
        return snapshot.open_tables(name, arrow.ORDER) or tables or read_tables()
    return tables or read_tables()


def _from_child(database: str, name: str) -> dict | None:
    done = subprocess.run([sys.executable, "-m", "loaders.store.arrow", database, name],
                          cwd=str(ROOT), stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=900)
    return snapshot.open_tables(name, arrow.ORDER) if done.returncode == 0 else None


def _to_frame(table) -> pd.DataFrame:
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(),
                                         pa.bool_(): pd.BooleanDtype()}.get)


def conform(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table's frame columns with their declared dtypes (SQLite hands back text for
    times and 0/1 for flags; an empty column may come back as anything)."""
    out = {}
    for column in declared.DATA_TABLES[name].frame_columns:
        values = frame[column.name]
        dtype = DTYPES[column.kind]
        if str(values.dtype) == dtype:
            out[column.name] = values
        elif column.kind in ("datetime", "date"):
            if not pd.api.types.is_datetime64_any_dtype(values):
                values = pd.to_datetime(values.astype("object").where(values.notna(), None),
                                        format="ISO8601")
            if getattr(values.dt, "tz", None) is not None:
                values = values.dt.tz_localize(None)
            out[column.name] = values.astype("datetime64[us]").clip(EARLIEST, LATEST) \
                .astype(dtype)
        elif column.kind == "text":
            out[column.name] = values.astype("object").where(values.notna(), None) \
                .astype(dtype)
        elif column.kind in ("float", "int"):
            out[column.name] = pd.to_numeric(values).astype(dtype)
        else:
            out[column.name] = values.astype(dtype)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _plain(engine: Engine) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in declared.DATA_TABLES:
        columns = [c.name for c in declared.DATA_TABLES[name].frame_columns]
        table = schema.DATA_TABLES[name]
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":   # raw text: no Python datetime per cell
                rows = conn.connection.driver_connection.execute(arrow.query(name)).fetchall()
            else:
                rows = conn.execute(select(*[table.c[c] for c in columns])).fetchall()
        tables[name] = conform(pd.DataFrame(rows, columns=columns), name)
    with engine.connect() as conn:
        history = schema.row_history
        found = conn.execute(select(history.c.row_json).where(
            history.c.table_name == "tickets").order_by(history.c.id)).scalars().all()
    tables[arrow.VERSIONS] = _plain_versions(found)
    for name, pairs in arrow.FILLS.items():
        tables[name] = _fill(tables[name], tables["tickets"], pairs)
    return tables


def _plain_versions(rows: list[str]) -> pd.DataFrame:
    """The tickets' earlier versions from their JSON, the plain way."""
    import json

    columns = [c.name for c in declared.TICKETS.frame_columns]
    records = [json.loads(r) for r in rows if r]
    frame = pd.DataFrame.from_records(records, columns=columns) if records else \
        pd.DataFrame(columns=columns)
    return conform(frame, "tickets")


def _fill(frame: pd.DataFrame, tickets: pd.DataFrame, pairs: dict[str, str]) -> pd.DataFrame:
    """``arrow.fill_from_tickets`` for frames read the plain way."""
    import pyarrow as pa

    if tickets.empty or not any(frame[target].isna().any() for target in pairs):
        return frame

    def as_text(f: pd.DataFrame, cols: list[str]):
        return pa.table({c: pa.array(f[c].astype("object").where(f[c].notna(), None),
                                     type=pa.string()) for c in cols})

    filled = arrow.fill_from_tickets(as_text(frame, ["source_system", "ticket_id", *pairs]),
                                     as_text(tickets, ["source_system", "ticket_id",
                                                       *pairs.values()]), pairs)
    return frame.assign(**{c: pd.Series(filled.column(c).to_pandas(), index=frame.index,
                                        dtype="str") for c in pairs})
