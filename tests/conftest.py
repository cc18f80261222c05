"""Shared fixtures: a fresh store on SQLite and, when a server is given, on PostgreSQL.

`.ci/run` starts a PostgreSQL server on loopback and sets CADENCE_TEST_PG_URL; without it
the PostgreSQL half of each store test is skipped with that reason.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from loaders import store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_DATA = ROOT / "sample_data"
SHARED_DATASETS = ROOT.parent / "shared" / "datasets"
PG_URL = os.environ.get("CADENCE_TEST_PG_URL")
PG_SKIP = "PostgreSQL tests need CADENCE_TEST_PG_URL (.ci/run starts a server on loopback)"
# The dashboard's store snapshots (kpi/snapshot.py) go to a folder of this test run, not
# the user's cache; child processes (the served app) inherit it.
os.environ["CADENCE_CACHE_DIR"] = tempfile.mkdtemp(prefix="cadence-test-cache-")
atexit.register(shutil.rmtree, os.environ["CADENCE_CACHE_DIR"], ignore_errors=True)


def _pg_url(base: str, database: str) -> str:
    head, _, _ = base.rpartition("/")
    return f"{head}/{database}"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cadence.db'}"


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database, dropped after the test."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    name = f"cadence_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL
                          .replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _pg_url(PG_URL, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Each store test runs twice: SQLite file and a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cadence.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url):
    eng = store.connect(db_url)
    yield eng
    eng.dispose()


def shared_dataset(name: str) -> Path:
    path = SHARED_DATASETS / name
    if not path.exists():
        pytest.skip(f"the shared real-export dataset {name} is not present beside the "
                    "project (a fresh clone has none)")
    return path


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory) -> Path:
    """The bundled sample MSP in a SQLite file, built once per test process. Read it only;
    a test that writes takes `sample_db_copy`."""
    from loaders.sample import load_sample

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    engine = store.connect(f"sqlite:///{path}")
    load_sample(engine)
    with engine.connect() as conn:  # fold the WAL into the file, so a copy is complete
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def sample_db_url(sample_db_file) -> str:
    return f"sqlite:///{sample_db_file}"


@pytest.fixture(scope="module")
def sample_db_copy(sample_db_file, tmp_path_factory) -> str:
    """A writable copy of the sample store for one test module."""
    import shutil

    path = tmp_path_factory.mktemp("sample_copy") / "sample.db"
    shutil.copyfile(sample_db_file, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def writable_sample_store(sample_db_copy):
    """An engine on this module's copy of the sample, set as the dashboard's store
    (CADENCE_DB_URL) in local owner mode, for page tests that write."""
    engine = store.connect(sample_db_copy)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CADENCE_DB_URL", sample_db_copy)
        mp.delenv("CADENCE_ROLE", raising=False)
        yield engine
    engine.dispose()
