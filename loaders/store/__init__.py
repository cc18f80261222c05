"""The SQL store, both ways: its schema and how it evolves (``schema``, ``migrate``), the
one writer of imports and undo (``write``), and the reads (``queries`` for small ones,
``frames`` for the typed tables the KPIs take, kept as on-disk ``snapshot``\\ s); the
weekly review's record, which is not data (``reviews``).

    engine = store.connect(url)      # the schema made or brought up to date

All SQL goes through SQLAlchemy with bound parameters.
"""
from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError as StoreError  # noqa: F401  (callers catch it)

from .migrate import upgrade
from .queries import (data_version, import_history, last_import_time,  # noqa: F401
                      latest_activity, latest_created, read_table, table_counts)
from .reviews import (NewAction, ReviewRefused, SavedReview, any_reviews,  # noqa: F401
                      carry_action, check_action, reviews_of_week, save_review, settle_action)
from .reviews import actions as review_actions  # noqa: F401
from .write import (ImportRecord, UndoRefused, WriteResult, empty, undo_import,  # noqa: F401
                    write_import)

DEFAULT_URL = "sqlite:///cadence.db"


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("CADENCE_DB_URL") or DEFAULT_URL


def display_url(url: str | None = None) -> str:
    """The store's URL for messages and logs: the password masked."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(database_url(url)).render_as_string(hide_password=True)
    except Exception:  # not even a URL: say so without echoing it
        return "(an unreadable database URL)"


def connect(url: str | None = None) -> Engine:
    """An engine on the store, its schema made or brought up to date. SQLite gets WAL and
    a busy timeout so that a reader (the dashboard) and an import can work at once."""
    url = database_url(url)
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # 256 MB of page cache: bulk inserts into the key indexes stay in memory.
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
    upgrade(engine)
    return engine
