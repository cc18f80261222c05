"""The numbers a review is saved with (kpi/meeting.py) and the actions as text and CSV
(kpi/render/actions.py)."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from kpi import frames as kpi_frames
from kpi import meeting, report
from kpi.render import actions as render
from kpi.weekly import WeeklyReview
from loaders import settings as settings_mod
from loaders import store
from loaders.store import frames as store_frames

WEEK = "2026-11-16"


@pytest.fixture(scope="module")
def sample(sample_db_file):
    engine = store.connect(f"sqlite:///{sample_db_file}")
    settings = settings_mod.load_effective(engine)
    data = kpi_frames.make(store_frames.read(engine, sole_user=False), settings)
    engine.dispose()
    return data, settings


def from_report(rep: dict) -> dict:
    """The numbers worked out from the report's JSON alone."""
    week, month = rep["weeks"][-1], rep["months"][-1]
    return {"open_at_end": week["open_at_end"], "opened": week["opened"],
            "closed": week["closed"], "csat_percent_positive": week["csat_percent_positive"],
            "csat_responses": week["csat_responses"],
            "aged_past_sla": sum(t["aged_past_sla"] for t in rep["teams"]),
            "reprice_clients": sum(c["tier"] == "Reprice" for c in rep["clients"]),
            "margin_percent": month["margin_percent"]}


@pytest.mark.parametrize("week", [WEEK, "2026-09-14"])
def test_review_numbers_equal_the_report_of_that_week(sample, week):
    data, settings = sample
    numbers = meeting.review_numbers(WeeklyReview(data, week, settings))
    rep = report.build(data, week, settings)
    assert numbers["cards"] == from_report(rep)
    assert numbers["teams"] == rep["teams"]
    assert (numbers["week"], numbers["cutoff"]) == (week, rep["cutoff"])
    assert numbers["team"] == numbers["client"] == ""


def test_compare_lists_cards_then_teams_and_hides_money():
    saved = {"cards": {"open_at_end": 10, "margin_percent": 40.0},
             "teams": [{"team": "Infra", "aged_past_sla": 5}]}
    today = {"cards": {"open_at_end": 12, "margin_percent": 38.5},
             "teams": [{"team": "Infra", "aged_past_sla": 6}, {"team": "Desk",
                                                               "aged_past_sla": 1}]}
    rows = meeting.compare(saved, today)
    assert [r["key"] for r in rows] == [*meeting.CARDS, "aged:Desk", "aged:Infra"]
    by_key = {r["key"]: r for r in rows}
    assert (by_key["open_at_end"]["as_reviewed"], by_key["open_at_end"]["today"]) == (10, 12)
    assert (by_key["aged:Desk"]["as_reviewed"], by_key["aged:Desk"]["today"]) == (None, 1)
    assert by_key["aged:Infra"]["label"] == "Aged past SLA: Infra"
    assert "margin_percent" not in {r["key"] for r in meeting.compare(saved, today, False)}


def actions_frame() -> pd.DataFrame:
    day = pd.Timestamp
    return pd.DataFrame({
        "action_id": [1, 2, 3], "review_id": [1, 1, 2],
        "review_week": [day("2026-11-09"), day("2026-11-09"), day("2026-11-16")],
        "team": ["Infra", "", "Desk"], "category": ["Backup", "Reopens", "=cmd|' /C calc'!A0"],
        "action": ["=HYPERLINK(\"http://evil\")", "Line one\nline two  <b>x</b>", "+1 call"],
        "owner": ["Ravi Shah", "Ann Lee", "@Bo"],
        "due_week": [day("2026-11-16"), day("2026-11-23"), day("2026-11-23")],
        "status": ["done", "open", "open"],
        "closed_at": [day("2026-11-23 09:40"), pd.NaT, pd.NaT],
        "outcome": ["-checklist updated", "vendor to answer", None],
        "carried_over": [0, 1, 0]})


def test_actions_as_text_one_line_each():
    text = render.to_text(actions_frame())
    assert text.splitlines() == [
        "Review of the week of 2026-11-09:",
        "- Infra / Backup: =HYPERLINK(\"http://evil\") -- Ravi Shah, due week of 2026-11-16 "
        "[done 2026-11-23: -checklist updated]",
        "- Whole desk / Reopens: Line one line two <b>x</b> -- Ann Lee, due week of "
        "2026-11-23, carried over 1x (last word: vendor to answer)",
        "",
        "Review of the week of 2026-11-16:",
        "- Desk / =cmd|' /C calc'!A0: +1 call -- @Bo, due week of 2026-11-23"]
    assert render.to_text(actions_frame().iloc[:0]) == "No actions recorded."


def test_report_section_only_when_reviews_are_kept():
    open_actions = actions_frame().query("status == 'open'")
    section = render.report_section(open_actions, True)
    assert section.splitlines()[:3] == ["", "", "Open actions from the weekly reviews (2):"]
    assert "Ann Lee" in section and "@Bo" in section and "Ravi Shah" not in section
    assert render.report_section(open_actions.iloc[:0], True).endswith(
        "none: every action agreed so far is settled.")
    assert render.report_section(open_actions.iloc[:0], False) == ""


def test_actions_csv_keeps_formulas_as_text():
    rows = list(csv.reader(io.StringIO(render.to_csv(actions_frame()))))
    assert rows[0] == render.CSV_COLUMNS
    first, second, third = (dict(zip(rows[0], r)) for r in rows[1:])
    assert first["action"] == "'=HYPERLINK(\"http://evil\")"
    assert first["outcome"] == "'-checklist updated"
    assert first["closed_at"] == "2026-11-23 09:40:00" and second["closed_at"] == ""
    assert second["action"] == "Line one\nline two  <b>x</b>"   # as typed, quoted by CSV
    assert second["team"] == ""
    assert (third["category"], third["action"], third["owner"]) == \
        ("'=cmd|' /C calc'!A0", "'+1 call", "'@Bo")
    # no cell a spreadsheet would run starts with a formula character
    assert not any(cell.startswith(render.FORMULA_STARTS) for r in rows[1:] for cell in r)
