"""The bundled sample MSP: reproducible from its generator, and every row imports."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pytest

from loaders import store
from loaders.sample import load_sample, sample_files
from tests.conftest import SAMPLE_DATA


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_reproduces_the_committed_files(tmp_path):
    subprocess.run([sys.executable, str(SAMPLE_DATA / "generate.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    committed = {p.name: digest(p) for p in sample_files()}
    fresh = {p.name: digest(p) for p in sample_files(tmp_path)}
    assert fresh == committed


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    engine = store.connect(f"sqlite:///{tmp_path_factory.mktemp('s') / 'sample.db'}")
    return engine, load_sample(engine)


def test_every_sample_row_is_stored(sample_store):
    _, results = sample_store
    assert len(results) == 11
    assert {(r.vendor, r.kind) for r in results} >= {
        ("halopsa", "tickets"), ("autotask", "tickets"), ("connectwise", "tickets"),
        ("halopsa", "time_entries"), ("halopsa", "agreements"), ("halopsa", "csat"),
        ("autotask", "csat"), ("cadence", "technicians")}
    for r in results:
        assert r.rows_rejected == 0, (r.file_name, r.rejected.head())
        assert r.rows_stored == r.rows_read


def test_sample_shape(sample_store):
    engine, _ = sample_store
    counts = store.table_counts(engine)
    assert counts["tickets"] == 15_000 and counts["technicians"] == 20
    assert counts["time_entries"] == 26_030 and counts["csat_responses"] == 2_835
    tickets = store.read_table(engine, "tickets")
    assert tickets["client"].nunique() == 40
    assert set(tickets["team"].fillna(tickets["board"])) == {
        "Service Desk", "Infrastructure", "Security", "Onboarding", "Projects",
        "Harbor Service Desk"}
    assert tickets["priority"].notna().all()
    assert tickets["created_at"].max() < pd.Timestamp("2026-11-23")
    # ConnectWise writes UTC; the sample's settings store US Eastern local time.
    cw = tickets[tickets["source_system"] == "connectwise"]
    assert cw["created_at"].dt.hour.between(6, 19).mean() > 0.95
