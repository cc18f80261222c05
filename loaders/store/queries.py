"""Small reads of the store: the import history, row counts, one table as stored, the
data's own dates, and the version that names every cached copy of the data."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from . import schema


@dataclass(frozen=True)
class DataVersion:
    """What identifies the store's data: the store's own id, its data version (a count
    moved by every change to a data table, by Cadence or by anyone's own SQL) and that
    change's random stamp."""
    store_id: str
    data_version: int
    data_stamp: str

    @property
    def name(self) -> str:
        """Names cached copies of the data: the store and the stamp of its last change
        (two copies of one store that part ways never share a name again)."""
        return f"{self.store_id.replace('-', '')}_{self.data_stamp}"


def data_version(engine: Engine) -> DataVersion | None:
    state = schema.store_state
    with engine.connect() as conn:
        row = conn.execute(select(state.c.store_id, state.c.data_version,
                                  state.c.data_stamp).where(state.c.id == 1)).first()
    return DataVersion(row[0], int(row[1]), row[2]) if row is not None else None


def import_history(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(select(schema.imports).order_by(schema.imports.c.import_id.desc()),
                           conn)


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for name, t in schema.DATA_TABLES.items()}


def read_table(engine: Engine, name: str) -> pd.DataFrame:
    table = schema.metadata.tables[name]
    with engine.connect() as conn:
        return pd.read_sql(select(table), conn)


def latest_created(engine: Engine) -> dt.date | None:
    """The date of the latest ticket created: the report's default as-of date (a stray late
    update of an old ticket doesn't move the report into an empty week)."""
    with engine.connect() as conn:
        value = conn.execute(select(func.max(schema.tickets.c.created_at))).scalar()
    return pd.Timestamp(value).date() if value is not None else None


def latest_activity(engine: Engine) -> dt.date | None:
    """The latest date with ticket activity (created, responded, resolved or closed)."""
    t = schema.tickets
    with engine.connect() as conn:
        values = conn.execute(select(func.max(t.c.created_at), func.max(t.c.first_response_at),
                                     func.max(t.c.resolved_at), func.max(t.c.closed_at))).one()
    stamps = [pd.Timestamp(v) for v in values if v is not None]
    return max(stamps).date() if stamps else None


def last_import_time(engine: Engine):
    """When the newest import that still counts was made (None without one)."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(schema.imports.c.imported_at)).where(
            schema.imports.c.undone_at.is_(None))).scalar()
