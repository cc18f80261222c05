"""How the store's schema evolves: a version number in ``store_state`` and one step per
version, run in order when a store is opened (docs/STORE.md, "How the schema evolves").

- Version 1: ``store_state`` (store id, schema and data versions) and the triggers that
  move the data version on every change to a data table or the row history, so a write
  made with other tools (someone's own SQL) is seen by readers that cache the data.
- Version 2: ``tickets.escalation_count`` and ``agreements.included_hours``.
- Version 3: ``csat_responses.scale_source`` (who said a rating's scale; empty for the rows
  stored before it, which a settings change leaves as they are).
- Version 4: ``imports.records_stored`` (the distinct records among the rows stored).
- Version 5: ``reviews`` and ``review_actions``, the weekly review's record (no triggers:
  they are not data, and writing them leaves the data version alone).

A step only adds: tables (``create_all`` makes any that are missing), columns, triggers.
A store made by an older Cadence opens in the new one and loses nothing.
"""
from __future__ import annotations

import uuid

from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from . import schema

SCHEMA_VERSION = 5
TRIGGER_OPS = ("insert", "update", "delete")
_BUMP = ("UPDATE store_state SET data_version = data_version + 1, data_stamp = {stamp} "
         "WHERE id = 1")
SQLITE_STAMP = "lower(hex(randomblob(16)))"
POSTGRES_STAMP = "replace(gen_random_uuid()::text, '-', '')"


def sqlite_trigger_names(table: str) -> list[str]:
    return [f"cadence_changed_{table}_{op}" for op in TRIGGER_OPS]


def sqlite_create_triggers(conn, table: str) -> None:
    for name, op in zip(sqlite_trigger_names(table), TRIGGER_OPS):
        conn.exec_driver_sql(f'CREATE TRIGGER IF NOT EXISTS {name} AFTER {op.upper()} ON '
                             f'"{table}" BEGIN {_BUMP.format(stamp=SQLITE_STAMP)}; END')


def sqlite_drop_triggers(conn, table: str) -> None:
    for name in sqlite_trigger_names(table):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def _postgres_triggers(conn) -> None:
    # Statement-level: one bump per statement however many rows it touches (a COPY of a
    # million rows included), so Cadence's own imports keep them on.
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION cadence_data_changed() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {_BUMP.format(stamp=POSTGRES_STAMP)}; "
        "RETURN NULL; END $$")
    for table in schema.VERSIONED:
        name = f"cadence_changed_{table}"
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
        conn.exec_driver_sql(f'CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR '
                             f'TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION '
                             'cadence_data_changed()')


def _to_1(conn) -> None:
    if conn.engine.dialect.name == "postgresql":
        _postgres_triggers(conn)
    else:
        for table in schema.VERSIONED:
            sqlite_create_triggers(conn, table)


def _add_columns(conn, table: str, names: tuple[str, ...]) -> None:
    """Add declared columns a store made before them lacks (a new store has them)."""
    from sqlalchemy import inspect

    have = {c["name"] for c in inspect(conn).get_columns(table)}
    for name in names:
        if name not in have:
            column = schema.DATA_TABLES[table].c[name]
            kind = column.type.compile(dialect=conn.engine.dialect)
            conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {kind}')


def _to_2(conn) -> None:
    _add_columns(conn, "tickets", ("escalation_count",))
    _add_columns(conn, "agreements", ("included_hours",))


def _to_3(conn) -> None:
    _add_columns(conn, "csat_responses", ("scale_source",))


def _to_4(conn) -> None:
    from sqlalchemy import inspect

    if "records_stored" not in {c["name"] for c in inspect(conn).get_columns("imports")}:
        conn.exec_driver_sql('ALTER TABLE imports ADD COLUMN records_stored INTEGER')


def _to_5(conn) -> None:
    # ``upgrade`` has run ``create_all`` already; made here too, so the step says what it
    # adds and holds on its own.
    for name in schema.REVIEW_TABLES:
        schema.metadata.tables[name].create(conn, checkfirst=True)


STEPS = {1: _to_1, 2: _to_2, 3: _to_3, 4: _to_4, 5: _to_5}


def upgrade(engine: Engine) -> None:
    """Bring the store to ``SCHEMA_VERSION`` (a no-op read when it is there already)."""
    schema.metadata.create_all(engine)
    state = schema.store_state
    with engine.connect() as conn:
        row = conn.execute(select(state.c.schema_version).where(state.c.id == 1)).first()
    if row is not None and row[0] >= SCHEMA_VERSION:
        return
    try:
        _steps(engine, made=row is not None)
    except IntegrityError:   # another process made the state row first: take its steps
        _steps(engine, made=True)


def _steps(engine: Engine, made: bool) -> None:
    state = schema.store_state
    with engine.begin() as conn:
        if conn.engine.dialect.name == "postgresql":   # one migration at a time
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x43616466})
        if not made:
            conn.execute(insert(state).values(id=1, store_id=str(uuid.uuid4()),
                                              schema_version=0, data_version=0,
                                              data_stamp=uuid.uuid4().hex))
        current = conn.execute(select(state.c.schema_version).where(state.c.id == 1)
                               ).scalar_one()
        for version in range(current + 1, SCHEMA_VERSION + 1):
            STEPS[version](conn)
            conn.execute(update(state).where(state.c.id == 1).values(schema_version=version))
