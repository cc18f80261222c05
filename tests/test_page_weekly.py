"""The weekly review page (AppTest on the bundled sample) and its pure figure builders."""
from __future__ import annotations

import dataclasses
import sqlite3

import pandas as pd
import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from kpi import aged, csat
from kpi import frames as kpi_frames
from kpi import report
from kpi.backlog import AGE_BUCKETS, backlog_trend
from kpi.weekly import TICKET_COLUMNS, WeeklyReview
from loaders import settings as settings_mod
from loaders import store
from loaders.store import frames as store_frames
from loaders.store import schema
from pages._lib import weekly_figures as wf
from pages._lib.formats import count, percent
from tests.conftest import ROOT
from tests.kpi_frames import frames

PAGE = str(ROOT / "pages" / "weekly_review.py")
WEEK = "2026-11-16"


@pytest.fixture(scope="module")
def sample_store(sample_db_file):
    """The bundled sample (conftest), with its frames and settings: (path, data, settings)."""
    engine = store.connect(f"sqlite:///{sample_db_file}")
    settings = settings_mod.load_effective(engine)
    data = kpi_frames.make(store_frames.read(engine, sole_user=False), settings)
    engine.dispose()
    return sample_db_file, data, settings


def run_page(monkeypatch, path, role=None, tab=None, **params) -> AppTest:
    monkeypatch.setenv("CADENCE_DB_URL", f"sqlite:///{path}")
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params["week"] = params.pop("week", WEEK)
    at.query_params.update(params)
    if role:
        at.session_state["role_override"] = role
    if tab:   # the drill-down tab a person opened (the tabs keep it in the session)
        at.session_state["weekly_drill"] = tab
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Weekly review"]
    return at


def metrics(at: AppTest) -> dict:
    return {m.label: m for m in at.metric}


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


# ---------------------------------------------------------------------------- the page
def test_cards_match_the_kpi_engine(sample_store, monkeypatch):
    path, data, settings = sample_store
    at = run_page(monkeypatch, path)
    shown = metrics(at)
    expected = report.build(data, WEEK, settings)
    this, last = expected["weeks"][-1], expected["weeks"][-2]
    assert shown["Backlog"].value == count(this["open_at_end"])
    assert shown["Backlog"].delta == f"{this['open_at_end'] - last['open_at_end']:+,}"
    week_csat = csat.csat_weekly(data, [pd.Timestamp(WEEK)]).iloc[0]
    assert shown["CSAT"].value == percent(week_csat["percent_positive"])
    assert f"n={week_csat['responses']}" in shown["CSAT"].proto.delta_description
    assert shown["Aged past SLA"].value == count(
        sum(t["aged_past_sla"] for t in expected["teams"]))
    assert shown["Service margin"].value == percent(expected["months"][-1]["margin_percent"], 1)
    assert shown["Clients to reprice"].value == count(
        sum(c["tier"] == "Reprice" for c in expected["clients"]))
    assert all(m.help for m in at.metric)   # every card says how it is computed
    assert len(shown["Backlog"].proto.chart_data) == 12


def test_aged_table_flags_infrastructure(sample_store, monkeypatch):
    path, _, _ = sample_store
    at = run_page(monkeypatch, path)
    teams = frame_with(at, "status").set_index("team")
    assert teams.loc["Infrastructure", "status"] == "review"
    # the sample's story (sample_data/README.md): 32 past due at the cut-off, 11 of them
    # waiting on the customer or on hold, so 21 aged past SLA
    assert teams.loc["Infrastructure", "aged past SLA"] == 21
    assert teams.loc["Infrastructure", "waiting"] >= 11
    assert (teams.drop("Infrastructure")["status"] == "ok").all()
    assert any("review" in c.value and "4 or more" in c.value for c in at.caption)


def test_another_week_changes_the_numbers(sample_store, monkeypatch):
    path, data, _ = sample_store
    at = run_page(monkeypatch, path, week="2026-09-14")
    expected = csat.csat_weekly(data, [pd.Timestamp("2026-09-14")]).iloc[0]
    assert metrics(at)["CSAT"].value == percent(expected["percent_positive"]) == "27%"
    assert "n=117" in metrics(at)["CSAT"].proto.delta_description


def test_team_filter_changes_the_backlog(sample_store, monkeypatch):
    path, data, _ = sample_store
    at = run_page(monkeypatch, path, team="Infrastructure")
    infra = dataclasses.replace(data, tickets=data.tickets[
        data.tickets["team"].fillna(data.tickets["board"]) == "Infrastructure"])
    expected = backlog_trend(infra, [pd.Timestamp(WEEK)]).iloc[0]["open_at_end"]
    backlog = metrics(at)["Backlog"].value
    assert backlog == count(expected)
    assert backlog != count(backlog_trend(data, [pd.Timestamp(WEEK)])
                            .iloc[0]["open_at_end"])


def test_technician_sees_no_margin(sample_store, monkeypatch):
    path, _, _ = sample_store
    at = run_page(monkeypatch, path, role="technician")
    shown = metrics(at)
    assert "Service margin" not in shown and "Closed" in shown
    assert len(at.metric) == 5


def test_drill_down_lists_the_aged_tickets(sample_store, monkeypatch):
    path, _, _ = sample_store
    at = run_page(monkeypatch, path, tab="Tickets behind these numbers")
    at.selectbox(key="drill").set_value("Aged past SLA: Infrastructure").run()
    assert not at.exception
    rows = frame_with(at, "done")
    assert len(rows) == 21 and (rows["team"] == "Infrastructure").all()
    assert rows["done"].isna().all()


@pytest.mark.parametrize("tab, shows, hides", [
    (None, "response_target_hours", ("comment", "hours_left", "done")),
    ("About to breach", "hours_left", ("comment", "response_target_hours", "done")),
    ("Negative CSAT comments", "comment", ("hours_left", "response_target_hours", "done")),
    ("Tickets behind these numbers", "done", ("comment", "hours_left")),
])
def test_only_the_open_drill_down_is_drawn(sample_store, monkeypatch, tab, shows, hides):
    path, _, _ = sample_store
    at = run_page(monkeypatch, path, tab=tab)
    columns = [set(d.value.columns) for d in at.dataframe]
    assert any(shows in c for c in columns), tab
    assert not any(h in c for c in columns for h in hides), tab
    assert len(at.metric) == 5 and len(at.get("vega_lite_chart")) == 2   # above the tabs
    assert any(s.key == "drill" for s in at.selectbox) == (shows == "done")
    if shows == "done":   # the ticket first, the PSA's name last
        behind = next(d.value for d in at.dataframe if "done" in d.value.columns)
        assert (behind.columns[0], behind.columns[-1]) == ("ticket_id", "source_system")


def test_comments_are_shown_as_text(sample_store, monkeypatch, tmp_path):
    source, _, _ = sample_store
    path = tmp_path / "html.db"   # a copy: the shared store (and its cache) stays as it is
    with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    engine = store.connect(f"sqlite:///{path}")
    comment = "<b>x</b> **not bold** <script>alert(1)</script>"
    with engine.begin() as conn:
        conn.execute(insert(schema.csat_responses).values(
            source_system="halopsa", response_id="html-1", ticket_id="21566",
            client="Blue Heron Hotel Group", technician="Emily Carter",
            responded_at=pd.Timestamp("2026-11-19 09:30").to_pydatetime(), score_raw="1",
            scale="5", rating="negative", comment=comment))
    engine.dispose()
    at = run_page(monkeypatch, path, tab="Negative CSAT comments")
    comments = frame_with(at, "comment")
    assert comment in comments["comment"].tolist()
    assert comments["responded_at"].iloc[0] == pd.Timestamp("2026-11-19 09:30")
    assert not any("<b>x</b>" in m.value for m in at.markdown)


# ---------------------------------------------------------------------------- pure figures
@pytest.fixture
def trend() -> pd.DataFrame:
    return pd.DataFrame({"week": ["2026-11-02", "2026-11-09"], "opened": [5, 7],
                         "closed": [4, 6], "open_at_end": [10, 11],
                         **dict(zip(AGE_BUCKETS, ([2, 1], [2, 2], [2, 3], [2, 4], [2, 1])))})


def test_backlog_charts(trend):
    flow, ages = (c.to_dict() for c in wf.backlog_charts(trend))
    # above, the flow: one line per flow, the weeks in the data's order
    assert wf.flow_frame(trend).to_dict("records") == [
        {"week": "2026-11-02", "flow": "Opened", "tickets": 5},
        {"week": "2026-11-09", "flow": "Opened", "tickets": 7},
        {"week": "2026-11-02", "flow": "Closed", "tickets": 4},
        {"week": "2026-11-09", "flow": "Closed", "tickets": 6}]
    assert flow["mark"]["type"] == "line" and flow["encoding"]["x"]["sort"] is None
    assert flow["encoding"]["color"]["scale"]["domain"] == ["Opened", "Closed"]
    assert flow["title"]["text"] == "Opened and closed in the week"
    # below, the backlog by age: each week's bar adds up to what was open at its end
    long = wf.age_frame(trend)
    assert long.groupby("week")["tickets"].sum().tolist() == trend["open_at_end"].tolist()
    assert long.query("age == 'over 30 d'")["tickets"].tolist() == [2, 1]
    assert ages["mark"]["type"] == "bar" and ages["encoding"]["x"]["title"] == \
        "Week (starting Monday)"
    # stacked youngest first, so the youngest is at the bottom and the oldest on top
    assert ages["encoding"]["order"] == {"field": "rank", "type": "quantitative",
                                         "sort": "ascending"}
    assert long.sort_values("rank")["age"].unique().tolist() == \
        ages["encoding"]["color"]["scale"]["domain"] == list(wf.AGE_LABELS.values())
    assert flow["encoding"]["y"]["title"] == ages["encoding"]["y"]["title"] == "Tickets"
    assert ages["encoding"]["y"]["axis"] == {"format": ",d", "tickMinStep": 1}  # no "0.2"


def test_aged_table_and_status_colours():
    teams = pd.DataFrame({"team": ["Infra", "Desk"], "open": [9, 3], "aged_past_sla": [5, 0],
                          "waiting": [2, 0], "status": ["review", "ok"],
                          "top_categories": [["Network", "Backup"], []]})
    table = wf.aged_table(teams)
    assert table["top aging categories"].tolist() == ["Network, Backup", ""]
    assert table["waiting"].tolist() == [2, 0]
    html = wf.style_aged(table).to_html()
    assert wf.REVIEW in html and wf.OK in html


def tickets_frame() -> pd.DataFrame:
    ts = pd.Timestamp
    return pd.DataFrame({
        "source_system": ["a"] * 4, "ticket_id": ["1", "2", "3", "4"],
        "summary": ["s1", "s2", "s3", "s4"], "client": ["C"] * 4,
        "team": ["Infra", None, "Infra", "Desk"], "board": [None, "Desk", None, None],
        "priority": ["P1", "P2", "P3", "P3"], "status_class": ["open"] * 4,
        "created_at": [ts("2026-11-02 09:00"), ts("2026-11-10 09:00"),
                       ts("2026-11-11 09:00"), ts("2026-11-12 09:00")],
        "resolved_at": [pd.NaT, ts("2026-11-12 10:00"), pd.NaT, pd.NaT],
        "closed_at": [pd.NaT] * 4, "updated_at": [pd.NaT] * 4})


SETTINGS_24X7 = {"sla": {"clock": "24x7", "business_days": [], "business_hours":
                         ["08:00", "17:00"], "holidays_country": "", "review_threshold": 4,
                         "resolution_hours": {"P1": 4, "P2": 8, "P3": 24, "P4": 72}},
                 "timezone": "UTC"}


def test_aged_counts_per_cutoff():
    # The due times are given (the PSA's own, which win), with no computed targets, so
    # each ticket's due time is exactly the one below (the last has none).
    due = pd.Series([pd.Timestamp("2026-11-05"), pd.Timestamp("2026-11-20"),
                     pd.Timestamp("2026-11-12"), pd.NaT])
    f = frames(tickets=tickets_frame().assign(resolution_due_at=due))
    no_targets = {**SETTINGS_24X7, "sla": {**SETTINGS_24X7["sla"], "resolution_hours": {}}}
    assert aged.aged_series(f, [pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-16")],
                            no_targets) == [1, 2]


def test_tickets_behind_each_number():
    f = frames(tickets=tickets_frame())
    week = pd.Timestamp("2026-11-09")
    review = WeeklyReview(f, week, SETTINGS_24X7)
    assert review.cutoff == week + pd.Timedelta(days=7)
    assert review.tickets_behind("opened")["ticket_id"].tolist() == ["2", "3", "4"]
    closed = review.tickets_behind("closed")
    assert closed["ticket_id"].tolist() == ["2"] and closed["team"].tolist() == ["Desk"]
    assert list(closed.columns) == TICKET_COLUMNS
    assert review.tickets_behind("open at end")["ticket_id"].tolist() == ["1", "3", "4"]
    assert review.tickets_behind("aged:Infra")["ticket_id"].tolist() == ["1", "3"]
    with pytest.raises(ValueError):
        review.tickets_behind("nonsense")


def test_negative_comments_and_breach_instant():
    responses = pd.DataFrame({
        "responded_at": pd.to_datetime(["2026-11-03", "2026-11-10", "2026-11-17",
                                        "2026-11-12"]),
        "rating": ["negative", "negative", "negative", "positive"],
        "client": ["A", "B", "C", "D"], "technician": ["t"] * 4, "score_raw": ["1"] * 4,
        "comment": ["old", "<i>late</i>", "next", "fine"], "source_system": ["h"] * 4,
        "ticket_id": ["1", "2", "3", "4"]})
    out = csat.negative_comments(frames(csat=responses), "2026-11-09", "2026-11-16")
    assert out["comment"].tolist() == ["<i>late</i>"]
    cut = pd.Timestamp("2026-11-23")
    f, settings = frames(), settings_mod.load()
    week = cut - pd.Timedelta(days=7)
    assert WeeklyReview(f, week, settings, at=pd.Timestamp("2026-12-01 10:00")).at == cut
    assert WeeklyReview(f, week, settings, at=pd.Timestamp("2026-11-20 10:00")).at == \
        pd.Timestamp("2026-11-20 10:00")


def test_opens_on_the_latest_week_without_a_url(sample_store, monkeypatch):
    path, _, _ = sample_store
    monkeypatch.setenv("CADENCE_DB_URL", f"sqlite:///{path}")
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception
    assert at.query_params["week"] == WEEK


# ---------------------------------------------------------------------------- ahead of a pick
def test_the_other_teams_are_computed_ahead_and_a_pick_reads_them(sample_store, monkeypatch):
    """After the desk's run, a background thread fills every other team's parts; a pick then
    reads what a fresh builder computes for that team (a cache miss would fail here: the
    stand-in builder has no parts)."""
    from pages._lib import weekly_parts
    from pages._lib.store_cache import frames_and_settings

    path, _, _ = sample_store
    monkeypatch.setenv("CADENCE_DB_URL", f"sqlite:///{path}")
    data, settings = frames_and_settings()   # as the page reads them
    week = pd.Timestamp(WEEK)
    teams = sorted(data.tickets["team_key"].dropna().unique())
    desk = weekly_parts.weekly_review(data, settings, week, None, None)
    thread = weekly_parts.warm_other_teams(data, settings, desk, teams, ("flow",))
    thread.join(timeout=300)
    assert not thread.is_alive()
    assert weekly_parts.warm_other_teams(data, settings, desk, teams, ("flow",)) is None
    for team in teams:
        key = desk.cache_key[:-3] + (team, None, desk.at)
        cached = weekly_parts._headline(object(), key)
        fresh = WeeklyReview(data, week + pd.Timedelta(days=6), settings, team=team,
                             at=desk.at)
        # (the page's own run may have filled a team first, from a week read off the store
        # at another datetime resolution: the same instants, so values, not dtypes)
        same = dict(check_dtype=False, check_index_type=False)
        pd.testing.assert_frame_equal(cached["trend"], fresh.trend, **same)
        pd.testing.assert_frame_equal(cached["teams"], fresh.teams, **same)
        assert cached["aged_series"] == fresh.aged_series, team
        pd.testing.assert_frame_equal(weekly_parts._drill(object(), key, "flow"), fresh.flow,
                                      **same)
