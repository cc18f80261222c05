import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from kpi import frames as kpi_frames, utilisation
from loaders import settings as settings_mod
from loaders.parse import parse_bool
from tests.kpi_frames import frames, table

T = pd.Timestamp
START, END = T("2026-11-02"), T("2026-11-16")   # 14 days = exactly 2 weeks

TECHS = pd.DataFrame([
    {"name": "Ann", "team": "SD", "weekly_capacity_hours": 40.0},   # capacity 80
    {"name": "Bob", "team": "Proj", "weekly_capacity_hours": 30.0},  # capacity 60
    {"name": "Cy", "team": "SD", "weekly_capacity_hours": None},     # no capacity -> 40: 80
    {"name": "Dee", "team": None, "weekly_capacity_hours": 0.0},     # zero -> 40: 80, idle
])


def _e(tech, day, hours, billable=None, billed=None, client=None):
    return {"technician": tech, "work_date": day, "hours": hours, "billable": billable,
            "hours_billed": billed, "client": client}


ENTRIES = pd.DataFrame([
    _e("Ann", "2026-11-02", 40.0, True, client="Acme"),     # first day of the period: counts
    _e("Ann", "2026-11-09", 24.0, 1, client="Acme"),        # 0/1 flag (SQLite booleans)
    _e("Ann", "2026-11-15", 10.0, "false", client="Acme"),  # not billable, still client work
    _e("Ann", "2026-11-16", 50.0, True, client="Acme"),     # END: outside
    _e("Ann", "2026-11-01", 50.0, True, client="Acme"),     # before: outside
    _e("Bob", "2026-11-03", 45.0, None, None, "Acme"),  # flag missing, billed -> hours: billable
    _e("Bob", "2026-11-04", 5.0, None, 0.0, "Northwind"),   # internal (labor.internal_clients)
    _e("Cy", "2026-11-05", 60.0, False, client="Beta"),     # managed work, non-billable
    _e("Cy", "2026-11-06", 8.0, True, client=None),          # no client: internal
    _e("Eve", "2026-11-15 18:00", 70.0, True, client="Acme"),  # no technicians row -> 40/week
    _e(None, "2026-11-05", 10.0, True, client="Acme"),       # nobody's: counts nowhere
    _e("  ", "2026-11-05", 10.0, True, client="Acme"),       # blank name: nobody's
])
SETTINGS = settings_mod.load()
SETTINGS["labor"]["internal_clients"] = ["Northwind"]


def _flags(values: pd.Series) -> pd.Series:
    """Billable flags as the loader reads them (``loaders.parse.parse_bool``): text and
    0/1 become booleans before anything reaches the KPIs, which take a typed column."""
    text = values.astype("object").map(lambda v: "" if v is None or pd.isna(v) else str(v))
    return parse_bool(text.astype("str"))[0]


def _frames(entries, techs=TECHS):
    return frames(time_entries=entries.assign(billable=_flags(entries["billable"])),
                  technicians=techs)


def test_utilisation_hand_worked():
    out = utilisation.utilisation(_frames(ENTRIES), START, END, SETTINGS)
    assert out["technician"].tolist() == ["Ann", "Bob", "Cy", "Dee", "Eve"]
    rows = out.set_index("technician").to_dict("index")
    # Ann: 74 h, all for Acme: client 74 / 80 = 92.5 % above; billable 40 + 24 = 64: 80 %
    assert rows["Ann"] == {"team": "SD", "capacity_hours": 80.0, "hours": 74.0,
                           "client_hours": 74.0, "billable_hours": 64.0,
                           "utilisation_percent": 92.5, "billable_percent": 80.0,
                           "band": "above"}
    # Bob: 45 h client + 5 h internal; 45 / 60 = exactly 75 % -> in (inclusive)
    assert rows["Bob"]["client_hours"] == 45.0 and rows["Bob"]["hours"] == 50.0
    assert rows["Bob"]["utilisation_percent"] == 75.0 and rows["Bob"]["band"] == "in"
    assert rows["Bob"]["billable_percent"] == 75.0
    # Cy: no capacity -> 40 * 2 = 80; client 60 (non-billable managed work) = 75 %, in;
    # the 8 h without a client are internal; billable 8 / 80 = 10 %
    assert rows["Cy"]["capacity_hours"] == 80.0 and rows["Cy"]["client_hours"] == 60.0
    assert rows["Cy"]["utilisation_percent"] == 75.0 and rows["Cy"]["band"] == "in"
    assert rows["Cy"]["billable_percent"] == 10.0
    # Dee: capacity 0 -> 40; idle: 0 % below
    assert rows["Dee"] == {"team": None, "capacity_hours": 80.0, "hours": 0.0,
                           "client_hours": 0.0, "billable_hours": 0.0,
                           "utilisation_percent": 0.0, "billable_percent": 0.0,
                           "band": "below"}
    # Eve: not in the table: 40 * 2 = 80; 70 / 80 = 87.5 % above
    assert rows["Eve"]["team"] is None and rows["Eve"]["capacity_hours"] == 80.0
    assert rows["Eve"]["utilisation_percent"] == 87.5 and rows["Eve"]["band"] == "above"


def test_teams_add_hours_and_capacities():
    out = utilisation.by_team(utilisation.utilisation(_frames(ENTRIES), START, END, SETTINGS))
    rows = out.set_index("team").to_dict("index")
    # SD: Ann 74 + Cy 60 client hours over 80 + 80 capacity = 83.75 %, in
    assert rows["SD"]["client_hours"] == 134.0 and rows["SD"]["capacity_hours"] == 160.0
    assert rows["SD"]["utilisation_percent"] == 83.75 and rows["SD"]["band"] == "in"
    # no team: Dee (idle, 80) and Eve (70 of 80): 70 / 160 = 43.75 %
    assert rows["(no team)"]["utilisation_percent"] == 43.75


def test_by_week_lists_each_week():
    weeks = [START, START + pd.Timedelta(days=7)]
    out = utilisation.by_week(_frames(ENTRIES), weeks, SETTINGS)
    ann = out[out["technician"] == "Ann"].set_index("week")
    # week 1: 40 h of 40; week 2: 24 + 10 = 34 of 40
    assert ann["client_hours"].to_dict() == {"2026-11-02": 40.0, "2026-11-09": 34.0}
    assert ann["utilisation_percent"].to_dict() == {"2026-11-02": 100.0, "2026-11-09": 85.0}


def test_partial_week_and_no_table():
    # 3 days = 3/7 week: Ann's capacity 40 * 3 / 7 = 120/7; 40 h for a client -> above
    out = utilisation.utilisation(_frames(ENTRIES), START, T("2026-11-05"), SETTINGS)
    ann = out.set_index("technician").loc["Ann"]
    assert abs(ann["capacity_hours"] - 120 / 7) < 1e-9
    assert abs(ann["utilisation_percent"] - 4000 / (120 / 7)) < 1e-9 and ann["band"] == "above"
    # without a technicians table every technician with entries gets 40 a week
    out = utilisation.utilisation(_frames(ENTRIES, None), START, END, SETTINGS)
    assert out["technician"].tolist() == ["Ann", "Bob", "Cy", "Eve"]
    assert (out["capacity_hours"] == 80.0).all()
    # Bob: 45 / 80 = 56.25 % below
    assert out.set_index("technician").loc["Bob", "band"] == "below"


def test_band_edges_and_empty_period():
    assert [utilisation.band(p) for p in (None, 74.999, 75.0, 85.0, 85.0001)] == \
        [None, "below", "in", "in", "above"]
    out = utilisation.utilisation(_frames(ENTRIES), START, START, SETTINGS)
    assert (out["capacity_hours"] == 0).all() and out["utilisation_percent"].isna().all()
    assert out["band"].isna().all()
    empty = utilisation.utilisation(_frames(ENTRIES.iloc[:0], None), START, END, SETTINGS)
    assert empty.empty and list(empty.columns) == utilisation.COLUMNS


def test_flags_are_read_before_the_kpi():
    """The KPI no longer reads text or 0/1 flags itself: the loader's reading gives the
    flags the hand-worked case uses, the store's 0/1 (SQLite) become booleans when the
    frames are made, and a text column reaching the KPI frames is refused by name."""
    assert _flags(ENTRIES["billable"]).tolist() == \
        [True, True, False, True, True, pd.NA, pd.NA, False, True, True, True, True]
    assert table("time_entries", [{"billable": 1}, {"billable": 0}, {"billable": None}]
                 )["billable"].tolist() == [True, False, pd.NA]
    tables = {name: table(name) for name in kpi_frames.TABLES.values()}
    tables["time_entries"] = table("time_entries", ENTRIES.drop(columns="billable")) \
        .assign(billable=ENTRIES["billable"].astype("object"))
    with pytest.raises(kpi_frames.FramesError, match="time_entries: column 'billable'"):
        kpi_frames.make(tables, settings_mod.load())
    del tables["time_entries"]["billable"]
    with pytest.raises(kpi_frames.FramesError, match="'billable' is missing"):
        kpi_frames.make(tables, settings_mod.load())


BASE = dt.date(2026, 10, 26)
entry = st.fixed_dictionaries({
    "tech": st.sampled_from(["Ann", "Bob", "Zed", None]),
    "day": st.integers(0, 30),
    "hours": st.floats(0, 12, allow_nan=False),
    "billable": st.sampled_from([True, False, None, "yes", 0]),
    "billed": st.one_of(st.none(), st.floats(0, 12, allow_nan=False)),
    "client": st.sampled_from(["Acme", "Northwind", None]),
})


@hsettings(max_examples=50, deadline=None)
@given(st.lists(entry, max_size=30), st.integers(0, 20), st.integers(0, 20))
def test_invariants(specs, first, length):
    entries = pd.DataFrame([_e(s["tech"], BASE + dt.timedelta(days=s["day"]), s["hours"],
                               s["billable"], s["billed"], s["client"]) for s in specs],
                           columns=["technician", "work_date", "hours", "billable",
                                    "hours_billed", "client"])
    start = T(BASE) + pd.Timedelta(days=first)
    end = start + pd.Timedelta(days=length)
    out = utilisation.utilisation(_frames(entries), start, end, SETTINGS)
    assert (out["billable_hours"] <= out["hours"] + 1e-9).all()
    assert (out["client_hours"] <= out["hours"] + 1e-9).all()
    assert (out["billable_hours"] >= 0).all()
    assert (out["capacity_hours"] >= 0).all()
    day = pd.to_datetime(entries["work_date"])
    inside = (day >= start) & (day < end) & entries["technician"].notna()
    assert abs(out["hours"].sum() - entries.loc[inside, "hours"].sum()) < 1e-6
    client = inside & entries["client"].eq("Acme")
    assert abs(out["client_hours"].sum() - entries.loc[client, "hours"].sum()) < 1e-6
    teams = utilisation.by_team(out)
    assert abs(teams["client_hours"].sum() - out["client_hours"].sum()) < 1e-6
    for r in out.to_dict("records"):
        if r["capacity_hours"] > 0:
            assert r["utilisation_percent"] >= 0
            assert r["band"] == utilisation.band(r["utilisation_percent"])
        else:
            assert r["utilisation_percent"] is None and r["band"] is None
