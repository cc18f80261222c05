"""The store's writer: one import in one transaction, and undoing an import.

A key (source system + id) holds one current row. When a later import repeats a key, the
row with the later ``updated_at`` wins, else the later import; the version that lost is
kept in ``row_history`` so that undoing an import restores exactly what it replaced.
All SQL goes through SQLAlchemy Core with bound parameters.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, bindparam, delete, func, insert, select, text, update

from .. import fields, normalise
from .. import tables as declared
from . import migrate, schema

CHUNK = 500  # keys per IN (...) list: well under every database's parameter limit


@dataclass
class ImportRecord:
    file_name: str
    sha256: str
    vendor: str
    kind: str
    source_system: str | None   # None for technicians, which have no source system


@dataclass
class WriteResult:
    import_id: int
    rows_stored: int
    records_stored: int     # distinct records among the rows (the rest: earlier versions)
    rows_rejected: int
    keys_new: int
    keys_updated: int
    versions_superseded: int


def _key_col(kind: str) -> str:
    return fields.KEY[kind]


def _row_key(frame: pd.DataFrame, kind: str) -> pd.Series:
    if "source_system" in frame:
        return frame["source_system"].astype(str) + "\x1f" + frame[_key_col(kind)].astype(str)
    return frame[_key_col(kind)].astype(str)


def write_import(engine: Engine, record: ImportRecord, rows: pd.DataFrame,
                 rejected: pd.DataFrame, rows_read: int) -> WriteResult:
    """Store one file's rows in one transaction. ``rows`` holds the stored columns (without
    import_id) plus ``_row`` (the file's row number); ``rejected`` holds row_number,
    reason and raw."""
    kind = record.kind
    table = schema.DATA_TABLES[fields.TABLE[kind]]
    has_updated = "updated_at" in table.c
    rows = rows.copy()
    rows["_key"] = _row_key(rows, kind)

    # Within the file, the latest update (else the later row) of each key wins; the
    # versions it replaced are kept in the history (an audit log's earlier states: the
    # reports read each ticket as it was known at their cut-off from them).
    if rows["_key"].duplicated().any():
        order = ["_key", "updated_at", "_row"] if has_updated else ["_key", "_row"]
        rows = rows.sort_values(order, na_position="first", kind="stable")
        winners = rows.drop_duplicates("_key", keep="last")
        earlier = rows.loc[rows["_key"].duplicated(keep="last")]
    else:
        winners, earlier = rows, rows.iloc[:0]
    superseded_in_file = len(rows) - len(winners)

    with engine.begin() as conn:
        _begin_write(conn, (table.name, "row_history"))
        import_id = conn.execute(insert(schema.imports).values(
            file_name=record.file_name, sha256=record.sha256, vendor=record.vendor,
            kind=kind, rows_read=rows_read, rows_stored=len(rows),
            records_stored=len(winners),
            rows_rejected=len(rejected), imported_at=dt.datetime.now().replace(microsecond=0),
        )).inserted_primary_key[0]

        existing = _existing_keys(conn, table, kind, record.source_system, has_updated)
        if existing.empty:  # first import of this source: nothing to compare with
            merged = winners.assign(import_id_old=np.nan, updated_at_old=pd.NaT)
        else:
            merged = winners.merge(existing, on="_key", how="left", suffixes=("", "_old"))
        present = merged["import_id_old"].notna()
        incoming_wins = ~present
        if has_updated:
            both = present & merged["updated_at"].notna() & merged["updated_at_old"].notna()
            newer = merged["updated_at"] > merged["updated_at_old"]
            same = merged["updated_at"] == merged["updated_at_old"]
            incoming_wins |= present & (~both | newer | same)
        else:
            incoming_wins |= present
        replace_keys = merged.loc[present & incoming_wins, "_key"]
        losers = merged.loc[~incoming_wins]
        new_rows = merged.loc[incoming_wins]

        _move_to_history(conn, table, kind, replace_keys, has_updated)
        if len(earlier):
            _insert_history(conn, table.name, earlier[_stored(kind)], earlier["_key"],
                            import_id, earlier["_row"], has_updated)
        if len(losers):
            _insert_history(conn, table.name, losers[_stored(kind)], losers["_key"],
                            import_id, losers["_row"], has_updated)
        _insert_rows(conn, table, kind, new_rows[_stored(kind)], import_id)
        if len(rejected):
            conn.execute(insert(schema.rejected_rows), [
                {"import_id": import_id, "row_number": int(r.row_number),
                 "reason": r.reason, "raw": r.raw} for r in rejected.itertuples()])
        _end_write(conn, (table.name, "row_history"))
    return WriteResult(int(import_id), len(rows), len(winners), len(rejected),
                       int((~present).sum()), len(replace_keys),
                       superseded_in_file + len(losers))


# Any constant: the key of the one lock that imports and undos take on PostgreSQL.
_WRITER_LOCK = 0x43616465  # "Cade"


def _begin_write(conn, tables: tuple[str, ...]) -> None:
    """Start an import or undo: one at a time, and the data version moved.

    - PostgreSQL: two imports that repeat the same keys would otherwise both find them
      new under read-committed isolation, and the second would fail on the primary key;
      an advisory lock serialises them until the transaction ends. (SQLite needs nothing:
      the first statement is a write, which takes SQLite's single writer lock.)
    - The data version (``store_state``) moves, so readers' cached copies of the data are
      not used again. SQLite's triggers that do this for other tools' writes fire once per
      row (PostgreSQL's once per statement); a million-row import would pay for a million
      of them, so this writer drops them inside its transaction and makes them again
      before it commits (a rollback brings them back too)."""
    if conn.engine.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITER_LOCK})
    state = schema.store_state
    conn.execute(update(state).where(state.c.id == 1)
                 .values(data_version=state.c.data_version + 1, data_stamp=uuid.uuid4().hex))
    if conn.engine.dialect.name == "sqlite":   # after a write: inside the transaction
        for table in tables:
            migrate.sqlite_drop_triggers(conn, table)


def _end_write(conn, tables: tuple[str, ...]) -> None:
    if conn.engine.dialect.name == "sqlite":
        for table in tables:
            migrate.sqlite_create_triggers(conn, table)


def _stored(kind: str) -> list[str]:
    return [c for c in fields.STORED[kind] if c != "import_id"]


def _existing_keys(conn, table, kind, source_system, has_updated) -> pd.DataFrame:
    key = table.c[_key_col(kind)]
    cols = [key, table.c.import_id] + ([table.c.updated_at] if has_updated else [])
    query = select(*cols)
    if "source_system" in table.c:
        query = query.where(table.c.source_system == source_system)
    found = pd.DataFrame(conn.execute(query).fetchall(),
                         columns=[c.name for c in cols])
    prefix = f"{source_system}\x1f" if "source_system" in table.c else ""
    found["_key"] = prefix + found[_key_col(kind)].astype(str)
    out = found.drop(columns=[_key_col(kind)]).rename(
        columns={"import_id": "import_id_old", "updated_at": "updated_at_old"})
    if has_updated:
        out["updated_at_old"] = pd.to_datetime(out["updated_at_old"])
    return out


def _key_filter(table, kind, keys: list[str]):
    """WHERE clause for a chunk of `source\x1fid` keys (bound parameters only)."""
    key = table.c[_key_col(kind)]
    if "source_system" not in table.c:
        return key.in_(keys)
    by_source: dict[str, list[str]] = {}
    for k in keys:
        source, _, ident = k.partition("\x1f")
        by_source.setdefault(source, []).append(ident)
    from sqlalchemy import and_, or_
    return or_(*[and_(table.c.source_system == s, key.in_(ids))
                 for s, ids in by_source.items()])


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _move_to_history(conn, table, kind, keys: pd.Series, has_updated: bool) -> None:
    keys = keys.tolist()
    for chunk in _chunks(keys):
        where = _key_filter(table, kind, chunk)
        old = pd.DataFrame(conn.execute(select(table).where(where)).fetchall(),
                           columns=[c.name for c in table.c])
        if old.empty:
            continue
        _insert_history(conn, table.name, old.drop(columns=["import_id"]),
                        _row_key(old, kind), old["import_id"], None, has_updated)
        conn.execute(delete(table).where(where))


def _insert_history(conn, table_name, rows: pd.DataFrame, keys: pd.Series, import_id,
                    row_numbers, has_updated) -> None:
    payload = rows.to_json(orient="records", lines=True, date_format="iso",
                           date_unit="s").splitlines()
    n = len(rows)
    ids = import_id.tolist() if isinstance(import_id, pd.Series) else [import_id] * n
    numbers = row_numbers.tolist() if row_numbers is not None else [None] * n
    updated = (pd.to_datetime(rows["updated_at"]).astype(object)
               .where(rows["updated_at"].notna(), None).tolist()
               if has_updated else [None] * n)
    conn.execute(insert(schema.row_history), [
        {"table_name": table_name, "row_key": k, "import_id": int(i),
         "row_number": None if r is None else int(r), "updated_at": u, "row_json": j}
        for k, i, r, u, j in zip(keys.tolist(), ids, numbers, updated, payload)])


def _insert_rows(conn, table, kind, frame: pd.DataFrame, import_id: int) -> None:
    if frame.empty:
        return
    _insert_frame(conn, table, frame.assign(import_id=import_id))


def _insert_frame(conn, table, frame: pd.DataFrame) -> None:
    """Bulk insert: SQLite's executemany on the raw connection, PostgreSQL's COPY."""
    if frame.empty:
        return
    sqlite = conn.engine.dialect.name == "sqlite"
    columns = _column_lists(frame, table.name, sqlite)
    names = ", ".join(f'"{c}"' for c in frame.columns)
    cursor = conn.connection.driver_connection.cursor()
    if sqlite:
        marks = ", ".join("?" for _ in frame.columns)
        cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                           zip(*columns))
    else:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in zip(*columns):
                copy.write_row(row)
    cursor.close()


def _column_lists(frame: pd.DataFrame, table_name: str, sqlite: bool) -> list[list]:
    """Column values ready for the driver, built a column at a time from each column's
    declared kind (a million rows of per-row type conversion in SQLAlchemy cost more than
    the rest of the import)."""
    declared_table = declared.DATA_TABLES[table_name]
    out = []
    for col in frame.columns:
        s = frame[col]
        kind = declared_table[col].kind
        missing = s.isna().to_numpy()
        if kind in ("date", "datetime"):
            s = pd.to_datetime(s)
            if sqlite:  # the exact text SQLAlchemy's SQLite DateTime/Date types write
                values = (s.dt.strftime("%Y-%m-%d") if kind == "date" else
                          s.dt.strftime("%Y-%m-%d %H:%M:%S.%f")).astype(object)
            else:
                values = pd.Series(s.dt.date if kind == "date" else s.dt.to_pydatetime(),
                                   index=s.index, dtype=object)
        elif kind == "bool":
            values = s.astype("boolean").astype(object)
            if sqlite:
                values = values.map({True: 1, False: 0})
        elif kind == "int":
            values = s.astype("Int64").astype(object)
        elif kind == "float":
            values = pd.to_numeric(s).astype(object)
        else:
            values = s.astype(object)
        values = values.to_numpy(dtype=object, copy=True)
        values[missing] = None
        out.append(values.tolist())
    return out


# ---------------------------------------------------------------------------- re-rating
def rerate_csat(conn, scale_setting: object) -> int:
    """Re-rate the stored CSAT responses whose scale came from the settings (SPEC KPI 3:
    ``scale_source = 'settings'``) for a new ``[csat] scale``: each import's (file's) scale
    is worked out again from its scores, never below the setting, and the rows whose scale
    or rating changes are updated, with the versions kept for undo. Responses whose
    preset or mapping declared the scale are not touched. Runs in the caller's
    transaction; the data version moves only when a row changes. Returns the rows
    changed."""
    setting = normalise.scale_name(scale_setting)
    if _rerating(conn, setting).empty:
        return 0
    _begin_write(conn, ("csat_responses", "row_history"))
    plan = _rerating(conn, setting)   # again, now that no import can run beside it
    table = schema.csat_responses
    rows = plan[plan["history_id"].isna()]
    for (scale, rating), group in rows.groupby(["new_scale", "new_rating"], dropna=False):
        keys = (group["source_system"] + "\x1f" + group["response_id"]).tolist()
        for chunk in _chunks(keys):
            conn.execute(update(table).where(_key_filter(table, "csat", chunk))
                         .values(scale=scale, rating=None if pd.isna(rating) else rating))
    versions = plan[plan["history_id"].notna()]
    if len(versions):
        conn.execute(update(schema.row_history)
                     .where(schema.row_history.c.id == bindparam("version_id"))
                     .values(row_json=bindparam("new_json")),
                     [{"version_id": int(i), "new_json": j}
                      for i, j in zip(versions["history_id"], versions["new_json"])])
    _end_write(conn, ("csat_responses", "row_history"))
    return len(plan)


def _rerating(conn, setting: str) -> pd.DataFrame:
    """The settings-scaled responses (current rows and kept versions) whose scale or
    rating differs under ``setting``, with the new values."""
    table, history = schema.csat_responses, schema.row_history
    current = pd.DataFrame(conn.execute(
        select(table.c.source_system, table.c.response_id, table.c.import_id,
               table.c.score_raw, table.c.scale, table.c.rating)
        .where(table.c.scale_source == "settings")).fetchall(),
        columns=["source_system", "response_id", "import_id", "score_raw", "scale", "rating"])
    current["history_id"] = np.nan
    kept = pd.DataFrame(conn.execute(
        select(history.c.id, history.c.import_id, history.c.row_json)
        .where(history.c.table_name == table.name)).fetchall(),
        columns=["history_id", "import_id", "row_json"])
    if len(kept):
        body = pd.DataFrame([json.loads(j) for j in kept["row_json"]], index=kept.index)
        kept = kept.join(body.reindex(columns=["score_raw", "scale", "rating",
                                                "scale_source"]))
        kept = kept[kept["scale_source"].eq("settings")].drop(columns="scale_source")
    both = pd.concat([current, kept], ignore_index=True)
    if both.empty:
        return both
    both["new_scale"] = None
    both["new_rating"] = None
    for _, rows in both.groupby("import_id"):   # one file: one scale
        scale = normalise.file_scale(rows["score_raw"], setting)
        both.loc[rows.index, "new_scale"] = scale
        both.loc[rows.index, "new_rating"] = normalise.csat_rating(rows["score_raw"], scale)
    same_rating = both["rating"].fillna("") == both["new_rating"].fillna("")
    changed = both[(both["scale"] != both["new_scale"]) | ~same_rating].copy()
    versions = changed["history_id"].notna()
    if versions.any():   # a kept version is JSON text: the same two values changed in it
        changed.loc[versions, "new_json"] = [
            json.dumps({**json.loads(body), "scale": scale, "rating": rating})
            for body, scale, rating in zip(changed.loc[versions, "row_json"],
                                           changed.loc[versions, "new_scale"],
                                           changed.loc[versions, "new_rating"])]
    return changed


# ---------------------------------------------------------------------------- undo
class UndoRefused(Exception):
    pass


def undo_import(engine: Engine, import_id: int) -> dict[str, int]:
    """Remove an import's rows and bring back the versions it replaced. Returns the number
    of rows removed and restored per table."""
    with engine.begin() as conn:
        row = conn.execute(select(schema.imports).where(
            schema.imports.c.import_id == import_id)).mappings().first()
        if row is None:
            raise UndoRefused(f"There is no import #{import_id}; see the import history.")
        if row["undone_at"] is not None:
            raise UndoRefused(f"Import #{import_id} ({row['file_name']}) was already undone.")
        kind = row["kind"]
        table = schema.DATA_TABLES[fields.TABLE[kind]]
        _begin_write(conn, (table.name, "row_history"))
        has_updated = "updated_at" in table.c
        current = pd.DataFrame(conn.execute(select(*[
            table.c[c] for c in (["source_system"] if "source_system" in table.c else [])
            + [_key_col(kind)]]).where(table.c.import_id == import_id)).fetchall())
        keys = _row_key(current, kind).tolist() if not current.empty else []
        conn.execute(delete(table).where(table.c.import_id == import_id))
        conn.execute(delete(schema.row_history).where(
            schema.row_history.c.import_id == import_id))
        restored = 0
        for chunk in _chunks(keys):
            h = schema.row_history
            found = pd.DataFrame(conn.execute(select(h).where(
                h.c.table_name == table.name, h.c.row_key.in_(chunk))).fetchall(),
                columns=[c.name for c in h.c])
            if found.empty:
                continue
            best = _latest_versions(found, has_updated)
            rows = pd.DataFrame([json.loads(j) for j in best["row_json"]])
            rows["import_id"] = best["import_id"].to_numpy()
            _insert_frame(conn, table, rows)
            conn.execute(delete(h).where(h.c.id.in_(best["id"].tolist())))
            restored += len(best)
        conn.execute(delete(schema.rejected_rows).where(
            schema.rejected_rows.c.import_id == import_id))
        conn.execute(update(schema.imports).where(schema.imports.c.import_id == import_id)
                     .values(undone_at=dt.datetime.now().replace(microsecond=0)))
        _end_write(conn, (table.name, "row_history"))
    return {"removed": len(keys), "restored": restored}


def _latest_versions(found: pd.DataFrame, has_updated: bool) -> pd.DataFrame:
    """Per key, the version the import rule would have kept: the later updated_at when
    every version has one, else the later import (then the later row)."""
    found = found.copy()
    if has_updated:
        found["updated_at"] = pd.to_datetime(found["updated_at"])
        complete = found.groupby("row_key")["updated_at"].transform("count") == \
            found.groupby("row_key")["updated_at"].transform("size")
        found["_order"] = found["updated_at"].where(complete)
    else:
        found["_order"] = pd.NaT
    found = found.sort_values(["row_key", "_order", "import_id", "row_number"],
                              na_position="first", kind="stable")
    return found.drop_duplicates("row_key", keep="last")


# ---------------------------------------------------------------------------- emptying
def empty(engine: Engine) -> dict[str, int]:
    """Remove every imported row, its history and the import log, in one transaction (a
    person starting over with their own data): the data tables, ``row_history``,
    ``rejected_rows`` and ``imports``. Settings and mappings stay (the caller decides);
    the data version moves. Returns the rows removed per data table."""
    tables = (*schema.DATA_TABLES, "row_history")
    with engine.begin() as conn:
        _begin_write(conn, tables)
        removed = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                   for name, table in schema.DATA_TABLES.items()}
        for table in (*schema.DATA_TABLES.values(), schema.row_history,
                      schema.rejected_rows, schema.imports):
            conn.execute(delete(table))
        _end_write(conn, tables)
    return removed
