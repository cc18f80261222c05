"""File-shape quirks of real exports, each read end to end through the importer."""
from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from loaders import store
from loaders.errors import ImportRefused
from loaders.importer import import_file, plan_file
from loaders.settings import load

HEADER = "id,summary,client_name,team,priority_id,dateoccurred,dateclosed,timetaken"
ROWS = [
    "101,Printer jam,Acme,Service Desk,3,13/02/2026 09:00,14/02/2026 10:30,1:30",
    "102,VPN down,Bayside Dental,Infrastructure,1,02/03/2026 17:45,,0.5",
    "103,New starter,Acme,Onboarding,4,05/03/2026 08:00,06/03/2026 12:00,2",
]


def write(tmp_path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def plan_of(tmp_path, text: str, name: str = "tickets.csv", encoding: str = "utf-8",
            settings=None):
    return plan_file(write(tmp_path, name, text, encoding), settings=settings)


def test_plain_csv(tmp_path):
    plan = plan_of(tmp_path, "\n".join([HEADER, *ROWS]) + "\n")
    assert (plan.vendor, plan.kind, plan.rows_read, len(plan.rows)) == \
        ("halopsa", "tickets", 3, 3)
    first = plan.rows.iloc[0]
    # 13/02 settles the column as day-first, so 02/03 is the 2nd of March.
    assert first["created_at"] == pd.Timestamp("2026-02-13 09:00")
    assert plan.rows.iloc[1]["created_at"] == pd.Timestamp("2026-03-02 17:45")
    assert first["hours_actual"] == 1.5 and plan.rows.iloc[1]["priority"] == "P1"
    assert plan.rows["_row"].tolist() == [2, 3, 4]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, delimiter):
    lines = [line.replace(",", delimiter) for line in [HEADER, *ROWS]]
    plan = plan_of(tmp_path, "\n".join(lines))
    assert len(plan.rows) == 3 and plan.rows.iloc[2]["client"] == "Acme"


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                           ("cp1252", b""), ("utf-16", b"")])
def test_encodings(tmp_path, encoding, bom):
    text = "\n".join([HEADER, ROWS[0].replace("Acme", "Café Müller – Ltd"), *ROWS[1:]])
    path = tmp_path / "enc.csv"
    path.write_bytes(bom + text.encode(encoding))
    plan = plan_file(path)
    assert plan.rows.iloc[0]["client"] == "Café Müller – Ltd"
    assert plan.table.headers[0] == "id"


def test_title_lines_and_totals_line(tmp_path):
    text = "\n".join(["Ticket report,,,,,,,", "Generated 2026-03-06,,,,,,,", ",,,,,,,",
                      HEADER, *ROWS, ",,,,,,,", "Total,,,,,,,3.5"])
    plan = plan_of(tmp_path, text)
    assert plan.rows_read == 3 and len(plan.rows) == 3 and plan.rejected.empty
    assert plan.rows["_row"].tolist() == [5, 6, 7]  # the file's own row numbers
    assert any("totals line" in note for note in plan.notes)


def test_ragged_title_line_without_delimiters(tmp_path):
    plan = plan_of(tmp_path, "\n".join(["Harbor IT ticket export", "", HEADER, *ROWS]))
    assert len(plan.rows) == 3


def test_repeated_header_mid_file_is_skipped(tmp_path):
    plan = plan_of(tmp_path, "\n".join([HEADER, ROWS[0], HEADER, *ROWS[1:]]))
    assert len(plan.rows) == 3 and plan.rejected.empty


def test_duplicate_column_names_first_non_empty_wins(tmp_path):
    header = "id,summary,client_name,client_name,dateoccurred"
    rows = ["1,a,Acme,,2026-03-01", "2,b,,Bayside,2026-03-02", "3,c,,,2026-03-03"]
    plan = plan_of(tmp_path, "\n".join([header, *rows]))
    assert plan.table.headers == ["id", "summary", "client_name", "client_name (2)",
                                  "dateoccurred"]
    assert plan.rows["client"].tolist()[:2] == ["Acme", "Bayside"]
    assert pd.isna(plan.rows["client"].iloc[2])


def test_quoted_cells_with_delimiters_and_newlines(tmp_path):
    text = HEADER + '\n101,"Printer jam, floor 2\nand toner",Acme,SD,3,2026-03-01 10:00,,1\n'
    plan = plan_of(tmp_path, text)
    assert plan.rows.iloc[0]["summary"] == "Printer jam, floor 2\nand toner"


@pytest.mark.parametrize("null", ["", "?", "null", "N/A", "NULL"])
def test_null_spellings(tmp_path, null):
    text = "\n".join([HEADER, f"101,x,{null},SD,3,2026-03-01 10:00,{null},{null}"])
    row = plan_of(tmp_path, text).rows.iloc[0]
    assert pd.isna(row["client"]) and pd.isna(row["closed_at"]) and pd.isna(row["hours_actual"])


def test_ambiguous_date_column_is_refused_not_guessed(tmp_path):
    text = "\n".join([HEADER, "1,a,Acme,SD,3,01/02/2026 10:00,,1",
                      "2,b,Acme,SD,3,03/04/2026 10:00,,1"])
    with pytest.raises(ImportRefused) as err:
        plan_of(tmp_path, text)
    message = str(err.value)
    assert "tickets.csv" in message and "'dateoccurred'" in message
    assert "day-first or month-first" in message and "date_order" in message


def test_ambiguous_column_follows_the_files_other_date_column(tmp_path):
    text = "\n".join([HEADER, "1,a,Acme,SD,3,01/02/2026 10:00,01/25/2026 11:00,1",
                      "2,b,Acme,SD,3,03/04/2026 10:00,,1"])
    rows = plan_of(tmp_path, text).rows
    assert rows["created_at"].tolist() == [pd.Timestamp("2026-01-02 10:00"),
                                          pd.Timestamp("2026-03-04 10:00")]


def test_date_order_setting_decides_an_ambiguous_file(tmp_path):
    settings = load()
    settings["import"]["date_order"] = "day_first"
    text = "\n".join([HEADER, "1,a,Acme,SD,3,01/02/2026 10:00,,1"])
    assert plan_of(tmp_path, text, settings=settings).rows["created_at"][0] == \
        pd.Timestamp("2026-02-01 10:00")


def test_mixed_day_and_month_first_in_one_column_is_refused(tmp_path):
    text = "\n".join([HEADER, "1,a,Acme,SD,3,13/02/2026 10:00,,1",
                      "2,b,Acme,SD,3,02/13/2026 10:00,,1"])
    with pytest.raises(ImportRefused, match="some dates are day-first"):
        plan_of(tmp_path, text)


def test_bad_cells_reject_their_row_with_column_and_value(tmp_path):
    text = "\n".join([HEADER, *ROWS, "104,x,Acme,SD,3,31/02/2026 10:00,,1",
                      "105,y,Acme,SD,3,2026-03-01 10:00,,lots", "106,z,Acme,SD,3,,,1"])
    plan = plan_of(tmp_path, text)
    assert len(plan.rows) == 3 and len(plan.rejected) == 3
    reasons = dict(zip(plan.rejected["row_number"], plan.rejected["reason"]))
    assert reasons[5] == "column 'dateoccurred': '31/02/2026 10:00' is not a date"
    assert reasons[6] == "column 'timetaken': 'lots' is not a number of hours"
    assert "'dateoccurred' is empty" in reasons[7]
    assert '"id": "104"' in plan.rejected["raw"].iloc[0]


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_report_with_title_totals_and_several_sheets(tmp_path):
    header = HEADER.split(",")
    data = [[101, "Printer jam", "Acme", "SD", 3, datetime(2026, 2, 13, 9), None, 1.5],
            [102, "VPN down", "Bayside", "Infra", 1, datetime(2026, 3, 2, 17, 45), None, 0.5]]
    content = _workbook({
        "Notes": [["This report lists tickets"], ["See the Tickets sheet"]],
        "Tickets": [["Ticket Detail Report"], ["Generated 03/06/2026"], [], header, *data,
                    ["Total: 2 tickets"]],
    })
    path = tmp_path / "report.xlsx"
    path.write_bytes(content)
    plan = plan_file(path)
    assert plan.table.sheet == "Tickets" and plan.rows_read == 2 and plan.rejected.empty
    assert plan.rows["ticket_id"].tolist() == ["101", "102"]
    assert plan.rows["created_at"].iloc[1] == pd.Timestamp("2026-03-02 17:45")
    assert plan.rows["_row"].tolist() == [5, 6]


@pytest.mark.parametrize("name, content, phrase", [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n\n  \n", "empty"),
    ("junk.csv", bytes(range(256)) * 20, "not a text CSV"),
    ("fake.xlsx", b"this is not a workbook at all", "not a readable Excel workbook"),
    ("cut.xlsx", b"PK\x03\x04" + b"\x00" * 100, "damaged"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
    ("headers.csv", (HEADER + "\n").encode(), "no data rows"),
    ("unknown.csv", b"colour,shape\nred,round\n", "do not match a known export"),
])
def test_unreadable_files_get_one_plain_sentence(tmp_path, name, content, phrase):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as err:
        plan_file(path)
    message = str(err.value)
    assert message.startswith(name) and phrase in message
    assert "\n" not in message and "Traceback" not in message


def test_missing_required_column_names_what_to_add(tmp_path):
    path = write(tmp_path, "t.csv", "id,summary,client_name,dateclosed\n1,a,Acme,2026-03-01\n")
    with pytest.raises(ImportRefused) as err:
        plan_file(path, vendor="halopsa", kind="tickets")
    assert str(err.value).startswith("t.csv: no column for created at")
    assert "'dateoccurred'" in str(err.value)


def test_user_mapping_for_an_unknown_export(tmp_path, sqlite_url):
    settings = load()
    settings["mappings"] = {"freshdesk": {
        "kind": "tickets",
        "columns": {"ticket_id": "Ticket ID", "created_at": "Created time",
                    "client": ["Company", "Contact"], "priority_raw": "Priority",
                    "status": "Status"}}}
    text = ("Ticket ID,Created time,Company,Contact,Priority,Status\n"
            "7,2026-03-01 10:00,,Jo Bloggs,Urgent,Pending\n")
    engine = store.connect(sqlite_url)
    result = import_file(engine, write(tmp_path, "fd.csv", text), settings=settings)
    assert (result.vendor, result.kind, result.rows_stored) == ("freshdesk", "tickets", 1)
    row = store.read_table(engine, "tickets").iloc[0]
    assert (row.source_system, row.client, row.priority, row.status_class) == \
        ("freshdesk", "Jo Bloggs", "P1", "waiting")


def test_agreement_dates_are_calendar_days_not_converted(tmp_path):
    settings = load()
    settings["timezone"] = "America/New_York"
    text = ("id,name,type,company,startDate,endDate,billAmount,invoicingCycle,cost\n"
            "7,Managed,Managed Services,Acme,2025-07-01T00:00:00Z,2026-06-30T00:00:00Z,"
            "3000,Quarterly,300\n")
    row = plan_of(tmp_path, text, name="agr.csv", settings=settings).rows.iloc[0]
    assert (row["start_date"], row["end_date"]) == (pd.Timestamp("2025-07-01"),
                                                    pd.Timestamp("2026-06-30"))
    assert (row["monthly_revenue"], row["monthly_cost"]) == (1000.0, 100.0)


def test_halo_actions_are_keyed_by_ticket_and_action_number(tmp_path, sqlite_url):
    # Halo numbers actions 1, 2, 3 within each ticket: the same id on two tickets is two
    # different entries.
    text = ("id,ticket_id,who,datetime,timetaken,actionchargehours,actisbillable\n"
            "1,100,Ann,2026-03-02 09:00,1,1,True\n1,200,Ann,2026-03-02 10:00,2,0,False\n"
            "2,100,Bob,2026-03-03 09:00,0.5,0.5,True\n")
    engine = store.connect(sqlite_url)
    import_file(engine, write(tmp_path, "actions.csv", text))
    import_file(engine, write(tmp_path, "actions.csv", text))
    entries = store.read_table(engine, "time_entries").sort_values("entry_id")
    assert entries["entry_id"].tolist() == ["100/1", "100/2", "200/1"]
    assert entries["hours"].sum() == 3.5


def test_a_users_mapping_wins_a_tie_with_a_preset(tmp_path):
    settings = load()
    settings["mappings"] = {"halo_fix": {"kind": "tickets", "source_system": "halopsa",
                                         "columns": {"ticket_id": "id",
                                                     "created_at": "dateoccurred",
                                                     "client": "client_name"}}}
    text = "id,client_name,dateoccurred\n7,Acme,2026-03-01 10:00\n"
    plan = plan_of(tmp_path, text, settings=settings)
    assert plan.vendor == "halo_fix" and plan.rows["source_system"].iloc[0] == "halopsa"
