"""Import rules of the store, on SQLite and PostgreSQL: one transaction per file, later
version wins, re-import never double counts, undo restores what was replaced."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from loaders import store
from loaders.store import schema, write
from loaders.errors import ImportRefused
from loaders.importer import import_file

HEADER = "number,opened_at,state,priority,assignment_group,sys_updated_on,resolved_at"


def export(tmp_path, name: str, rows: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table except the import log's timestamps: 'the content'."""
    out = {}
    with engine.connect() as conn:
        for name, table in schema.metadata.tables.items():
            cols = [c for c in table.c if c.name not in ("imported_at", "undone_at", "id")]
            rows = conn.execute(select(*cols)).fetchall()
            out[name] = sorted(tuple(str(v) for v in r) for r in rows)
    return out


def tickets(engine) -> pd.DataFrame:
    return store.read_table(engine, "tickets").sort_values("ticket_id").reset_index(drop=True)


V1 = ["INC1,2026-03-02 09:00,New,3 - Moderate,Desk,2026-03-02 09:00,",
      "INC2,2026-03-02 10:00,New,2 - High,Desk,2026-03-02 10:00,"]
V2 = ["INC1,2026-03-02 09:00,Resolved,3 - Moderate,Desk,2026-03-03 12:00,2026-03-03 12:00",
      "INC3,2026-03-04 11:00,New,4 - Low,Network,2026-03-04 11:00,"]


def test_reimport_is_idempotent(engine, tmp_path):
    path = export(tmp_path, "a.csv", V1)
    first = import_file(engine, path)
    before = tickets(engine).drop(columns="import_id")
    second = import_file(engine, path)
    assert (first.rows_stored, second.rows_stored) == (2, 2)
    assert len(tickets(engine)) == 2
    pd.testing.assert_frame_equal(tickets(engine).drop(columns="import_id"), before)
    assert set(tickets(engine)["import_id"]) == {second.import_id}


def test_later_update_wins_whatever_the_import_order(engine, tmp_path):
    old, new = export(tmp_path, "old.csv", V1), export(tmp_path, "new.csv", V2)
    import_file(engine, new)
    import_file(engine, old)  # an older export imported later must not roll INC1 back
    t = tickets(engine)
    assert t["ticket_id"].tolist() == ["INC1", "INC2", "INC3"]
    assert t.loc[0, "status_class"] == "resolved"
    assert t.loc[0, "resolved_at"] == pd.Timestamp("2026-03-03 12:00")


def test_audit_log_rows_are_versions_latest_wins(engine, tmp_path):
    rows = ["INC9,2026-03-02 09:00,New,3 - Moderate,Desk,2026-03-02 09:00,",
            "INC9,2026-03-02 09:00,Closed,3 - Moderate,Desk,2026-03-05 08:00,2026-03-04 16:00",
            "INC9,2026-03-02 09:00,In Progress,3 - Moderate,Desk,2026-03-03 08:00,"]
    result = import_file(engine, export(tmp_path, "log.csv", rows))
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (3, 3, 0)
    t = tickets(engine)
    assert len(t) == 1 and t.loc[0, "status"] == "Closed"


def test_same_update_time_later_row_of_the_file_wins(engine, tmp_path):
    rows = ["INC9,2026-03-02 09:00,New,3 - Moderate,Desk,2026-03-02 09:00,",
            "INC9,2026-03-02 09:00,On Hold,3 - Moderate,Desk,2026-03-02 09:00,"]
    import_file(engine, export(tmp_path, "log.csv", rows))
    assert tickets(engine).loc[0, "status"] == "On Hold"


def test_undo_restores_the_values_an_import_replaced(engine, tmp_path):
    a = import_file(engine, export(tmp_path, "a.csv", V1))
    after_a = snapshot(engine)
    b = import_file(engine, export(tmp_path, "b.csv", V2))
    assert tickets(engine).loc[0, "status"] == "Resolved"
    counts = store.undo_import(engine, b.import_id)
    assert counts == {"removed": 2, "restored": 1}
    assert snapshot(engine)["tickets"] == after_a["tickets"]
    assert snapshot(engine)["row_history"] == []
    store.undo_import(engine, a.import_id)
    assert tickets(engine).empty
    with pytest.raises(store.UndoRefused, match="already undone"):
        store.undo_import(engine, a.import_id)


def test_undo_an_older_import_keeps_the_newer_values(engine, tmp_path):
    a = import_file(engine, export(tmp_path, "a.csv", V1))
    b = import_file(engine, export(tmp_path, "b.csv", V2))
    store.undo_import(engine, a.import_id)
    t = tickets(engine)
    # INC2 existed only in a; INC1 and INC3 stay as b left them.
    assert t["ticket_id"].tolist() == ["INC1", "INC3"]
    assert t.loc[0, "status"] == "Resolved"
    store.undo_import(engine, b.import_id)
    assert tickets(engine).empty  # a's INC1 was undone too: nothing comes back


def test_undo_of_a_reimport_brings_back_the_first(engine, tmp_path):
    path = export(tmp_path, "a.csv", V1)
    first = import_file(engine, path)
    second = import_file(engine, path)
    store.undo_import(engine, second.import_id)
    t = tickets(engine)
    assert len(t) == 2 and set(t["import_id"]) == {first.import_id}


def test_rejected_rows_are_stored_with_reasons(engine, tmp_path):
    rows = V1 + ["INC4,31-31-2026,New,3 - Moderate,Desk,,"]
    result = import_file(engine, export(tmp_path, "bad.csv", rows))
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (3, 2, 1)
    rejected = store.read_table(engine, "rejected_rows")
    assert rejected["row_number"].tolist() == [4]
    assert rejected["reason"].iloc[0] == "column 'opened_at': '31-31-2026' is not a date"
    assert "INC4" in rejected["raw"].iloc[0]
    history = store.import_history(engine)
    assert history[["rows_read", "rows_stored", "rows_rejected"]].iloc[0].tolist() == [3, 2, 1]


def test_a_file_that_fails_midway_leaves_the_store_unchanged(engine, tmp_path, monkeypatch):
    import_file(engine, export(tmp_path, "a.csv", V1))
    before = snapshot(engine)
    real_insert = write._insert_rows

    def insert_then_fail(conn, table, kind, frame, import_id):
        real_insert(conn, table, kind, frame, import_id)  # rows are written, then...
        raise RuntimeError("disk full")

    monkeypatch.setattr(write, "_insert_rows", insert_then_fail)
    with pytest.raises(RuntimeError):
        import_file(engine, export(tmp_path, "b.csv", V2))
    assert snapshot(engine) == before
    # The writer's trigger juggling on SQLite (store.write._begin_write) rolled back too:
    # someone's own SQL is still seen.
    before = store.data_version(engine).data_version
    with engine.begin() as conn:
        conn.execute(schema.tickets.update().values(summary="edited by hand"))
    assert store.data_version(engine).data_version > before


def test_a_refused_file_writes_nothing(engine, tmp_path):
    import_file(engine, export(tmp_path, "a.csv", V1))
    before = snapshot(engine)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nINC1,01/02/2026 10:00,New,3,Desk,03/04/2026 10:00,\n")
    with pytest.raises(ImportRefused):
        import_file(engine, bad)
    assert snapshot(engine) == before


def test_time_entries_without_ids_get_stable_keys(engine, tmp_path):
    header = "Ticket Number,Resource,Date Worked,Hours Worked,Hours To Bill,Non-Billable"
    rows = ["T1,Ann,03/02/2026,1.5,1.5,False", "T1,Ann,03/02/2026,1.5,1.5,False",
            "T2,Bob,03/13/2026,0.5,0,True"]
    path = tmp_path / "time.csv"
    path.write_text("\n".join([header, *rows]))
    import_file(engine, path)
    import_file(engine, path)  # the same export again: still three entries
    entries = store.read_table(engine, "time_entries")
    assert len(entries) == 3 and entries["hours"].sum() == 3.5
    assert entries["billable"].tolist().count(True) == 2


def test_technicians_have_no_source_system(engine, tmp_path):
    path = tmp_path / "techs.csv"
    path.write_text("name,team,hourly_cost,weekly_capacity_hours\nAnn,Desk,$52.00,40\n")
    import_file(engine, path)
    path.write_text("name,team,hourly_cost,weekly_capacity_hours\nAnn,Desk,55,32\n")
    second = import_file(engine, path)
    techs = store.read_table(engine, "technicians")
    assert techs[["name", "hourly_cost", "weekly_capacity_hours"]].values.tolist() == \
        [["Ann", 55.0, 32.0]]
    store.undo_import(engine, second.import_id)
    assert store.read_table(engine, "technicians")["hourly_cost"].tolist() == [52.0]


def test_counts_on_both_backends_agree_with_sql(engine, tmp_path):
    import_file(engine, export(tmp_path, "a.csv", V1))
    import_file(engine, export(tmp_path, "b.csv", V2))
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(schema.tickets)).scalar_one()
        p = conn.execute(select(schema.tickets.c.priority).where(
            schema.tickets.c.ticket_id == "INC2")).scalar_one()
    assert (n, p) == (3, "P2")
    assert store.table_counts(engine)["tickets"] == 3


# ---------------------------------------------------------------------------- data version
def _version(engine) -> int:
    return store.data_version(engine).data_version


@pytest.mark.parametrize("sql", [
    "UPDATE tickets SET status = 'Closed' WHERE ticket_id = 'INC1'",
    "DELETE FROM tickets WHERE ticket_id = 'INC1'",
    "INSERT INTO tickets (source_system, ticket_id) VALUES ('own', 'X1')",
    "UPDATE time_entries SET hours = 2",       # no rows: PostgreSQL still counts the statement
    "INSERT INTO row_history (table_name, row_key) VALUES ('tickets', 'own')",
])
def test_every_change_to_the_data_moves_the_data_version(engine, tmp_path, sql):
    """Cached copies of the data are named by the data version: an import, an undo and a
    write made with other tools all move it (SQLite: row triggers; PostgreSQL: statement
    triggers), so no reader maps a stale copy."""
    first = _version(engine)
    result = import_file(engine, export(tmp_path, "a.csv", V1))
    after_import = _version(engine)
    assert after_import > first
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
    after_sql = _version(engine)
    if "time_entries" in sql and engine.dialect.name == "sqlite":
        assert after_sql == after_import   # SQLite's row triggers: no row, no change
    else:
        assert after_sql > after_import
    store.undo_import(engine, result.import_id)
    assert _version(engine) > after_sql


def test_settings_and_reads_leave_the_data_version_alone(engine, tmp_path):
    from loaders import settings as settings_mod

    import_file(engine, export(tmp_path, "a.csv", V1))
    before = _version(engine)
    changed = settings_mod.load()
    changed["sla"]["review_threshold"] = 6
    settings_mod.save(engine, changed)
    store.read_table(engine, "tickets")
    assert _version(engine) == before


@pytest.mark.parametrize("fixture,schema_version,data_version", [
    ("store_from_e8ef4b1.db", 0, 0),   # before the schema had a version
    ("store_from_589119d.db", 2, 8),
    ("store_from_ea680ae.db", 4, 8),   # the release before reviews and review_actions
])
def test_a_store_made_by_the_previous_release_opens_and_loses_nothing(
        tmp_path, fixture, schema_version, data_version):
    """Each fixture was written by Cadence at the commit it names: e8ef4b1 (no store_state
    table, no triggers: seven imports of the vendor fixtures, one a re-import with
    history, and saved settings), 589119d (schema version 2) and ea680ae (version 4), each
    eight such imports and saved settings. This release opens each, adds what it lacks,
    and every row is still there; opening moves no data version."""
    import shutil
    import sqlite3

    from loaders.store import migrate
    from tests.conftest import FIXTURES

    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / fixture, path)
    old = sqlite3.connect(path)
    tables = ("tickets", "time_entries", "agreements", "csat_responses", "technicians",
              "imports", "rejected_rows", "row_history", "app_settings")
    columns = {t: ", ".join(f'"{r[1]}"' for r in old.execute(f'PRAGMA table_info("{t}")'))
               for t in tables}
    before = {t: old.execute(f'SELECT {columns[t]} FROM "{t}" ORDER BY 1, 2').fetchall()
              for t in tables}
    had = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if schema_version:
        assert old.execute("SELECT schema_version FROM store_state").fetchone() == \
            (schema_version,)
    old.close()
    assert "reviews" not in had and "review_actions" not in had
    assert all(before[t] for t in ("tickets", "imports", "app_settings"))
    engine = store.connect(f"sqlite:///{path}")
    with engine.connect() as conn:
        for table, rows in before.items():
            assert conn.exec_driver_sql(f'SELECT {columns[table]} FROM "{table}" ORDER BY 1, 2'
                                        ).fetchall() == rows, table
        # the columns added since (docs/STORE.md, "How the schema evolves") are there, empty
        if schema_version < 2:
            assert conn.exec_driver_sql("SELECT count(included_hours) FROM agreements"
                                        ).scalar() == 0
        if schema_version < 3:
            assert conn.exec_driver_sql("SELECT count(scale_source) FROM csat_responses"
                                        ).scalar() == 0
        # version 5: the weekly review's tables, empty
        for table in ("reviews", "review_actions"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
        assert conn.exec_driver_sql("SELECT schema_version FROM store_state").scalar() == \
            migrate.SCHEMA_VERSION == 5
    from loaders import settings as settings_mod
    assert settings_mod.load_effective(engine)["sla"]["review_threshold"] == 5
    assert _version(engine) == data_version
    # A review can be saved in the old store now, and leaves the data version alone.
    owner = store.read_table(engine, "technicians")["name"].iloc[0]
    store.save_review(engine, "2026-03-02", "", "Dana", {"cards": {}}, "first review",
                      [store.NewAction("Desk", "Backup", "Fix the job", owner, "2026-03-09")])
    assert len(store.review_actions(engine)) == 1
    assert _version(engine) == data_version
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE tickets SET summary = 'edited'")
    assert _version(engine) > data_version
    engine.dispose()
