"""The dashboard's read of a SQLite store: the reader process and the on-disk snapshot
(kpi/snapshot.py). What it hands back must equal a plain read, and a changed store, by
an import or by anyone's SQL, must never be answered from an old snapshot."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpi import data, snapshot
from loaders import store

from .conftest import FIXTURES, ROOT


def _plain(engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tickets and time entries read the slow, obvious way (no Arrow, no snapshot)."""
    tickets = data.read_typed(engine, "tickets")
    entries = data.read_typed(engine, "time_entries", data.ENTRY_SKIP)
    return tickets, data._fill_from_tickets(entries, tickets, {"client": "client"})


def _same(fast: pd.DataFrame, slow: pd.DataFrame):
    assert list(fast.columns) == list(slow.columns)
    key = ["source_system", "ticket_id"] + (["work_date", "technician", "hours"]
                                            if "work_date" in fast else [])
    fast = fast.sort_values(key, ignore_index=True)
    slow = slow.sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(fast.astype(object).where(fast.notna(), None),
                                  slow.astype(object).where(slow.notna(), None),
                                  check_dtype=False)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CADENCE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def sample(sample_db_copy):
    engine = store.connect(sample_db_copy)
    yield engine
    engine.dispose()


def _snapshots(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.glob("*-*")) if cache.exists() else []


def test_first_read_writes_a_snapshot_the_second_maps_and_both_equal_a_plain_read(
        sample, cache):
    first = data.load(sample)                       # through the reader process
    assert len(_snapshots(cache)) == 1
    name = _snapshots(cache)[0]
    second = data.load(sample)                      # mapped from the snapshot
    assert _snapshots(cache) == [name]
    tickets, entries = _plain(sample)
    assert len(tickets) > 10_000 and entries["client"].notna().sum() > 10_000
    for got in (first, second):
        _same(got.tickets, tickets)
        _same(got.time_entries, entries)


def test_an_import_changes_the_snapshot_and_the_numbers(sample, cache):
    before = data.load(sample)
    old = _snapshots(cache)
    store_file = sample.url.database
    done = subprocess.run([sys.executable, "-m", "loaders", "import",
                           str(FIXTURES / "servicenow_tickets.csv"), "--db",
                           f"sqlite:///{store_file}"], cwd=ROOT, capture_output=True,
                          text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    # the import command wrote the new snapshot itself, and only one is kept
    assert len(_snapshots(cache)) == 1 and _snapshots(cache) != old
    after = data.load(sample)
    assert len(after.tickets) > len(before.tickets)
    _same(after.tickets, _plain(sample)[0])


def test_a_change_made_outside_cadence_is_seen(sample, cache):
    data.load(sample)
    sample.dispose()
    with sqlite3.connect(sample.url.database) as conn:   # someone's own SQL on the store
        conn.execute("UPDATE tickets SET summary = 'edited by hand' WHERE rowid = 1")
    after = data.load(sample)
    assert (after.tickets["summary"] == "edited by hand").sum() == 1


def test_a_dead_reader_is_restarted(sample, cache):
    data.READER.start()
    data.READER._process.kill()
    data.READER._process.wait()
    got = data.load(sample)
    assert data.READER._process.poll() is None      # a new one is running
    _same(got.tickets, _plain(sample)[0])


def test_an_unwritable_cache_still_reads_the_store(sample, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("CADENCE_CACHE_DIR", str(blocker / "cache"))
    got = data.load(sample)
    _same(got.tickets, _plain(sample)[0])


def test_a_damaged_snapshot_is_not_used(sample, cache):
    data.load(sample)
    folder = cache / _snapshots(cache)[0]
    (folder / "1.arrow").write_bytes(b"not arrow")
    got = data.load(sample)
    _same(got.time_entries, _plain(sample)[1])


def test_the_key_ignores_an_empty_log_and_follows_the_file(tmp_path):
    db = tmp_path / "s.db"
    db.write_bytes(b"x" * 10)
    first = snapshot.key(str(db), {"q": 1})
    Path(f"{db}-wal").write_bytes(b"")                  # opened, nothing written
    assert snapshot.key(str(db), {"q": 1}) == first
    Path(f"{db}-wal").write_bytes(b"frame")             # a write not yet checkpointed
    assert snapshot.key(str(db), {"q": 1}) != first
    assert snapshot.key(str(db), {"q": 2}) != snapshot.key(str(db), {"q": 1})
    assert snapshot.key(str(tmp_path / "missing.db"), {"q": 1}) is None


def test_snapshots_of_deleted_databases_are_dropped(sample_db_file, tmp_path, cache):
    gone, kept = tmp_path / "gone.db", tmp_path / "kept.db"
    for path in (gone, kept):
        shutil.copy(sample_db_file, path)
    engine = store.connect(f"sqlite:///{gone}")
    data.load(engine)
    engine.dispose()
    assert len(_snapshots(cache)) == 1
    gone.unlink()
    other = store.connect(f"sqlite:///{kept}")
    data.load(other)
    other.dispose()
    assert [(cache / n / "database").read_text() for n in _snapshots(cache)] == \
        [str(kept.resolve())]


def test_postgresql_store_snapshot_follows_the_server(pg_url, cache):
    """PostgreSQL is read in place into a snapshot stamped with the WAL position: the
    second read maps it; a committed UPDATE moves the position and is seen."""
    from sqlalchemy import text

    from loaders.sample import load_sample

    engine = store.connect(pg_url)
    try:
        load_sample(engine)
        first = data.load(engine)
        assert len(_snapshots(cache)) == 1
        second = data.load(engine)
        assert len(_snapshots(cache)) == 1
        tickets, entries = _plain(engine)
        for got in (first, second):
            _same(got.tickets, tickets)
            _same(got.time_entries, entries)
        with engine.begin() as conn:
            conn.execute(text("UPDATE tickets SET summary = 'edited by hand' "
                              "WHERE ticket_id = (SELECT min(ticket_id) FROM tickets)"))
        after = data.load(engine)
        assert (after.tickets["summary"] == "edited by hand").sum() >= 1
    finally:
        engine.dispose()
