"""Every vendor preset against a small hand-made export (tests/fixtures/<vendor>_<kind>.*):
auto-detection, exact row counts, the reason each bad row is rejected with, and
spot-checked stored values, on SQLite and PostgreSQL.

Every expected value below was worked out by hand from the fixture files; where the
arithmetic isn't obvious a comment shows it. Row numbers are the file's own (header = row 1
in the CSVs; the Autotask Excel report has its header on row 4).
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from loaders import settings as settings_mod
from loaders import store
from loaders.importer import import_file
from tests.conftest import FIXTURES

T = pd.Timestamp          # a stored (naive) datetime
D = dt.date               # a stored date

TABLE = {"tickets": "tickets", "time_entries": "time_entries", "agreements": "agreements",
         "csat": "csat_responses", "technicians": "technicians"}

# file, detected vendor, detected kind, rows read, stored, rejected, distinct rows in table
COUNTS = [
    ("connectwise_tickets.csv",      "connectwise", "tickets",      7, 5, 2, 5),
    ("connectwise_time_entries.csv", "connectwise", "time_entries", 7, 5, 2, 5),
    ("connectwise_agreements.csv",   "connectwise", "agreements",   9, 6, 3, 6),
    ("connectwise_csat.csv",         "connectwise", "csat",         5, 4, 1, 4),
    # 7 data rows between the report's title block and its "Total: 7" line
    ("autotask_tickets.xlsx",        "autotask",    "tickets",      7, 6, 1, 6),
    ("autotask_time_entries.csv",    "autotask",    "time_entries", 7, 5, 2, 5),
    ("autotask_surveys.csv",         "autotask",    "csat",         7, 5, 2, 5),
    ("autotask_agreements.csv",      "autotask",    "agreements",   5, 3, 2, 3),
    ("halopsa_tickets.csv",          "halopsa",     "tickets",      8, 6, 2, 6),
    # action ids repeat per ticket (1, 2 on 3101; 1 on 3102; 1, 2 on 3104): 5 distinct
    ("halopsa_time_entries.csv",     "halopsa",     "time_entries", 7, 5, 2, 5),
    ("halopsa_agreements.csv",       "halopsa",     "agreements",   7, 5, 2, 5),
    ("halopsa_csat.csv",             "halopsa",     "csat",         7, 5, 2, 5),
    ("syncro_tickets.csv",           "syncro",      "tickets",      7, 5, 2, 5),
    # audit log: INC0010003 three times -> 6 rows stored as versions, 4 tickets kept
    ("servicenow_tickets.csv",       "servicenow",  "tickets",      8, 6, 2, 4),
    ("smileback_csat.csv",           "smileback",   "csat",         5, 4, 1, 4),
    ("cadence_technicians.csv",      "cadence",     "technicians",  6, 4, 2, 4),
]


@pytest.mark.parametrize("name, vendor, kind, read, stored, rejected, distinct", COUNTS,
                         ids=[c[0] for c in COUNTS])
def test_detects_preset_and_counts_every_row(engine, name, vendor, kind, read, stored,
                                             rejected, distinct):
    result = import_file(engine, FIXTURES / name)
    assert (result.vendor, result.kind) == (vendor, kind)
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == \
        (read, stored, rejected)
    assert result.rows_stored + result.rows_rejected == result.rows_read
    assert len(store.read_table(engine, TABLE[kind])) == distinct
    log = store.read_table(engine, "imports")
    assert log[["file_name", "vendor", "kind", "rows_read", "rows_stored",
                "rows_rejected"]].values.tolist() == \
        [[name, vendor, kind, read, stored, rejected]]
    assert len(store.read_table(engine, "rejected_rows")) == rejected


# file, row number in the file, the exact reason, the bad cell (kept in `raw`)
REJECTED = [
    ("connectwise_tickets.csv", 7,
     "column 'dateEntered': '2026-02-30T09:00:00Z' is not a date", "2026-02-30T09:00:00Z"),
    ("connectwise_tickets.csv", 8, "column 'actualHours': 'two' is not a number of hours",
     "two"),
    ("connectwise_time_entries.csv", 7,
     "column 'actualHours': 'TBD' is not a number of hours", "TBD"),
    ("connectwise_time_entries.csv", 8, "column 'actualHours': hours worked is negative",
     "-0.50"),
    ("connectwise_agreements.csv", 7, "column 'invoicingCycle': billing cycle 'Biweekly' "
     "is not Monthly, Quarterly, Semi-Annual or Annual", "Biweekly"),
    ("connectwise_agreements.csv", 8, "column 'endDate': end date is before start date",
     "2026-02-01T00:00:00Z"),
    ("connectwise_agreements.csv", 10, "column 'applicationCycle': cycle "
     "'EveryOtherTuesday' of the hour limit is not a month, quarter, year or week",
     "EveryOtherTuesday"),
    # no declared scale: the settings' 5 decides, and 12 is above every scale
    ("connectwise_csat.csv", 6, "column 'totalPoints': score '12' is not on the 5-point "
     "scale ([csat] scale in the settings)", "12"),
    ("autotask_agreements.csv", 5, "column 'End Date': a block needs its start and end "
     "dates to spread its hours and price over the months it covers",
     "Fabrikam - Block Hours"),
    ("autotask_agreements.csv", 6, "column 'Hours': 'lots' is not a number of hours", "lots"),
    ("autotask_tickets.xlsx", 10,
     "column 'Create Date': '02/30/2026 11:00 AM' is not a date", "02/30/2026 11:00 AM"),
    ("autotask_time_entries.csv", 7,
     "column 'Hours Worked': 'see notes' is not a number of hours", "see notes"),
    ("autotask_time_entries.csv", 8, "column 'Date Worked': '02/29/2026' is not a date",
     "02/29/2026"),
    ("autotask_surveys.csv", 7,
     "column 'Survey Rating' is empty; this row needs a score raw", "T20260225.0003"),
    ("autotask_surveys.csv", 8,
     "column 'Complete Date': '02/31/2026 9:00 AM' is not a date", "02/31/2026 9:00 AM"),
    ("halopsa_tickets.csv", 7,
     "column 'dateoccurred': '2026-13-01T09:00:00.000' is not a date",
     "2026-13-01T09:00:00.000"),
    ("halopsa_tickets.csv", 8, "column 'slastate': 'Maybe' is not yes or no", "Maybe"),
    ("halopsa_time_entries.csv", 7, "column 'timetaken': hours worked is negative", "-0.5"),
    ("halopsa_time_entries.csv", 8,
     "column 'timetaken': more than 24 hours in one time entry; split it", "26"),
    ("halopsa_agreements.csv", 7, "column 'billingperiod': billing cycle 'Fortnightly' "
     "is not Monthly, Quarterly, Semi-Annual or Annual", "Fortnightly"),
    ("halopsa_agreements.csv", 8,
     "column 'periodchargeamount': 'TBC' is not an amount of money", "TBC"),
    ("halopsa_csat.csv", 7, "column 'score': score 'great!' is not on the 5-point scale "
     "([csat] scale in the settings)", "great!"),
    ("smileback_csat.csv", 6, "column 'rating': score '5' is not on the 3-point scale that "
     "the smileback preset declares", "5"),
    ("halopsa_csat.csv", 8, "column 'date': '2026-02-30T10:00:00.000' is not a date",
     "2026-02-30T10:00:00.000"),
    ("syncro_tickets.csv", 7, "column 'Created': '2026-02-29 09:00:00 -0500' is not a date",
     "2026-02-29 09:00:00 -0500"),
    ("syncro_tickets.csv", 8, "column 'Ticket #' is empty; this row needs a ticket id",
     "Printer toner low"),
    # both bad cells of the row are named, in column order
    ("servicenow_tickets.csv", 8,
     "column 'opened_at': '31-02-2026 10:00' is not a date; "
     "column 'sys_updated_on': '31-02-2026 10:30' is not a date", "31-02-2026 10:00"),
    ("servicenow_tickets.csv", 9, "column 'reopen_count': reopen count is negative", "-1"),
    ("cadence_technicians.csv", 6, "column 'hourly_cost': 'fifty' is not an amount of money",
     "fifty"),
    ("cadence_technicians.csv", 7, "column 'name' is empty; this row needs a name", "45.00"),
]


@pytest.mark.parametrize("name, row, reason, bad_cell", REJECTED,
                         ids=[f"{r[0]}:{r[1]}" for r in REJECTED])
def test_bad_row_is_rejected_with_its_reason(engine, name, row, reason, bad_cell):
    result = import_file(engine, FIXTURES / name)
    stored = store.read_table(engine, "rejected_rows")
    assert (stored["import_id"] == result.import_id).all()
    hit = stored[stored["row_number"] == row]
    assert hit["reason"].tolist() == [reason]
    header = re.match(r"column '([^']+)'", reason).group(1)   # every reason names a column
    assert header in json.loads(hit["raw"].iloc[0])           # ... that is in the file
    assert bad_cell in json.loads(hit["raw"].iloc[0]).values()


# ---------------------------------------------------------------------------- values
# file, the row's key columns, {column: expected stored value}. Timestamps are stored naive:
# `...Z` / `-0500` values converted to the default timezone, UTC; the rest as exported.
TICKETS = [
    # ConnectWise: API-style UTC timestamps; "Priority N - ..." words beat digits.
    ("connectwise_tickets.csv", "1001", dict(
        source_system="connectwise", summary="Outlook not syncing on CFO laptop",
        client="Acme Dental", board="Service Desk", team="Tier 1", assignee="jsmith",
        status="New", status_class="open", priority_raw="Priority 3 - Normal Response",
        priority="P3", category="Email", source_channel="Email Connector",
        created_at=T("2026-03-04 14:15"), first_response_at=T("2026-03-04 14:40"),
        resolved_at=None, closed_at=None, response_due_at=None, resolution_due_at=None,
        sla_met=True, reopen_count=None, hours_actual=0.5,
        updated_at=T("2026-03-04 15:02:11"))),
    # no team: board carries the routing ("team, else board" is the KPI's fallback)
    ("connectwise_tickets.csv", "1002", dict(
        client="Contoso Legal", board="Service Desk", team=None, status=">Closed",
        status_class="closed", priority="P1",  # "Emergency" is a P1 word
        resolved_at=T("2026-03-02 16:45"), closed_at=T("2026-03-03 09:00"), sla_met=True,
        hours_actual=3.75)),
    ("connectwise_tickets.csv", "1003", dict(
        board="Maintenance", team="Projects", status_class="resolved",  # "Completed"
        priority="P4",  # "Schedule Maintenance" has no priority word: the digit decides
        created_at=T("2026-02-27 22:30"), resolved_at=T("2026-03-01 03:10"),
        closed_at=None, sla_met=False, hours_actual=2.0)),
    ("connectwise_tickets.csv", "1004", dict(
        status_class="waiting", priority="P2", first_response_at=T("2026-03-03 16:31"),
        sla_met=None, hours_actual=1.25)),
    # cancelled without a close time: its last update (lastUpdated) becomes closed_at
    ("connectwise_tickets.csv", "1005", dict(
        assignee=None, status_class="cancelled", priority="P5", resolved_at=None,
        closed_at=T("2026-03-05 08:10"), hours_actual=0.0)),

    # Autotask Excel report: MM/DD/YYYY h:mm AM/PM text (month-first: 02/27 settles it),
    # "Resolved Due Date/Time" as real Excel datetimes.
    ("autotask_tickets.xlsx", "T20260302.0004", dict(
        source_system="autotask", summary="Email bouncing for sales@", client="Acme Dental",
        board="Level I Support", team=None, assignee="Jordan Smith", status_class="open",
        priority_raw="Medium", priority="P3", category="Email",
        created_at=T("2026-03-02 09:15"), first_response_at=T("2026-03-02 09:40"),
        response_due_at=T("2026-03-02 13:15"), resolution_due_at=T("2026-03-03 09:15"),
        resolved_at=None, closed_at=None, sla_met=None, hours_actual=0.5)),
    ("autotask_tickets.xlsx", "T20260302.0011", dict(
        client="Contoso Legal", board="Level II Support", status="Complete",
        status_class="closed", priority="P1", created_at=T("2026-03-02 14:05"),
        resolved_at=T("2026-03-02 17:45"), closed_at=T("2026-03-03 08:30"),
        resolution_due_at=T("2026-03-02 18:05"), sla_met=True, hours_actual=3.75)),
    ("autotask_tickets.xlsx", "T20260303.0002", dict(
        board="Procurement", status_class="waiting", priority="P4", category="Procurement")),
    ("autotask_tickets.xlsx", "T20260303.0007", dict(
        status="Customer Note Added", status_class="open", priority="P2",
        first_response_at=T("2026-03-03 18:30"), response_due_at=T("2026-03-03 17:48"),
        sla_met=False)),
    ("autotask_tickets.xlsx", "T20260304.0001", dict(  # 12:00 AM is midnight
        created_at=T("2026-03-04 00:00"), first_response_at=None, hours_actual=0.0)),
    ("autotask_tickets.xlsx", "T20260227.0015", dict(
        created_at=T("2026-02-27 16:40"), closed_at=T("2026-02-27 16:55"),
        status_class="closed", priority="P3", sla_met=True)),

    # HaloPSA: ISO without offset, 1900-01-01 for "no date", slastate In/Out.
    ("halopsa_tickets.csv", "3101", dict(
        source_system="halopsa", summary="Cannot print to plotter", client="Acme Dental",
        team="1st Line Support", board=None, assignee="Jordan Smith", status="New",
        status_class="open", priority_raw="3", priority="P3", category="Hardware>Printer",
        created_at=T("2026-03-02 09:05"), first_response_at=None,
        response_due_at=T("2026-03-02 13:05"), resolution_due_at=T("2026-03-03 09:05"),
        closed_at=None, sla_met=None, hours_actual=0.0, reopen_count=0,
        escalation_count=0)),
    # `reassigncount` 2: passed on twice; the report's reopen_count column 1
    ("halopsa_tickets.csv", "3102", dict(
        status_class="closed", priority="P1", first_response_at=T("2026-03-02 14:15"),
        closed_at=T("2026-03-02 17:40"), sla_met=True, hours_actual=3.5, reopen_count=1,
        escalation_count=2)),
    ("halopsa_tickets.csv", "3103", dict(status="On Hold", status_class="waiting",
                                         priority="P4", hours_actual=0.75)),
    ("halopsa_tickets.csv", "3104", dict(
        status_class="resolved", priority="P2", resolved_at=None,
        closed_at=T("2026-03-04 09:15"), sla_met=False, hours_actual=4.25,
        escalation_count=1)),
    # cancelled, no close time and no last-update column: closed_at stays empty
    ("halopsa_tickets.csv", "3105", dict(
        team=None, assignee=None, status_class="cancelled", priority="P4", closed_at=None,
        reopen_count=None)),
    # status "In Progress" is open by its word, but `onhold` True: the SLA clock is paused
    ("halopsa_tickets.csv", "3108", dict(status="In Progress", status_class="waiting",
                                         escalation_count=3)),

    # Syncro: Rails-style "-0500" timestamps -> UTC (+5 h); "0 Urgent" -> P1 (word wins).
    ("syncro_tickets.csv", "4417", dict(
        source_system="syncro", summary="Laptop won't boot after Windows update",
        client="Acme Dental", assignee="Jordan Smith", status_class="resolved",
        priority_raw="1 High", priority="P2", category="Hardware",
        created_at=T("2026-03-02 13:47:12"), resolved_at=T("2026-03-02 16:20:05"),
        resolution_due_at=T("2026-03-02 21:47:00"), updated_at=T("2026-03-02 16:20:05"))),
    ("syncro_tickets.csv", "4418", dict(
        status="Invoiced", status_class="closed", priority_raw="0 Urgent", priority="P1",
        resolved_at=T("2026-03-02 20:30"), closed_at=None)),
    ("syncro_tickets.csv", "4419", dict(status_class="waiting", priority="P4",
                                        created_at=T("2026-02-25 15:00"))),
    ("syncro_tickets.csv", "4420", dict(status_class="open", priority_raw="2 Normal",
                                        priority="P3")),
    ("syncro_tickets.csv", "4421", dict(assignee=None, priority="P3",
                                        resolution_due_at=None)),

    # ServiceNow: DD-MM-YYYY HH:MM (16-02 settles day-first), "?" nulls,
    # assignment_group fills both board and team.
    ("servicenow_tickets.csv", "INC0010001", dict(
        source_system="servicenow", summary="Email not syncing on mobile",
        client="Acme Dental", board="Service Desk", team="Service Desk",
        assignee="Jordan Smith", status="New", status_class="open",
        priority_raw="3 - Moderate", priority="P3", category="Software",
        source_channel="Phone", created_at=T("2026-03-02 09:15"), resolved_at=None,
        closed_at=None, sla_met=True, reopen_count=0, escalation_count=0,
        updated_at=T("2026-03-02 09:15"))),
    ("servicenow_tickets.csv", "INC0010002", dict(
        board="Network Operations", team="Network Operations", status_class="closed",
        priority="P1", resolved_at=T("2026-03-02 16:40"), closed_at=T("2026-03-03 16:45"),
        reopen_count=1, escalation_count=2)),  # reassignment_count 2
    # three versions (file rows 4, 5, 6); row 5 has the latest sys_updated_on
    # (04-03 11:30 > 03-03 17:05 > 03-03 08:20) and wins although row 6 comes after it
    ("servicenow_tickets.csv", "INC0010003", dict(
        status="Resolved", status_class="resolved", priority="P2",
        created_at=T("2026-03-03 08:00"), resolved_at=T("2026-03-04 11:30"),
        closed_at=None, sla_met=False, updated_at=T("2026-03-04 11:30"),
        escalation_count=1)),  # the winning row's reassignment_count
    ("servicenow_tickets.csv", "INC0010004", dict(
        assignee=None, status="Canceled", status_class="cancelled", priority="P5",
        created_at=T("2026-02-16 10:00"), closed_at=T("2026-02-20 12:00"), sla_met=None,
        board="Collaboration", team="Collaboration")),
]

TIME_ENTRIES = [
    # ConnectWise: billableOption Billable / NoCharge / DoNotBill / NoDefault
    ("connectwise_time_entries.csv", {"entry_id": "5001"}, dict(
        source_system="connectwise", ticket_id="1001", client="Acme Dental",
        technician="jsmith", work_date=D(2026, 3, 4), hours=0.5, hours_billed=0.5,
        billable=True, bill_rate=150.0, work_type="Remote Support",
        entered_at=T("2026-03-04 15:01"))),
    ("connectwise_time_entries.csv", {"entry_id": "5002"}, dict(
        work_date=D(2026, 3, 2), hours=3.75, hours_billed=4.0, billable=True,
        bill_rate=175.0, work_type="Onsite Support")),
    ("connectwise_time_entries.csv", {"entry_id": "5003"}, dict(
        hours=1.25, hours_billed=0.0, billable=False, bill_rate=175.0)),
    ("connectwise_time_entries.csv", {"entry_id": "5004"}, dict(
        work_date=D(2026, 2, 28), hours=2.0, hours_billed=2.0, billable=False,
        bill_rate=0.0)),
    # no actualHours: timeEnd - timeStart = 14:30 - 13:00 = 1.5 h
    ("connectwise_time_entries.csv", {"entry_id": "5005"}, dict(
        hours=1.5, hours_billed=None, billable=False, bill_rate=None,
        entered_at=T("2026-03-05 16:40"))),

    # Autotask: no entry id in the export (hashed); billable = not Non-Billable
    ("autotask_time_entries.csv", {"ticket_id": "T20260302.0004"}, dict(
        source_system="autotask", client="Acme Dental", technician="Jordan Smith",
        work_date=D(2026, 3, 2), hours=0.5, hours_billed=0.5, billable=True,
        bill_rate=150.0, work_type="Remote Support", entered_at=T("2026-03-02 09:52"))),
    ("autotask_time_entries.csv",
     {"ticket_id": "T20260302.0011", "work_type": "Onsite Support"}, dict(
         hours=3.75, hours_billed=4.0, billable=True, bill_rate=175.0,
         entered_at=T("2026-03-02 18:01"))),
    ("autotask_time_entries.csv",
     {"ticket_id": "T20260302.0011", "work_type": "Internal Follow-up"}, dict(
         work_date=D(2026, 3, 3), hours=0.25, hours_billed=0.0, billable=False)),
    ("autotask_time_entries.csv", {"ticket_id": "T20260227.0015"}, dict(
        work_date=D(2026, 2, 27), hours=0.25, billable=True, bill_rate=95.0)),
    # Non-Billable and Hours To Bill both empty: not billable; entered ten days late
    ("autotask_time_entries.csv", {"ticket_id": "T20260303.0007"}, dict(
        hours=1.0, hours_billed=None, billable=False, bill_rate=None,
        entered_at=T("2026-03-13 10:00"))),

    # HaloPSA actions
    ("halopsa_time_entries.csv", {"ticket_id": "3101", "work_type": "Remote Session"}, dict(
        source_system="halopsa", client="Acme Dental", technician="Jordan Smith",
        work_date=D(2026, 3, 2), hours=0.5, hours_billed=0.5, billable=True,
        bill_rate=95.0)),
    ("halopsa_time_entries.csv", {"ticket_id": "3101", "work_type": "Email Sent"}, dict(
        hours=0.25, hours_billed=0.0, billable=False, bill_rate=0.0)),
    ("halopsa_time_entries.csv", {"ticket_id": "3102"}, dict(
        technician="Alex Smith", hours=3.5, hours_billed=4.0, billable=True, bill_rate=125.0,
        work_type="Onsite Visit")),
    ("halopsa_time_entries.csv", {"ticket_id": "3104", "work_type": "Remote Session"}, dict(
        work_date=D(2026, 3, 3), hours=2.25, hours_billed=2.25)),
    ("halopsa_time_entries.csv", {"ticket_id": "3104", "work_type": "Onsite Visit"}, dict(
        work_date=D(2026, 3, 4), hours=2.0, hours_billed=2.0, billable=True)),
]

AGREEMENTS = [
    # ConnectWise: monthly_revenue = billAmount / months in invoicingCycle, same for cost
    # applicationUnits Amount: the limit is dollars, not hours -> no included hours
    ("connectwise_agreements.csv", "201", dict(
        source_system="connectwise", client="Acme Dental",
        name="Acme Dental - Managed Services", type="managed", monthly_revenue=2400.0,
        monthly_cost=350.0, start_date=D(2025, 7, 1), end_date=None, included_hours=None)),
    # Quarterly: 3000 / 3, 0 / 3; Hours 60 per CalendarQuarter: 60 / 3 = 20 h a month
    ("connectwise_agreements.csv", "202", dict(
        type="block", monthly_revenue=1000.0, monthly_cost=0.0, start_date=D(2026, 1, 1),
        end_date=D(2026, 12, 31), included_hours=20.0)),
    ("connectwise_agreements.csv", "203", dict(  # Semi-Annual: 5400 / 6, 600 / 6
        type="other", monthly_revenue=900.0, monthly_cost=100.0,
        included_hours=None)),  # applicationUnits Incidents: no hours
    ("connectwise_agreements.csv", "204", dict(  # Annual: 9000 / 12; no cost given
        type="managed", monthly_revenue=750.0, monthly_cost=None, included_hours=None)),
    ("connectwise_agreements.csv", "205", dict(  # applicationUnlimitedFlag: no fixed hours
        type="time_and_materials", monthly_revenue=0.0, monthly_cost=0.0,
        start_date=D(2024, 1, 1), included_hours=None)),
    # a retainer from the 15th; Hours 144 per ContractYear: 144 / 12 = 12 h a month
    ("connectwise_agreements.csv", "208", dict(
        type="block", monthly_revenue=1200.0, start_date=D(2026, 1, 15),
        included_hours=12.0)),

    # Autotask contract blocks: price = Hours x Hourly Rate over the months the block spans
    # 120 h x $150 = $18,000 over Jan-Dec (12 months): $1,500 and 10 h a month
    ("autotask_agreements.csv", "9001", dict(
        source_system="autotask", client="Contoso Legal",
        name="Contoso Legal - Block Hours 2026", type="block", monthly_revenue=1500.0,
        monthly_cost=None, start_date=D(2026, 1, 1), end_date=D(2026, 12, 31),
        included_hours=10.0)),
    # 20 h x $135 = $2,700 for March alone (31 days: 1 month)
    ("autotask_agreements.csv", "9002", dict(
        monthly_revenue=2700.0, included_hours=20.0, start_date=D(2026, 3, 1))),
    # Apr 1 - Jun 30 is 91 days, 91 / 30.44 = 2.99: 3 months; 30 h x $140 = $4,200
    ("autotask_agreements.csv", "9003", dict(
        monthly_revenue=1400.0, included_hours=10.0, end_date=D(2026, 6, 30))),

    # HaloPSA contracts: $1,234.50-style money; the name falls back to `ref`
    ("halopsa_agreements.csv", "ACME-MSP-2026", dict(
        source_system="halopsa", client="Acme Dental", name="ACME-MSP-2026",
        type="managed", monthly_revenue=1234.5, monthly_cost=150.0,
        start_date=D(2026, 1, 1), end_date=None,  # end 1900-01-01 = no end
        included_hours=None)),  # chargehoursperperiod 0: no hours included
    # Quarterly: $3,000.00 / 3, $450 / 3; chargehoursperperiod 60 a quarter: 20 h a month
    ("halopsa_agreements.csv", "CON-BLOCK-Q", dict(
        type="block", monthly_revenue=1000.0, monthly_cost=150.0, end_date=D(2026, 12, 31),
        included_hours=20.0)),
    ("halopsa_agreements.csv", "NW-SEC-ANNUAL", dict(  # Annual: 14,400 / 12, 1,200 / 12
        type="managed", monthly_revenue=1200.0, monthly_cost=100.0,
        start_date=D(2025, 11, 1), end_date=D(2026, 10, 31))),
    ("halopsa_agreements.csv", "FAB-MIGRATION", dict(
        type="project", monthly_revenue=7500.0, monthly_cost=0.0)),
    ("halopsa_agreements.csv", "FAB-BACKUP", dict(  # Semi-Annual: 600 / 6
        type="other", monthly_revenue=100.0, monthly_cost=None, end_date=None)),
]

CSAT = [
    # Autotask's Survey Rating: the preset declares 5-point: 4-5 +, 3 =, 1-2 -
    ("autotask_surveys.csv", {"ticket_id": "T20260302.0011"}, dict(
        source_system="autotask", client="Contoso Legal", technician="Alex Smith",
        responded_at=T("2026-03-03 10:12"), score_raw="5", scale="5-point",
        scale_source="preset", rating="positive",
        comment="Alex had us back up before lunch, thank you!")),
    ("autotask_surveys.csv", {"ticket_id": "T20260227.0015"}, dict(
        score_raw="4", rating="positive", responded_at=T("2026-02-28 08:03"))),
    ("autotask_surveys.csv", {"ticket_id": "T20260302.0004"}, dict(
        score_raw="3", rating="neutral", comment=None)),
    ("autotask_surveys.csv", {"ticket_id": "T20260303.0007"}, dict(
        score_raw="1", rating="negative")),
    ("autotask_surveys.csv", {"ticket_id": "T20260226.0021"}, dict(
        score_raw="2", rating="negative", comment="Took 3 days – too slow")),

    ("halopsa_csat.csv", {"response_id": "801"}, dict(
        source_system="halopsa", ticket_id="3102", client="Contoso Legal",
        technician="Alex Smith", responded_at=T("2026-03-03 08:14"), score_raw="5",
        scale="5-point", scale_source="settings",  # Halo declares none: [csat] scale = 5
        rating="positive", comment="Back up and running fast, great job")),
    ("halopsa_csat.csv", {"response_id": "802"}, dict(score_raw="2", rating="negative")),
    ("halopsa_csat.csv", {"response_id": "803"}, dict(rating="neutral", comment=None)),
    ("halopsa_csat.csv", {"response_id": "804"}, dict(rating="positive")),
    ("halopsa_csat.csv", {"response_id": "805"}, dict(technician=None, rating="negative")),

    # ConnectWise survey results: totalPoints on the settings' scale (5)
    ("connectwise_csat.csv", {"response_id": "7001"}, dict(
        source_system="connectwise", ticket_id="1002", client="Contoso Legal",
        technician=None, responded_at=T("2026-03-03 15:20"), score_raw="5",
        scale="5-point", scale_source="settings", rating="positive",
        comment="Back up before lunch - thank you")),
    ("connectwise_csat.csv", {"response_id": "7003"}, dict(score_raw="2", rating="negative")),
    ("connectwise_csat.csv", {"response_id": "7004"}, dict(score_raw="3", rating="neutral")),

    # SmileBack's three faces, as words; the preset declares the 3-point scale
    ("smileback_csat.csv", {"response_id": "501"}, dict(
        source_system="smileback", ticket_id="1001", client="Acme Dental",
        technician="jsmith", responded_at=T("2026-03-03 10:05"), score_raw="positive",
        scale="3-point", scale_source="preset", rating="positive",
        comment="Quick fix - thanks!")),
    ("smileback_csat.csv", {"response_id": "502"}, dict(rating="neutral", comment=None)),
    ("smileback_csat.csv", {"response_id": "503"}, dict(rating="negative")),
    ("smileback_csat.csv", {"response_id": "504"}, dict(score_raw="Positive",
                                                       rating="positive")),
]

TECHNICIANS = [
    ("cadence_technicians.csv", "Jordan Smith", dict(
        team="Service Desk", hourly_cost=52.0, weekly_capacity_hours=40.0)),
    ("cadence_technicians.csv", "Alex Smith", dict(
        team="Projects", hourly_cost=61.5, weekly_capacity_hours=37.5)),
    ("cadence_technicians.csv", "Bea Wong", dict(hourly_cost=None, weekly_capacity_hours=32.0)),
    ("cadence_technicians.csv", "Sam Patel", dict(team=None, hourly_cost=48.0,
                                                  weekly_capacity_hours=None)),
]

SPOT = (
    [(f, "tickets", {"ticket_id": k}, e) for f, k, e in TICKETS]
    + [(f, "time_entries", k, e) for f, k, e in TIME_ENTRIES]
    + [(f, "agreements", {"agreement_id": k}, e) for f, k, e in AGREEMENTS]
    + [(f, "csat_responses", k, e) for f, k, e in CSAT]
    + [(f, "technicians", {"name": k}, e) for f, k, e in TECHNICIANS]
)


def _null(value) -> bool:
    return value is None or (not isinstance(value, (str, list, dict)) and pd.isna(value))


def _same(actual, expected) -> bool:
    if expected is None:
        return _null(actual)
    if _null(actual):
        return False
    if isinstance(expected, bool):
        return isinstance(actual, (bool, np.bool_)) and \
            bool(actual) is expected
    if isinstance(expected, float):
        return float(actual) == pytest.approx(expected)
    if isinstance(expected, (dt.date, pd.Timestamp)):
        return pd.Timestamp(actual) == pd.Timestamp(expected)
    return actual == expected


def _one_row(frame: pd.DataFrame, where: dict) -> dict:
    hit = frame
    for col, value in where.items():
        hit = hit[hit[col] == value]
    assert len(hit) == 1, f"{len(hit)} stored rows match {where}"
    return hit.iloc[0].to_dict()


def _spot_id(case) -> str:
    name, _, where, _ = case
    return f"{name.split('.')[0]}:{'/'.join(str(v) for v in where.values())}"


@pytest.mark.parametrize("name, table, where, expected", SPOT,
                         ids=[_spot_id(c) for c in SPOT])
def test_stored_values(engine, name, table, where, expected):
    import_file(engine, FIXTURES / name)
    row = _one_row(store.read_table(engine, table), where)
    wrong = {col: row[col] for col, value in expected.items() if not _same(row[col], value)}
    assert wrong == {}, f"expected {({c: expected[c] for c in wrong})}"


# ---------------------------------------------------------------------------- settings
@pytest.mark.parametrize("name, key, column, local", [
    # 2026-03-04 is before the US DST change (03-08): New York is UTC-5
    ("connectwise_tickets.csv", "1001", "created_at", "2026-03-04 09:15"),         # 14:15Z
    ("connectwise_tickets.csv", "1001", "first_response_at", "2026-03-04 09:40"),  # 14:40Z
    ("connectwise_tickets.csv", "1002", "closed_at", "2026-03-03 04:00"),          # 09:00Z
    ("syncro_tickets.csv", "4417", "created_at", "2026-03-02 08:47:12"),  # as written, -0500
])
def test_offset_timestamps_are_stored_in_the_configured_timezone(engine, name, key, column,
                                                                 local):
    settings = settings_mod.load()
    settings["timezone"] = "America/New_York"
    import_file(engine, FIXTURES / name, settings=settings)
    row = _one_row(store.read_table(engine, "tickets"), {"ticket_id": key})
    assert pd.Timestamp(row[column]) == pd.Timestamp(local)


# ---------------------------------------------------------------------------- re-import
@pytest.mark.parametrize("name, table", [
    ("servicenow_tickets.csv", "tickets"),        # versions of one incident
    ("autotask_time_entries.csv", "time_entries"),  # ids hashed from the row
    ("halopsa_time_entries.csv", "time_entries"),   # ids hashed (Halo's repeat per ticket)
])
def test_reimport_updates_by_key_and_never_double_counts(engine, name, table):
    import_file(engine, FIXTURES / name)
    first = store.read_table(engine, table).drop(columns="import_id")
    import_file(engine, FIXTURES / name)
    again = store.read_table(engine, table).drop(columns="import_id")
    key = [c for c in ("ticket_id", "entry_id") if c in first][-1]
    pd.testing.assert_frame_equal(first.sort_values(key).reset_index(drop=True),
                                  again.sort_values(key).reset_index(drop=True))


@pytest.mark.parametrize("name", ["autotask_time_entries.csv", "halopsa_time_entries.csv"])
def test_hashed_entry_ids_are_stable_and_distinct(tmp_path, name):
    """Exports without a usable entry id get one hashed from the row: distinct per row,
    and the same in two separate stores (so a later export updates, never duplicates)."""
    ids = []
    for store_name in ("one.db", "two.db"):
        engine = store.connect(f"sqlite:///{tmp_path / store_name}")
        import_file(engine, FIXTURES / name)
        ids.append(sorted(store.read_table(engine, "time_entries")["entry_id"]))
    assert len(set(ids[0])) == 5 and all(ids[0])
    assert ids[0] == ids[1]


# ---------------------------------------------------------------------------- Excel report
def test_excel_report_skips_title_block_and_totals_line(sqlite_url):
    result = import_file(store.connect(sqlite_url), FIXTURES / "autotask_tickets.xlsx")
    assert "row 12 looks like a totals line and was skipped" in result.notes
    assert result.rejected["row_number"].tolist() == [10]   # Excel's own row number


def test_excel_fixture_matches_its_generator(tmp_path):
    spec = importlib.util.spec_from_file_location("make_xlsx", FIXTURES / "make_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path / "autotask_tickets.xlsx")
    with zipfile.ZipFile(built) as new, \
            zipfile.ZipFile(FIXTURES / "autotask_tickets.xlsx") as committed:
        assert new.namelist() == committed.namelist()
        for member in new.namelist():
            assert new.read(member) == committed.read(member), member
            assert new.getinfo(member).date_time == committed.getinfo(member).date_time


# ---------------------------------------------------------------------------- counts
def test_a_negative_escalation_count_rejects_its_row(tmp_path):
    from loaders.importer import plan_file

    path = tmp_path / "halo.csv"
    path.write_text("id,summary,client_name,dateoccurred,reassigncount\n"
                    "1,VPN down,Acme Dental,2026-03-02T09:00:00,-2\n"
                    "2,Printer jam,Acme Dental,2026-03-02T10:00:00,4\n", encoding="utf-8")
    plan = plan_file(path)
    assert plan.rejected["reason"].tolist() == [
        "column 'reassigncount': escalation count is negative"]
    assert plan.rows["escalation_count"].tolist() == [4]
