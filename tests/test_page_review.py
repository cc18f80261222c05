"""The weekly review run as a meeting (AppTest on copies of the sample store): the whole
loop from one Monday to the next and into the report, bad input, text shown as text, two
browsers saving one week, and who may edit."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from kpi import frames as kpi_frames
from kpi import report
from loaders import settings as settings_mod
from loaders import store
from loaders.store import frames as store_frames
from tests.conftest import ROOT
from tests.test_kpi_meeting import from_report

PAGE = str(ROOT / "pages" / "weekly_review.py")
TRICKY = "=1+1 <b>bold</b> **not bold** [link](http://x) <script>alert(1)</script>"


@pytest.fixture
def store_url(sample_db_file, tmp_path, monkeypatch) -> str:
    """A copy of the sample of this test's own, as the dashboard's store."""
    path = tmp_path / "review.db"
    shutil.copyfile(sample_db_file, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("CADENCE_DB_URL", url)
    monkeypatch.delenv("CADENCE_ROLE", raising=False)
    return url


def page(week: str, role: str = "manager", user: str = "Dana Reyes", **params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.query_params["week"] = week
    at.query_params.update(params)
    at.session_state["role_override"] = role
    at.session_state["user_override"] = user
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def add_action(at: AppTest, topic: str, text: str, owner: str | None) -> AppTest:
    """Add an action on a team's aging category (``topic``: "team|rank") or, with
    ``topic`` "other", on the topic typed in the other form."""
    form = "other" if topic == "other" else "review"
    if form == "review":
        at.selectbox(key="pick_review").set_value(topic)
    at.text_input(key=f"text_{form}").input(text)
    at.selectbox(key=f"owner_{form}").set_value(owner)
    return click(at, f"FormSubmitter:form_{form}-Add action")


def messages(at: AppTest, kind: str) -> list[str]:
    return [m.value.replace("\\", "") for m in getattr(at, kind)]


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def kpi_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_the_whole_loop_from_one_review_to_the_next_and_the_report(store_url):
    # Monday 16 Nov: the review of the week of 9 Nov. Infrastructure is at review.
    engine = store.connect(store_url)
    settings = settings_mod.load_effective(engine)
    data = kpi_frames.make(store_frames.read(engine), settings)
    rep = report.build(data, "2026-11-09", settings)
    infra = next(t for t in rep["teams"] if t["team"] == "Infrastructure")
    assert infra["status"] == "review" and infra["top_categories"][:2] == ["Backup", "Network"]
    waiting = f", {infra['waiting']} waiting" if infra["waiting"] else ""
    at = page("2026-11-09")
    assert f"Infrastructure: {infra['aged_past_sla']} tickets aged past SLA of " \
        f"{infra['open']} open{waiting}" in texts(at)
    add_action(at, "Infrastructure|0", TRICKY, "Ravi Shah")
    assert at.selectbox(key="pick_review").value == "Infrastructure|1"   # on to the next
    add_action(at, "Infrastructure|1", "Write the VPN runbook", "Sofia Martins")
    assert messages(at, "success") == ["Action added: it is stored when you save the review "
                                       "below."]
    at.text_area(key="notes_2026-11-09_").input("Backups failed twice; *watch* it")
    click(at, "save_review")
    assert messages(at, "success") == ["Review of the week of 09 Nov 2026 saved with 2 new "
                                       "action(s)."]
    assert any(t.startswith("As reviewed on ") and t.endswith(" by Dana Reyes")
               for t in texts(at))
    saved = store.reviews_of_week(engine, "2026-11-09")
    assert len(saved) == 1 and saved[0].notes == "Backups failed twice; *watch* it"
    actions = store.review_actions(engine)
    assert actions[["category", "action", "owner", "status"]].values.tolist() == [
        ["Backup", TRICKY, "Ravi Shah", "open"],
        ["Network", "Write the VPN runbook", "Sofia Martins", "open"]]
    assert actions["due_week"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-16"] * 2

    # The stored numbers are the report's of that week.
    assert saved[0].numbers["cards"] == from_report(rep)
    assert saved[0].numbers["teams"] == rep["teams"]

    # Monday 23 Nov: the review of the week of 16 Nov confirms one and carries the other.
    at = page("2026-11-16")
    assert TRICKY in texts(at) and "Write the VPN runbook" in texts(at)
    click(at, "done_1")
    assert messages(at, "warning") == ["Write a word on the outcome first: what was done, or "
                                       "why it carries over or is dropped."]
    at.text_input(key="outcome_1").input("Checklist updated and used twice")
    click(at, "done_1")
    at.text_input(key="outcome_2").input("Waiting on the vendor's answer")
    click(at, "carry_2")
    assert messages(at, "success") == ["Action 2 carried over to the week of 23 Nov 2026."]
    actions = store.review_actions(engine).set_index("action_id")
    assert actions.loc[1, ["status", "outcome"]].tolist() == \
        ["done", "Checklist updated and used twice"]
    assert actions.loc[2, ["status", "carried_over"]].tolist() == ["open", 1]
    assert actions.loc[2, "due_week"].strftime("%Y-%m-%d") == "2026-11-23"
    assert TRICKY not in texts(at)   # settled: no longer among the open ones

    # The Monday e-mail ends with the open action and its owner.
    done = kpi_cli("report", "--db", store_url, "--as-of", "2026-11-18", "--format", "text")
    assert done.returncode == 0, done.stderr
    tail = done.stdout.rstrip().splitlines()[-2:]
    assert tail == ["Open actions from the weekly reviews (1):",
                    "- Infrastructure / Network: Write the VPN runbook -- Sofia Martins, due "
                    "week of 2026-11-23, carried over 1x (last word: Waiting on the vendor's "
                    "answer)"]
    listed = kpi_cli("actions", "--db", store_url, "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert "'=1+1 <b>bold</b>" in listed.stdout   # a formula stays text in the CSV
    engine.dispose()


def test_bad_input_gets_a_plain_message(store_url):
    at = page("2026-11-09")
    add_action(at, "Infrastructure|0", "   ", "Ravi Shah")
    assert messages(at, "warning") == ["The action has no text: write what will be done, "
                                       "then add it."]
    add_action(at, "Infrastructure|0", "Fix the backup job", None)
    assert messages(at, "warning") == ["The action has no owner: choose the technician who "
                                       "will do it."]
    add_action(at, "Infrastructure|0", "Fix the backup job", "Ravi Shah")
    # Ravi leaves before the review is saved (a new technicians list is imported).
    engine = store.connect(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM technicians WHERE name = 'Ravi Shah'")
    click(at, "save_review")
    assert messages(at, "warning") == ["The owner of action 1, Ravi Shah, is no longer in the "
                                       "technicians list: choose another owner and save "
                                       "again."]
    assert store.reviews_of_week(engine, "2026-11-09") == []
    assert "Ravi Shah" not in at.selectbox(key="owner_review").options
    assert not at.exception
    engine.dispose()


def test_a_team_pick_keeps_the_form_to_that_teams_categories(store_url):
    at = page("2026-11-09")
    at.selectbox(key="pick_review").set_value("Infrastructure|2").run()
    at.selectbox(key="filter_team").set_value("Service Desk").run()      # not at review that week
    assert not at.exception and not [s for s in at.selectbox if s.key == "pick_review"]
    at.selectbox(key="filter_team").set_value("Infrastructure").run()
    assert not at.exception
    assert at.selectbox(key="pick_review").options == \
        ["Infrastructure · Backup", "Infrastructure · Network", "Infrastructure · Server"]


def test_peoples_words_are_shown_as_text(store_url):
    at = page("2026-11-09")
    add_action(at, "Infrastructure|2", TRICKY, "Ravi Shah")
    at.text_area(key="notes_2026-11-09_").input(TRICKY)
    click(at, "save_review")
    at = page("2026-11-09")
    shown = texts(at)
    assert any(TRICKY in t for t in shown)               # the notes, as typed
    recorded = next(d.value for d in at.dataframe if "topic" in d.value.columns)
    assert recorded["action"].tolist() == [TRICKY]
    markdown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("<b>bold</b>" in m or "**not bold**" in m for m in markdown)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_browsers_saving_one_week_both_keep_their_actions(backend, store_url, request,
                                                              monkeypatch):
    if backend == "postgresql":   # the sample in a PostgreSQL database of its own
        from loaders.sample import load_sample

        url = request.getfixturevalue("pg_url")
        load_sample(store.connect(url))
        monkeypatch.setenv("CADENCE_DB_URL", url)
    else:
        url = store_url
    dana, sam = page("2026-11-02", user="Dana Reyes"), page("2026-11-02", user="Sam Ortega")
    for browser in (dana, sam):   # the other-topic form is drawn once it is opened
        assert not [t for t in browser.text_input if t.key == "topic_other"]
        browser.session_state["other_topic"] = True
        browser.run()
    dana.selectbox(key="team_other").set_value("Service Desk")
    dana.text_input(key="topic_other").input("Reopens")
    add_action(dana, "other", "Review the password-reset script", "Mia Patel")
    sam.text_input(key="topic_other").input("CSAT comments")
    add_action(sam, "other", "Call back the two unhappy clients", "Jordan Hayes")
    click(dana, "save_review")
    click(sam, "save_review")
    engine = store.connect(url)
    assert sorted(r.held_by for r in store.reviews_of_week(engine, "2026-11-02")) == \
        ["Dana Reyes", "Sam Ortega"]
    actions = store.review_actions(engine)
    assert sorted(actions["action"]) == ["Call back the two unhappy clients",
                                         "Review the password-reset script"]
    assert sorted(actions["team"]) == ["", "Service Desk"]
    dana.run()   # each browser sees both afterwards
    recorded = next(d.value for d in dana.dataframe if "topic" in d.value.columns)
    assert sorted(recorded["topic"]) == ["CSAT comments", "Reopens"]
    engine.dispose()


def test_technicians_see_their_own_teams_actions_read_only(store_url, monkeypatch):
    engine = store.connect(store_url)
    store.save_review(engine, "2026-11-09", "", "Dana", {}, "", [
        store.NewAction("Infrastructure", "Backup", "Fix the backup job", "Ravi Shah",
                        "2026-11-16"),
        store.NewAction("Service Desk", "Email", "Update the mailbox KB", "Mia Patel",
                        "2026-11-16")])
    at = page("2026-11-16", role="technician", user="sofia martins")
    assert "Infrastructure: 1 open action(s)" in texts(at)
    table = next(d.value for d in at.dataframe if "topic" in d.value.columns)
    assert table["action"].tolist() == ["Fix the backup job"]
    assert not at.button and not at.text_input and not at.text_area   # nothing to edit
    assert "Actions for the teams at review" not in [s.value for s in at.subheader]
    # Without sign-in, whoever is at this computer says who they are...
    stranger = page("2026-11-16", role="technician", user="Pat Unknown")
    assert "Infrastructure: 1 open action(s)" not in texts(stranger)
    stranger.selectbox(key="local_technician").set_value("Sofia Martins").run()
    assert "Infrastructure: 1 open action(s)" in texts(stranger)
    assert not stranger.button and not stranger.text_input   # still nothing to edit
    # ... with sign-in, the name comes from the identity provider and nobody picks another
    monkeypatch.setattr("pages._lib.review_meeting.auth_configured", lambda: True)
    signed_in = page("2026-11-16", role="technician", user="Pat Unknown")
    assert any("can't find Pat Unknown in the technicians list" in m
               for m in messages(signed_in, "info"))
    assert not [s for s in signed_in.selectbox if s.key == "local_technician"]
    owner = page("2026-11-16", role="owner")
    assert [b.label for b in owner.button][:3] == ["Confirm done",
                                                  "Carry over to the week of 23 Nov", "Drop"]
    engine.dispose()


def test_a_review_with_a_client_filter_is_not_saved_nor_compared(store_url):
    engine = store.connect(store_url)
    store.save_review(engine, "2026-11-09", "", "Dana", {"client": "", "cards": {}}, "")
    at = page("2026-11-09", client="Bayside Dental")
    assert any("choose All clients to save it" in m for m in messages(at, "info"))
    assert "save_review" not in [b.key for b in at.button]
    assert any(t.startswith("As reviewed on ") for t in texts(at))
    assert any("set the saved numbers beside today's" in c.value for c in at.caption)
    assert not any("as reviewed" in d.value.columns for d in at.dataframe)
    engine.dispose()


def test_plain_escapes_every_markdown_character():
    from pages._lib.formats import plain

    assert plain("Ravi **Shah** <b>x</b>\n:material/home: $x$") == \
        "Ravi \\*\\*Shah\\*\\* \\<b\\>x\\</b\\> \\:material/home\\: \\$x\\$"
    assert plain("O'Connor & Sons [1](x)") == "O\\'Connor \\& Sons \\[1\\]\\(x\\)"
    assert plain("plain words") == "plain words"


def test_speed_sits_beside_the_sla_and_says_whose_verdict(store_url):
    from kpi import compliance, flow

    engine = store.connect(store_url)
    settings = settings_mod.load_effective(engine)
    data = kpi_frames.make(store_frames.read(engine), settings).as_known_at("2026-11-23")
    engine.dispose()
    sla = compliance.sla_compliance(data, "2026-11-16", "2026-11-23", settings, basis=True)
    expected = flow.beside_sla(flow.time_to(data, "2026-11-16", "2026-11-23", settings), sla,
                               settings)
    at = page("2026-11-16")
    shown = next(d.value for d in at.dataframe if "response_target_hours" in d.value.columns)
    assert shown["priority"].tolist() == expected["priority"].tolist()
    assert shown["response_n"].tolist() == expected["response_n"].tolist()
    assert shown["resolution_median_sla_hours"].tolist() == \
        expected["resolution_median_sla_hours"].tolist()
    psa, n = int(sla["resolution_psa_n"].sum()), int(sla["resolution_n"].sum())
    assert psa > 0   # the sample's HaloPSA tickets carry the PSA's verdict
    assert any(f"the PSA's own verdict for {psa:,} of {n:,} tickets" in c.value
               for c in at.caption)
