"""app.py: navigation by role, the store's freshness, the sample-data label, first start
on an empty store; and every page refusing a role it isn't for when opened directly."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from loaders import store
from pages._lib.access import PAGE_ROLES
from tests.conftest import ROOT

PAGE_FILES = {"weekly": "weekly_review.py", "margins": "margins.py",
              "tiers": "client_tiers.py", "qbr": "qbr.py", "data": "data.py",
              "settings": "settings.py", "today": "today.py"}


@pytest.fixture(scope="module")
def sample_url(sample_db_url):
    return sample_db_url


def test_first_start_loads_and_labels_the_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("CADENCE_DB_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240).run()
    assert not at.exception
    # the sample's 15,000 client tickets and Northwind's 208 internal ones
    assert store.table_counts(store.connect(f"sqlite:///{tmp_path / 'fresh.db'}"))[
        "tickets"] == 15_208
    sidebar_text = " ".join(i.value for i in at.sidebar.info)
    assert "Sample data" in sidebar_text
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "Tickets up to 2026-11-22" in captions and "last import" in captions
    assert at.title[0].value == "Weekly review"  # the landing page


@pytest.mark.parametrize("role", ["owner", "manager", "technician"])
@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_each_page_applies_its_own_role_rule(sample_url, monkeypatch, role, page):
    monkeypatch.setenv("CADENCE_DB_URL", sample_url)
    at = AppTest.from_file(str(ROOT / "pages" / PAGE_FILES[page]), default_timeout=240)
    at.session_state["role_override"] = role
    at.query_params["week"] = "2026-11-16"
    at.run()
    assert not at.exception
    refused = any("you are signed in as " + role in w.value for w in at.warning)
    assert refused == (role not in PAGE_ROLES[page])
    if refused:  # nothing of the page's content leaks out
        assert not at.metric and not at.dataframe


def test_local_mode_role_comes_from_the_environment(sample_url, monkeypatch):
    monkeypatch.setenv("CADENCE_DB_URL", sample_url)
    monkeypatch.setenv("CADENCE_ROLE", "technician")
    at = AppTest.from_file(str(ROOT / "pages" / "margins.py"), default_timeout=240).run()
    assert any("you are signed in as technician" in w.value for w in at.warning)


def test_an_import_moves_the_weekly_numbers(sample_db_copy, tmp_path, monkeypatch):
    """A user imports an export of their own and sees the numbers move: three new open
    tickets created in the week raise its backlog by three, in the same session."""
    from loaders.importer import import_file

    monkeypatch.setenv("CADENCE_DB_URL", sample_db_copy)
    at = AppTest.from_file(str(ROOT / "pages" / "weekly_review.py"), default_timeout=240)
    at.query_params["week"] = "2026-11-16"
    at.run()
    before = int(next(m for m in at.metric if m.label == "Backlog").value.replace(",", ""))
    export = tmp_path / "my_export.csv"
    export.write_text("number,opened_at,state,priority,assignment_group\n" + "".join(
        f"MY{i},2026-11-18 10:00,New,3 - Moderate,Service Desk\n" for i in range(3)))
    assert import_file(store.connect(sample_db_copy), export).rows_stored == 3
    at.run()
    after = int(next(m for m in at.metric if m.label == "Backlog").value.replace(",", ""))
    assert after == before + 3
