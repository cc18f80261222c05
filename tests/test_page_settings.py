"""The Settings page, driven by AppTest on a sample store."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from loaders import settings as settings_mod
from tests.conftest import ROOT

PAGE = str(ROOT / "pages" / "settings.py")


@pytest.fixture(scope="module")
def sample_store(writable_sample_store):
    return writable_sample_store


def page(role: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=180)
    if role:
        at.session_state["role_override"] = role
    return at.run()


def number(at, label):
    return next(n for n in at.number_input if n.label == label)


def save(at):
    next(b for b in at.button if b.label == "Save settings").click()
    return at.run()


def test_renders_for_the_owner_with_costs(sample_store):
    at = page()
    assert not at.exception
    assert at.title[0].value == "Settings"
    assert number(at, "Review threshold (aged tickets per team)").value == 4
    techs = at.data_editor(key="technicians").value
    assert len(techs) == 20
    assert list(techs.columns) == ["name", "team", "hourly_cost", "weekly_capacity_hours"]
    assert number(at, "Default hourly cost").value == 45.0
    assert at.get("download_button")


def test_changing_the_threshold_is_saved(sample_store):
    at = page()
    number(at, "Review threshold (aged tickets per team)").set_value(7)
    number(at, "Response P5").set_value(48.0)
    at.selectbox(key="date_order").set_value("day_first")
    save(at)
    assert not at.exception and not at.error
    assert "Saved" in at.success[0].value
    stored = settings_mod.load_effective(sample_store)
    assert stored["sla"]["review_threshold"] == 7
    assert stored["sla"]["response_hours"]["P5"] == 48
    assert stored["import"]["date_order"] == "day_first"
    assert stored["labor"]["hourly_cost"] == {}  # no cost changed, no override
    # a new session reads the saved value
    assert number(page(), "Review threshold (aged tickets per team)").value == 7


def test_an_invalid_value_shows_the_plain_error(sample_store):
    before = settings_mod.load_effective(sample_store)
    at = page()
    next(t for t in at.text_input if t.label == "Time zone").set_value("Mars/Olympus")
    save(at)
    assert not at.exception and not at.success
    assert at.error[0].value.startswith("settings: timezone 'Mars/Olympus' is not a time "
                                        "zone name")
    assert settings_mod.load_effective(sample_store) == before


def test_business_day_must_end_after_it_starts(sample_store):
    at = page()
    at.time_input[1].set_value(dt.time(7, 0))
    save(at)
    assert "the day must end after it starts" in at.error[0].value


def test_owner_technician_cost_is_saved_as_override(sample_store):
    at = page()
    techs = at.data_editor(key="technicians").value.reset_index(drop=True)
    name = techs.loc[0, "name"]
    at.session_state["technicians"] = {"edited_rows": {0: {"hourly_cost": 99.5}},
                                       "added_rows": [], "deleted_rows": []}
    save(at)
    assert not at.error
    assert settings_mod.load_effective(sample_store)["labor"]["hourly_cost"] == {name: 99.5}


def test_manager_sees_no_costs_and_keeps_them(sample_store):
    owner_costs = settings_mod.load_effective(sample_store)["labor"]
    at = page("manager")
    assert not at.exception
    assert [e.key for e in at.data_editor] == ["status_words", "priority_words"]
    labels = [n.label for n in at.number_input]
    assert "Default hourly cost" not in labels and "Default bill rate" not in labels
    assert not [s for s in at.subheader if "Costs" in s.value]
    save(at)
    assert "Saved" in at.success[0].value
    assert settings_mod.load_effective(sample_store)["labor"] == owner_costs


def test_technician_is_refused(sample_store):
    at = page("technician")
    assert not at.exception
    assert "a page for owners and managers; you are signed in as technician" in at.warning[0].value
    assert not at.number_input and not at.get("download_button")


def test_downloaded_toml_gives_the_command_line_the_same_values(sample_store, tmp_path):
    at = page()
    assert [d for d in at.get("download_button") if "settings.toml" in d.proto.label]
    config = tmp_path / "settings.toml"
    config.write_text(settings_mod.to_text(settings_mod.load_effective(sample_store)))
    assert settings_mod.load_effective(sample_store, config) == \
        settings_mod.load_effective(sample_store)


def test_the_new_settings_are_edited_and_saved(sample_store):
    """SPEC v2's settings on the page: waiting tickets, the effort threshold, the CSAT
    scale, the internal clients and the status and priority words."""
    at = page()
    next(c for c in at.checkbox if c.label.startswith("Age tickets waiting")).check()
    number(at, "Effort threshold").set_value(1.5)
    next(s for s in at.selectbox if s.label.startswith("CSAT scale")).set_value(10)
    at.session_state["status_words"] = {"edited_rows": {}, "deleted_rows": [],
                                        "added_rows": [{"word": "Parts Ordered",
                                                        "means": "waiting"}]}
    save(at)
    assert not at.error, at.error
    stored = settings_mod.load_effective(sample_store)
    assert stored["sla"]["age_waiting"] is True
    assert stored["tiers"]["effort_threshold"] == 1.5
    assert stored["csat"]["scale"] == 10
    assert stored["status"] == {"Parts Ordered": "waiting"}
    internal = next(m for m in page().multiselect if m.label.startswith("Internal clients"))
    assert internal.value == stored["labor"]["internal_clients"]
