"""The weekly review's record in the store (loaders/store/reviews.py), on SQLite and
PostgreSQL: saved as typed, refused with one plain sentence, settled once however many
people click at the same time, and never moving the data version."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert

from loaders import store
from loaders.store import schema
from tests.test_concurrency import run_together

WEEK = dt.date(2026, 11, 16)
NEXT = dt.date(2026, 11, 23)
TRICKY = "=HYPERLINK(\"http://x\") <b>bold</b> **not bold** <script>alert(1)</script>"


@pytest.fixture
def review_store(engine):
    with engine.begin() as conn:
        conn.execute(insert(schema.technicians), [
            {"name": "Ann Lee", "team": "Desk"}, {"name": "Bo Chen", "team": "Infra"}])
    return engine


def action(text="Fix the backup checklist", owner="Ann Lee", team="Infra",
           category="Backup", due=NEXT) -> store.NewAction:
    return store.NewAction(team, category, text, owner, due)


def test_a_review_is_stored_as_typed_and_read_back(review_store):
    numbers = {"cards": {"open_at_end": 136, "csat_percent_positive": 85.42},
               "teams": [{"team": "Infra", "aged_past_sla": 32, "top_categories": ["Backup"]}]}
    review_id = store.save_review(review_store, WEEK, "", "Dana Reyes", numbers,
                                  f"  {TRICKY}\n", [action(f" {TRICKY} "), action("Two")],
                                  now=dt.datetime(2026, 11, 23, 9, 40))
    saves = store.reviews_of_week(review_store, WEEK)
    assert [(s.review_id, s.held_by, s.held_at, s.team) for s in saves] == \
        [(review_id, "Dana Reyes", dt.datetime(2026, 11, 23, 9, 40), "")]
    assert saves[0].numbers == numbers and saves[0].notes == TRICKY
    found = store.review_actions(review_store)
    assert found["action"].tolist() == [TRICKY, "Two"]   # trimmed, otherwise as typed
    assert found["status"].tolist() == ["open", "open"]
    assert found["review_week"].tolist() == [dt.datetime(2026, 11, 16)] * 2
    assert found["due_week"].tolist() == [dt.datetime(2026, 11, 23)] * 2
    assert store.reviews_of_week(review_store, WEEK, "Infra") == []   # a team's own review
    with review_store.connect() as conn:   # the JSON in the store is plain JSON
        raw = conn.execute(schema.reviews.select()).first()
    assert json.loads(raw.numbers) == numbers


def test_saving_and_settling_leave_the_data_version_alone(review_store):
    """Reviews are not data: the dashboard's cached data stays valid after a save."""
    assert not set(schema.REVIEW_TABLES) & set(schema.VERSIONED)
    before = store.data_version(review_store)
    store.save_review(review_store, WEEK, "", "Dana", {}, "notes", [action(), action("B")])
    store.settle_action(review_store, 1, "done", "checklist updated")
    store.carry_action(review_store, 2, NEXT + dt.timedelta(days=7), "vendor to answer")
    assert store.data_version(review_store) == before


@pytest.mark.parametrize("bad,message", [
    (action(text="   "), "Action 2 has no text"),
    (action(owner=""), "Action 2 has no owner"),
    (action(category=" "), "Action 2 has no topic"),
    (action(owner="Cy Gone"), "The owner of action 2, Cy Gone, is no longer in the "
                              "technicians list: choose another owner and save again."),
    (action(due=dt.date(2026, 11, 25)), "The due week must be a week's Monday, not "
                                        "Wednesday 2026-11-25."),
    (action(text="x" * 2001), "Action 2 is 2,001 characters long"),
])
def test_a_bad_action_is_refused_in_one_sentence_and_nothing_is_stored(review_store, bad,
                                                                        message):
    with pytest.raises(store.ReviewRefused) as refused:
        store.save_review(review_store, WEEK, "", "Dana", {}, "", [action(), bad])
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)
    assert store.reviews_of_week(review_store, WEEK) == []
    assert store.review_actions(review_store).empty


def test_a_review_week_must_be_a_monday_and_have_a_name(review_store):
    with pytest.raises(store.ReviewRefused, match="review week must be a week's Monday"):
        store.save_review(review_store, dt.date(2026, 11, 17), "", "Dana", {}, "")
    with pytest.raises(store.ReviewRefused, match="no name"):
        store.save_review(review_store, WEEK, "", "  ", {}, "")


def test_settle_and_carry_need_a_word_and_act_once(review_store):
    store.save_review(review_store, WEEK, "", "Dana", {}, "", [action("A"), action("B")])
    with pytest.raises(store.ReviewRefused, match="Write a word on the outcome"):
        store.settle_action(review_store, 1, "done", "  ")
    assert store.settle_action(review_store, 1, "done", "checklist updated",
                               now=dt.datetime(2026, 11, 30, 9, 5))
    assert not store.settle_action(review_store, 1, "dropped", "again")   # settled already
    later = NEXT + dt.timedelta(days=7)
    assert store.carry_action(review_store, 2, later, "waiting on the vendor")
    assert not store.carry_action(review_store, 2, later, "twice")   # due then already
    found = store.review_actions(review_store).set_index("action_id")
    assert found.loc[1, ["status", "outcome"]].tolist() == ["done", "checklist updated"]
    assert found.loc[1, "closed_at"] == dt.datetime(2026, 11, 30, 9, 5)
    assert found.loc[2, ["status", "outcome", "carried_over"]].tolist() == \
        ["open", "waiting on the vendor", 1]
    assert found.loc[2, "due_week"] == dt.datetime(2026, 11, 30)
    assert store.review_actions(review_store, status="open")["action_id"].tolist() == [2]


def test_actions_filter_by_status_team_and_review_week(review_store):
    store.save_review(review_store, WEEK, "", "Dana", {}, "", [action("Infra one")])
    store.save_review(review_store, NEXT, "", "Dana", {}, "",
                      [action("Desk one", team="Desk"), action("Infra two")])
    store.settle_action(review_store, 3, "dropped", "not needed")
    ids = lambda **kw: store.review_actions(review_store, **kw)["action_id"].tolist()  # noqa
    assert ids() == [1, 2, 3]
    assert ids(status="open") == [1, 2]
    assert ids(teams=["Desk"]) == [2]
    assert ids(raised_before=NEXT) == [1]
    assert ids(raised_through=NEXT) == [1, 2, 3]
    assert ids(raised_through=WEEK) == [1]
    with pytest.raises(ValueError):
        store.review_actions(review_store, status="closed")


def test_two_people_saving_the_same_week_both_keep_their_actions(db_url):
    """Two browsers, one week: each save is a review of its own, so neither overwrites
    the other's notes or actions (threads on two engines, as two server sessions)."""
    engines = [store.connect(db_url), store.connect(db_url)]
    with engines[0].begin() as conn:
        conn.execute(insert(schema.technicians), [{"name": "Ann Lee", "team": "Desk"}])

    def save(who: str, engine):
        return store.save_review(engine, WEEK, "", who, {"by": who}, f"notes of {who}",
                                 [action(f"{who} 1"), action(f"{who} 2")])
    for _ in range(3):
        run_together(lambda: save("Dana", engines[0]), lambda: save("Sam", engines[1]))
    saves = store.reviews_of_week(engines[0], WEEK)
    assert sorted(s.held_by for s in saves) == ["Dana"] * 3 + ["Sam"] * 3
    assert {s.notes for s in saves} == {"notes of Dana", "notes of Sam"}
    actions = store.review_actions(engines[0])
    assert sorted(actions["action"]) == sorted(["Dana 1", "Dana 2", "Sam 1", "Sam 2"] * 3)
    for engine in engines:
        engine.dispose()


def test_two_people_settling_one_action_settle_it_once(db_url):
    engines = [store.connect(db_url), store.connect(db_url)]
    with engines[0].begin() as conn:
        conn.execute(insert(schema.technicians), [{"name": "Ann Lee", "team": "Desk"}])
    store.save_review(engines[0], WEEK, "", "Dana", {}, "", [action()] * 4)
    results = run_together(
        lambda: [store.settle_action(engines[0], i, "done", "Dana: done") for i in (1, 2)]
        + [store.carry_action(engines[0], i, NEXT + dt.timedelta(days=7), "Dana: later")
           for i in (3, 4)],
        lambda: [store.settle_action(engines[1], i, "dropped", "Sam: drop") for i in (1, 2)]
        + [store.carry_action(engines[1], i, NEXT + dt.timedelta(days=7), "Sam: later")
           for i in (3, 4)])
    assert [a or b for a, b in zip(*results)] == [True] * 4     # each done by one of them
    assert [a and b for a, b in zip(*results)] == [False] * 4   # never by both
    found = store.review_actions(engines[0]).set_index("action_id")
    assert found.loc[[3, 4], "carried_over"].tolist() == [1, 1]
    for engine in engines:
        engine.dispose()


def test_the_actions_command(tmp_path):
    """`python -m kpi actions`: all or the open ones, one team, text or formula-safe CSV;
    a store it can't read is one plain line."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    url = f"sqlite:///{tmp_path / 'c.db'}"
    engine = store.connect(url)
    with engine.begin() as conn:
        conn.execute(insert(schema.technicians), [{"name": "Ann Lee", "team": "Desk"}])
    store.save_review(engine, WEEK, "", "Dana", {}, "", [
        action("=SUM(A1:A9)", team="Desk"), action("Second", team="Infra")])
    store.settle_action(engine, 2, "done", "+ works now", now=dt.datetime(2026, 11, 30, 9))
    engine.dispose()

    def kpi(*args):
        return subprocess.run([sys.executable, "-m", "kpi", "actions", "--db", url, *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    listed = kpi()
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "Review of the week of 2026-11-16:",
        "- Desk / Backup: =SUM(A1:A9) -- Ann Lee, due week of 2026-11-23",
        "- Infra / Backup: Second -- Ann Lee, due week of 2026-11-23 [done 2026-11-30: "
        "+ works now]"]
    assert "Second" not in kpi("--open").stdout
    assert "=SUM" not in kpi("--team", "Infra").stdout
    rows = kpi("--format", "csv").stdout.splitlines()
    assert rows[1].startswith("1,2026-11-16,Desk,Backup,'=SUM(A1:A9),Ann Lee,2026-11-23,open")
    assert rows[2].endswith(",'+ works now")
    bad = subprocess.run([sys.executable, "-m", "kpi", "actions", "--db",
                          "postgresql://nobody@127.0.0.1:1/none"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and bad.stderr.startswith("error: cannot read the store at")
    assert "Traceback" not in bad.stderr
