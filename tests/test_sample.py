"""The bundled sample MSP: reproducible from its generator, and every row imports."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pytest

from loaders import store
from loaders.sample import load_sample, sample_files
from tests.conftest import SAMPLE_DATA


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_reproduces_the_committed_files(tmp_path):
    subprocess.run([sys.executable, str(SAMPLE_DATA / "generate.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    committed = {p.name: digest(p) for p in sample_files()}
    fresh = {p.name: digest(p) for p in sample_files(tmp_path)}
    assert fresh == committed


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    engine = store.connect(f"sqlite:///{tmp_path_factory.mktemp('s') / 'sample.db'}")
    return engine, load_sample(engine)


def test_every_sample_row_is_stored(sample_store):
    _, results = sample_store
    assert len(results) == 11
    assert {(r.vendor, r.kind) for r in results} >= {
        ("halopsa", "tickets"), ("autotask", "tickets"), ("connectwise", "tickets"),
        ("halopsa", "time_entries"), ("halopsa", "agreements"), ("halopsa", "csat"),
        ("autotask", "csat"), ("cadence", "technicians")}
    for r in results:
        assert r.rows_rejected == 0, (r.file_name, r.rejected.head())
        assert r.rows_stored == r.rows_read


def test_sample_shape(sample_store):
    engine, _ = sample_store
    counts = store.table_counts(engine)
    # 15,000 client tickets and 208 internal ones (4 Halo teams x 52 weeks)
    assert counts["tickets"] == 15_208 and counts["technicians"] == 20
    # 26,030 entries on client tickets and 3,069 of internal time
    assert counts["time_entries"] == 29_099 and counts["csat_responses"] == 2_835
    tickets = store.read_table(engine, "tickets")
    assert tickets["client"].nunique() == 41  # 40 clients and Northwind itself
    assert set(tickets["team"].fillna(tickets["board"])) == {
        "Service Desk", "Infrastructure", "Security", "Onboarding", "Projects",
        "Harbor Service Desk"}
    assert tickets["priority"].notna().all()
    assert tickets["created_at"].max() < pd.Timestamp("2026-11-23")
    # ConnectWise writes UTC; the sample's settings store US Eastern local time.
    cw = tickets[tickets["source_system"] == "connectwise"]
    assert cw["created_at"].dt.hour.between(6, 19).mean() > 0.95


CUTOFF = pd.Timestamp("2026-11-23")


def _open_at_cutoff(tickets: pd.DataFrame) -> pd.DataFrame:
    done = tickets["resolved_at"].fillna(tickets["closed_at"])
    return tickets[(tickets["created_at"] < CUTOFF) & (done.isna() | (done >= CUTOFF))]


def test_the_open_backlog_holds_waiting_tickets(sample_store):
    """Waiting on the customer, on a vendor, on hold: in the open backlog of five teams.
    Infrastructure's 49 open tickets at the cut-off: 16 wait on the customer, 3 are on
    hold (sample_data/README.md: 11 of them are among its 32 past due)."""
    engine, _ = sample_store
    still_open = _open_at_cutoff(store.read_table(engine, "tickets"))
    waiting = still_open[still_open["status_class"] == "waiting"]
    assert {"Waiting on Customer", "Waiting on Vendor", "On Hold", "Waiting Customer",
            "Waiting Vendor"} <= set(waiting["status"])
    assert waiting["team"].fillna(waiting["board"]).nunique() == 5
    infra = still_open[still_open["team"] == "Infrastructure"]
    assert len(infra) == 49
    assert infra.loc[infra["status_class"] == "waiting", "status"].value_counts().to_dict() \
        == {"Waiting on Customer": 16, "On Hold": 3}
    # Scheduled project work is open, not waiting
    assert (still_open.loc[still_open["status"] == "Scheduled", "status_class"] == "open").all()


def test_reopens_and_escalations_are_there(sample_store):
    engine, _ = sample_store
    tickets = store.read_table(engine, "tickets")
    halo = tickets[(tickets["source_system"] == "halopsa")
                   & (tickets["client"] != "Northwind Managed IT")]
    assert halo["reopen_count"].notna().all() and halo["escalation_count"].notna().all()
    assert 0.02 < (halo["reopen_count"] > 0).mean() < 0.06
    assert 0.05 < (halo["escalation_count"] > 0).mean() < 0.15
    # the story: the Service Desk's printer fixes reopen far more often than the rest
    desk = halo[(halo["team"] == "Service Desk")
                & halo["status_class"].isin(["resolved", "closed"])]
    printer = desk["category"] == "Printer"
    assert (desk.loc[printer, "reopen_count"] > 0).mean() > \
        3 * (desk.loc[~printer, "reopen_count"] > 0).mean()
    # Autotask and ConnectWise export no such counts: unknown, not zero
    others = tickets[tickets["source_system"].isin(["autotask", "connectwise"])]
    assert others["reopen_count"].isna().all() and others["escalation_count"].isna().all()


def test_block_agreements_carry_their_included_hours(sample_store):
    engine, _ = sample_store
    agreements = store.read_table(engine, "agreements")
    hours = agreements.dropna(subset=["included_hours"]).set_index(["client", "name"])
    assert hours["included_hours"].round(2).to_dict() == {
        ("Saltmarsh Seafood Co.", "Block Hours - 20 hrs/month"): 20.0,
        ("Oakmont Construction", "Block Hours - 40 hrs/month"): 40.0,
        ("Coastal Freight Partners", "Block Hours - 30 hrs/month"): 30.0,
        # billed quarterly: chargehoursperperiod 60 a quarter, 20 a month
        ("Trident Marine Supply", "Block Hours - 20 hrs/month"): 20.0,
        # ConnectWise applicationLimit 20 Hours a CalendarQuarter: 20 / 3 = 6.67 a month
        ("Coastal Freight Partners",
         "Coastal Freight Partners - Project Hours Bank - 20 hrs/quarter"): 6.67,
    }
    assert (hours["type"] == "block").all()
    # the projects' limits are amounts (applicationUnits Amount): no hours
    projects = agreements[agreements["type"] == "project"]
    assert len(projects) == 7 and projects["included_hours"].isna().all()


def test_an_agreement_starts_mid_month(sample_store):
    engine, _ = sample_store
    agreements = store.read_table(engine, "agreements")
    add_on = agreements[agreements["name"] == "Security Operations Add-on"]
    assert add_on[["client", "start_date", "monthly_revenue"]].values.tolist() == [
        ["Granite Peak Credit Union", pd.Timestamp("2026-09-16").date(), 3000.0]]


def test_internal_time_and_the_settings_that_name_it(sample_store):
    """Every technician logs internal time (Northwind's own company, or no client at all
    in Autotask), and the sample's settings, saved in the store, name the company."""
    from loaders import settings as settings_mod

    engine, _ = sample_store
    saved = settings_mod.load_effective(engine)
    assert saved["labor"]["internal_clients"] == ["Northwind Managed IT"]
    assert saved["timezone"] == "America/New_York"
    entries = store.read_table(engine, "time_entries")
    client = _entry_clients(engine, entries)
    internal = entries[client.isna() | (client == "Northwind Managed IT")]
    assert internal["technician"].nunique() == 20
    assert set(internal["source_system"]) == {"halopsa", "autotask", "connectwise"}
    assert not internal["billable"].any()
    # about 2.6 hours a week each: 6-7 % of a 40-hour week
    weekly = internal.groupby("technician")["hours"].sum() / 52
    assert weekly.between(2.0, 3.2).all()


def _entry_clients(engine, entries: pd.DataFrame) -> pd.Series:
    """Each time entry's client: the export's, else its ticket's."""
    tickets = store.read_table(engine, "tickets").set_index(["source_system", "ticket_id"])
    key = pd.MultiIndex.from_arrays([entries["source_system"], entries["ticket_id"]])
    return entries["client"].fillna(pd.Series(tickets["client"].reindex(key).to_numpy(),
                                              index=entries.index))


def _client_utilisation(engine, start: str, end: str) -> pd.Series:
    """Client hours / capacity (SPEC KPI 6), counted directly: time with no client after
    taking its ticket's client, or Northwind's own, is internal."""
    entries = store.read_table(engine, "time_entries")
    client = _entry_clients(engine, entries)
    worked = pd.to_datetime(entries["work_date"])
    inside = (worked >= pd.Timestamp(start)) & (worked < pd.Timestamp(end))
    for_clients = inside & client.notna() & (client != "Northwind Managed IT")
    capacity = store.read_table(engine, "technicians").set_index("name")[
        "weekly_capacity_hours"] * (pd.Timestamp(end) - pd.Timestamp(start)).days / 7
    return entries[for_clients].groupby("technician")["hours"].sum() / capacity * 100


@pytest.mark.parametrize("start, end", [("2026-11-16", "2026-11-23"),   # the report's week
                                        ("2025-11-24", "2026-11-23")])  # the year
def test_utilisation_on_client_work(sample_store, start, end):
    """Infrastructure above the 75-85 % band, Marcus Bell far over and Owen Fletcher far
    under (story 4), everyone else in or near it."""
    engine, _ = sample_store
    util = _client_utilisation(engine, start, end)
    infra = ["Sofia Martins", "Ravi Shah", "Grace Whitfield", "Liam O'Connor"]
    stories = ["Marcus Bell", "Owen Fletcher"]
    if start == "2026-11-16":
        assert (util[infra] > 85).all()
    assert util["Marcus Bell"] > 110 and util["Owen Fletcher"] < 45
    others = util.drop(infra + stories)
    assert len(others) == 14 and others.between(75, 86).all()


def test_csat_scales_of_the_sample(sample_store):
    engine, _ = sample_store
    csat = store.read_table(engine, "csat_responses")
    by_source = csat.groupby("source_system")[["scale", "scale_source"]].agg(set)
    assert by_source.loc["autotask"].tolist() == [{"5-point"}, {"preset"}]
    assert by_source.loc["halopsa"].tolist() == [{"5-point"}, {"settings"}]
