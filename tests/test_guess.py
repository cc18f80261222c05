"""The draft mapping the Data page opens for a file nothing reads: each field's column
guessed from the header's words and the values under it (loaders/guess.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from loaders import settings as settings_mod
from loaders.guess import guess_mapping, name_score
from loaders.importer import plan_file
from loaders.read import read_table
from tests.conftest import FIXTURES


def table_of(name_or_text: str, tmp_path=None):
    if tmp_path is None:
        return read_table(FIXTURES / name_or_text, lambda row: 0)
    path = tmp_path / "export.csv"
    path.write_text(name_or_text, encoding="utf-8")
    return read_table(path, lambda row: 0)


FRESHDESK = {
    "ticket_id": "Ticket ID", "summary": "Subject", "status": "Status",
    "priority_raw": "Priority", "source_channel": "Source", "category": "Type",
    "assignee": "Agent", "team": "Group", "client": "Company Name",
    "created_at": "Created time", "resolution_due_at": "Due by Time",
    "resolved_at": "Resolved time", "closed_at": "Closed time",
    "updated_at": "Last update time", "first_response_at": "Initial response time",
    "hours_actual": "Time tracked"}
GLPI = {
    "ticket_id": "ID", "summary": "Título", "client": "Entidade", "status": "Status",
    "updated_at": "Última atualização", "created_at": "Data de abertura",
    "priority_raw": "Prioridade", "assignee": "Atribuído - Técnico",
    "team": "Atribuído - Grupo técnico", "category": "Categoria",
    "resolution_due_at": "Tempo para solução"}


@pytest.mark.parametrize("name, expected", [
    ("freshdesk_tickets.xls", FRESHDESK),
    ("freshdesk_tickets_excel.csv", FRESHDESK),
    ("glpi_tickets.csv", GLPI),
])
def test_help_desk_exports_are_guessed_whole(name, expected):
    guess = guess_mapping(table_of(name))
    assert guess.kind == "tickets" and guess.complete
    # every column the fixture has a field for, and nothing else (Resolution time (in
    # hrs), Agent interactions, Contact ID, Requerente, the SLA-exceeded flag stay out)
    assert guess.columns == expected


@pytest.mark.parametrize("name, kind, sure", [
    ("connectwise_tickets.csv", "tickets", {"ticket_id": "id", "created_at": "dateEntered",
                                           "assignee": "owner", "board": "board"}),
    ("connectwise_time_entries.csv", "time_entries",
     {"technician": "member", "work_date": "timeStart", "hours": "actualHours"}),
    ("connectwise_agreements.csv", "agreements",
     {"client": "company", "_bill_amount": "billAmount", "_billing_cycle": "invoicingCycle"}),
    ("autotask_time_entries.csv", "time_entries",
     {"technician": "Resource", "work_date": "Date Worked", "hours": "Hours Worked",
      "_non_billable": "Non-Billable"}),
    ("autotask_surveys.csv", "csat", {"score_raw": "Survey Rating",
                                      "responded_at": "Complete Date"}),
    ("halopsa_csat.csv", "csat", {"score_raw": "score", "responded_at": "date"}),
    ("servicenow_tickets.csv", "tickets", {"ticket_id": "number", "created_at": "opened_at",
                                           "status": "incident_state"}),
    ("syncro_tickets.csv", "tickets", {"ticket_id": "Ticket #", "assignee": "Tech"}),
])
def test_the_kind_and_its_columns_of_known_exports(name, kind, sure):
    guess = guess_mapping(table_of(name))
    assert guess.kind == kind and guess.complete
    for fld, header in sure.items():
        assert guess.columns.get(fld) == header, fld


def test_values_overrule_names(tmp_path):
    # a trial export without Agent or Resolved time: the numeric "Agent interactions" is
    # no assignee, "Resolution time (in hrs)" no resolved time, and "Created" holding
    # words is no creation time: the first column of dates is
    text = ("Ticket ID,Created,Agent interactions,Resolution time (in hrs),Opened on\n"
            "1,web,3,6.41,2026-03-02 09:15\n2,phone,1,,2026-03-03 10:00\n")
    guess = guess_mapping(table_of(text, tmp_path), "tickets")
    assert "assignee" not in guess.columns and "resolved_at" not in guess.columns
    assert guess.columns["created_at"] == "Opened on"
    assert guess.reasons["created_at"] == "its name and its dates"


def test_values_alone_find_the_id_and_the_creation_time(tmp_path):
    text = ("Ref A,Col B,Col C\nX-1,04/03/2026 10:00,Acme\nX-2,17/03/2026 11:00,Acme\n"
            "X-3,18/03/2026 12:00,Zeta\n")
    guess = guess_mapping(table_of(text, tmp_path), "tickets")
    assert guess.columns["created_at"] == "Col B"
    assert guess.reasons["created_at"] == "its dates (the first column of dates)"
    assert guess.columns["ticket_id"] == "Ref A"    # "ref" names it
    unnamed = ("Alpha,Beta,Gamma\nX-1,04/03/2026 10:00,Acme\nX-2,17/03/2026 11:00,Acme\n")
    guess = guess_mapping(table_of(unnamed, tmp_path), "tickets")
    assert guess.columns["ticket_id"] == "Alpha"
    assert guess.reasons["ticket_id"] == "its values (a different one on every row)"


def test_a_time_sheet_is_guessed_as_time_entries(tmp_path):
    text = ("Ticket,Technician,Date,Hours\n101,Ana Reis,2026-03-02,1.5\n"
            "102,Rui Lima,2026-03-02,0.25\n")
    guess = guess_mapping(table_of(text, tmp_path))
    assert guess.kind == "time_entries"
    assert guess.columns == {"ticket_id": "Ticket", "technician": "Technician",
                             "work_date": "Date", "hours": "Hours"}


@pytest.mark.parametrize("fld, header, score", [
    ("updated_at", "Última atualização", 1.0),   # accents and case don't matter
    ("created_at", "dateEntered", 1.0),          # nor camelCase
    ("created_at", "Created time", 1.0),
    ("team", "Atribuído - Grupo técnico", 2 / 3),  # "grupo tecnico": 2 of its 3 words
    ("assignee", "Agent interactions", 0.5),
    ("resolved_at", "Colour", 0.0),
])
def test_name_score(fld, header, score):
    # less specific words (later in a field's list) lose 1/10,000 per place, for ties
    assert name_score("tickets", fld, header) == pytest.approx(score, abs=0.005)


def test_a_guessed_mapping_reads_the_file(tmp_path):
    """Saved as it stands, the draft imports every good row of the Excel re-save."""
    guess = guess_mapping(table_of("freshdesk_tickets_excel.csv"))
    settings = settings_mod.load()
    settings["mappings"] = {"fd": {"kind": guess.kind, "columns": guess.columns}}
    plan = plan_file(FIXTURES / "freshdesk_tickets_excel.csv", settings=settings)
    assert (plan.vendor, plan.rows_read, len(plan.rows), len(plan.rejected)) == \
        ("fd", 10, 9, 1)
    assert plan.rows.set_index("ticket_id").loc["1202", "hours_actual"] == 64.0
    assert pd.notna(plan.rows["created_at"]).all()
