"""The real public exports beside the project (skipped when the folder is absent)."""
from __future__ import annotations

import pandas as pd

from loaders import store
from loaders.importer import import_file
from tests.conftest import shared_dataset


def test_servicenow_event_log_latest_update_wins(engine):
    path = shared_dataset("servicenow_incident_event_log.csv")
    result = import_file(engine, path)
    assert (result.vendor, result.kind) == ("servicenow", "tickets")
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (5998, 5998, 0)
    stored = store.read_table(engine, "tickets").set_index("ticket_id")
    assert len(stored) == 890

    # Independent reading of the same file: day-first dates, last update per incident.
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw["updated"] = pd.to_datetime(raw["sys_updated_at"], format="%d-%m-%Y %H:%M")
    raw["order"] = range(len(raw))
    latest = raw.sort_values(["number", "updated", "order"]).groupby("number").tail(1) \
        .set_index("number")
    assert set(stored.index) == set(latest.index)
    assert (stored["status"] == latest.loc[stored.index, "incident_state"]).all()
    opened = pd.to_datetime(latest["opened_at"], format="%d-%m-%Y %H:%M")
    assert (pd.to_datetime(stored["created_at"]) == opened.loc[stored.index]).all()
    # 29-02-2016 can only be day-first: the 29th of February.
    assert stored.loc["INC0000045", "created_at"] == pd.Timestamp("2016-02-29 01:16")
    assert stored.loc["INC0000045", "status"] == "Closed"
    assert stored.loc["INC0000045", "closed_at"] == pd.Timestamp("2016-03-05 12:00")
    assert stored["priority"].isin(["P1", "P2", "P3", "P4"]).all()
    assert stored["client"].isna().all()  # the log carries no company column
    assert stored["team"].nunique() > 1 and stored["sla_met"].notna().all()


def test_servicenow_us_dates_are_month_first(engine):
    path = shared_dataset("servicenow_incident_us_dates.csv")
    result = import_file(engine, path)
    assert (result.rows_read, result.rows_stored, result.rows_rejected) == (97, 97, 0)
    stored = store.read_table(engine, "tickets").set_index("ticket_id")
    assert stored.loc["INC0057044", "created_at"] == pd.Timestamp("2025-03-17 06:04")
    assert stored["summary"].isna().all()  # the literal text `null`
    # Closed tickets carry no close time: their last update stands in for it.
    done = stored[stored["status"].isin(["Closed", "Resolved"])]
    assert (done["closed_at"] == done["updated_at"]).all() and len(done) > 0
    assert stored.loc["INC0057044", "closed_at"] == pd.Timestamp("2025-03-22 07:00")
    still_open = stored[stored["status"].isin(["In Progress", "On Hold"])]
    assert still_open["closed_at"].isna().all()


def test_event_log_weekly_open_counts_equal_a_direct_count(engine):
    from kpi import backlog, frames as kpi_frames, periods
    from loaders.settings import load
    from loaders.store import frames as store_frames

    path = shared_dataset("servicenow_incident_event_log.csv")
    import_file(engine, path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw["order"] = range(len(raw))
    when = lambda col: pd.to_datetime(raw[col].replace("?", None), format="%d-%m-%Y %H:%M")  # noqa: E731
    raw["updated"] = when("sys_updated_at")
    latest = raw.sort_values(["number", "updated", "order"]).groupby("number").tail(1)
    idx = latest.index
    created = when("opened_at")[idx]
    done = when("resolved_at")[idx].fillna(when("closed_at")[idx])
    cut = periods.cutoff(created.max())
    weeks = periods.last_weeks(cut, 20)
    frames = kpi_frames.make(store_frames.read(engine), load())
    trend = backlog.backlog_trend(frames, weeks)
    for week in trend.itertuples():
        end = week.end
        direct = int(((created < end) & (done.isna() | (done >= end))).sum())
        assert week.open_at_end == direct, week.week
    assert trend["open_at_end"].max() > 0


def _report(db: str, *args: str) -> dict:
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-m", "kpi", "report", "--db", db, "--format",
                           "json", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_report_command_on_the_event_log(tmp_path):
    """`python -m kpi report --format json` on the real event log: the spec's shape, and
    weekly numbers equal to a direct count from the file, each incident read as it was
    known at the report's cut-off (its latest event at or before it)."""
    path = shared_dataset("servicenow_incident_event_log.csv")
    db = f"sqlite:///{tmp_path / 'log.db'}"
    import_file(store.connect(db), path)
    out = _report(db, "--weeks", "8")
    assert list(out) == ["as_of", "cutoff", "weeks", "teams", "technicians", "months",
                         "clients"]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw["order"] = range(len(raw))
    when = lambda col: pd.to_datetime(raw[col].replace("?", None), format="%d-%m-%Y %H:%M")  # noqa: E731
    raw["updated"] = when("sys_updated_at")
    # the default as-of: the latest incident opened (not the latest stray update)
    assert out["as_of"] == when("opened_at").max().date().isoformat()
    cut = pd.Timestamp(out["cutoff"])
    events = raw.assign(known=raw["updated"] <= cut)
    ordered = events.sort_values(["number", "updated", "order"])
    known = ordered[ordered["known"]].groupby("number").tail(1)
    first = ordered[~ordered["number"].isin(known["number"])].groupby("number").head(1)
    idx = pd.concat([known, first]).index
    created, done_at = when("opened_at")[idx], when("resolved_at")[idx].fillna(
        when("closed_at")[idx])
    for week in out["weeks"]:
        start = pd.Timestamp(week["week"])
        end = start + pd.Timedelta(days=7)
        assert week["opened"] == int(((created >= start) & (created < end)).sum())
        assert week["closed"] == int(((done_at >= start) & (done_at < end)).sum())
        assert week["open_at_end"] == int(((created < end) &
                                           (done_at.isna() | (done_at >= end))).sum())
    assert sum(t["open"] for t in out["teams"]) == out["weeks"][-1]["open_at_end"]


def test_a_past_report_is_the_same_before_and_after_later_events(tmp_path):
    """The issue's case: the report as of 2016-03-06 on the events up to its cut-off
    (2016-03-07 00:00) equals the report as of that date on the whole log."""
    path = shared_dataset("servicenow_incident_event_log.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    updated = pd.to_datetime(raw["sys_updated_at"].replace("?", None), format="%d-%m-%Y %H:%M")
    early = tmp_path / "early.csv"
    raw[updated <= pd.Timestamp("2016-03-07")].to_csv(early, index=False)
    part, whole = f"sqlite:///{tmp_path / 'part.db'}", f"sqlite:///{tmp_path / 'whole.db'}"
    import_file(store.connect(part), early)
    import_file(store.connect(whole), path)
    before = _report(part, "--as-of", "2016-03-06")
    after = _report(whole, "--as-of", "2016-03-06")
    assert len(before["teams"]) > 5
    assert after == before
