"""The mapping path for exports Cadence ships no preset for, on fixtures with the shape of
real Freshdesk and GLPI exports (made-up rows; the real files carry no licence):

- freshdesk_tickets.xls: Freshdesk's native export, an XML Spreadsheet 2003 file, dates
  `YYYY-MM-DD HH:MM:SS`, empty cells left out (the next cell carries ss:Index);
- freshdesk_tickets_excel.csv: the same tickets re-saved as CSV by Excel (cp1252, CRLF,
  `DD/MM/YYYY H:MM`, seconds dropped), durations like `64:00:00`, `Tags` holding quoted
  comma lists, 2 of 9 good rows with a blank `Company Name`, and one impossible date;
- freshdesk_tickets_trial.csv: a trial account's CSV, without `Closed time`, `Last update
  time`, `Due by Time`, `Agent` and `Group`;
- glpi_tickets.csv: UTF-8 BOM, `;`, a stray `;` ending every line, ids with a thousands
  space (`2 553`), technicians joined with `<br>`, SLA cells holding a date, a line break
  and a percentage, `Sim`/`Não`, `DD-MM-YYYY HH:MM`, Portuguese statuses and priorities;
- helpdesk_settings.toml: the mappings and word maps the README shows.

Every expected value was read off the fixture by hand.
"""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as hst

from loaders import settings as settings_mod
from loaders import store
from loaders.errors import ImportRefused
from loaders.importer import import_file, import_files, plan_file
from loaders.mapping import user_presets
from loaders.read import _xml_spreadsheet_grids, read_table
from loaders.settings import SettingsError
from tests.conftest import FIXTURES, ROOT

T = pd.Timestamp
SETTINGS_FILE = FIXTURES / "helpdesk_settings.toml"
FRESHDESK_FILES = ["freshdesk_tickets.xls", "freshdesk_tickets_excel.csv",
                   "freshdesk_tickets_trial.csv"]


@pytest.fixture(scope="module")
def helpdesk_settings() -> dict:
    return settings_mod.load(SETTINGS_FILE)


def by_id(plan) -> pd.DataFrame:
    return plan.rows.set_index("ticket_id")


# ---------------------------------------------------------------------------- Freshdesk
@pytest.mark.parametrize("name, read, stored, rejected", [
    ("freshdesk_tickets.xls", 9, 9, 0),
    ("freshdesk_tickets_excel.csv", 10, 9, 1),   # row 11: 30/02/2026
    ("freshdesk_tickets_trial.csv", 6, 6, 0),
])
def test_every_freshdesk_export_is_read_by_one_mapping(helpdesk_settings, name, read, stored,
                                                      rejected):
    plan = plan_file(FIXTURES / name, settings=helpdesk_settings)
    assert (plan.vendor, plan.kind) == ("freshdesk", "tickets")
    assert (plan.rows_read, len(plan.rows), len(plan.rejected)) == (read, stored, rejected)
    # the mapping wrote `priority`: read as priority_raw, and said so
    assert "mapping freshdesk read 'priority' as priority_raw" in plan.notes
    rows = by_id(plan)
    assert rows.loc["1201", "priority_raw"] == "High" and rows.loc["1201", "priority"] == "P2"
    assert rows.loc["1205", "priority"] == "P1"            # Urgent
    assert rows.loc["1202", "hours_actual"] == 64.0        # 64:00:00
    assert rows.loc["1205", "hours_actual"] == pytest.approx(3 + 10 / 60)   # 03:10:00
    # Company Name blank on 1203: the mapping's second column (Full name) feeds client
    assert rows.loc["1203", "client"] == "José Almeida"
    assert rows.loc["1204", "client"] == "Oakfield Legal"
    assert rows.loc["1204", "status_class"] == "waiting"   # Pending
    assert rows.loc["1202", "status_class"] == "resolved"


def test_freshdesk_native_xls_keeps_its_seconds_and_fills_skipped_cells(helpdesk_settings):
    plan = plan_file(FIXTURES / "freshdesk_tickets.xls", settings=helpdesk_settings)
    rows = by_id(plan)
    assert plan.table.sheet == "Tickets"
    assert rows.loc["1201", "created_at"] == T("2026-03-02 09:15:22")
    assert rows.loc["1201", "closed_at"] == T("2026-03-04 10:00:00")
    # 1208 leaves Agent, Initial response time and Time tracked out: the cells after
    # them carry ss:Index, so every later column stays in place
    assert pd.isna(rows.loc["1208", "assignee"]) and rows.loc["1208", "team"] == "Service Desk"
    assert pd.isna(rows.loc["1208", "first_response_at"])
    assert rows.loc["1208", "client"] == "Oakfield Legal"
    # 1202 has no Closed time: Last update time lands in its own column
    assert pd.isna(rows.loc["1202", "closed_at"])
    assert rows.loc["1202", "updated_at"] == T("2026-03-05 16:20:00")


def test_excel_resaved_freshdesk_csv_is_day_first_from_its_data(helpdesk_settings):
    plan = plan_file(FIXTURES / "freshdesk_tickets_excel.csv", settings=helpdesk_settings)
    rows = by_id(plan)
    # `02/03/2026 9:15` alone fits both readings; `13/03/2026 8:05` settles day-first
    assert rows.loc["1201", "created_at"] == T("2026-03-02 09:15:00")
    assert rows.loc["1203", "created_at"] == T("2026-03-13 08:05:00")
    assert rows.loc["1209", "resolution_due_at"] == T("2026-03-30 11:55:00")
    # the quoted comma lists in Tags don't shift the columns after them
    assert rows.loc["1207", "client"] == "Kestrel Logistics"
    assert rows.loc["1201", "summary"] == "VPN drops every hour"
    reason = plan.rejected.set_index("row_number").loc[11, "reason"]
    assert reason == "column 'Created time': '30/02/2026 10:00' is not a date"
    blank = read_table(FIXTURES / "freshdesk_tickets_excel.csv", lambda row: 1)
    company = blank.cells[blank.headers.index("Company Name")]
    assert company.iloc[:9].eq("").sum() == 2      # 2 of the 9 good rows: 22 %


def test_trial_export_without_optional_columns_is_recognised(helpdesk_settings):
    plan = plan_file(FIXTURES / "freshdesk_tickets_trial.csv", settings=helpdesk_settings)
    assert ("mapping freshdesk: this file has no column 'Agent', 'Group', 'Closed time', "
            "'Due by Time', 'Last update time'; those fields are left empty") in plan.notes
    rows = by_id(plan)
    assert rows["assignee"].isna().all() and rows["closed_at"].isna().all()
    assert rows.loc["1201", "resolved_at"] == T("2026-03-02 15:40:10")


# ---------------------------------------------------------------------------- GLPI
def test_glpi_csv_every_row_stored_with_its_words(helpdesk_settings, sqlite_url):
    engine = store.connect(sqlite_url)
    result = import_file(engine, FIXTURES / "glpi_tickets.csv", settings=helpdesk_settings)
    assert (result.vendor, result.rows_read, result.rows_stored, result.rows_rejected) == \
        ("glpi", 7, 7, 0)
    rows = store.read_table(engine, "tickets").set_index("ticket_id")
    # the thousands space stays: ids are text
    assert sorted(rows.index) == ["2 553", "2 554", "2 561", "2 570", "2 574", "2 580", "987"]
    assert rows.loc["2 574", "assignee"] == "João Teixeira, Ana Reis, Rui Lima"
    assert rows.loc["2 553", "assignee"] == "Ana Reis"
    # DD-MM-YYYY HH:MM, day-first from `17-09-2025`
    assert rows.loc["2 561", "created_at"] == T("2025-09-17 08:45")
    # the SLA cell "11-09-2025 08:08 \n\n 100%": its first line is the due time
    assert rows.loc["2 553", "resolution_due_at"] == T("2025-09-11 08:08")
    assert pd.isna(rows.loc["2 570", "resolution_due_at"])
    # `Tempo para solução excedido`: Sim (exceeded) is not met, through the mapping's words
    assert not rows.loc["2 553", "sla_met"] and rows.loc["2 561", "sla_met"]
    assert rows["status_class"].to_dict() == {
        "2 553": "resolved", "2 554": "closed", "2 561": "waiting", "2 570": "open",
        "2 574": "open", "987": "closed", "2 580": "resolved"}
    assert rows["priority"].to_dict() == {
        "2 553": "P3", "2 554": "P2", "2 561": "P3", "2 570": "P4", "2 574": "P2",
        "987": "P4", "2 580": "P4"}
    # GLPI exports no close time: the four done tickets close at their last update
    assert "4 done ticket(s) had no resolved or closed time; their last update time was " \
        "used" in result.notes
    assert rows.loc["2 554", "closed_at"] == T("2025-09-15 10:05")
    assert rows.loc["987", "closed_at"] == T("2025-09-02 08:30")
    assert rows.loc[["2 561", "2 570", "2 574"], "closed_at"].isna().all()
    engine.dispose()


def test_glpi_without_word_maps_is_told_what_to_add(helpdesk_settings):
    bare = settings_mod.load()
    bare["mappings"] = helpdesk_settings["mappings"]
    plan = plan_file(FIXTURES / "glpi_tickets.csv", settings=bare)
    assert plan.rows["priority"].isna().all()
    assert plan.rows["status_class"].eq("open").all()
    assert plan.rows["closed_at"].isna().all()
    notes = " ".join(plan.notes)
    assert "priority 'Média', 'Alta', 'Baixa' are not P1..P5 words; map them under " \
        "[priority]" in notes
    assert "every status ('Solucionado', 'Fechado', 'Pendente', 'Novo', 'Em atendimento " \
        "(atribuído)') was read as open" in notes and "[status]" in notes


# ---------------------------------------------------------------------------- names
def mapping_settings(columns: dict, **extra) -> dict:
    settings = settings_mod.load()
    settings["mappings"] = {"desk": {"kind": "tickets", "columns": columns, **extra}}
    return settings


@pytest.mark.parametrize("written, field", [
    ("priority", "priority_raw"), ("Priority", "priority_raw"), ("company", "client"),
    ("agent", "assignee"), ("group", "team"), ("subject", "summary"),
    ("last_updated", "updated_at"), ("Due by", "resolution_due_at"), ("state", "status"),
])
def test_names_people_write_are_read_as_fields(written, field):
    preset = user_presets(mapping_settings({"id": "Ticket ID", "created": "Created",
                                            written: "X"}))[0]
    assert preset.columns[field] == ("X",)
    assert preset.columns["ticket_id"] == ("Ticket ID",)
    assert preset.columns["created_at"] == ("Created",)
    assert f"'{written}' as {field}" in preset.options["read_as"][0]


@pytest.mark.parametrize("columns, message", [
    ({"ticket_id": "ID", "created_at": "C", "priorty": "P"},
     "mappings.desk.columns: 'priorty' is not a tickets field (did you mean priority_raw?)"),
    ({"ticket_id": "ID", "created_at": "C", "colour": "P"},
     "mappings.desk.columns: 'colour' is not a tickets field; use one of ticket_id"),
    ({"ticket_id": "ID", "created_at": "C", "priority": "P", "priority_raw": "Q"},
     "'priority' and 'priority_raw' both name the priority_raw field; keep one"),
    ({"ticket_id": "ID", "summary": "S"},
     "mappings.desk.columns must name a column for created_at"),
    ({"ticket_id": "ID", "created_at": ""}, "columns.created_at must be a column name"),
])
def test_a_mapping_that_cannot_be_used_is_one_sentence(columns, message):
    with pytest.raises(SettingsError) as err:
        user_presets(mapping_settings(columns))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_the_dashboard_can_go_on_without_a_broken_mapping():
    settings = mapping_settings({"ticket_id": "ID", "created_at": "C", "colour": "P"})
    settings["mappings"]["fine"] = {"kind": "csat", "columns": {
        "date": "When", "score": "Stars"}}
    problems: list[str] = []
    presets = user_presets(settings, problems)
    assert [p.vendor for p in presets] == ["fine"]
    assert presets[0].columns == {"responded_at": ("When",), "score_raw": ("Stars",)}
    assert len(problems) == 1 and problems[0].startswith("mappings.desk.columns: 'colour'")


# ---------------------------------------------------------------------------- command line
def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_command_line_reads_priority_and_reports_a_typo_in_one_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    done = run("import", str(FIXTURES / "freshdesk_tickets_excel.csv"),
               str(FIXTURES / "glpi_tickets.csv"), "--db", db, "--config", str(SETTINGS_FILE))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("freshdesk_tickets_excel.csv: freshdesk tickets, 10 rows read, 9 "
                        "stored, 1 rejected (import #1)")
    assert "  note: mapping freshdesk read 'priority' as priority_raw" in lines
    assert any(line.startswith("glpi_tickets.csv: glpi tickets, 7 rows read, 7 stored")
               for line in lines)

    typo = tmp_path / "typo.toml"
    typo.write_text(SETTINGS_FILE.read_text(encoding="utf-8").replace(
        'priority = "Priority"', 'priorty = "Priority"'), encoding="utf-8")
    bad = run("import", str(FIXTURES / "freshdesk_tickets.xls"),
              str(FIXTURES / "glpi_tickets.csv"), "--db", db, "--config", str(typo))
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.strip() == (
        f"error: {typo}: mappings.freshdesk.columns: 'priorty' is not a tickets field (did "
        "you mean priority_raw?); use one of " + ", ".join(
            __import__("loaders.fields", fromlist=["FIELDS"]).FIELDS["tickets"]) + ".")
    assert len(store.import_history(store.connect(db))) == 2   # nothing more stored


def test_a_settings_error_while_planning_the_next_file_is_a_result(tmp_path, sqlite_url):
    """The second file is planned on a thread while the first is written; a mapping
    error raised there comes back as that file's result, never as the thread's
    traceback."""
    settings = mapping_settings({"ticket_id": "ID", "created_at": "C", "colour": "P"})
    engine = store.connect(sqlite_url)
    results = list(import_files(engine, [FIXTURES / "glpi_tickets.csv",
                                         FIXTURES / "freshdesk_tickets.xls"],
                                settings=settings))
    assert len(results) == 2
    assert all(isinstance(r, SettingsError) for _, r in results)
    assert "'colour' is not a tickets field" in str(results[0][1])
    engine.dispose()


# ---------------------------------------------------------------------------- near misses
def test_a_file_close_to_a_users_mapping_names_it_and_what_is_missing(tmp_path,
                                                                    helpdesk_settings):
    text = (FIXTURES / "glpi_tickets.csv").read_bytes().decode("utf-8").replace(
        "Data de abertura", "Aberto em", 1)
    path = tmp_path / "glpi_renamed.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRefused) as err:
        plan_file(path, settings=helpdesk_settings)
    # glpi maps 12 columns; 11 are in the file
    assert str(err.value) == (
        "glpi_renamed.csv: the columns look like those of your mapping 'glpi' (tickets; 11 "
        "of its 12 columns are here) but 'Data de abertura' is missing; add it to the "
        "export, or change [mappings.glpi] in the settings to the name this file uses.")


def test_a_file_close_to_a_preset_names_it_and_what_is_missing(tmp_path):
    text = (FIXTURES / "connectwise_tickets.csv").read_text().replace(
        "dateEntered", "entered", 1)
    path = tmp_path / "cw.csv"
    path.write_text(text)
    with pytest.raises(ImportRefused) as err:
        plan_file(path)
    # the fixture has 18 columns; ConnectWise's ticket preset knows 17 fields, and 16 of
    # them are here (every one but created_at, whose column was renamed)
    assert str(err.value) == (
        "cw.csv: the columns look like a connectwise tickets export (16 of its 17 columns "
        "are here) but 'dateEntered' is missing; add it to the export, or describe the "
        "columns in a [mappings] section of the settings file.")


def test_a_file_like_nothing_still_gets_the_general_answer(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Ticket ID,Subject,Status\n1,a,Open\n")
    with pytest.raises(ImportRefused, match="do not match a known export"):
        plan_file(path)


# ---------------------------------------------------------------------------- XML 2003
def xml_book(*sheets: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid='
            '"Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
            ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:html="http://www.w3.org/TR/REC-html40">' + "".join(sheets) +
            "</Workbook>").encode("utf-8")


def sheet(name: str, rows: str) -> str:
    return f'<Worksheet ss:Name="{name}"><Table>{rows}</Table></Worksheet>'


def cell(value: str, kind: str = "String", extra: str = "") -> str:
    return f'<Cell{extra}><Data ss:Type="{kind}">{value}</Data></Cell>'


def test_xml_spreadsheet_cells_types_gaps_and_sheets(tmp_path):
    header = "<Row>" + "".join(cell(h) for h in (
        "number", "opened_at", "state", "priority", "short_description")) + "</Row>"
    rows = (
        "<Row>" + cell("INC1") + cell("2026-03-02T09:15:00.000", "DateTime")
        + cell("New") + cell("3", "Number")
        # a comment is not the cell's value; rich text keeps its words
        + '<Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40">'
          '<B>Mail</B> down</ss:Data><Comment><ss:Data xmlns="http://www.w3.org/TR/'
          'REC-html40">note to self</ss:Data></Comment></Cell>'
        + "</Row>"
        # an empty row left out with ss:Index, then cells skipped and spanned
        + '<Row ss:Index="4">' + cell("INC2") + cell("2026-03-03 10:00:00")
        + cell("Closed", extra=' ss:MergeAcross="1"') + cell("Line&#10;two") + "</Row>")
    data = xml_book(sheet("Criteria", "<Row>" + cell("Report") + cell("All") + "</Row>"),
                    sheet("Incidents", header + rows))
    path = tmp_path / "incidents.xls"
    path.write_bytes(data)
    plan = plan_file(path)
    assert (plan.vendor, plan.table.sheet, plan.rows_read) == ("servicenow", "Incidents", 2)
    rows = plan.rows.set_index("ticket_id")
    assert rows.loc["INC1", "created_at"] == T("2026-03-02 09:15")
    assert rows.loc["INC1", "priority"] == "P3"
    assert rows.loc["INC1", "summary"] == "Mail down"
    assert rows.loc["INC2", "status"] == "Closed"
    assert pd.isna(rows.loc["INC2", "priority_raw"])      # spanned by the merged cell
    assert rows.loc["INC2", "summary"] == "Line\ntwo"
    assert plan.rows["_row"].tolist() == [2, 4]   # as Excel numbers them (row 3 left out)


@pytest.mark.parametrize("data, phrase", [
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
     b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">&lol;</Workbook>',
     "declares a document type"),
    (xml_book(sheet("S", "<Row>" + cell("a") + "</Row"))[:-12], "the XML spreadsheet is "
     "damaged"),
    (xml_book(), "the workbook has no data in any sheet"),
    (xml_book(sheet("S", "<Row>" + cell("a", extra=' ss:Index="99999999"') + "</Row>")),
     "the XML spreadsheet is damaged (column 99,999,999 is past the 16,384 a sheet can "
     "hold)"),
    (xml_book(sheet("S", '<Row ss:Index="99999999">' + cell("a") + "</Row>")),
     "the XML spreadsheet is damaged (row 99,999,999 is past the"),
])
def test_bad_xml_spreadsheets_get_one_sentence(tmp_path, data, phrase):
    path = tmp_path / "book.xls"
    path.write_bytes(data)
    with pytest.raises(ImportRefused) as err:
        plan_file(path)
    assert str(err.value).startswith("book.xls: ") and phrase in str(err.value)
    assert "\n" not in str(err.value)


def test_settings_word_maps_are_read_from_toml(helpdesk_settings):
    assert helpdesk_settings["priority_map"]["Média"] == "P3"
    assert helpdesk_settings["status"]["Em atendimento (atribuído)"] == "open"
    # the fixture is what the README shows, so a user copying it gets these results
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in ('"Solucionado" = "resolved"', '"Média" = "P3"', 'priority = "Priority"',
                 '"Não" = true'):
        assert line in readme


# Text an XML file can hold (no control characters but tab and line feed), with the
# characters that must be escaped.
XML_TEXT = hst.text(alphabet=hst.characters(blacklist_categories=("Cs", "Cc"))
                    | hst.sampled_from("\n\t&<>\"'"), max_size=12)


@hsettings(max_examples=60, deadline=None)
@given(hst.lists(hst.lists(XML_TEXT, max_size=6), min_size=1, max_size=8))
def test_xml_spreadsheet_reads_back_what_was_written(grid):
    """Any grid written as Excel writes it (empty cells left out, the next one carrying
    ss:Index; text escaped) reads back cell for cell."""
    def escaped(v: str) -> str:
        return (v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\n", "&#10;").replace("\t", "&#9;"))
    rows = []
    for r in grid:
        cells, skipped = [], False
        for i, v in enumerate(r):
            if v == "":
                skipped = True
                continue
            cells.append(cell(escaped(v), extra=f' ss:Index="{i + 1}"' if skipped else ""))
            skipped = False
        rows.append("<Row>" + "".join(cells) + "</Row>")
    # a sheet whose every cell is empty holds no data: that is a refusal, tested above
    widest = max((max((i + 1 for i, v in enumerate(r) if v), default=0) for r in grid))
    if widest == 0:
        return
    read = _xml_spreadsheet_grids(xml_book(sheet("S", "".join(rows))), "g.xls")["S"]
    expected = [r[:widest] + [""] * (widest - min(len(r), widest)) for r in grid]
    assert read.values.tolist() == expected


def test_command_line_names_the_stored_settings_when_their_mapping_is_broken(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    engine = store.connect(db)
    settings_mod.save(engine, mapping_settings({"ticket_id": "ID", "created_at": "C",
                                                "colour": "P"}))
    engine.dispose()
    done = run("import", str(FIXTURES / "glpi_tickets.csv"), "--db", db)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: the settings saved in the store: mappings.desk."
                                  "columns: 'colour' is not a tickets field")
    assert len(done.stderr.strip().splitlines()) == 1
