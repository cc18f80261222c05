"""The Data page: preview, mapping fix, import and undo, through AppTest and its helpers."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loaders import settings as settings_mod
from loaders import store
from loaders.store import arrow, queries, snapshot
from pages._lib import data_helpers as helpers
from tests.conftest import FIXTURES, ROOT

PAGE = str(ROOT / "pages" / "data.py")
HALO = (FIXTURES / "halopsa_tickets.csv").read_bytes()


@pytest.fixture(scope="module")
def sample_store(writable_sample_store):
    return writable_sample_store


@pytest.fixture
def empty_store(tmp_path):
    engine = store.connect(f"sqlite:///{tmp_path / 'empty.db'}")
    yield engine
    engine.dispose()


def has_snapshot(engine) -> bool:
    """A complete snapshot of the store's data as it is now (named by its data version)."""
    version = queries.data_version(engine)
    return version is not None and snapshot.open_tables(
        f"{version.name}_{arrow.request_digest()}", arrow.ORDER) is not None


def page(role: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=180)
    if role:
        at.session_state["role_override"] = role
    return at.run()


# ---------------------------------------------------------------------------- page
def test_renders_with_the_sample_history(sample_store):
    at = page()
    assert not at.exception
    assert at.title[0].value == "Data"
    history = at.dataframe[-1].value
    assert len(history) == 11
    assert len(at.selectbox(key="undo_id").options) == 11


def test_technician_is_refused(sample_store):
    at = page("technician")
    assert not at.exception
    assert "a page for owners and managers; you are signed in as technician" in at.warning[0].value
    assert not at.file_uploader


def test_upload_previews_then_imports(sample_store):
    at = page("manager")
    at.file_uploader[0].set_value(("halopsa_tickets.csv", HALO, "text/csv"))
    at.run()
    assert not at.exception and not at.error
    assert "**halopsa** tickets: 8 rows read, 6 to store, 2 rejected" in \
        [m.value for m in at.markdown]
    mapping = at.dataframe[0].value
    assert dict(zip(mapping["field"], mapping["header"]))["client"] == "client_name"
    assert len(at.dataframe[2].value) == 2  # the rejected rows with reasons
    before = store.table_counts(sample_store)["tickets"]
    if at.radio(key="first_import_way").value is None:   # a store holding only the sample
        assert next(b for b in at.button if b.label == "Import").disabled
        at.radio(key="first_import_way").set_value("add").run()
    next(b for b in at.button if b.label == "Import").click()
    at.run()
    assert not at.exception
    summary = next(d.value for d in at.dataframe if "what" in d.value.columns)
    assert summary.iloc[0][["source", "what"]].tolist() == \
        ["halopsa tickets", "8 rows read: 6 tickets, 2 rows rejected"]
    assert store.table_counts(sample_store)["tickets"] == before + 6
    assert at.get("download_button")
    # the page left the dashboard a snapshot of the store as it now is
    assert has_snapshot(sample_store)
    undo_live_import(at, sample_store, int(summary.iloc[0]["import"]))


def click_import(at):
    """Import, into the sample too when the store holds only it (the page asks first)."""
    way = [r for r in at.radio if r.key == "first_import_way"]
    if way and way[0].value is None:
        way[0].set_value("add").run()
    next(b for b in at.button if b.label == "Import").click()


def undo_live_import(at, engine, import_id):
    """Undo through the page's widgets: choose, Undo import, confirm."""
    before = store.table_counts(engine)
    at.selectbox(key="undo_id").set_value(import_id)
    next(b for b in at.button if b.label == "Undo import").click()
    at.run()
    assert f"#{import_id}" in at.warning[0].value
    next(b for b in at.button if b.label == "Yes, undo it").click()
    at.run()
    assert not at.exception
    assert f"Import #{import_id} undone" in at.info[0].value
    return before, store.table_counts(engine)


def test_undo_through_the_page_removes_the_rows(sample_store):
    history = store.import_history(sample_store)
    csat = history[(history["kind"] == "csat") & history["undone_at"].isna()].iloc[0]
    at = page()
    before, after = undo_live_import(at, sample_store, int(csat["import_id"]))
    assert before["csat_responses"] - after["csat_responses"] == csat["rows_stored"] > 0
    assert after["tickets"] == before["tickets"]
    assert "removed" in at.info[0].value
    assert len(at.selectbox(key="undo_id").options) == 10


def test_unreadable_upload_shows_one_sentence(sample_store):
    at = page()
    at.file_uploader[0].set_value(("report.xlsx", b"\x00\x01 not a workbook", "text/csv"))
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith(
        "report.xlsx: this is not a readable Excel workbook")
    assert not [b for b in at.button if b.label == "Import"]


def test_fixed_mapping_is_saved_and_used(sample_store):
    at = page()
    at.file_uploader[0].set_value(("halopsa_tickets.csv", HALO, "text/csv"))
    at.run()
    key = "m_0_halopsa_tickets.csv"
    field_rows = list(at.data_editor[0].value["field"])
    # Feed `board` from the team column too.
    at.session_state[key] = {"edited_rows": {field_rows.index("board"): {"header": "team"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    at.text_input(key="n_0_halopsa_tickets.csv").set_value("halo_boards")
    at.button(key="s_0_halopsa_tickets.csv").click()
    at.run()
    assert not at.exception and not at.error
    saved = settings_mod.load_effective(sample_store)["mappings"]["halo_boards"]
    assert saved["kind"] == "tickets" and saved["columns"]["board"] == "team"
    assert saved["source_system"] == "halopsa"
    assert at.selectbox(key="v_0_halopsa_tickets.csv").value == "halo_boards"
    assert "**halo_boards** tickets" in " ".join(m.value for m in at.markdown)


def editor_values(at, column: str = "header") -> dict:
    frame = at.data_editor[0].value
    return dict(zip(frame["field"], frame[column]))


def edit(at, key: str, changes: dict) -> None:
    """Pick headers in the mapping editor, as a person does in its selectboxes."""
    rows = list(at.data_editor[0].value["field"])
    at.session_state[key] = {"edited_rows": {rows.index(f): {"header": h}
                                             for f, h in changes.items()},
                             "added_rows": [], "deleted_rows": []}
    at.run()


def test_unknown_export_is_mapped_from_its_headers(sample_store):
    other = (b"Ref,Opened,Customer,Note\nFD-1,2026-03-02 09:00,Acme,x\n"
             b"FD-2,2026-03-03 10:00,Zeta,y\n")
    at = page()
    at.file_uploader[0].set_value(("otherdesk.csv", other, "text/csv"))
    at.run()
    assert "do not match a known export" in at.error[0].value
    # the editor opens on its own, each field's column guessed from names and values
    assert "**Map its columns as tickets**" in [m.value for m in at.markdown]
    guessed = editor_values(at)
    assert (guessed["ticket_id"], guessed["created_at"], guessed["client"]) == \
        ("Ref", "Opened", "Customer")
    assert guessed["summary"] == "" and guessed["status"] == ""
    assert at.text_input(key="n_0_otherdesk.csv_tickets").value == "otherdesk"
    at.button(key="s_0_otherdesk.csv_tickets").click()
    at.run()
    assert not at.exception and not at.error
    assert "**otherdesk** tickets: 2 rows read, 2 to store, 0 rejected" in \
        [m.value for m in at.markdown]
    click_import(at)
    at.run()
    tickets = store.read_table(sample_store, "tickets")
    assert set(tickets.loc[tickets["source_system"] == "otherdesk", "ticket_id"]) == \
        {"FD-1", "FD-2"}


def test_freshdesk_native_export_is_guessed_corrected_saved_and_imported(sample_store):
    data = (FIXTURES / "freshdesk_tickets.xls").read_bytes()
    at = page()
    at.file_uploader[0].set_value(("freshdesk_tickets.xls", data, "application/vnd.ms-excel"))
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("freshdesk_tickets.xls: the columns (Ticket ID, "
                                        "Subject, Status, Priority, Source, Type...) do not")
    guessed, why = editor_values(at), editor_values(at, "guessed from")
    assert guessed["ticket_id"] == "Ticket ID" and why["ticket_id"] == "its name"
    assert guessed["created_at"] == "Created time"
    assert why["created_at"] == "its name and its dates"
    # numbers under a name that says "resolution" are not the resolved time
    assert guessed["resolved_at"] == "Resolved time"
    assert (guessed["assignee"], guessed["team"], guessed["hours_actual"]) == \
        ("Agent", "Group", "Time tracked")
    assert guessed["reopen_count"] == "" and why["reopen_count"] == ""
    key = "0_freshdesk_tickets.xls_tickets"
    assert at.text_input(key=f"n_{key}").value == "freshdesk"
    # the person corrects one guess: this help desk's customers are people
    edit(at, f"m_{key}", {"client": "Full name"})
    at.button(key=f"s_{key}").click()
    at.run()
    assert not at.exception and not at.error
    assert "**freshdesk** tickets: 9 rows read, 9 to store, 0 rejected" in \
        [m.value for m in at.markdown]
    saved = settings_mod.load_effective(sample_store)["mappings"]["freshdesk"]
    assert saved["kind"] == "tickets" and "source_system" not in saved
    assert (saved["columns"]["client"], saved["columns"]["created_at"]) == \
        ("Full name", "Created time")
    click_import(at)
    at.run()
    tickets = store.read_table(sample_store, "tickets")
    fresh = tickets[tickets["source_system"] == "freshdesk"].set_index("ticket_id")
    assert len(fresh) == 9 and fresh.loc["1201", "client"] == "Mara Quist"
    assert str(fresh.loc["1201", "created_at"]) == "2026-03-02 09:15:22"


def test_choosing_another_kind_drafts_that_kind(sample_store):
    data = (FIXTURES / "glpi_tickets.csv").read_bytes()
    at = page()
    at.file_uploader[0].set_value(("glpi_tickets.csv", data, "text/csv"))
    at.run()
    guessed = editor_values(at)
    assert (guessed["ticket_id"], guessed["created_at"], guessed["updated_at"]) == \
        ("ID", "Data de abertura", "Última atualização")
    assert (guessed["assignee"], guessed["team"]) == ("Atribuído - Técnico",
                                                      "Atribuído - Grupo técnico")
    at.selectbox(key="k_0_glpi_tickets.csv").set_value("time_entries")
    at.run()
    assert not at.exception
    assert "**Map its columns as time entries**" in [m.value for m in at.markdown]
    assert "technician" in editor_values(at)


def test_a_broken_saved_mapping_is_one_message_and_the_page_works(sample_store):
    before = settings_mod.saved_text(sample_store)
    broken = settings_mod.load_effective(sample_store)
    broken["mappings"]["old_desk"] = {"kind": "tickets", "columns": {
        "ticket_id": "ID", "created_at": "Opened", "colour": "Colour"}}
    settings_mod.save(sample_store, broken)
    try:
        at = page()
        assert not at.exception
        assert len(at.error) == 1
        assert at.error[0].value.startswith(
            "A saved mapping can't be used and is left out: mappings.old_desk.columns: "
            "'colour' is not a tickets field")
        at.file_uploader[0].set_value(("halopsa_tickets.csv", HALO, "text/csv"))
        at.run()
        assert not at.exception
        # (read by halopsa, or by a fix of it another test saved in this store)
        assert any(m.value.endswith("** tickets: 8 rows read, 6 to store, 2 rejected")
                   for m in at.markdown)
        assert "old_desk" not in at.selectbox(key="v_0_halopsa_tickets.csv").options
    finally:
        settings_mod.save(sample_store, settings_mod.from_text(before) if before
                          else settings_mod.load())


# ---------------------------------------------------------------------------- helpers
def test_preview_detects_halo_and_lists_rejections():
    plan = helpers.preview(HALO, "halopsa_tickets.csv")
    assert (plan.vendor, plan.kind) == ("halopsa", "tickets")
    mapping = helpers.mapping_frame(plan).set_index("field")["header"]
    assert mapping["ticket_id"] == "id" and mapping["created_at"] == "dateoccurred"
    reasons = helpers.rejected_table(plan.rejected).set_index("row_number")["reason"]
    assert "'2026-13-01T09:00:00.000' is not a date" in reasons[7]
    assert "'Maybe' is not yes or no" in reasons[8]
    assert len(plan.rows) == 6


def test_forced_vendor_and_kind():
    plan = helpers.preview(HALO, "t.csv", "halopsa", "tickets")
    assert plan.vendor == "halopsa"
    refused = helpers.preview(HALO, "t.csv", "connectwise", "agreements")
    assert isinstance(refused, str) and refused.startswith("t.csv: ")


def test_import_through_helper_adds_rows(empty_store):
    plan = helpers.preview(HALO, "halopsa_tickets.csv")
    seen = []
    results = helpers.import_plans(empty_store, [plan], lambda n, p: seen.append(n))
    assert seen == [0, 1]
    assert store.table_counts(empty_store)["tickets"] == 6
    assert helpers.summary_frame(results).iloc[0]["what"] == \
        "8 rows read: 6 tickets, 2 rows rejected"


def test_unreadable_file_gives_its_sentence():
    message = helpers.preview(b"name;value\n", "empty.csv")
    assert isinstance(message, str) and message.startswith("empty.csv: ")
    assert message.count(". ") == 0 and message.endswith(".")
    assert "Traceback" not in message


def test_unchanged_or_bad_mapping_is_refused(empty_store):
    plan = helpers.preview(HALO, "halopsa_tickets.csv")
    with pytest.raises(settings_mod.SettingsError, match="unchanged"):
        helpers.user_mapping(plan.kind, helpers.editor_frame(plan.kind, plan.mapping),
                             plan.mapping, plan.preset)
    edited = helpers.editor_frame(plan.kind, plan.mapping)
    edited.loc[edited["field"] == "created_at", "header"] = ""
    with pytest.raises(settings_mod.SettingsError, match="created_at"):
        helpers.save_user_mapping(empty_store, settings_mod.load(), "mine",
                                  helpers.user_mapping(plan.kind, edited, plan.mapping))
    with pytest.raises(settings_mod.SettingsError, match="built-in"):
        helpers.save_user_mapping(empty_store, settings_mod.load(), "halopsa", {})


def test_rejected_csv_neutralises_formulas():
    rejected = pd.DataFrame({"row_number": [3], "reason": ["=bad"], "raw": [
        '{"id": "=HYPERLINK(\\"http://evil\\",\\"x\\")", "note": "+1", "who": "@me", '
        '"n": "-2", "ok": "plain"}']})
    text = helpers.rejected_csv(rejected).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    assert frame.loc[0, "id"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert frame.loc[0, "reason"] == "'=bad"
    assert frame.loc[0, ["note", "who", "n", "ok"]].tolist() == ["'+1", "'@me", "'-2",
                                                                 "plain"]
