"""The bad-input corpus: each input with the outcome a person should get. Either the whole
file is refused with one plain sentence (file, row or column, what to do) and the store
is left as it was, or the file is imported with the bad rows rejected, each with its
reason; never a traceback, never a partial import."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from loaders import store
from loaders.errors import ImportRefused
from loaders.importer import import_file
from loaders.settings import load
from tests.test_store import snapshot

TICKETS = "number,opened_at,state,priority,assignment_group,sys_updated_on"
GOOD = ["INC1,2026-03-02 09:00,New,3 - Moderate,Desk,2026-03-02 09:00",
        "INC2,2026-03-03 10:00,New,2 - High,Desk,2026-03-03 10:00"]
TIME = "Ticket Number,Resource,Date Worked,Hours Worked,Hours To Bill,Non-Billable"


def csv_bytes(header: str, rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(inflated_mb: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (inflated_mb * 2**20))
    return out.getvalue()


# name, content, the phrase the one-sentence refusal must hold
REFUSED = [
    ("empty.csv", b"", "the file is empty"),
    ("header_only.csv", csv_bytes(TICKETS, []), "no data rows"),
    ("junk.csv", bytes(range(256)) * 40, "not a text CSV"),
    ("not_a_zip.xlsx", b"<html>this was a web page</html>", "not a readable Excel"),
    ("truncated.xlsx", xlsx_bytes([[TICKETS]])[:300], "damaged"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048, "password-protected"),
    ("unknown_columns.csv", b"colour,shape,size\nred,round,2\n", "do not match a known export"),
    ("ambiguous_dates.csv", csv_bytes(TICKETS, ["INC1,01/02/2026 10:00,New,3,Desk,"]),
     "could be day-first or month-first"),
    ("mixed_date_orders.csv", csv_bytes(TICKETS, ["INC1,13/02/2026 10:00,New,3,Desk,",
                                                  "INC2,02/13/2026 10:00,New,3,Desk,"]),
     "some dates are day-first"),
]


@pytest.mark.parametrize("name, content, phrase", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_one_sentence_and_the_store_unchanged(engine, tmp_path, name,
                                                           content, phrase):
    before_file = tmp_path / "before.csv"
    before_file.write_bytes(csv_bytes(TICKETS, GOOD))
    import_file(engine, before_file)
    before = snapshot(engine)
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as refused:
        import_file(engine, path)
    message = str(refused.value)
    assert message.startswith(name) and phrase in message
    assert "\n" not in message and "Traceback" not in message and message.endswith(".")
    assert snapshot(engine) == before


def test_wrong_vendor_forced_names_the_missing_column(tmp_path):
    path = tmp_path / "autotask_as_halo.csv"
    path.write_bytes(csv_bytes(TIME, ["T1,Ann,03/02/2026,1,1,False"]))
    with pytest.raises(ImportRefused, match="are not those of a halopsa/tickets export"):
        import_file(store.connect(f"sqlite:///{tmp_path / 'c.db'}"), path,
                    vendor="halopsa", kind="tickets")


def test_zip_bomb_is_refused_from_its_directory(tmp_path):
    settings = load()
    settings["import"]["max_file_mb"] = 2  # workbooks may then inflate to 8 MB
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb(50))  # 50 MB of zeros in a 50 kB file
    assert path.stat().st_size < 200_000
    engine = store.connect(f"sqlite:///{tmp_path / 'c.db'}")
    with pytest.raises(ImportRefused, match="bomb.xlsx: the workbook expands to 50 MB, "
                                            "over the 8 MB limit"):
        import_file(engine, path, settings=settings)
    assert store.table_counts(engine)["tickets"] == 0


def test_size_and_row_limits(tmp_path):
    settings = load()
    settings["import"]["max_file_mb"] = 1
    big = tmp_path / "big.csv"
    big.write_bytes(csv_bytes(TICKETS, GOOD * 20_000))  # about 2 MB
    engine = store.connect(f"sqlite:///{tmp_path / 'c.db'}")
    with pytest.raises(ImportRefused, match="over the 1 MB limit; export a shorter"):
        import_file(engine, big, settings=settings)
    settings = load()
    settings["import"]["max_rows"] = 100
    with pytest.raises(ImportRefused, match="more than 100 rows"):
        import_file(engine, big, settings=settings)


# name, header, rows, {row number: phrase of its reason}, rows stored
REJECTED = [
    ("future_and_ancient.csv", TICKETS,
     [GOOD[0], "INC3,2099-03-02 09:00,New,3,Desk,", "INC4,1985-03-02 09:00,New,3,Desk,"],
     {3: "'2099-03-02' is in the future", 4: "'1985-03-02' is before 1990"}, 1),
    ("hours.csv", TIME,
     ["T1,Ann,03/02/2026,1.5,1.5,False", "T2,Ann,03/02/2026,-2,0,True",
      "T3,Bob,03/13/2026,30,0,True", "T4,Bob,03/13/2026,lots,0,True"],
     {3: "hours worked is negative", 4: "more than 24 hours",
      5: "'lots' is not a number of hours"}, 1),
    ("huge_cell.csv", TICKETS,
     [GOOD[0], "INC5,2026-03-02 09:00," + "x" * 100_000 + ",3,Desk,"],
     {3: "a cell of 100000 characters, over the 32,767 limit"}, 1),
    ("text_in_numbers.csv", TIME, ["T1,Ann,03/13/2026,two,1,False"],
     {2: "'two' is not a number of hours"}, 0),
]


@pytest.mark.parametrize("name, header, rows, reasons, stored", REJECTED,
                         ids=[r[0] for r in REJECTED])
def test_bad_rows_are_rejected_with_reasons(engine, tmp_path, name, header, rows, reasons,
                                            stored):
    path = tmp_path / name
    path.write_bytes(csv_bytes(header, rows))
    result = import_file(engine, path)
    assert (result.rows_read, result.rows_stored) == (len(rows), stored)
    assert result.rows_stored + result.rows_rejected == result.rows_read
    got = dict(zip(result.rejected["row_number"], result.rejected["reason"]))
    assert set(got) == set(reasons)
    for row, phrase in reasons.items():
        assert phrase in got[row] and got[row].startswith("column '")


def test_duplicate_ids_with_different_values_keep_the_latest(engine, tmp_path):
    path = tmp_path / "dupes.csv"
    path.write_bytes(csv_bytes(TICKETS, [
        "INC1,2026-03-02 09:00,New,3,Desk,2026-03-02 09:00",
        "INC1,2026-03-02 09:00,Closed,3,Network,2026-03-04 09:00",
        "INC1,2026-03-02 09:00,In Progress,3,Desk,2026-03-03 09:00"]))
    result = import_file(engine, path)
    assert (result.rows_stored, result.rows_rejected) == (3, 0)  # three versions, stored
    row = store.read_table(engine, "tickets").iloc[0]
    assert (row.status, row.board) == ("Closed", "Network")  # the latest update wins


def test_formula_looking_and_markup_cells_are_stored_as_text(engine, tmp_path):
    path = tmp_path / "inject.csv"
    path.write_bytes(csv_bytes(
        "number,opened_at,state,company,short_description",
        ['INC1,2026-03-02 09:00,New,"=HYPERLINK(""http://x"",""Acme"")",@SUM(A1)',
         "INC2,2026-03-02 09:00,New,+cmd,<script>alert(1)</script> **bold**"]))
    import_file(engine, path)
    rows = store.read_table(engine, "tickets").set_index("ticket_id")
    assert rows.loc["INC1", "client"] == '=HYPERLINK("http://x","Acme")'
    assert rows.loc["INC1", "summary"] == "@SUM(A1)"
    assert rows.loc["INC2", "summary"] == "<script>alert(1)</script> **bold**"


def test_mixed_encodings_keep_every_row(engine, tmp_path):
    # UTF-8 text with one cp1252 byte (Excel appended a row in another code page).
    content = ("number,opened_at,state,company\nINC1,2026-03-02 09:00,New,Café Zoë\n"
               .encode("utf-8") + "INC2,2026-03-02 09:00,New,Bistro Ré\n".encode("cp1252"))
    path = tmp_path / "mixed.csv"
    path.write_bytes(content)
    result = import_file(engine, path)
    assert (result.rows_read, result.rows_stored) == (2, 2)
    clients = set(store.read_table(engine, "tickets")["client"])
    assert "Bistro Ré" in clients  # read as cp1252 once UTF-8 fails


def test_a_file_cut_short_rejects_its_last_row(engine, tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(csv_bytes(TICKETS, GOOD)[:-32])  # the last row loses three cells
    result = import_file(engine, path)
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (2, 1, 1)
    reason = result.rejected["reason"].iloc[0]
    assert reason.startswith("the row has 3 of 6 columns; the file may be cut short")
