"""The QBR page (pages/qbr.py) on the bundled sample MSP, run by Streamlit's AppTest."""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi import frames as kpi_frames
from kpi import qbr
from loaders import store
from loaders.settings import load_effective
from loaders.store import frames as store_frames
from pages._lib.formats import hours, percent
from tests.conftest import ROOT

CLIENT, QUARTER = "Bayside Dental", "2026Q3"


@pytest.fixture(scope="module")
def sample_url(sample_db_url) -> str:
    return sample_db_url


@pytest.fixture(scope="module")
def expected(sample_url) -> dict:
    engine = store.connect(sample_url)
    settings = load_effective(engine)
    frames = kpi_frames.make(store_frames.read(engine, sole_user=False), settings)
    pack = qbr.build_pack(frames, CLIENT, QUARTER, settings)
    engine.dispose()
    return pack


def _app(sample_url, monkeypatch, role: str) -> AppTest:
    monkeypatch.setenv("CADENCE_DB_URL", sample_url)
    at = AppTest.from_file(str(ROOT / "pages" / "qbr.py"), default_timeout=180)
    at.session_state["role_override"] = role
    return at.run()


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for r in frame.to_dict("records"):
        out.append({k: (None if v is None or (not isinstance(v, str) and pd.isna(v)) else
                        round(float(v), 6) if isinstance(v, float) else v)
                    for k, v in r.items()})
    return out


def test_owner_sees_the_pack_of_the_chosen_client_and_quarter(sample_url, monkeypatch,
                                                              expected):
    at = _app(sample_url, monkeypatch, "owner")
    assert not at.exception
    # The sample runs to 2026-11-22: the last full quarter before that is 2026Q3.
    assert at.selectbox(key="qbr_quarter").value == QUARTER
    at.selectbox(key="qbr_client").select(CLIENT)
    at.selectbox(key="qbr_quarter").select(QUARTER)
    at.run()
    assert not at.exception
    s = expected["summary"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tickets opened"] == str(s["tickets_opened"])
    assert metrics["Tickets closed"] == str(s["tickets_closed"])
    assert metrics["Response SLA"] == percent(s["response_percent"], 1)
    assert metrics["Resolution SLA"] == percent(s["resolution_percent"], 1)
    assert metrics[f"CSAT (n={s['csat_responses']})"] == percent(s["csat_percent_positive"], 1)
    assert metrics["Hours worked"] == hours(s["hours"])
    assert metrics["Tier at quarter end"] == s["tier"]
    frames = [d.value for d in at.dataframe]
    for i, key in enumerate(["sla", "csat", "categories", "hours", "agreements", "tier",
                             "tickets"]):
        assert _records(frames[i]) == _records(expected[key]), key
    assert "revenue" in frames[3].columns  # the owner sees money
    assert any(f"Movement over the quarter: {s['tier_movement']}" == t.value for t in at.text)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Excel workbook", "PDF"]


def test_manager_sees_no_money(sample_url, monkeypatch, expected):
    at = _app(sample_url, monkeypatch, "manager")
    at.selectbox(key="qbr_client").select(CLIENT).run()
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    assert list(frames[3].columns) == ["month", "hours"]
    assert not any(c in qbr.MONEY_COLUMNS for f in frames for c in f.columns)
    assert len(at.get("download_button")) == 2


def test_technician_is_refused(sample_url, monkeypatch):
    at = _app(sample_url, monkeypatch, "technician")
    assert not at.exception
    assert "a page for owners and managers; you are signed in as technician" in at.warning[0].value
    assert len(at.dataframe) == 0 and len(at.get("download_button")) == 0
