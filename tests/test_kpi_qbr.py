"""The QBR pack (kpi.qbr), its workbook and PDF (kpi.render.xlsx, kpi.render.pdf) and
`python -m kpi qbr`: a tiny MSP whose every number was worked out by hand, imported
through the real loaders (HaloPSA exports) into a SQLite store."""
from __future__ import annotations

import io
import re
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi import frames as kpi_frames, qbr
from kpi.render import pdf as render_pdf, xlsx as render_xlsx
from loaders import store
from loaders.importer import import_file
from loaders.settings import load
from loaders.store import frames as store_frames
from tests.conftest import ROOT

EVIL = '=HYPERLINK("http://x","Acme")'
EVIL_CSV = '"=HYPERLINK(""http://x"",""Acme"")"'
PLUS = "+cmd|' /C calc'!A0"
AT = "@SUM(1)"

# Quarter 2026Q1: Thu 2026-01-01 00:00 to Wed 2026-04-01 00:00. The PSA's own due times
# (respondbydate / fixbydate) are given, so SLA results are read straight off the rows.
TICKETS = f"""id,summary,client_name,team,agent_name,status_name,priority_id,category_1,dateoccurred,responsedate,respondbydate,fixbydate,dateclosed
1,Mail down,Acme,Desk,Ann,Closed,3,Email,2025-12-15T09:00:00,2025-12-15T09:30:00,2025-12-15T10:00:00,2026-01-05T09:00:00,2026-01-02T10:00:00
2,Password reset,Acme,Desk,Ann,Closed,2,Email,2026-01-05T09:00:00,2026-01-05T09:30:00,2026-01-05T10:00:00,2026-01-06T09:00:00,2026-01-07T09:00:00
3,Outlook slow,Acme,Desk,Bob,Closed,3,Email,2026-02-10T09:00:00,2026-02-10T12:00:00,2026-02-10T11:00:00,2026-02-12T09:00:00,2026-02-11T09:00:00
4,Printer jam,Acme,Desk,Bob,In Progress,3,Printer,2026-03-30T09:00:00,2026-03-30T09:10:00,2026-03-30T10:00:00,2026-04-02T09:00:00,
5,VPN slow,Acme,Desk,Ann,Closed,4,,2026-03-31T10:00:00,2026-03-31T10:30:00,2026-03-31T11:00:00,2026-04-03T09:00:00,2026-04-01T08:00:00
6,Next quarter,Acme,Desk,Ann,New,3,Email,2026-04-02T09:00:00,,,,
7,"{PLUS}",{EVIL_CSV},Desk,Bob,Closed,3,{AT},2026-02-02T10:00:00,2026-02-02T10:05:00,2026-02-02T11:00:00,2026-02-04T10:00:00,2026-02-03T10:00:00
8,{AT},{EVIL_CSV},Desk,Bob,Closed,3,-Printer,2026-02-03T10:00:00,2026-02-03T10:05:00,2026-02-03T11:00:00,2026-02-05T10:00:00,2026-02-04T10:00:00
"""
FEEDBACK = """id,ticket_id,client_name,agent_name,score,date,comment
1,1,Acme,Ann,5,2025-12-20T10:00:00,
2,2,Acme,Ann,5,2026-01-08T10:00:00,
3,3,Acme,Bob,2,2026-02-12T10:00:00,
4,3,Acme,Bob,3,2026-02-13T10:00:00,
5,4,Acme,Bob,4,2026-03-31T10:00:00,
"""
CONTRACTS = f"""ref,client_name,contract_name,contract_type,periodchargeamount,costperperiod,billingperiod,start_date,end_date
A1,Acme,Managed,Managed Services,"$1,000.00",$100.00,Monthly,2025-01-01,
A2,Acme,Block 10h,Block Hours,$900.00,$0.00,Quarterly,2026-02-01,2026-06-30
A3,{EVIL_CSV},Managed,Managed Services,"$2,000.00",$200.00,Monthly,2025-01-01,
A4,Acme,Old plan,Managed Services,$500.00,$50.00,Monthly,2024-01-01,2025-12-31
"""
ACTIONS = f"""id,ticket_id,who,datetime,timetaken,actionchargehours,actisbillable,chargerate,client_name
1,1,Ann,2025-11-10T10:00:00,3,0,False,,Acme
1,7,Bob,2025-11-12T10:00:00,12,0,False,,{EVIL_CSV}
1,2,Bob,2026-01-07T10:00:00,4,0,False,,Acme
1,3,Ann,2026-02-11T10:00:00,2,2,True,150,Acme
1,4,Ann,2026-03-30T10:00:00,1.5,0,False,,Acme
1,8,Bob,2026-01-20T10:00:00,3,0,False,,{EVIL_CSV}
"""


def _store(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'qbr.db'}"
    engine = store.connect(url)
    for name, text in [("t.csv", TICKETS), ("f.csv", FEEDBACK), ("c.csv", CONTRACTS),
                       ("a.csv", ACTIONS)]:
        path = tmp_path / name
        path.write_text(text)
        assert import_file(engine, path).rows_rejected == 0, name
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    return _store(tmp_path_factory.mktemp("qbr"))


@pytest.fixture(scope="module")
def store_data(url):
    engine = store.connect(url)
    yield kpi_frames.make(store_frames.read(engine), load())
    engine.dispose()


@pytest.fixture(scope="module")
def pack(store_data):
    return qbr.build_pack(store_data, "Acme", "2026Q1", load())


@pytest.fixture(scope="module")
def evil_pack(store_data):
    return qbr.build_pack(store_data, EVIL, "2026Q1", load())


def rows(frame: pd.DataFrame) -> list[dict]:
    """Records with NaN/None as None and floats rounded to 2 places, for comparing."""
    out = []
    for r in frame.to_dict("records"):
        out.append({k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else
                        round(v, 2) if isinstance(v, float) else v) for k, v in r.items()})
    return out


# ---------------------------------------------------------------------------- quarters
def test_quarter_bounds():
    assert qbr.quarter_bounds("2026Q3") == (pd.Timestamp("2026-07-01"),
                                            pd.Timestamp("2026-10-01"))
    assert qbr.quarter_bounds("2025q4") == (pd.Timestamp("2025-10-01"),
                                            pd.Timestamp("2026-01-01"))
    for bad in ("2026Q5", "2026", "Q3 2026", "", "2026-07"):
        with pytest.raises(ValueError, match="is not a quarter like 2026Q3"):
            qbr.quarter_bounds(bad)


def test_quarters_with_data_and_default(store_data):
    # Tickets run from 2025-12-15 to 2026-04-02: Q4 2025 to Q2 2026; the last full
    # quarter before the latest ticket (2026-04-02) is 2026Q1.
    assert qbr.quarters_with_data(store_data) == ["2025Q4", "2026Q1", "2026Q2"]
    assert qbr.default_quarter(store_data) == "2026Q1"


def test_unknown_client_names_a_few_clients(store_data):
    with pytest.raises(ValueError) as info:
        qbr.build_pack(store_data, "Nobody", "2026Q1", load())
    assert str(info.value) == f"no client named 'Nobody'; clients are: {EVIL}, Acme"


# ---------------------------------------------------------------------------- the pack
def test_volume_per_week_clipped_to_the_quarter(pack):
    weeks = pack["volume"]
    # Thu 01-01 to Sun 01-04, then Mondays 01-05 .. 03-30 (03-30 to 03-31 inclusive).
    assert list(weeks["week"]) == ["2026-01-01", "2026-01-05", "2026-01-12", "2026-01-19",
                                   "2026-01-26", "2026-02-02", "2026-02-09", "2026-02-16",
                                   "2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16",
                                   "2026-03-23", "2026-03-30"]
    got = {r["week"]: (r["opened"], r["closed"]) for r in rows(weeks)
           if r["opened"] or r["closed"]}
    # Opened: #2 (01-05), #3 (02-10), #4 and #5 (03-30, 03-31); #1 before, #6 after.
    # Closed: #1 (01-02), #2 (01-07), #3 (02-11); #5 closed 04-01 08:00 is next quarter.
    assert got == {"2026-01-01": (0, 1), "2026-01-05": (1, 1), "2026-02-09": (1, 1),
                   "2026-03-30": (2, 0)}


def test_sla_compliance(pack):
    # Response in the quarter: #2 09:30 <= 10:00 met (P2); #3 12:00 > 11:00 missed (P3);
    # #4 met (P3); #5 met (P4). #1 responded in December: not counted.
    # Resolution in the quarter: #1 01-02 <= 01-05 met (P3); #2 01-07 > 01-06 missed (P2);
    # #3 02-11 <= 02-12 met (P3). #4 is open; #5 is done after the quarter.
    assert rows(pack["sla"]) == [
        {"priority": "P2", "response_n": 1, "response_met": 1, "response_percent": 100.0,
         "resolution_n": 1, "resolution_met": 0, "resolution_percent": 0.0},
        {"priority": "P3", "response_n": 2, "response_met": 1, "response_percent": 50.0,
         "resolution_n": 2, "resolution_met": 2, "resolution_percent": 100.0},
        {"priority": "P4", "response_n": 1, "response_met": 1, "response_percent": 100.0,
         "resolution_n": 0, "resolution_met": 0, "resolution_percent": None},
        {"priority": "All priorities", "response_n": 4, "response_met": 3,
         "response_percent": 75.0, "resolution_n": 3, "resolution_met": 2,
         "resolution_percent": 66.67},
    ]


def test_csat(pack):
    # 1-5 scale: 4-5 positive, 3 neutral, 1-2 negative. December's 5 is not counted.
    # Jan: 5 -> 1/1; Feb: 2 and 3 -> 0 of 2; Mar: 4 -> 1/1; quarter 2 of 4 = 50 %.
    assert rows(pack["csat"]) == [
        {"period": "2026-01", "responses": 1, "positive": 1, "neutral": 0, "negative": 0,
         "percent_positive": 100.0, "small_n": True},
        {"period": "2026-02", "responses": 2, "positive": 0, "neutral": 1, "negative": 1,
         "percent_positive": 0.0, "small_n": True},
        {"period": "2026-03", "responses": 1, "positive": 1, "neutral": 0, "negative": 0,
         "percent_positive": 100.0, "small_n": True},
        {"period": "Quarter", "responses": 4, "positive": 2, "neutral": 1, "negative": 1,
         "percent_positive": 50.0, "small_n": True},
    ]


def test_top_categories(pack):
    # Created in the quarter: #2 Email, #3 Email, #4 Printer, #5 no category.
    assert rows(pack["categories"]) == [
        {"category": "Email", "tickets": 2, "share": 50.0},
        {"category": "Printer", "tickets": 1, "share": 25.0},
        {"category": "Uncategorised", "tickets": 1, "share": 25.0},
    ]


def test_hours_against_agreement(pack):
    # A1 $1,000 a month all quarter; A2 $900 a quarter = $300 a month from 02-01; A4 ended
    # 2025-12-31. Hours: Jan 4 (Bob), Feb 2 (Ann, billable 2 h x $150 = $300), Mar 1.5.
    assert rows(pack["hours"]) == [
        {"month": "2026-01", "hours": 4.0, "recurring_revenue": 1000.0,
         "labor_revenue": 0.0, "revenue": 1000.0, "revenue_per_hour": 250.0},
        {"month": "2026-02", "hours": 2.0, "recurring_revenue": 1300.0,
         "labor_revenue": 300.0, "revenue": 1600.0, "revenue_per_hour": 800.0},
        {"month": "2026-03", "hours": 1.5, "recurring_revenue": 1300.0,
         "labor_revenue": 0.0, "revenue": 1300.0, "revenue_per_hour": 866.67},
        # 3,900 / 7.5 h = 520.
        {"month": "Quarter", "hours": 7.5, "recurring_revenue": 3600.0,
         "labor_revenue": 300.0, "revenue": 3900.0, "revenue_per_hour": 520.0},
    ]
    assert rows(pack["agreements"]) == [
        {"agreement_id": "A1", "name": "Managed", "type": "managed",
         "monthly_revenue": 1000.0, "start_date": "2025-01-01", "end_date": None},
        {"agreement_id": "A2", "name": "Block 10h", "type": "block",
         "monthly_revenue": 300.0, "start_date": "2026-02-01", "end_date": "2026-06-30"},
    ]


def test_tier_and_its_movement(pack, evil_pack):
    # Window Oct-Dec 2025 (cut-off 2026-01-01): Acme 3 x (1,000 + 500) = 4,500 for 3 h;
    # the other client 3 x 2,000 = 6,000 for 12 h. All: 10,500 for 15 h; median 5,250.
    # Acme (3/4500)/(15/10500) = 0.47, below the median -> Steady; the other
    # (12/6000)/(15/10500) = 1.4, at or above -> Demanding.
    # Window Jan-Mar 2026 (cut-off 04-01): Acme 3,900 for 7.5 h; the other 6,000 for 3 h.
    # All 9,900 for 10.5 h; median 4,950. Acme (7.5/3900)/(10.5/9900) = 1.81 -> Reprice;
    # the other (3/6000)/(10.5/9900) = 0.47 -> Core.
    assert rows(pack["tier"]) == [
        {"as_of": "previous quarter end", "cutoff": "2026-01-01", "revenue": 4500.0,
         "hours": 3.0, "effort_index": 0.47, "tier": "Steady"},
        {"as_of": "quarter end", "cutoff": "2026-04-01", "revenue": 3900.0, "hours": 7.5,
         "effort_index": 1.81, "tier": "Reprice"},
    ]
    assert pack["tier_movement"] == "Steady -> Reprice"
    assert evil_pack["tier_movement"] == "Demanding -> Core"


def test_summary_and_ticket_list(pack):
    assert pack["summary"] == {
        "client": "Acme", "quarter": "2026Q1", "tickets_opened": 4, "tickets_closed": 3,
        "response_percent": 75.0, "response_n": 4,
        "resolution_percent": pytest.approx(200 / 3), "resolution_n": 3,
        "csat_percent_positive": 50.0, "csat_responses": 4, "hours": 7.5,
        "revenue": 3900.0, "tier": "Reprice", "previous_tier": "Steady",
        "tier_movement": "Steady -> Reprice"}
    assert (pack["start"], pack["end"]) == ("2026-01-01", "2026-03-31")
    tickets = pack["tickets"]
    assert list(tickets["ticket_id"]) == ["2", "3", "4", "5"]
    # #5 closed 04-01 08:00, after the quarter: blank, like the still-open #4.
    assert [None if pd.isna(v) else v for v in tickets["done"]] == ["2026-01-07 09:00", "2026-02-11 09:00", None, None]


def test_without_money_drops_revenue(pack):
    bare = qbr.without_money(pack)
    assert list(bare["hours"].columns) == ["month", "hours"]
    assert "monthly_revenue" not in bare["agreements"] and "revenue" not in bare["tier"]
    assert "revenue" not in bare["summary"]
    assert "revenue" in pack["summary"]  # the original is untouched


# ---------------------------------------------------------------------------- workbook
def _sheet_rows(ws) -> list[tuple]:
    return [tuple(c.value for c in r) for r in ws.iter_rows()]


def test_workbook_holds_the_pack(pack, tmp_path):
    path = tmp_path / "acme.xlsx"
    render_xlsx.to_workbook(pack, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Volume", "SLA", "CSAT", "Categories", "Hours",
                             "Agreements", "Tier", "Tickets"]
    summary = {r[0]: r[1] for r in _sheet_rows(wb["Summary"])[2:]}
    assert summary["Client"] == "Acme" and summary["Tickets opened"] == 4
    assert summary["Response SLA %"] == 75 and summary["Tier movement"] == "Steady -> Reprice"
    assert wb["Summary"]["A1"].value == "QBR 2026Q1 - Acme (2026-01-01 to 2026-03-31)"

    hours = wb["Hours"]
    assert hours["A1"].value == "Hours against agreement - Acme, 2026Q1"
    assert _sheet_rows(hours)[1] == ("Month", "Hours worked", "Agreement revenue",
                                     "Billed labour", "Revenue", "Revenue per hour")
    assert _sheet_rows(hours)[2:] == [
        ("2026-01", 4, 1000, 0, 1000, 250), ("2026-02", 2, 1300, 300, 1600, 800),
        ("2026-03", 1.5, 1300, 0, 1300, pytest.approx(866.6667, abs=1e-3)),
        ("Quarter", 7.5, 3600, 300, 3900, 520)]
    assert hours["C3"].number_format == '"$"#,##0.00'
    assert hours["B3"].number_format == "#,##0.00"
    assert hours["A2"].font.bold

    sla = _sheet_rows(wb["SLA"])
    assert sla[2:] == [("P2", 1, 1, 100, 1, 0, 0), ("P3", 2, 1, 50, 2, 2, 100),
                       ("P4", 1, 1, 100, 0, 0, None),
                       ("All priorities", 4, 3, 75, 3, 2, pytest.approx(200 / 3))]
    assert wb["SLA"]["D3"].number_format == '0.0"%"'
    assert _sheet_rows(wb["Categories"])[2:] == [("Email", 2, 50), ("Printer", 1, 25),
                                                 ("Uncategorised", 1, 25)]
    assert _sheet_rows(wb["CSAT"])[-1] == ("Quarter", 4, 2, 1, 1, 50, True)
    assert _sheet_rows(wb["Tier"])[2:] == [
        ("previous quarter end", "2026-01-01", 4500, 3, pytest.approx(7 / 15), "Steady"),
        ("quarter end", "2026-04-01", 3900, 7.5, pytest.approx(74250 / 40950), "Reprice")]
    volume = wb["Volume"]
    assert len(_sheet_rows(volume)) == 2 + 14
    assert volume._charts and type(volume._charts[0]).__name__ == "BarChart"
    assert [r[3] for r in _sheet_rows(wb["Tickets"])[2:]] == ["P2", "P3", "P3", "P4"]


def test_workbook_without_money_has_no_revenue(pack):
    buffer = io.BytesIO()
    render_xlsx.to_workbook(qbr.without_money(pack), buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    assert _sheet_rows(wb["Hours"])[1] == ("Month", "Hours worked")
    assert "Revenue" not in {r[0] for r in _sheet_rows(wb["Summary"])}


def test_text_from_the_data_never_becomes_a_formula(evil_pack, tmp_path):
    path = tmp_path / "evil.xlsx"
    render_xlsx.to_workbook(evil_pack, path)
    wb = load_workbook(path)
    client = wb["Summary"]["B3"]
    assert (client.value, client.data_type) == (EVIL, "s")
    tickets = wb["Tickets"]
    assert [c.value for c in tickets["G"]][2:] == [PLUS, AT]
    cells = [tickets["G3"], tickets["G4"], tickets["E3"], tickets["E4"]]
    assert [c.value for c in cells] == [PLUS, AT, AT, "-Printer"]
    assert all(c.data_type == "s" for c in cells)
    categories = {r[0] for r in _sheet_rows(wb["Categories"])[2:]}
    assert categories == {AT, "-Printer"}
    # Nowhere in the workbook is there a formula.
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row), ws.title
    # And in the raw XML no <f> element exists.
    import zipfile
    with zipfile.ZipFile(path) as z:
        assert not any(re.search(rb"<f[ >]", z.read(n)) for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


# ---------------------------------------------------------------------------- PDF
def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_pdf(pack, evil_pack):
    for p in (pack, evil_pack, qbr.without_money(pack)):
        buffer = io.BytesIO()
        render_pdf.to_pdf(p, buffer)
        pdf = buffer.getvalue()
        assert pdf.startswith(b"%PDF") and _pages(pdf) > 0


def test_pdf_of_a_quarter_without_data(store_data):
    empty = qbr.build_pack(store_data, "Acme", "2024Q2", load())
    assert empty["summary"]["tickets_opened"] == 0
    assert empty["summary"]["response_percent"] is None
    buffer = io.BytesIO()
    render_pdf.to_pdf(empty, buffer)
    render_xlsx.to_workbook(empty, io.BytesIO())
    assert buffer.getvalue().startswith(b"%PDF")


# ---------------------------------------------------------------------------- CLI
def _run(url, *args):
    return subprocess.run([sys.executable, "-m", "kpi", "qbr", "--db", url, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_writes_both_formats(url, tmp_path):
    for name in ("acme.xlsx", "acme.pdf"):
        out = tmp_path / name
        done = _run(url, "--client", "Acme", "--quarter", "2026Q1", "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 0
    wb = load_workbook(tmp_path / "acme.xlsx")
    assert wb["Summary"]["B3"].value == "Acme"
    assert (tmp_path / "acme.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("args, message", [
    (("--client", "Nobody", "--quarter", "2026Q1", "--out", "x.xlsx"),
     f"error: no client named 'Nobody'; clients are: {EVIL}, Acme"),
    (("--client", "Acme", "--quarter", "2026Q5", "--out", "x.pdf"),
     "error: '2026Q5' is not a quarter like 2026Q3"),
    (("--client", "Acme", "--quarter", "2026Q1", "--out", "x.docx"),
     "error: --out must end in .xlsx or .pdf, not 'x.docx'."),
])
def test_cli_errors_are_one_plain_line(url, tmp_path, args, message):
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    done = _run(url, *args)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [message]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not list(tmp_path.glob("x.*"))
