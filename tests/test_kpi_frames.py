"""``kpi.frames``: the one checked input of every KPI function."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi import frames as kpi_frames
from loaders import settings as settings_mod
from loaders import tables as declared
from tests.kpi_frames import FIELDS, frames, table


def _tables() -> dict:
    out = {name: table(name) for name in FIELDS.values()}
    out[kpi_frames.VERSIONS] = table("tickets")
    return out


def test_a_missing_and_a_mistyped_column_are_both_named():
    tables = _tables()
    tables["tickets"] = tables["tickets"].drop(columns="created_at")
    tables["time_entries"]["hours"] = tables["time_entries"]["hours"].astype("object")
    with pytest.raises(kpi_frames.FramesError) as caught:
        kpi_frames.make(tables, settings_mod.load())
    message = str(caught.value)
    assert "tickets: column 'created_at' is missing" in message
    assert "time_entries: column 'hours' is object, not float64" in message


def test_a_missing_table_is_named():
    tables = _tables()
    del tables["csat_responses"]
    with pytest.raises(kpi_frames.FramesError, match="the csat_responses table is missing"):
        kpi_frames.make(tables, settings_mod.load())


def test_every_declared_frame_column_is_checked():
    checked = {(t, c.name) for t, spec in declared.DATA_TABLES.items()
               for c in spec.frame_columns}
    assert ("tickets", "created_at") in checked and ("time_entries", "entry_id") not in checked
    assert kpi_frames.problems(_tables()) == []


@pytest.mark.parametrize("team,board,expected", [
    ("Desk", "Queue", "Desk"), (None, "Queue", "Queue"), ("  ", "Queue", "Queue"),
    (None, None, "Unassigned"), ("", "", "Unassigned"),
])
def test_the_team_key_is_worked_out_once(team, board, expected):
    f = frames(tickets=[{"ticket_id": "T", "created_at": "2026-03-02", "team": team,
                         "board": board}])
    assert f.tickets["team_key"].tolist() == [expected]


def test_labour_is_priced_with_the_settings_and_kept_apart_from_the_entries():
    s = settings_mod.load()
    s["labor"]["hourly_cost"] = {"Ann": 60.0}
    f = frames(time_entries=[
        {"technician": "Ann", "client": "Acme", "work_date": "2026-03-02", "hours": 2,
         "billable": True, "bill_rate": 150},
        {"technician": "Bob", "client": "Acme", "work_date": "2026-03-02 15:00", "hours": 1,
         "billable": False}], settings=s)
    # 2 h x $150 billed; cost 2 x $60 (Ann, settings) + 1 x $45 (default) = 165
    assert f.labour.to_dict("records") == [{
        "client": "Acme", "work_date": pd.Timestamp("2026-03-02"), "hours": 3.0,
        "labor_revenue": 300.0, "labor_cost": 165.0}]
    assert len(f.time_entries) == 2


def test_slice_follows_team_and_client():
    f = frames(tickets=[
        {"source_system": "x", "ticket_id": "1", "created_at": "2026-03-02", "team": "Desk",
         "client": "Acme"},
        {"source_system": "x", "ticket_id": "2", "created_at": "2026-03-02", "team": "Net",
         "client": "Acme"}],
        csat=[{"source_system": "x", "ticket_id": "2", "responded_at": "2026-03-03",
               "rating": "positive", "client": "Acme"}])
    assert f.slice(team="Desk").tickets["ticket_id"].tolist() == ["1"]
    assert len(f.slice(team="Desk").csat) == 0           # a survey follows its ticket's team
    assert len(f.slice(team="Net", client="Acme").csat) == 1
    assert len(f.slice(client="Other").tickets) == 0


# ---------------------------------------------------------------------------- as known
def _ticket(tid, updated, **more):
    return {"source_system": "sn", "ticket_id": tid, "created_at": "2026-03-02 09:00",
            "updated_at": updated, "status_class": "open", **more}


def test_each_ticket_as_it_was_known_at_the_cut_off():
    cut = pd.Timestamp("2026-03-09")
    current = [
        # moved to Network and resolved after the cut-off; known at the cut-off in Desk
        _ticket("A", "2026-03-11", team="Network", resolved_at="2026-03-11"),
        # first exported after the cut-off, already waiting: its earliest version is used
        _ticket("B", "2026-03-12", team="Desk", status_class="waiting"),
        # exported without an update time: its current row, whatever its history says
        _ticket("C", None, team="Network"),
        # unchanged since before the cut-off
        _ticket("D", "2026-03-05", team="Desk"),
        # updated exactly at the cut-off: that version is known at it
        _ticket("E", "2026-03-09", team="Network"),
    ]
    history = [
        _ticket("A", "2026-03-03", team="Desk"),
        _ticket("A", "2026-03-08", team="Desk", status_class="waiting"),   # the latest <= cut
        _ticket("B", "2026-03-10", team="Projects"),                        # earliest of B
        _ticket("C", "2026-03-03", team="Desk"),
        _ticket("E", "2026-03-02", team="Desk"),
        _ticket("Z", "2026-03-03", team="Desk"),                            # no current row
    ]
    f = frames(tickets=current, ticket_versions=history)
    known = f.as_known_at(cut).tickets.set_index("ticket_id")
    assert known["team"].to_dict() == {"A": "Desk", "B": "Projects", "C": "Network",
                                       "D": "Desk", "E": "Network"}
    assert known["status_class"].to_dict()["A"] == "waiting"
    assert pd.isna(known.loc["A", "done_at"]) and known.loc["A", "team_key"] == "Desk"
    assert f.tickets.set_index("ticket_id").loc["A", "team"] == "Network"   # not changed
    # a cut-off after every update: the current rows
    assert f.as_known_at(pd.Timestamp("2026-04-01")) is f


def test_an_undated_earlier_version_was_known_before_a_dated_later_one():
    cut = pd.Timestamp("2026-03-09")
    current = [_ticket("A", "2026-03-11", team="Network")]
    history = [_ticket("A", None, team="Desk"), _ticket("A", None, team="Projects")]
    known = frames(tickets=current, ticket_versions=history).as_known_at(cut).tickets
    assert known["team"].tolist() == ["Projects"]      # the last one stored
    both = history + [_ticket("A", "2026-03-01", team="Security")]
    known = frames(tickets=current, ticket_versions=both).as_known_at(cut).tickets
    assert known["team"].tolist() == ["Security"]      # a dated version known at the cut
