"""The Today page (AppTest on the sample store): the stand-up's numbers equal the KPI
engine's, the wall-screen mode turns through the teams, and stale data is said."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi import frames as kpi_frames
from kpi import today
from loaders import settings as settings_mod
from loaders import store
from loaders.store import frames as store_frames
from pages._lib import today_view
from tests.conftest import ROOT

PAGE = str(ROOT / "pages" / "today.py")
AT = "2026-11-20T09:00"   # a Friday morning of the sample


@pytest.fixture(scope="module")
def expected(sample_db_file) -> today.Standup:
    engine = store.connect(f"sqlite:///{sample_db_file}")
    settings = settings_mod.load_effective(engine)
    data = kpi_frames.make(store_frames.read(engine, sole_user=False), settings)
    engine.dispose()
    return today.standup(data, pd.Timestamp(AT), settings)


def run(monkeypatch, url, role="technician", **params) -> AppTest:
    monkeypatch.setenv("CADENCE_DB_URL", url)
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.query_params.update(params)
    at.session_state["role_override"] = role
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_stand_up_numbers_are_the_engines(sample_db_url, monkeypatch, expected):
    at = run(monkeypatch, sample_db_url, at=AT)
    shown = {m.label: m.value for m in at.metric}
    assert shown == {"Past due": str(len(expected.past_due)),
                     "Due by Mon 17:00": str(len(expected.due_soon)),
                     "New P1/P2 since Thu 19 Nov": str(len(expected.new_urgent)),
                     "Waiting on customer": str(len(expected.waiting))}
    assert len(expected.past_due) > 0 and len(expected.due_soon) > 0   # the sample has both
    by_assignee = next(d.value for d in at.dataframe if "assignee" in d.value.columns
                       and "past_due" in d.value.columns)
    pd.testing.assert_frame_equal(by_assignee.reset_index(drop=True), expected.by_assignee())
    assert not at.warning   # the data reaches the chosen instant


def test_one_team(sample_db_url, monkeypatch, expected):
    at = run(monkeypatch, sample_db_url, at=AT, team="Infrastructure")
    infra = expected.for_team("Infrastructure")
    assert {m.label: m.value for m in at.metric}["Past due"] == str(len(infra.past_due))


def test_wall_screen_turns_through_the_teams(sample_db_url, monkeypatch, expected):
    at = run(monkeypatch, sample_db_url, at=AT, tv="1")
    teams = expected.teams()
    assert len(teams) > 1
    for turn in range(len(teams) + 1):   # one team a turn, back to the first at the end
        team = teams[turn % len(teams)]
        assert [s.value for s in at.subheader] == [
            f"{team} · team {turn % len(teams) + 1} of {len(teams)} · Fri 20 Nov 09:00",
            "Past due", "Due by Mon 17:00"]
        assert {m.label: m.value for m in at.metric}["Past due"] == \
            str(len(expected.for_team(team).past_due))
        at.run()
    assert not at.dataframe and not at.selectbox   # a screen to read, nothing to click


def test_stale_data_is_said(sample_db_url, monkeypatch):
    """Now is long after the sample's last ticket: the page says to import first."""
    at = run(monkeypatch, sample_db_url)
    assert any("import today's exports first" in w.value for w in at.warning)


def test_ticket_lines_for_the_wall_screen():
    frame = pd.DataFrame({"priority": ["P1", None], "ticket_id": ["T1", "T2"],
                          "assignee": ["Ann Lee", None], "hours_left": [2.5, 10.0],
                          "summary": ["VPN down <b>now</b>", None]})
    assert today_view.ticket_lines(frame, "hours_left", "left") == [
        "P1  T1             Ann Lee               2.5 h left  VPN down <b>now</b>",
        "--  T2             (unassigned)         10.0 h left  "]
    assert today_view.ticket_lines(frame, "hours_left", "left", limit=1)[-1] == \
        "... and 1 more"
    assert today_view.ticket_lines(frame.iloc[:0], "hours_left", "left") == ["nothing"]


def test_the_instant_shown():
    at, fixed = today_view.viewing_instant("2026-11-20T09:00:30", "UTC")
    assert (at, fixed) == (pd.Timestamp("2026-11-20 09:00"), True)
    at, fixed = today_view.viewing_instant("2026-11-20T14:00Z", "America/New_York")
    assert (at, fixed) == (pd.Timestamp("2026-11-20 09:00"), True)
    at, fixed = today_view.viewing_instant("not a time", "UTC")
    assert not fixed and abs(at - pd.Timestamp.now(tz="UTC").tz_localize(None)) < \
        pd.Timedelta(minutes=2)


def test_lists_put_what_a_stand_up_acts_on_first(sample_db_url, monkeypatch, expected):
    at = run(monkeypatch, sample_db_url, at=AT)
    past_due = next(d for d in at.dataframe if "hours_over" in d.value.columns)
    assert list(past_due.value.columns[:4]) == ["ticket_id", "priority", "due", "hours_over"]
    assert past_due.value.columns[-1] == "source_system"
    assert sorted(past_due.value.columns) == sorted(expected.past_due.columns)
    # the counts named as on the cards ("Due by Mon 17:00"), not "Due by next close"
    by_team = next(d for d in at.dataframe if "waiting" in d.value.columns)
    assert json.loads(by_team.proto.columns)["due_soon"]["label"] == "Due by Mon 17:00"
