"""One formatter by unit (``kpi.formats``), and the labels every table shares."""
from __future__ import annotations

import math

import pytest

from kpi import formats, metrics


@pytest.mark.parametrize("value,unit,digits,expected", [
    (284219.4, "currency", None, "$284,219"),
    (-2622, "currency", None, "\u2212$2,622"),
    (-0.004, "currency", 2, "$0.00"),          # no minus on a value that rounds to zero
    (1234.5, "currency", 2, "$1,234.50"),
    (46.33, "percent", 1, "46.3%"),
    (85.4, "percent", None, "85%"),
    (12.5, "hours", None, "12.5 h"),
    (1.015, "ratio", 1, "1.0"),
    (1.5, "days", None, "1.5 d"),
    (1234, "count", None, "1,234"),
    (None, "percent", None, "–"),
    (math.nan, "currency", None, "–"),
    ("Acme", None, None, "Acme"),
])
def test_numbers_by_unit(value, unit, digits, expected):
    assert formats.number(value, unit, digits) == expected


@pytest.mark.parametrize("value,kwargs,expected", [
    (16, {}, "+16"), (-2, {}, "\u22122"), (-2, {"minus": "-"}, "-2"), (0, {}, "±0"),
    (0, {"zero": "+0"}, "+0"), (2.14, {"unit": "percent", "digits": 1}, "+2.1 pp"),
    (None, {"missing": "n/a"}, "n/a"), (1234, {}, "+1,234"),
])
def test_signed_changes(value, kwargs, expected):
    assert formats.signed(value, **kwargs) == expected


def test_every_metric_has_a_unit_the_formatter_knows():
    for metric in metrics.METRICS.values():
        assert metric.unit in formats.DIGITS, metric.key
        assert metric.how and metric.label


@pytest.mark.parametrize("column,table,expected", [
    ("response_percent", None, "Response SLA"), ("name", None, "Name"),
    ("name", "technicians", "Technician"), ("ticket_id", None, "Ticket"),
    ("some_new_column", None, "Some new column"),
])
def test_labels(column, table, expected):
    assert metrics.label(column, table) == expected
