"""The QBR pack (kpi.qbr), its workbook and PDF (kpi.render.xlsx, kpi.render.pdf) and
`python -m kpi qbr`: a tiny MSP whose every number was worked out by hand, imported
through the real loaders (HaloPSA exports) into a SQLite store."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from openpyxl import load_workbook

from kpi import frames as kpi_frames, qbr
from kpi.render import pdf as render_pdf, xlsx as render_xlsx
from loaders import store
from loaders.importer import import_file
from loaders.settings import load
from loaders.store import frames as store_frames
from tests.conftest import ROOT
from tests.kpi_frames import frames

EVIL = '=HYPERLINK("http://x","Acme")'
EVIL_CSV = '"=HYPERLINK(""http://x"",""Acme"")"'
PLUS = "+cmd|' /C calc'!A0"
AT = "@SUM(1)"

# Quarter 2026Q1: Thu 2026-01-01 00:00 to Wed 2026-04-01 00:00; the quarter before, 2025Q4,
# from 2025-10-01. The PSA's own due times (respondbydate / fixbydate) are given, so SLA
# results are read straight off the rows; #12 carries the PSA's own verdict (slastate
# "Out": late, though it was done before its fixbydate), which wins.
TICKETS = f"""id,summary,client_name,team,agent_name,status_name,priority_id,category_1,dateoccurred,responsedate,respondbydate,fixbydate,dateclosed,slastate,reopen_count
1,Mail down,Acme,Desk,Ann,Closed,3,Email,2025-12-15T09:00:00,2025-12-15T09:30:00,2025-12-15T10:00:00,2026-01-05T09:00:00,2026-01-02T10:00:00,,0
2,Password reset,Acme,Desk,Ann,Closed,2,Email,2026-01-05T09:00:00,2026-01-05T09:30:00,2026-01-05T10:00:00,2026-01-06T09:00:00,2026-01-07T09:00:00,,0
3,Outlook slow,Acme,Desk,Bob,Closed,3,Email,2026-02-10T09:00:00,2026-02-10T12:00:00,2026-02-10T11:00:00,2026-02-12T09:00:00,2026-02-11T09:00:00,,0
4,Printer jam,Acme,Desk,Bob,In Progress,3,Printer,2026-03-30T09:00:00,2026-03-30T09:10:00,2026-03-30T10:00:00,2026-03-31T09:00:00,,,0
5,VPN slow,Acme,Desk,Ann,Closed,4,,2026-03-31T10:00:00,2026-03-31T10:30:00,2026-03-31T11:00:00,2026-04-03T09:00:00,2026-04-01T08:00:00,,0
6,Next quarter,Acme,Desk,Ann,New,3,Email,2026-04-02T09:00:00,,,,,,0
7,"{PLUS}",{EVIL_CSV},Desk,Bob,Closed,3,{AT},2026-02-02T10:00:00,2026-02-02T10:05:00,2026-02-02T11:00:00,2026-02-04T10:00:00,2026-02-03T10:00:00,,0
8,{AT},{EVIL_CSV},Desk,Bob,Closed,3,-Printer,2026-02-03T10:00:00,2026-02-03T10:05:00,2026-02-03T11:00:00,2026-02-05T10:00:00,2026-02-04T10:00:00,,0
9,Old printer,Acme,Desk,Ann,Closed,3,Printer,2025-11-03T09:00:00,2025-11-03T09:20:00,2025-11-03T10:00:00,2025-11-05T09:00:00,2025-11-04T09:00:00,,0
10,Printer again,Acme,Desk,Ann,Closed,3,Printer,2025-11-10T09:00:00,2025-11-10T09:15:00,2025-11-10T10:00:00,2025-11-12T09:00:00,2025-11-13T09:00:00,,1
11,Duplicate of 3,Acme,Desk,Bob,Cancelled,3,Email,2026-02-10T09:05:00,,,,2026-02-10T10:00:00,,0
12,Server down,Acme,Desk,Ann,Closed,1,Server,2026-03-02T09:00:00,2026-03-02T09:30:00,2026-03-02T10:00:00,2026-03-02T17:00:00,2026-03-02T15:00:00,Out,1
"""
FEEDBACK = """id,ticket_id,client_name,agent_name,score,date,comment
1,1,Acme,Ann,5,2025-12-20T10:00:00,
2,2,Acme,Ann,5,2026-01-08T10:00:00,
3,3,Acme,Bob,2,2026-02-12T10:00:00,Took two days.
4,3,Acme,Bob,3,2026-02-13T10:00:00,
5,4,Acme,Bob,4,2026-03-31T10:00:00,=1+1 thanks
"""
# A2: a block of 30 hours a quarter (10 a month) from 2026-02-15, half of February.
CONTRACTS = f"""ref,client_name,contract_name,contract_type,periodchargeamount,costperperiod,billingperiod,start_date,end_date,chargehoursperperiod
A1,Acme,Managed,Managed Services,"$1,000.00",$100.00,Monthly,2025-01-01,,
A2,Acme,Block 10h,Block Hours,$900.00,$0.00,Quarterly,2026-02-15,2026-06-30,30
A3,{EVIL_CSV},Managed,Managed Services,"$2,000.00",$200.00,Monthly,2025-01-01,,
A4,Acme,Old plan,Managed Services,$500.00,$50.00,Monthly,2024-01-01,2025-12-31,
"""
ACTIONS = f"""id,ticket_id,who,datetime,timetaken,actionchargehours,actisbillable,chargerate,client_name
1,1,Ann,2025-11-10T10:00:00,3,0,False,,Acme
1,7,Bob,2025-11-12T10:00:00,12,0,False,,{EVIL_CSV}
1,2,Bob,2026-01-07T10:00:00,4,0,False,,Acme
1,3,Ann,2026-02-11T10:00:00,2,2,True,150,Acme
1,4,Ann,2026-03-30T10:00:00,1.5,0,False,,Acme
1,12,Ann,2026-03-02T15:00:00,12,0,False,,Acme
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
    """The internal pack: every number, money included."""
    return qbr.build_pack(store_data, "Acme", "2026Q1", load(), audience="internal")


@pytest.fixture(scope="module")
def client_pack(store_data):
    return qbr.build_pack(store_data, "Acme", "2026Q1", load())


@pytest.fixture(scope="module")
def evil_pack(store_data):
    return qbr.build_pack(store_data, EVIL, "2026Q1", load(), audience="internal")


def rows(frame: pd.DataFrame) -> list[dict]:
    """Records with NaN/None as None and floats rounded to 2 places, for comparing."""
    out = []
    for r in frame.to_dict("records"):
        out.append({k: (None if v is None or (not isinstance(v, str) and pd.isna(v)) else
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
    # Thu 01-01 to Sun 01-04 (4 days), then Mondays 01-05 .. 03-30 (Mon 30 and Tue 31).
    assert [w.date().isoformat() for w in weeks["week_from"]] == [
        "2026-01-01", "2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26", "2026-02-02",
        "2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16",
        "2026-03-23", "2026-03-30"]
    assert list(weeks["days_in_quarter"]) == [4] + [7] * 12 + [2]
    got = {r["week_from"].date().isoformat(): (r["opened"], r["closed"], r["cancelled"])
           for r in rows(weeks) if r["opened"] or r["closed"] or r["cancelled"]}
    # Opened: #2 (01-05), #3 and #11 (02-10), #12 (03-02), #4 and #5 (03-30, 03-31).
    # Closed: #1 (01-02), #2 (01-07), #3 (02-11), #12 (03-02); #5 closed 04-01 08:00 is
    # next quarter's. #11 was cancelled on 02-10: neither closed nor resolved.
    assert got == {"2026-01-01": (0, 1, 0), "2026-01-05": (1, 1, 0),
                   "2026-02-09": (2, 1, 1), "2026-03-02": (1, 1, 0), "2026-03-30": (2, 0, 0)}
    assert pack["partial_weeks"] == [(pd.Timestamp("2026-01-01"), 4),
                                     (pd.Timestamp("2026-03-30"), 2)]


def test_tickets_per_month_and_quarter(pack):
    # The quarter before (2025Q4): #9 (11-03) and #10 (11-10) opened and closed in
    # November, #1 opened 12-15 (closed in January).
    assert [(r["month_start"] if isinstance(r["month_start"], str)
             else r["month_start"].strftime("%Y-%m"), r["opened"], r["closed"],
             r["cancelled"]) for r in rows(pack["months"])] == [
        ("2026-01", 1, 2, 0), ("2026-02", 2, 1, 1), ("2026-03", 3, 1, 0),
        ("2026Q1 total", 6, 4, 1), ("2025Q4 total", 3, 2, 0)]


def test_sla_compliance_with_targets_and_whose_clock(pack):
    # Response in the quarter: #12 09:30 <= 10:00 met (P1); #2 09:30 <= 10:00 met (P2);
    # #3 12:00 > 11:00 late, #4 09:10 <= 10:00 met (P3); #5 10:30 <= 11:00 met (P4).
    # #1 was responded to in December; #11 never.
    # Resolution in the quarter: #12 by the PSA's verdict "Out": late (P1), though done
    # 15:00 before its fixbydate 17:00; #2 01-07 > 01-06 late (P2); #1 01-02 <= 01-05 and
    # #3 02-11 <= 02-12 met (P3). #11 cancelled: not counted. #4 open, #5 done after.
    # The quarter before: #9, #10 and #1 responded within 20, 15 and 30 minutes of a
    # 1-hour due time: 3 of 3; resolved: #9 11-04 <= 11-05 met, #10 11-13 > 11-12 late.
    # Targets: the defaults (response 1, 2, 4, 8 h; resolution 4, 8, 24, 72 h).
    assert rows(pack["sla"]) == [
        {"priority": "P1", "response_target_hours": 1.0, "response_n": 1, "response_met": 1,
         "response_percent": 100.0, "previous_response_percent": None,
         "resolution_target_hours": 4.0, "resolution_n": 1, "resolution_met": 0,
         "resolution_percent": 0.0, "previous_resolution_percent": None, "judged_by": "PSA"},
        {"priority": "P2", "response_target_hours": 2.0, "response_n": 1, "response_met": 1,
         "response_percent": 100.0, "previous_response_percent": None,
         "resolution_target_hours": 8.0, "resolution_n": 1, "resolution_met": 0,
         "resolution_percent": 0.0, "previous_resolution_percent": None, "judged_by": "PSA"},
        {"priority": "P3", "response_target_hours": 4.0, "response_n": 2, "response_met": 1,
         "response_percent": 50.0, "previous_response_percent": 100.0,
         "resolution_target_hours": 24.0, "resolution_n": 2, "resolution_met": 2,
         "resolution_percent": 100.0, "previous_resolution_percent": 50.0,
         "judged_by": "PSA"},
        {"priority": "P4", "response_target_hours": 8.0, "response_n": 1, "response_met": 1,
         "response_percent": 100.0, "previous_response_percent": None,
         "resolution_target_hours": 72.0, "resolution_n": 0, "resolution_met": 0,
         "resolution_percent": None, "previous_resolution_percent": None,
         "judged_by": "PSA"},
        # 4 of 5 responses = 80 %; 2 of 4 resolutions = 50 %; before: 3/3 and 1/2.
        {"priority": "All priorities", "response_target_hours": None, "response_n": 5,
         "response_met": 4, "response_percent": 80.0, "previous_response_percent": 100.0,
         "resolution_target_hours": None, "resolution_n": 4, "resolution_met": 2,
         "resolution_percent": 50.0, "previous_resolution_percent": 50.0,
         "judged_by": "PSA"},
    ]
    assert pack["sla_notes"][1:] == [
        "Resolution: of 4, 1 by the PSA's own SLA verdict and 3 against the PSA's due time.",
        "Response: all 5 judged against the PSA's due time."]
    assert pack["sla_notes"][0].startswith(
        "Targets are business hours (Mon–Fri 08:00–17:00, UTC)")


def test_sla_judged_by_computed_due_times(store_data):
    # Without the PSA's due times, every ticket is judged against the settings' targets.
    bare = dataclasses.replace(store_data, tickets=store_data.tickets.assign(
        response_due_at=pd.NaT, resolution_due_at=pd.NaT,
        sla_met=pd.array([None] * len(store_data.tickets), dtype="boolean")))
    sla = qbr.build_pack(bare, "Acme", "2026Q1", load())["sla"]
    assert set(sla["judged_by"]) == {"targets"}


def test_csat(pack):
    # 1-5 scale: 4-5 positive, 3 neutral, 1-2 negative. December's 5 is the quarter
    # before's. Jan: 5 -> 1/1; Feb: 2 and 3 -> 0 of 2; Mar: 4 -> 1/1; quarter 2 of 4 = 50 %.
    assert [(r["responses"], r["positive"], r["neutral"], r["negative"],
             r["percent_positive"], r["csat_note"]) for r in rows(pack["csat"])] == [
        (1, 1, 0, 0, 100.0, "fewer than 10 responses"),
        (2, 0, 1, 1, 0.0, "fewer than 10 responses"),
        (1, 1, 0, 0, 100.0, "fewer than 10 responses"),
        (4, 2, 1, 1, 50.0, "fewer than 10 responses"),
        (1, 1, 0, 0, 100.0, "fewer than 10 responses")]
    assert list(pack["csat"]["month_start"][3:]) == ["2026Q1 total", "2025Q4 total"]
    assert [(r["ticket_id"], r["rating"], r["comment"]) for r in rows(pack["comments"])] == [
        ("3", "negative", "Took two days."), ("4", "positive", "=1+1 thanks")]


def test_top_categories_against_the_quarter_before(pack):
    # Created in the quarter: #2, #3, #11 Email; #4 Printer; #12 Server; #5 none (6).
    # Before: #9, #10 Printer; #1 Email.
    assert rows(pack["categories"]) == [
        {"category": "Email", "tickets": 3, "share": 50.0, "previous_tickets": 1,
         "tickets_change": 2},
        {"category": "Printer", "tickets": 1, "share": 16.67, "previous_tickets": 2,
         "tickets_change": -1},
        {"category": "Server", "tickets": 1, "share": 16.67, "previous_tickets": 0,
         "tickets_change": 1},
        {"category": "Uncategorised", "tickets": 1, "share": 16.67, "previous_tickets": 0,
         "tickets_change": 1},
    ]


def test_hours_against_included_hours(pack):
    # A2 includes 30 h a quarter = 10 h a month from 02-15: February has 14 of its 28 days
    # (5 h), March 10 h; January none. Hours: Jan 4, Feb 2, Mar 1.5 + 12 = 13.5.
    # Feb: 5 − 2 = 3 left. Mar: 13.5 − 10 = 3.5 over. Quarter: 15 included, 3 left,
    # 3.5 over (on the block's months 15 − 15.5 = 3 − 3.5). Money (internal): A1 $1,000 a
    # month; A2 $900 a quarter = $300 a month, half of it in February; Feb's 2 billable
    # hours at $150. The quarter before: 3 h (11-10), A1 + A4 = $1,500 a month, no block.
    assert rows(pack["hours"]) == [
        {"month_start": pd.Timestamp("2026-01-01"), "hours": 4.0, "included_hours": None,
         "remaining_hours": None, "overage_hours": None, "recurring_revenue": 1000.0,
         "labor_revenue": 0.0, "revenue": 1000.0, "revenue_per_hour": 250.0},
        {"month_start": pd.Timestamp("2026-02-01"), "hours": 2.0, "included_hours": 5.0,
         "remaining_hours": 3.0, "overage_hours": 0.0, "recurring_revenue": 1150.0,
         "labor_revenue": 300.0, "revenue": 1450.0, "revenue_per_hour": 725.0},
        # 1,300 / 13.5 = 96.30
        {"month_start": pd.Timestamp("2026-03-01"), "hours": 13.5, "included_hours": 10.0,
         "remaining_hours": 0.0, "overage_hours": 3.5, "recurring_revenue": 1300.0,
         "labor_revenue": 0.0, "revenue": 1300.0, "revenue_per_hour": 96.3},
        # 3,750 / 19.5 = 192.31
        {"month_start": "2026Q1 total", "hours": 19.5, "included_hours": 15.0,
         "remaining_hours": 3.0, "overage_hours": 3.5, "recurring_revenue": 3450.0,
         "labor_revenue": 300.0, "revenue": 3750.0, "revenue_per_hour": 192.31},
        {"month_start": "2025Q4 total", "hours": 3.0, "included_hours": None,
         "remaining_hours": None, "overage_hours": None, "recurring_revenue": 4500.0,
         "labor_revenue": 0.0, "revenue": 4500.0, "revenue_per_hour": 1500.0},
    ]
    assert rows(pack["agreements"]) == [
        {"agreement_id": "A1", "name": "Managed", "type": "managed", "included_hours": None,
         "monthly_revenue": 1000.0, "start_date": pd.Timestamp("2025-01-01"), "end_date": None},
        {"agreement_id": "A2", "name": "Block 10h", "type": "block", "included_hours": 10.0,
         "monthly_revenue": 300.0, "start_date": pd.Timestamp("2026-02-15"),
         "end_date": pd.Timestamp("2026-06-30")},
    ]


def test_included_hours_accrue_by_day():
    # 20 h a month from Wed 2026-07-15 (17 of July's 31 days: 20 x 17 / 31 = 10.97) to
    # 2026-08-10 (10 of August's 31 days: 6.45); a second block of 6 h a month all July.
    agreements = frames(agreements=[
        {"agreement_id": "B1", "client": "X", "name": "Block", "type": "block",
         "included_hours": 20.0, "start_date": "2026-07-15", "end_date": "2026-08-10"},
        {"agreement_id": "B2", "client": "X", "name": "Bank", "type": "block",
         "included_hours": 6.0, "start_date": "2026-01-01", "end_date": "2026-07-31"},
        {"agreement_id": "M1", "client": "X", "name": "Managed", "type": "managed",
         "start_date": "2026-01-01"}]).agreements
    out = qbr.included_by_month(agreements, [pd.Timestamp("2026-07-01"),
                                             pd.Timestamp("2026-08-01")])
    got = {(r["month"], r["agreement_id"]): round(r["included_hours"], 2)
           for r in out.to_dict("records")}
    assert got == {("2026-07", "B1"): 10.97, ("2026-08", "B1"): 6.45,
                   ("2026-07", "B2"): 6.0}


def test_tier_and_its_movement(pack, evil_pack):
    # Window Oct-Dec 2025 (cut-off 2026-01-01): Acme 3 x (1,000 + 500) = 4,500 for 3 h;
    # the other client 3 x 2,000 = 6,000 for 12 h. All: 10,500 for 15 h; median 5,250.
    # Acme (3/4500)/(15/10500) = 0.47, below the median -> Steady; the other
    # (12/6000)/(15/10500) = 1.4 -> Demanding.
    # Window Jan-Mar 2026 (cut-off 04-01): Acme 3,750 for 19.5 h; the other 6,000 for 3 h.
    # All 9,750 for 22.5 h; median 4,875. Acme (19.5/3750)/(22.5/9750) = 2.25 -> Reprice;
    # the other (3/6000)/(22.5/9750) = 0.22 -> Core.
    assert rows(pack["tier"]) == [
        {"as_of": "quarter start", "as_of_date": pd.Timestamp("2026-01-01"), "revenue": 4500.0,
         "hours": 3.0, "effort_index": 0.47, "tier": "Steady"},
        {"as_of": "quarter end", "as_of_date": pd.Timestamp("2026-04-01"), "revenue": 3750.0,
         "hours": 19.5, "effort_index": 2.25, "tier": "Reprice"},
    ]
    assert pack["tier_movement"] == "from Steady to Reprice"
    assert evil_pack["tier_movement"] == "from Demanding to Core"


def test_the_quarter_against_the_one_before(pack):
    # Open at the end (04-01): #4 (open) and #5 (done 04-01 08:00); at the start: #1.
    # Medians: responses 10 min, 30, 30, 30 min and 3 h -> 0.5 h; before 20, 15, 30 min ->
    # 20 min. Resolutions #12 6 h, #3 24 h, #2 48 h, #1 433 h -> 36 h; before 24 and 72 h
    # -> 48 h. Reopened: #12 of the quarter's done tickets; #10 of the quarter before's.
    got = {m: (q, p, c) for m, q, p, c in pack["comparison"].itertuples(index=False)}
    assert got == {
        "tickets_opened": (6, 3, 3), "tickets_closed": (4, 2, 2),
        "tickets_cancelled": (1, 0, 1), "tickets_open_at_end": (2, 1, 1),
        "response_percent": (80.0, 100.0, -20.0), "response_n": (5, 3, 2),
        "resolution_percent": (50.0, 50.0, 0.0), "resolution_n": (4, 2, 2),
        "response_median_hours": (0.5, pytest.approx(1 / 3), pytest.approx(1 / 6)),
        "resolution_median_hours": (36.0, 48.0, -12.0), "reopened": (1, 1, 0),
        "csat_percent_positive": (50.0, 100.0, -50.0), "csat_responses": (4, 1, 3),
        "hours": (19.5, 3.0, 16.5), "included_hours": (15.0, None, None),
        "overage_hours": (3.5, None, None), "revenue": (3750.0, 4500.0, -750.0),
        "effective_hourly_rate": (pytest.approx(3750 / 19.5), 1500.0,
                                  pytest.approx(3750 / 19.5 - 1500)),
        "effort_index": (pytest.approx(2.2533, abs=1e-4), pytest.approx(7 / 15),
                         pytest.approx(2.2533 - 7 / 15, abs=1e-4)),
        "tier": ("Reprice", "Steady", "from Steady to Reprice")}
    # the totals agree: closed = the resolution SLA's n = the weeks' and months' sums
    s = pack["summary"]
    assert s["tickets_closed"] == s["resolution_n"] == pack["volume"]["closed"].sum() \
        == pack["months"]["closed"].iloc[3]
    assert s["tickets_opened"] == pack["volume"]["opened"].sum()


def test_what_changed(pack, client_pack):
    expected = [
        # opened 3 -> 6 (doubled); closed 4 (#1, #2, #3, #12), cancelled 1 (#11)
        "Tickets opened doubled, from 3 to 6; 4 were resolved or closed and 1 cancelled.",
        "Resolution compliance stayed at 50%; response compliance fell from 100% to 80%.",
        "CSAT fell from 100% to 50% positive (4 responses; 1 the quarter before); with "
        "fewer than 10 responses, read it with care.",
        # February and March have the block: 15.5 h worked of 15 included, March 3.5 over
        "Hours worked went over the included hours in March: 3.50 h over in all "
        "(15.50 h worked, 15.00 h included, in the months with a block agreement).",
        # no category moved by 3 or more (Email 1 -> 3)
    ]
    assert pack["sentences"] == expected
    assert client_pack["sentences"] == expected


def test_ticket_list_and_the_notable_tickets(pack):
    tickets = pack["tickets"]
    # Opened, responded to or done in the quarter, or open at its end, oldest first.
    assert list(tickets["ticket_id"]) == ["1", "2", "3", "11", "12", "4", "5"]
    assert [None if pd.isna(v) else v.strftime("%m-%d %H:%M") for v in tickets["done_at"]] \
        == ["01-02 10:00", "01-07 09:00", "02-11 09:00", None, "03-02 15:00", None, None]
    assert list(tickets["response_sla"]) == [None, "on time", "late", None, "on time",
                                             "on time", "on time"]
    # #4 was still open at the end, past its fixbydate 03-31 09:00
    assert list(tickets["resolution_sla"]) == ["on time", "late", "on time", None, "late",
                                               "past due", None]
    # P1/P2 (#2, #12), reopened (#12), late (#2, #3, #12) or past due (#4)
    assert list(pack["notable"]["ticket_id"]) == ["2", "3", "12", "4"]


def test_the_clients_pack_holds_nothing_internal(store_data, pack, client_pack):
    for key in qbr.TABLES:
        if key in client_pack:
            assert not set(client_pack[key].columns) & qbr.INTERNAL_COLUMNS, key
    assert "tier" not in client_pack and "tier_movement" not in client_pack
    assert not set(client_pack["summary"]) & qbr.INTERNAL_COLUMNS
    assert not set(client_pack["comparison"]["measure"]) & qbr.INTERNAL_COLUMNS
    assert client_pack["audience"] == "client" and not client_pack["with_money"]
    # the same numbers otherwise
    assert client_pack["summary"] == {k: v for k, v in pack["summary"].items()
                                      if k not in qbr.INTERNAL_COLUMNS}
    with pytest.raises(ValueError, match="audience must be client or internal"):
        qbr.build_pack(store_data, "Acme", "2026Q1", load(), "press")


def test_without_money_keeps_the_tier(pack):
    bare = qbr.without_money(pack)
    assert list(bare["hours"].columns) == ["month_start", "hours", "included_hours",
                                           "remaining_hours", "overage_hours"]
    assert "monthly_revenue" not in bare["agreements"] and "revenue" not in bare["tier"]
    assert "revenue" not in bare["summary"] and bare["summary"]["tier"] == "Reprice"
    assert "revenue" in pack["summary"]  # the original is untouched


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 150),
                          st.sampled_from(["closed", "resolved", "cancelled", "open"])),
                max_size=25))
def test_totals_agree(specs):
    """Open at the end = open at the start + opened − closed − cancelled; closed = the
    resolution SLA's n (every priority has a target); the weeks add up to the quarter."""
    base = pd.Timestamp("2026-05-01")
    tickets = []
    for i, (created_day, days_open, status) in enumerate(specs):
        created = base + pd.Timedelta(days=created_day, hours=9)
        done = None if status == "open" else created + pd.Timedelta(days=days_open)
        tickets.append({"source_system": "t", "ticket_id": str(i), "client": "X",
                        "priority": "P3", "status_class": status, "created_at": created,
                        "resolved_at": done if status == "resolved" else None,
                        "closed_at": done if status in ("closed", "cancelled") else None})
    data = frames(tickets=tickets or None, agreements=[{"agreement_id": "a", "client": "X"}])
    p = qbr.build_pack(data, "X", "2026Q3", load())
    now, before = p["summary"], p["previous"]
    start = pd.Timestamp("2026-07-01")
    open_at_start = sum(1 for t in tickets if t["created_at"] < start and (
        (t["resolved_at"] or t["closed_at"]) is None
        or (t["resolved_at"] or t["closed_at"]) >= start))
    assert before["tickets_open_at_end"] == open_at_start
    assert now["tickets_open_at_end"] == open_at_start + now["tickets_opened"] \
        - now["tickets_closed"] - now["tickets_cancelled"]
    assert now["tickets_closed"] == now["resolution_n"]
    assert p["volume"][["opened", "closed", "cancelled"]].sum().tolist() == [
        now["tickets_opened"], now["tickets_closed"], now["tickets_cancelled"]]
    assert p["volume"]["days_in_quarter"].sum() == 92
    listed = p["tickets"]
    assert (listed["done_at"].notna()).sum() == now["tickets_closed"]


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 91), st.floats(0.25, 30)), max_size=20),
       st.integers(0, 80), st.sampled_from([5.0, 20.0, 40.0]))
def test_hours_left_and_over(entries, start_day, included):
    """Per month and per quarter: included − worked = left − over, both at least 0, one
    of them 0 in a month; the quarter's are its months' sums."""
    start = pd.Timestamp("2026-07-01") + pd.Timedelta(days=start_day)
    data = frames(agreements=[{"agreement_id": "b", "client": "X", "type": "block",
                               "included_hours": included,
                               "start_date": start.date().isoformat()}],
                  time_entries=[{"client": "X", "technician": "T", "hours": h,
                                 "work_date": (pd.Timestamp("2026-07-01")
                                               + pd.Timedelta(days=d)).date().isoformat()}
                                for d, h in entries] or None)
    hours = qbr.build_pack(data, "X", "2026Q3", load())["hours"]
    months = hours.iloc[:3]
    block = months.loc[months["included_hours"].notna()]
    for r in block.itertuples():
        assert r.remaining_hours >= 0 and r.overage_hours >= 0
        assert min(r.remaining_hours, r.overage_hours) == 0
        assert r.included_hours - r.hours == pytest.approx(r.remaining_hours - r.overage_hours)
    total = hours.iloc[3]
    if len(block):
        assert total["included_hours"] == pytest.approx(block["included_hours"].sum())
        assert total["overage_hours"] == pytest.approx(block["overage_hours"].sum())
        assert total["included_hours"] - block["hours"].sum() == pytest.approx(
            total["remaining_hours"] - total["overage_hours"])
    else:
        assert total["included_hours"] is None
    assert total["hours"] == pytest.approx(sum(h for _, h in entries))


# ---------------------------------------------------------------------------- workbook
def _sheet_rows(ws) -> list[tuple]:
    return [tuple(c.value for c in r) for r in ws.iter_rows()]


def test_workbook_holds_the_pack(pack, tmp_path):
    path = tmp_path / "acme.xlsx"
    render_xlsx.to_workbook(pack, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Volume", "Months", "SLA", "CSAT", "Comments",
                             "Categories", "Hours", "Agreements", "Tier", "Tickets"]
    summary = wb["Summary"]
    assert summary["A1"].value == "QBR 2026Q1 - Acme (2026-01-01 to 2026-03-31)"
    assert summary["A2"].value == "Internal preparation: not for the client"
    lines = [r[0] for r in _sheet_rows(summary)]
    assert pack["sentences"][0] in lines
    head = lines.index("Measure")
    assert _sheet_rows(summary)[head] == ("Measure", "2026Q1", "2025Q4 (before)", "Change")
    table = {r[0]: r[1:] for r in _sheet_rows(summary)[head + 1:]}
    assert table["Tickets opened"] == (6, 3, 3)
    assert table["Tier"] == ("Reprice", "Steady", "from Steady to Reprice")
    row = head + 1 + list(table).index("Response SLA") + 1
    assert summary.cell(row, 2).number_format == '0.0"%"'
    assert summary.cell(row, 4).number_format == '+0.0" pp";"−"0.0" pp";0.0" pp"'

    hours = wb["Hours"]
    assert hours["A1"].value == "Hours against included hours - Acme, 2026Q1"
    first = next(i for i, r in enumerate(_sheet_rows(hours), start=1) if r[0] == "Month")
    assert _sheet_rows(hours)[first - 1] == (
        "Month", "Hours worked", "Included hours", "Hours left", "Hours over",
        "Agreement revenue", "Billed labour", "Revenue", "Revenue per hour")
    march = hours.cell(first + 3, 1)
    assert march.value == dt.datetime(2026, 3, 1) and march.number_format == "mmm yyyy"
    assert [hours.cell(first + 3, c).value for c in range(2, 6)] == [13.5, 10, 0, 3.5]
    assert hours.cell(first + 3, 2).number_format == '#,##0.00" h"'
    assert hours.cell(first + 3, 6).number_format == '"$"#,##0.00'
    assert hours.cell(first + 1, 3).value is None   # January: no block

    tickets = wb["Tickets"]
    created = tickets["B3"]
    assert created.value == dt.datetime(2025, 12, 15, 9, 0)
    assert created.number_format == "yyyy-mm-dd hh:mm" and created.data_type == "d"
    assert [r[0] for r in _sheet_rows(tickets)[2:]] == ["1", "2", "3", "11", "12", "4", "5"]
    volume = wb["Volume"]
    assert volume._charts and type(volume._charts[0]).__name__ == "BarChart"
    assert "the week from 2026-01-01 has 4 days" in volume["A2"].value
    week = next(r for r in volume.iter_rows() if r[0].value == dt.datetime(2026, 1, 5))
    assert week[0].number_format == "yyyy-mm-dd" and week[2].value == 1
    agreements = wb["Agreements"]
    assert agreements["F3"].value == dt.datetime(2025, 1, 1)
    assert agreements["F3"].number_format == "yyyy-mm-dd"


def test_text_from_the_data_never_becomes_a_formula(evil_pack, pack, tmp_path):
    path = tmp_path / "evil.xlsx"
    render_xlsx.to_workbook(evil_pack, path)
    wb = load_workbook(path)
    assert wb["Summary"]["A1"].value.startswith(f"QBR 2026Q1 - {EVIL}")
    tickets = wb["Tickets"]
    summaries = [c.value for c in tickets["J"]][2:]
    assert summaries == [PLUS, AT]
    cells = [tickets["J3"], tickets["J4"], tickets["E3"], tickets["E4"]]
    assert [c.value for c in cells] == [PLUS, AT, AT, "-Printer"]
    assert all(c.data_type == "s" for c in cells)
    categories = {r[0] for r in _sheet_rows(wb["Categories"])[2:]}
    assert categories == {AT, "-Printer"}
    render_xlsx.to_workbook(pack, tmp_path / "acme.xlsx")
    comment = load_workbook(tmp_path / "acme.xlsx")["Comments"]["D4"]
    assert (comment.value, comment.data_type) == ("=1+1 thanks", "s")
    # Nowhere in either workbook is there a formula.
    import zipfile
    for name in ("evil.xlsx", "acme.xlsx"):
        for ws in load_workbook(tmp_path / name).worksheets:
            for row in ws.iter_rows():
                assert all(c.data_type != "f" for c in row), ws.title
        with zipfile.ZipFile(tmp_path / name) as z:
            assert not any(re.search(rb"<f[ >]", z.read(n)) for n in z.namelist()
                           if n.startswith("xl/worksheets/"))


# ---------------------------------------------------------------------------- PDF
def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_pdf(pack, client_pack, evil_pack):
    for p in (pack, client_pack, evil_pack, qbr.without_money(pack)):
        buffer = io.BytesIO()
        render_pdf.to_pdf(p, buffer)
        pdf = buffer.getvalue()
        assert pdf.startswith(b"%PDF") and _pages(pdf) > 1


def test_pdf_of_a_quarter_without_data(store_data):
    for audience in qbr.AUDIENCES:
        empty = qbr.build_pack(store_data, "Acme", "2024Q2", load(), audience)
        assert empty["summary"]["tickets_opened"] == 0
        assert empty["summary"]["response_percent"] is None
        assert empty["sentences"][:3] == [
            "No tickets were opened in this quarter or the one before.",
            "No tickets were responded to or resolved against an SLA target this quarter.",
            "No satisfaction surveys were answered this quarter."]
        buffer = io.BytesIO()
        render_pdf.to_pdf(empty, buffer)
        render_xlsx.to_workbook(empty, io.BytesIO())
        assert buffer.getvalue().startswith(b"%PDF")


# ---------------------------------------------------------------------------- CLI
def _run(url, *args):
    return subprocess.run([sys.executable, "-m", "kpi", "qbr", "--db", url, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_writes_both_formats_for_either_audience(url, tmp_path):
    for name, audience in (("acme.xlsx", ()), ("acme.pdf", ()),
                           ("inside.xlsx", ("--audience", "internal"))):
        out = tmp_path / name
        done = _run(url, "--client", "Acme", "--quarter", "2026Q1", "--out", str(out),
                    *audience)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"wrote {out}"
    assert (tmp_path / "acme.pdf").read_bytes().startswith(b"%PDF")
    client = load_workbook(tmp_path / "acme.xlsx")
    assert client["Summary"]["A1"].value == "QBR 2026Q1 - Acme (2026-01-01 to 2026-03-31)"
    assert "Tier" not in client.sheetnames     # the client's pack is the default
    assert "Tier" in load_workbook(tmp_path / "inside.xlsx").sheetnames


def test_cli_writes_every_clients_pack(url, tmp_path):
    out = tmp_path / "packs"
    done = _run(url, "--all-clients", "--quarter", "2026Q1", "--out-dir", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    # the evil client's name loses its slashes and quotes in the file name, not its text
    evil = "QBR 2026Q1 _HYPERLINK(_http___x_,_Acme_)"
    assert re.fullmatch(rf"\[1/2\] {re.escape(EVIL)}: {re.escape(evil)}\.xlsx, "
                        rf"{re.escape(evil)}\.pdf \(\d+\.\d s\)", lines[0]), lines[0]
    assert re.fullmatch(r"\[2/2\] Acme: QBR 2026Q1 Acme\.xlsx, QBR 2026Q1 Acme\.pdf "
                        r"\(\d+\.\d s\)", lines[1]), lines[1]
    assert re.fullmatch(rf"wrote 4 files for 2 clients in {re.escape(str(out))} "
                        r"\(\d+\.\d s\)", lines[2])
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{evil}.xlsx", f"{evil}.pdf", "QBR 2026Q1 Acme.xlsx", "QBR 2026Q1 Acme.pdf"])
    assert load_workbook(out / f"{evil}.xlsx")["Summary"]["A1"].value.startswith(
        f"QBR 2026Q1 - {EVIL}")


def test_file_names_are_safe_and_unique():
    from kpi.__main__ import file_name

    taken: set[str] = set()
    assert file_name("Acme", "2026Q1", taken) == "QBR 2026Q1 Acme"
    assert file_name("ACME", "2026Q1", taken) == "QBR 2026Q1 ACME (2)"
    assert file_name("../etc/passwd", "2026Q1", taken) == "QBR 2026Q1 _etc_passwd"
    assert file_name("O'Neill & Sons, Inc.", "2026Q1", taken) == \
        "QBR 2026Q1 O'Neill & Sons, Inc"


@pytest.mark.parametrize("args, message", [
    (("--client", "Nobody", "--quarter", "2026Q1", "--out", "x.xlsx"),
     f"error: no client named 'Nobody'; clients are: {EVIL}, Acme"),
    (("--client", "Acme", "--quarter", "2026Q5", "--out", "x.pdf"),
     "error: '2026Q5' is not a quarter like 2026Q3"),
    (("--client", "Acme", "--quarter", "2026Q1", "--out", "x.docx"),
     "error: --out must end in .xlsx or .pdf, not 'x.docx'."),
    (("--client", "Acme", "--quarter", "2026Q1"),
     "error: --client needs --out FILE.xlsx or FILE.pdf."),
    (("--all-clients", "--quarter", "2026Q1"), "error: --all-clients needs --out-dir DIR."),
    (("--all-clients", "--quarter", "2026Q1", "--out-dir", "x.d", "--out", "x.pdf"),
     "error: --all-clients writes into --out-dir, not --out."),
])
def test_cli_errors_are_one_plain_line(url, tmp_path, args, message):
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    done = _run(url, *args)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [message]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not list(tmp_path.glob("x.*"))


def test_cli_logo_that_is_no_image_is_one_plain_line(url, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_text("not a picture")
    config = tmp_path / "settings.toml"
    config.write_text(f'[qbr]\nmsp_name = "Northwind"\nlogo = "{fake}"\n')
    done = _run(url, "--client", "Acme", "--quarter", "2026Q1", "--config", str(config),
                "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: qbr.logo '{fake}' is not a PNG or JPEG image; choose a PNG or JPEG file "
        "for the logo."]
