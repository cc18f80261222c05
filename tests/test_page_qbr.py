"""The QBR page (pages/qbr.py) on the bundled sample MSP, run by Streamlit's AppTest:
the audience switch, the downloads at the top, and the pack's numbers as kpi.qbr makes
them."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from kpi import frames as kpi_frames
from kpi import qbr
from kpi.render import pack as shown
from loaders import store
from loaders.settings import load_effective
from loaders.store import frames as store_frames
from tests.conftest import ROOT

CLIENT, QUARTER = "Trident Marine Supply", "2026Q3"


@pytest.fixture(scope="module")
def sample_url(sample_db_url) -> str:
    return sample_db_url


@pytest.fixture(scope="module")
def expected(sample_url) -> dict:
    engine = store.connect(sample_url)
    settings = load_effective(engine)
    frames = kpi_frames.make(store_frames.read(engine, sole_user=False), settings)
    packs = {a: qbr.build_pack(frames, CLIENT, QUARTER, settings, a) for a in qbr.AUDIENCES}
    engine.dispose()
    return packs


def _app(sample_url, monkeypatch, role: str) -> AppTest:
    monkeypatch.setenv("CADENCE_DB_URL", sample_url)
    at = AppTest.from_file(str(ROOT / "pages" / "qbr.py"), default_timeout=180)
    at.session_state["role_override"] = role
    return at.run()


def numbers(values) -> list:
    """A plotly array as sent to the browser: a list, or typed bytes in base64."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def same(shown_frame, expected_frame) -> bool:
    """The page's table holds these cells under these headers."""
    return list(shown_frame.columns) == list(expected_frame.columns) and \
        shown_frame.astype(str).to_numpy().tolist() == \
        expected_frame.astype(str).to_numpy().tolist()


def test_the_client_audience_by_default_with_the_downloads_first(sample_url, monkeypatch,
                                                                 expected):
    at = _app(sample_url, monkeypatch, "owner")
    assert not at.exception
    # The sample runs to 2026-11-22: the last full quarter before that is 2026Q3.
    assert at.selectbox(key="qbr_quarter").value == QUARTER
    assert at.radio(key="qbr_audience").value == "client"
    at.selectbox(key="qbr_client").select(CLIENT).run()
    assert not at.exception
    # the downloads come before the first section
    order = [e.type if e.type != "subheader" else e.value for e in at.main
             if e.type in ("download_button", "subheader")]
    assert order[:3] == ["download_button", "download_button", "What changed"]
    pack = expected["client"]
    assert [t.value for t in at.text][:len(pack["sentences"])] == pack["sentences"]
    comparison, _ = shown.comparison_display(pack)
    assert same(at.dataframe[0].value, comparison)
    subheaders = [s.value for s in at.subheader]
    assert "Effort-to-revenue tier (internal)" not in subheaders
    assert "Hours against included hours" in subheaders
    hours, _ = shown.display(pack["hours"])
    assert any(same(d.value, hours) for d in at.dataframe)
    for frame in at.dataframe:   # nothing internal on the client's view
        columns = " ".join(frame.value.columns).lower()
        assert "revenue" not in columns and "effort" not in columns
    assert "no revenue, cost, margin, rate, effort index or tier" in at.caption[0].value
    # the weekly volume chart: the pack's numbers, under words a client reads
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [(t["name"], numbers(t["y"])) for t in spec["data"]] == [
        ("Opened", pack["volume"]["opened"].tolist()),
        ("Closed", pack["volume"]["closed"].tolist())]
    assert spec["data"][0]["x"] == shown.week_labels(pack["volume"])
    assert spec["layout"]["yaxis"]["title"]["text"] == "Tickets"
    assert spec["layout"]["xaxis"]["title"]["text"] == "Week (starting Monday)"


def test_switching_to_internal_adds_the_economics_for_the_owner(sample_url, monkeypatch,
                                                                expected):
    at = _app(sample_url, monkeypatch, "owner")
    at.selectbox(key="qbr_client").select(CLIENT).run()
    at.radio(key="qbr_audience").set_value("internal").run()
    assert not at.exception
    assert "Effort-to-revenue tier (internal)" in [s.value for s in at.subheader]
    hours, _ = shown.display(expected["internal"]["hours"])
    assert any(same(d.value, hours) for d in at.dataframe)
    assert "Revenue" in hours.columns
    assert at.caption[0].value.endswith("Internal preparation: not for the client.")
    assert [b.proto.label for b in at.get("download_button")] == ["Excel workbook", "PDF"]
    # and back to the client's
    at.radio(key="qbr_audience").set_value("client").run()
    assert "Effort-to-revenue tier (internal)" not in [s.value for s in at.subheader]


def test_a_managers_internal_view_has_the_tier_but_no_money(sample_url, monkeypatch,
                                                            expected):
    at = _app(sample_url, monkeypatch, "manager")
    at.selectbox(key="qbr_client").select(CLIENT).run()
    at.radio(key="qbr_audience").set_value("internal").run()
    assert not at.exception
    assert "Effort-to-revenue tier (internal)" in [s.value for s in at.subheader]
    bare, _ = shown.display(qbr.without_money(expected["internal"])["hours"])
    assert any(same(d.value, bare) for d in at.dataframe)
    for frame in at.dataframe:
        text = " ".join(frame.value.columns) + " ".join(
            str(v) for v in frame.value.to_numpy().ravel())
        assert "$" not in text and "Revenue" not in text
    assert "money is the owner's" in at.caption[0].value
    assert len(at.get("download_button")) == 2


def test_technician_is_refused(sample_url, monkeypatch):
    at = _app(sample_url, monkeypatch, "technician")
    assert not at.exception
    assert "a page for owners and managers; you are signed in as technician" in at.warning[0].value
    assert len(at.dataframe) == 0 and len(at.get("download_button")) == 0


def test_the_quarters_tickets_are_drawn_once_asked_for(sample_url, monkeypatch, expected):
    at = _app(sample_url, monkeypatch, "owner")
    at.selectbox(key="qbr_client").select(CLIENT).run()
    tickets = shown.display(expected["client"]["tickets"])[0]
    assert not any(same(d.value, tickets) for d in at.dataframe)   # closed: not drawn
    before = len(at.dataframe)
    at.session_state["qbr_tickets_open"] = True
    at.run()
    assert len(at.dataframe) == before + 1
    assert any(same(d.value, tickets) for d in at.dataframe)
