"""Reading the store's frames fast (loaders/store/frames.py): ADBC in place or in a child
process, kept as a snapshot named by the store's data version (loaders/store/snapshot.py).
What it hands back must equal a plain read, and a changed store, by an import or by anyone's
SQL, must never be answered from an old snapshot."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from loaders import settings as settings_mod
from loaders import store
from loaders.store import frames

from .conftest import FIXTURES, ROOT


def _same(fast: dict, slow: dict) -> None:
    for name in slow:
        pd.testing.assert_frame_equal(fast[name], slow[name], obj=name)


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
    return sorted(p.name for p in cache.glob("*_*")) if cache.exists() else []


def test_first_read_writes_a_snapshot_the_second_maps_and_both_equal_a_plain_read(
        sample, cache):
    first = frames.read(sample)                     # through the child process
    assert len(_snapshots(cache)) == 1
    name = _snapshots(cache)[0]
    second = frames.read(sample)                    # mapped from the snapshot
    assert _snapshots(cache) == [name]
    plain = frames._plain(sample)
    assert len(plain["tickets"]) > 10_000
    assert plain["time_entries"]["client"].notna().sum() > 10_000   # filled from tickets
    _same(first, plain)
    _same(second, plain)
    in_place = frames.read(sample, sole_user=True)
    _same(in_place, plain)


def test_an_import_leaves_the_new_snapshot_and_the_numbers_move(sample, cache):
    before = frames.read(sample)
    old = _snapshots(cache)
    done = subprocess.run([sys.executable, "-m", "loaders", "import",
                           str(FIXTURES / "servicenow_tickets.csv"), "--db",
                           f"sqlite:///{sample.url.database}"], cwd=ROOT, capture_output=True,
                          text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    # the import command wrote the new snapshot itself, and only one is kept
    assert len(_snapshots(cache)) == 1 and _snapshots(cache) != old
    version = store.data_version(sample)
    assert _snapshots(cache)[0].startswith(version.name + "_")
    after = frames.read(sample)
    assert len(after["tickets"]) > len(before["tickets"])
    _same(after, frames._plain(sample))


@pytest.mark.parametrize("sql", [
    "UPDATE tickets SET summary = 'edited by hand' WHERE rowid = 1",
    "DELETE FROM csat_responses WHERE rowid = 1",
    "INSERT OR REPLACE INTO technicians (name, team) SELECT name, 'Moved' FROM technicians "
    "WHERE rowid = (SELECT max(rowid) FROM technicians)",
])
def test_a_change_made_outside_cadence_is_seen(sample, cache, sql):
    frames.read(sample)
    sample.dispose()
    with sqlite3.connect(sample.url.database) as conn:   # someone's own SQL on the store
        conn.execute(sql)
    _same(frames.read(sample), frames._plain(sample))


def test_saving_settings_keeps_the_snapshot(sample, cache):
    frames.read(sample)
    name = _snapshots(cache)
    changed = settings_mod.load()
    changed["sla"]["review_threshold"] = 7
    settings_mod.save(sample, changed)
    frames.read(sample)
    assert _snapshots(cache) == name


def test_a_failed_child_falls_back_to_the_plain_read(sample, cache, monkeypatch):
    monkeypatch.setattr(frames, "_from_child", lambda database, name: None)
    _same(frames.read(sample), frames._plain(sample))
    assert _snapshots(cache) == []


def test_an_unwritable_cache_still_reads_the_store(sample, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("CADENCE_CACHE_DIR", str(blocker / "cache"))
    plain = frames._plain(sample)
    _same(frames.read(sample), plain)
    _same(frames.read(sample, sole_user=True), plain)


def test_a_damaged_snapshot_is_not_used(sample, cache):
    frames.read(sample)
    folder = cache / _snapshots(cache)[0]
    (folder / "time_entries.arrow").write_bytes(b"not arrow")
    _same(frames.read(sample), frames._plain(sample))


def test_copies_share_a_snapshot_until_they_part_ways(sample_db_file, tmp_path, cache):
    """Two copies of one store hold the same data, so one snapshot serves both; once
    either changes, its stamp is new and neither is answered from the other's data."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    for path in (a, b):
        shutil.copy(sample_db_file, path)
    first, second = store.connect(f"sqlite:///{a}"), store.connect(f"sqlite:///{b}")
    frames.read(first)
    frames.read(second)
    assert len(_snapshots(cache)) == 1
    for engine, sql in ((first, "UPDATE tickets SET summary = 'a' WHERE rowid = 1"),
                        (second, "UPDATE tickets SET summary = 'b' WHERE rowid = 1")):
        engine.dispose()
        with sqlite3.connect(engine.url.database) as conn:
            conn.execute(sql)
    assert store.data_version(first).data_version == store.data_version(second).data_version
    assert frames.read(first)["tickets"]["summary"].iloc[0] == "a"
    assert frames.read(second)["tickets"]["summary"].iloc[0] == "b"
    first.dispose()
    second.dispose()


def test_snapshots_of_deleted_databases_are_dropped(sample_db_file, tmp_path, cache):
    gone, kept = tmp_path / "gone.db", tmp_path / "kept.db"
    for path in (gone, kept):
        shutil.copy(sample_db_file, path)
    with sqlite3.connect(kept) as conn:   # kept goes its own way
        conn.execute("UPDATE tickets SET summary = 'kept' WHERE rowid = 1")
    engine = store.connect(f"sqlite:///{gone}")
    frames.read(engine)
    engine.dispose()
    assert len(_snapshots(cache)) == 1
    gone.unlink()
    other = store.connect(f"sqlite:///{kept}")
    frames.read(other)
    other.dispose()
    assert [(cache / n / "database").read_text() for n in _snapshots(cache)] == \
        [str(kept.resolve())]


def test_postgresql_store_snapshot_follows_the_data_version(pg_url, cache):
    """PostgreSQL is read in place into a snapshot named by the data version: the second
    read maps it; a committed UPDATE (a statement trigger moves the version) is seen."""
    from sqlalchemy import text

    from loaders.sample import load_sample

    engine = store.connect(pg_url)
    try:
        load_sample(engine)
        first = frames.read(engine)
        assert len(_snapshots(cache)) == 1
        second = frames.read(engine)
        assert len(_snapshots(cache)) == 1
        plain = frames._plain(engine)
        _same(first, plain)
        _same(second, plain)
        with engine.begin() as conn:
            conn.execute(text("UPDATE tickets SET summary = 'edited by hand' "
                              "WHERE ticket_id = (SELECT min(ticket_id) FROM tickets)"))
        after = frames.read(engine)
        assert (after["tickets"]["summary"] == "edited by hand").sum() >= 1
        _same(after, frames._plain(engine))
    finally:
        engine.dispose()
