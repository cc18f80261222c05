"""Read the store into the frames the KPI functions take.

Pure pandas + SQLAlchemy (no Streamlit). Reading is the slow part of a report on a big
store, so SQLite is read as raw text through the driver and typed a column at a time,
instead of SQLAlchemy building a Python datetime per cell.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
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


def _arrow_reads(engine: Engine, queries: list[str], in_process: bool
                 ) -> list[pd.DataFrame] | None:
    """Read through ADBC (Arrow all the way, several times faster than row tuples on a
    million rows); None when no ADBC driver fits, and the caller reads the plain way.

    The ADBC SQLite driver carries its own copy of the SQLite library. Two copies working
    on one file in one process break SQLite's POSIX locks (closing one copy's file drops
    the other's locks), a documented way to corrupt a database. So SQLite is read in
    place only when the caller has closed every sqlite3 connection first (``in_process``,
    the report command), and otherwise in a child process (``python -m kpi.arrow_read``,
    the dashboard) that hands the tables back as Arrow files. PostgreSQL, reached over a
    socket, is always read in place."""
    try:
        if engine.dialect.name == "sqlite":
            if in_process:  # side by side: ADBC releases the GIL while it reads
                from concurrent.futures import ThreadPoolExecutor

                from .arrow_read import read
                with ThreadPoolExecutor(max_workers=2) as pool:
                    tables = list(pool.map(lambda q: read(engine.url.database, q), queries))
                return [t.to_pandas() for t in tables]
            return _sqlite_in_child(engine.url.database, queries)
        if engine.dialect.name != "postgresql":
            return None
        import adbc_driver_postgresql.dbapi as adbc
        target = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        frames = []
        with adbc.connect(target) as conn:
            for sql in queries:
                cursor = conn.cursor()
                cursor.execute(sql)
                frames.append(cursor.fetch_arrow_table().to_pandas())
                cursor.close()
        return frames
    except Exception:  # a missing or unsuitable driver: the plain reader is always right
        return None


def _sqlite_in_child(database: str, queries: list[str]) -> list[pd.DataFrame] | None:
    import subprocess
    import sys
    import tempfile

    import pyarrow as pa

    with tempfile.TemporaryDirectory(prefix="cadence-read-") as folder:
        done = subprocess.run([sys.executable, "-m", "kpi.arrow_read", database, folder,
                               *queries], capture_output=True, timeout=600)
        if done.returncode != 0:
            return None
        return [pa.ipc.open_file(pa.memory_map(str(Path(folder) / f"{n}.arrow")))
                .read_all().to_pandas() for n in range(len(queries))]


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
    """Fill missing ``frame`` columns from the ticket the row belongs to (an Autotask
    time export has no client column; a survey may carry no technician)."""
    need = pd.Series(False, index=frame.index)
    for target in pairs:
        need |= frame[target].isna()
    if not need.any() or tickets.empty:
        return frame
    keys = ["source_system", "ticket_id"]
    lookup = tickets[keys + list(pairs.values())].drop_duplicates(keys)
    lookup.columns = keys + [f"_from_{c}" for c in pairs.values()]
    joined = frame.loc[need, keys].merge(lookup, on=keys, how="left")
    joined.index = frame.index[need]
    frame = frame.copy()
    for target, source in pairs.items():
        frame[target] = frame[target].fillna(joined[f"_from_{source}"])
    return frame


ENTRY_SKIP = ("entry_id", "work_type", "import_id")  # columns no KPI reads


def load(engine: Engine, sole_user: bool = False) -> StoreData:
    """Every table as the KPI functions take them. ``sole_user``: this process uses the
    engine for nothing else meanwhile (the report command), so SQLite can be read in place
    with Arrow (its sqlite3 connections are closed first; see ``_arrow_reads``)."""
    if sole_user:
        engine.dispose()
    big = [_query(schema.tickets, ())[1], _query(schema.time_entries, ENTRY_SKIP)[1]]
    raw = _arrow_reads(engine, big, in_process=sole_user) or [None, None]
    tickets = read_typed(engine, "tickets", frame=raw[0])
    entries = read_typed(engine, "time_entries", ENTRY_SKIP, frame=raw[1])
    time_entries = _fill_from_tickets(entries, tickets, {"client": "client"})
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
