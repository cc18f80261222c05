"""The dashboard's first page, run by Streamlit's AppTest on a fresh store."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_first_start_loads_the_sample_and_shows_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("CADENCE_DB_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["tickets"] == "15,000" and metrics["technicians"] == "20"
    assert "sample data" in at.info[0].value
    overview = at.dataframe[0].value
    assert overview.set_index("table").loc["time_entries",
                                            "rows"] == 26_030
    history = at.dataframe[1].value
    assert len(history) == 11 and (history["rows_rejected"] == 0).all()
