"""Cell-level reading rules: dates, durations, money, nulls, yes/no, priorities."""
from datetime import datetime

import pandas as pd
import pytest

from loaders import normalise, parse

D, M = parse.DAY_FIRST, parse.MONTH_FIRST


@pytest.mark.parametrize("text, order, expected", [
    ("2026-03-04", None, datetime(2026, 3, 4)),
    ("2026-03-04 09:15:00", None, datetime(2026, 3, 4, 9, 15)),
    ("2026-03-04T09:15:30.250", None, datetime(2026, 3, 4, 9, 15, 30, 250000)),
    ("2026-03-04T14:15:00Z", None, datetime(2026, 3, 4, 14, 15)),
    ("2026-03-04T14:15:00+02:00", None, datetime(2026, 3, 4, 12, 15)),
    ("03/04/2026 9:15 AM", M, datetime(2026, 3, 4, 9, 15)),
    ("03/04/2026 12:05 AM", M, datetime(2026, 3, 4, 0, 5)),
    ("03/04/2026 12:05 PM", M, datetime(2026, 3, 4, 12, 5)),
    ("3/17/2025 13:49", M, datetime(2025, 3, 17, 13, 49)),
    ("29-02-2016 01:16", D, datetime(2016, 2, 29, 1, 16)),
    ("4/3/2026 7:05", D, datetime(2026, 3, 4, 7, 5)),
    ("04.03.2026", D, datetime(2026, 3, 4)),
    ("25/Feb/26 10:17 PM", None, datetime(2026, 2, 25, 22, 17)),
    ("5 March 2026", None, datetime(2026, 3, 5)),
    ("2026/03/04 08:00", None, datetime(2026, 3, 4, 8, 0)),
    ("1/2/99", M, datetime(1999, 1, 2)),
])
def test_date_formats(text, order, expected):
    value, problem = parse.parse_datetimes(pd.Series([text]), order)
    assert value[0] == pd.Timestamp(expected)
    assert problem[0] == ""


@pytest.mark.parametrize("text", ["", "?", "null", "NULL", "N/A", "1900-01-01",
                                  "01/01/1900", " none "])
def test_date_nulls(text):
    value, problem = parse.parse_datetimes(pd.Series([text]), M)
    assert pd.isna(value[0]) and problem[0] == ""


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "yesterday", "13:00",
                                  "02/30/2026 10:00", "3/4/2026 13:00 PM"])
def test_bad_dates_are_problems_not_guesses(text):
    value, problem = parse.parse_datetimes(pd.Series([text]), M)
    assert pd.isna(value[0])
    assert "is not a date" in problem[0] and text[:10] in problem[0]


def test_utc_offsets_convert_to_the_configured_timezone():
    value, _ = parse.parse_datetimes(pd.Series(["2026-07-01T12:00:00Z",
                                                "2026-01-15T12:00:00Z"]),
                                     timezone="America/New_York")
    assert value.tolist() == [pd.Timestamp("2026-07-01 08:00"), pd.Timestamp("2026-01-15 07:00")]


@pytest.mark.parametrize("values, evidence", [
    (["13/02/2026", "01/02/2026"], D),
    (["02/13/2026", "01/02/2026"], M),
    (["01/02/2026", "03/04/2026"], None),
    (["13/02/2026", "02/13/2026"], "conflict"),
    (["2026-02-13"], None),
])
def test_day_first_is_decided_per_column(values, evidence):
    assert parse.date_order_evidence(pd.Series(values)) == evidence


@pytest.mark.parametrize("text, header, hours", [
    ("1.5", "Hours", 1.5), ("1,5", "Hours", 1.5), ("1:30", "Hours", 1.5),
    ("01:30:00", "Duration", 1.5), ("0:45", "Hours", 0.75), ("90", "Minutes", 1.5),
    ("45", "time (min)", 0.75), ("2h", "Hours", 2.0), ("-0.25", "Hours", -0.25),
    ("10:00:36", "Time", 10.01),
])
def test_durations(text, header, hours):
    value, problem = parse.parse_hours(pd.Series([text]), header)
    assert value[0] == pytest.approx(hours) and problem[0] == ""


@pytest.mark.parametrize("text, amount", [
    ("$1,234.50", 1234.5), ("(1,234.50)", -1234.5), ("1.234,50 €", 1234.5),
    ("€1.234,50", 1234.5), ("-$12.00", -12.0), ("1 234,50", 1234.5), ("12,50", 12.5),
    ("1,234", 1234.0), ("USD 99", 99.0), ("£0.99", 0.99), ("4500", 4500.0),
])
def test_money(text, amount):
    value, problem = parse.parse_money(pd.Series([text]))
    assert value[0] == pytest.approx(amount) and problem[0] == ""


@pytest.mark.parametrize("parser", [parse.parse_money, parse.parse_hours, parse.parse_int])
def test_text_in_a_numeric_column_is_a_problem(parser):
    value, problem = parser(pd.Series(["lots", "3"]))
    assert pd.isna(value[0]) and "'lots' is not" in problem[0] and problem[1] == ""


@pytest.mark.parametrize("text, expected", [
    ("True", True), ("yes", True), ("Y", True), ("1", True), ("FALSE", False),
    ("No", False), ("0", False), ("", None), ("?", None),
])
def test_yes_no(text, expected):
    value, problem = parse.parse_bool(pd.Series([text]))
    assert (pd.isna(value[0]) if expected is None else value[0] == expected)
    assert problem[0] == ""


def test_vendor_words_for_yes_no():
    value, _ = parse.parse_bool(pd.Series(["In", "Out", "Billable", "DoNotBill"]),
                                {"in": True, "out": False, "donotbill": False})
    assert value.tolist() == [True, False, True, False]


@pytest.mark.parametrize("raw, level", [
    ("Priority 3 - Normal Response", "P3"), ("Priority 4 - Schedule Maintenance", "P4"),
    ("Priority 1 - Emergency Response", "P1"), ("Priority 2 - Quick Response", "P2"),
    ("0 Urgent", "P1"), ("2 Normal", "P3"), ("1 - Critical", "P1"), ("4 - Low", "P4"),
    ("3 - Moderate", "P3"), ("High", "P2"), ("Medium", "P3"), ("Planning", "P5"),
    ("3", "P3"), ("P2", "P2"), ("Sev A", None), ("", None), ("7", None),
])
def test_priority_normalisation(raw, level):
    out = normalise.priority(pd.Series([raw]))[0]
    assert (out is None or pd.isna(out)) if level is None else out == level


def test_priority_map_from_settings_wins():
    out = normalise.priority(pd.Series(["Sev A", "Sev B"]), {"sev a": "P1", "Sev B": "P2"})
    assert out.tolist() == ["P1", "P2"]


@pytest.mark.parametrize("status, cls", [
    ("New", "open"), ("In Progress", "open"), ("Waiting on Customer", "waiting"),
    ("On Hold", "waiting"), ("Awaiting User Info", "waiting"), ("Resolved", "resolved"),
    ("Closed", "closed"), (">Closed", "closed"), ("Complete", "closed"),
    ("Cancelled", "cancelled"), ("Canceled", "cancelled"),
    # SPEC: waiting names a wait, hold or pending state; scheduled work is not a wait
    ("Waiting Vendor", "waiting"), ("Waiting for Parts", "waiting"), ("Pending", "waiting"),
    ("Suspended", "waiting"), ("Scheduled", "open"), ("Customer Note Added", "open"),
    # whole words: "Stakeholder" holds no "hold", "Abandoned" is no "done"
    ("Stakeholder Review", "open"), ("Abandoned", "cancelled"), ("Void", "cancelled"),
    # the first rule that matches decides
    ("Resolved - Awaiting Confirmation", "resolved"), ("Closed - Pending Invoice", "closed"),
])
def test_status_class(status, cls):
    assert normalise.status_class(pd.Series([status]))[0] == cls


def test_status_words_of_the_settings_come_first():
    out = normalise.status_class(pd.Series(["Parts Ordered", "Scheduled"]),
                                 {"scheduled": "open"}, {"Parts Ordered": "waiting",
                                                         "scheduled": "waiting"})
    assert out.tolist() == ["waiting", "waiting"]


@pytest.mark.parametrize("scale, score, rating", [
    ("5-point", "5", "positive"), ("5-point", "4", "positive"), ("5-point", "3", "neutral"),
    ("5-point", "2", "negative"), ("5-point", "1", "negative"),
    ("3-point", "3", "positive"), ("3-point", "2", "neutral"), ("3-point", "1", "negative"),
    ("0-10", "10", "positive"), ("0-10", "9", "positive"), ("0-10", "8", "neutral"),
    ("0-10", "7", "neutral"), ("0-10", "6", "negative"), ("0-10", "0", "negative"),
    ("labels", "Happy", "positive"), ("labels", "Thumbs Down", "negative"),
    ("5-point", "6", None), ("5-point", "0", None), ("3-point", "4", None),
    # between two points: the nearest, halves up (an averaged survey rating)
    ("5-point", "4.5", "positive"), ("5-point", "3.5", "positive"),
    ("5-point", "3.49", "neutral"), ("5-point", "2.5", "neutral"),
    ("5-point", "5.5", None), ("0-10", "8.5", "positive"),
])
def test_csat_rating(scale, score, rating):
    out = normalise.csat_rating(pd.Series([score]), scale)[0]
    assert (out is None or pd.isna(out)) if rating is None else out == rating


def test_a_vendor_label_map_rates_its_words():
    out = normalise.csat_rating(pd.Series(["Green", "Amber", "Red"]), "3-point",
                                {"green": "positive", "amber": "neutral", "red": "negative"})
    assert out.tolist() == ["positive", "neutral", "negative"]


@pytest.mark.parametrize("value, name", [
    (3, "3-point"), (5, "5-point"), (10, "0-10"), ("5", "5-point"), ("0-10", "0-10"),
    ("5-point", "5-point"), ("labels", "labels"), (7, None),
])
def test_scale_names(value, name):
    assert normalise.scale_name(value) == name


@pytest.mark.parametrize("cycle, months", [
    ("CalendarMonth", 1), ("CalendarQuarter", 3), ("ContractQuarter", 3),
    ("ContractYear", 12), ("CalendarYear", 12), ("Quarterly", 3),
    ("CalendarWeek", 12 / 52), ("Contract2Weeks", 12 / 26), ("Contract4Weeks", 12 / 13),
])
def test_hour_limit_cycles(cycle, months):
    """ConnectWise applicationCycle values: a week is 12/52 of a month (52 weeks a year),
    so 2 hours a CalendarWeek is 2 x 52 / 12 = 8.67 hours a month."""
    assert normalise.included_cycle_months(pd.Series([cycle]))[0] == pytest.approx(months)


@pytest.mark.parametrize("start, end, months", [
    ("2026-01-01", "2026-01-31", 1), ("2026-01-01", "2026-12-31", 12),
    ("2026-04-01", "2026-06-30", 3),   # 91 days / 30.44 = 2.99
    ("2026-02-01", "2026-02-28", 1),   # 28 days: still a month
    ("2026-03-16", "2026-03-20", 1),   # a few days: at least one month
])
def test_months_a_block_spans(start, end, months):
    out = normalise.months_spanned(pd.Series([pd.Timestamp(start)]),
                                   pd.Series([pd.Timestamp(end)]))
    assert out[0] == months


@pytest.mark.parametrize("cycle, months", [
    ("Monthly", 1), ("Quarterly", 3), ("Semi-Annual", 6), ("Annual", 12), ("Yearly", 12),
    ("", 1),
])
def test_billing_cycles(cycle, months):
    assert normalise.cycle_months(pd.Series([cycle]))[0] == months


def test_dates_around_empty_cells_keep_their_rows():
    # Regression: values after a null cell were once read against the wrong rows.
    text = pd.Series(["02-03-2016 11:58", "?", "29-02-2016 01:23", "", "1:30"])
    value, problem = parse.parse_datetimes(text, D)
    assert value.tolist()[:3] == [pd.Timestamp("2016-03-02 11:58"), pd.NaT,
                                  pd.Timestamp("2016-02-29 01:23")]
    assert problem.tolist()[:4] == ["", "", "", ""] and "is not a date" in problem[4]
    hours, _ = parse.parse_hours(pd.Series(["1", "", "1:30", "?", "0:15"]))
    assert hours.tolist()[2] == 1.5 and hours.tolist()[4] == 0.25
