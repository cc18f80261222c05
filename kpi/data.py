"""Read the store into the frames the KPI functions take.

Pure pandas + SQLAlchemy (no Streamlit). Reading is the slow part of a report on a big
store, so SQLite is read as raw text through the driver and typed a column at a time,
instead of SQLAlchemy building a Python datetime per cell.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from loaders import schema

from . import snapshot
from .arrow_read import fill_from_tickets, prepare, read_all, write

TABLES = ("tickets", "time_entries", "agreements", "csat_responses", "technicians")


@dataclass
class StoreData:
    tickets: pd.DataFrame
    time_entries: pd.DataFrame
    agreements: pd.DataFrame
    csat: pd.DataFrame
    technicians: pd.DataFrame


def _arrow_reads(engine: Engine, ask: dict, in_process: bool) -> list | None:
    """Run ``ask["queries"]`` through ADBC (Arrow all the way, several times faster than
    row tuples on a million rows) and ``arrow_read.prepare`` the tables with the rest of
    ``ask``; None when no ADBC driver fits, and the caller reads the plain way.

    The ADBC SQLite driver carries its own copy of the SQLite library. Two copies working
    on one file in one process break SQLite's POSIX locks (closing one copy's file drops
    the other's locks), a documented way to corrupt a database. So SQLite is read in
    place only when the caller has closed every sqlite3 connection first (``in_process``,
    the report command), and otherwise by a long-lived reader process (``READER``, the
    dashboard) that hands the tables back as Arrow files, kept as a snapshot for the next
    read of the unchanged store (kpi/snapshot.py). PostgreSQL, reached over a socket, is
    always read in place, into a snapshot stamped with the server's WAL position."""
    try:
        if engine.dialect.name == "sqlite":
            database = engine.url.database
            name = snapshot.key(database, ask)   # the store's state before the read
            if in_process:
                return _read_via_snapshot(name, database, ask,
                                          lambda out: _write_here(database, ask, out))
            return _read_via_snapshot(name, database, ask,
                                      lambda out: READER.read(database, ask, out))
        if engine.dialect.name != "postgresql":
            return None
        shown = engine.url.render_as_string(hide_password=True)
        name = snapshot.postgres_key(shown, _wal_position(engine), ask)
        return _read_via_snapshot(name, f"postgresql:{shown}", ask,
                                  lambda out: _write_postgres(engine, ask, out))
    except Exception:  # a missing or unsuitable driver: the plain reader is always right
        return None


def _wal_position(engine: Engine) -> str | None:
    """PostgreSQL's write-ahead log position: every committed write anywhere in the server
    moves it, so it stamps the store's state (None where it can't be read, e.g. a standby:
    then no snapshot is used)."""
    try:
        with engine.connect() as conn:
            return str(conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar())
    except Exception:  # noqa: BLE001  (no snapshot then; the read itself goes on)
        return None


def _write_postgres(engine: Engine, ask: dict, outdir: str) -> bool:
    """Both queries side by side on two connections (ADBC releases the GIL while it reads:
    1.4 s instead of 2.1 s for 200k tickets and a million entries)."""
    from concurrent.futures import ThreadPoolExecutor

    import adbc_driver_postgresql.dbapi as adbc
    target = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def fetch(sql: str):
        with adbc.connect(target) as conn:
            cursor = conn.cursor()
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
            cursor.close()
        return table

    with ThreadPoolExecutor(max_workers=2) as pool:
        tables = list(pool.map(fetch, ask["queries"]))
    write(prepare(tables, ask["types"], ask["fills"]), outdir)
    return True


def _write_here(database: str, ask: dict, outdir: str) -> bool:
    write(prepare(read_all(database, ask["queries"]), ask["types"], ask["fills"]), outdir)
    return True


def _read_via_snapshot(name: str | None, database: str, ask: dict, fill) -> list | None:
    """The prepared tables of ``ask`` from the snapshot ``name``, else written by
    ``fill(folder)`` (the reader process, or this process when it may) and kept as the
    new snapshot of ``database``."""
    count = len(ask["queries"])
    if name is not None:
        found = snapshot.open_tables(snapshot.root() / name, count)
        if found is not None:
            return found
    written = snapshot.scratch()
    try:
        if not fill(str(written)):
            return None
        (written / "complete").touch()
        return snapshot.open_tables(snapshot.keep(written, name, database), count)
    finally:  # left only when not kept as a snapshot; the mapped tables outlive it
        shutil.rmtree(written, ignore_errors=True)


class ReaderProcess:
    """The SQLite reader process (``python -m kpi.arrow_read --serve``): started once,
    ahead of need (``start``), and reused by every read; restarted when it has died.
    One read at a time (the dashboard serves sessions from threads)."""

    def __init__(self) -> None:
        self._process = None
        self._ready = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the reader if it isn't running (returns at once: its imports overlap
        the caller's)."""
        with self._lock:
            self._ensure()

    def _ensure(self):
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "kpi.arrow_read", "--serve"], text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd=str(Path(__file__).resolve().parent.parent))
            self._ready = False
        return self._process

    def read(self, database: str, ask: dict, outdir: str) -> bool:
        """Have the reader write each prepared result of ``ask`` (queries, types, fills)
        to ``outdir/<n>.arrow``."""
        with self._lock:
            process = self._ensure()
            try:
                if not self._ready:
                    self._ready = process.stdout.readline().strip() == "ready"
                process.stdin.write(json.dumps({**ask, "database": database,
                                                "outdir": outdir}) + "\n")
                process.stdin.flush()
                answer = process.stdout.readline().strip()
            except (OSError, ValueError):  # it died: start afresh next time
                process.kill()
                return False
            if not answer:
                process.kill()
            return answer == "ok"


READER = ReaderProcess()


ARROW_TYPES = {"DateTime": "timestamp", "Date": "timestamp", "Float": "float",
               "Integer": "int", "Boolean": "bool", "String": "string", "Text": "string"}


def _arrow_types(name: str) -> dict[str, str]:
    """Column -> ``arrow_read.typed`` type name, from the store's schema."""
    return {c.name: ARROW_TYPES[type(c.type).__name__]
            for c in schema.metadata.tables[name].c if type(c.type).__name__ in ARROW_TYPES}


def _to_frame(table) -> pd.DataFrame:
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(),
                                         pa.bool_(): pd.BooleanDtype()}.get)


def _query(table, skip: tuple[str, ...]) -> tuple[list[str], str]:
    columns = [c.name for c in table.c if c.name not in skip]
    names = ", ".join(f'"{c}"' for c in columns)
    return columns, f'SELECT {names} FROM "{table.name}"'


def read_typed(engine: Engine, name: str, skip: tuple[str, ...] = (),
               frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One table as typed columns (``skip``: columns the caller has no use for; ``frame``:
    the raw columns when the caller has already read them)."""
    table = schema.metadata.tables[name]
    columns, sql = _query(table, skip)
    if frame is None and engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            cursor = conn.connection.driver_connection.execute(sql)
            frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    elif frame is None:
        with engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(select(*[table.c[c] for c in columns])).fetchall(),
                                 columns=columns)
    for col in (c for c in table.c if c.name in columns):
        kind = type(col.type).__name__
        if kind in ("String", "Text") and not pd.api.types.is_string_dtype(frame[col.name]):
            # an all-empty text column comes back from Arrow as numbers
            frame[col.name] = frame[col.name].astype("object").where(
                frame[col.name].notna(), None).astype("str")
        if kind in ("DateTime", "Date"):
            values = frame[col.name]
            frame[col.name] = pd.to_datetime(values, format="ISO8601") \
                if not pd.api.types.is_datetime64_any_dtype(values) else values
        elif kind == "Float":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("float64")
        elif kind == "Boolean":
            frame[col.name] = frame[col.name].astype("boolean")
        elif kind == "Integer":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype("Int64")
    return frame


def _fill_from_tickets(frame: pd.DataFrame, tickets: pd.DataFrame,
                       pairs: dict[str, str]) -> pd.DataFrame:
    """``arrow_read.fill_from_tickets`` for frames (the small tables, read the plain way)."""
    import pyarrow as pa

    if tickets.empty or not any(frame[target].isna().any() for target in pairs):
        return frame
    def as_text(f: pd.DataFrame, cols: list[str]):
        return pa.table({c: pa.array(f[c].astype("str"), type=pa.string()) for c in cols})

    filled = fill_from_tickets(as_text(frame, ["source_system", "ticket_id", *pairs]),
                               as_text(tickets, ["source_system", "ticket_id",
                                                 *pairs.values()]), pairs)
    return frame.assign(**{c: pd.Series(filled.column(c).to_pandas(), index=frame.index,
                                        dtype="str") for c in pairs})


ENTRY_SKIP = ("entry_id", "work_type", "import_id")  # columns no KPI reads


def _big_tables() -> dict:
    """The Arrow read of tickets and time entries: queries, types, and each entry's client
    from its ticket where the export had none."""
    return {"queries": [_query(schema.tickets, ())[1],
                        _query(schema.time_entries, ENTRY_SKIP)[1]],
            "types": [_arrow_types("tickets"), _arrow_types("time_entries")],
            "fills": [{"into": 1, "from": 0, "pairs": {"client": "client"}}]}


def warm_snapshot(engine: Engine) -> bool:
    """Write the store's snapshot now, so the dashboard's next first render maps it
    instead of reading the store (the import command calls this after its last file).
    SQLite is read in place, so the engine's connections are closed first; returns whether
    a snapshot is there."""
    if engine.dialect.name == "sqlite":
        engine.dispose()
    return _arrow_reads(engine, _big_tables(), in_process=True) is not None


def refresh_snapshot(engine: Engine) -> bool:
    """``warm_snapshot`` for a process that keeps using the engine (the dashboard's Data
    page after an import or undo): SQLite through the reader process."""
    return _arrow_reads(engine, _big_tables(), in_process=False) is not None


def load(engine: Engine, sole_user: bool = False) -> StoreData:
    """Every table as the KPI functions take them. ``sole_user``: this process uses the
    engine for nothing else meanwhile (the report command), so SQLite can be read in place
    with Arrow (its sqlite3 connections are closed first; see ``_arrow_reads``)."""
    if sole_user:
        engine.dispose()
    tables = _arrow_reads(engine, _big_tables(), in_process=sole_user)
    raw = [_to_frame(t) for t in tables] if tables else [None, None]
    tickets = read_typed(engine, "tickets", frame=raw[0])
    entries = read_typed(engine, "time_entries", ENTRY_SKIP, frame=raw[1])
    time_entries = entries if tables else \
        _fill_from_tickets(entries, tickets, {"client": "client"})
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
