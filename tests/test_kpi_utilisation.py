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


def _e(tech, day, hours, billable=None, billed=None):
    return {"technician": tech, "work_date": day, "hours": hours, "billable": billable,
            "hours_billed": billed}


ENTRIES = pd.DataFrame([
    _e("Ann", "2026-11-02", 40.0, True),        # first day of the period: counts
    _e("Ann", "2026-11-09", 24.0, 1),           # 0/1 flag (SQLite booleans)
    _e("Ann", "2026-11-15", 10.0, "false"),     # text flag: not billable
    _e("Ann", "2026-11-16", 50.0, True),        # END: outside
    _e("Ann", "2026-11-01", 50.0, True),        # before: outside
    _e("Bob", "2026-11-03", 45.0, None, None),  # flag missing, billed -> hours 45 > 0: billable
    _e("Bob", "2026-11-04", 5.0, None, 0.0),    # flag missing, billed 0: not billable
    _e("Cy", "2026-11-05", 68.0, True),
    _e("Eve", "2026-11-15 18:00", 70.0, True),  # no technicians row -> 40/week; time of day ignored
    _e(None, "2026-11-05", 10.0, True),         # nobody's: counts nowhere
    _e("  ", "2026-11-05", 10.0, True),         # blank name: nobody's
])


def _flags(values: pd.Series) -> pd.Series:
    """Billable flags as the loader reads them (``loaders.parse.parse_bool``): text and
    0/1 become booleans before anything reaches the KPIs, which take a typed column."""
    text = values.astype("object").map(lambda v: "" if v is None or pd.isna(v) else str(v))
    return parse_bool(text.astype("str"))[0]


def _frames(entries, techs=TECHS):
    return frames(time_entries=entries.assign(billable=_flags(entries["billable"])),
                  technicians=techs)


def test_utilisation_hand_worked():
    out = utilisation.utilisation(_frames(ENTRIES), START, END, settings_mod.load())
    assert out["technician"].tolist() == ["Ann", "Bob", "Cy", "Dee", "Eve"]
    rows = out.set_index("technician").to_dict("index")
    # Ann: billable 40 + 24 = 64, hours 74, capacity 80: 80 % (in band), logged 92.5 %
    assert rows["Ann"] == {"team": "SD", "billable_hours": 64.0, "hours": 74.0,
                           "capacity": 80.0, "utilisation_percent": 80.0,
                           "logged_percent": 92.5, "band": "in band"}
    # Bob: 45 / 60 = exactly 75 % -> in band (inclusive); logged 50 / 60
    assert rows["Bob"]["billable_hours"] == 45.0 and rows["Bob"]["hours"] == 50.0
    assert rows["Bob"]["utilisation_percent"] == 75.0 and rows["Bob"]["band"] == "in band"
    assert abs(rows["Bob"]["logged_percent"] - 250 / 3) < 1e-9
    # Cy: no capacity -> 40 * 2 = 80; 68 / 80 = exactly 85 % -> in band (inclusive)
    assert rows["Cy"]["capacity"] == 80.0 and rows["Cy"]["utilisation_percent"] == 85.0
    assert rows["Cy"]["band"] == "in band"
    # Dee: capacity 0 -> 40; idle: 0 % below
    assert rows["Dee"] == {"team": None, "billable_hours": 0.0, "hours": 0.0,
                           "capacity": 80.0, "utilisation_percent": 0.0,
                           "logged_percent": 0.0, "band": "below"}
    # Eve: not in the table: 40 * 2 = 80; 70 / 80 = 87.5 % above
    assert rows["Eve"]["team"] is None and rows["Eve"]["capacity"] == 80.0
    assert rows["Eve"]["utilisation_percent"] == 87.5 and rows["Eve"]["band"] == "above"


def test_partial_week_and_no_table():
    # 3 days = 3/7 week: Ann's capacity 40 * 3 / 7 = 120/7; 40 h billable -> 233.3 % above
    out = utilisation.utilisation(_frames(ENTRIES), START, T("2026-11-05"), settings_mod.load())
    ann = out.set_index("technician").loc["Ann"]
    assert abs(ann["capacity"] - 120 / 7) < 1e-9
    assert abs(ann["utilisation_percent"] - 4000 / (120 / 7)) < 1e-9 and ann["band"] == "above"
    # without a technicians table every technician with entries gets 40 a week
    out = utilisation.utilisation(_frames(ENTRIES, None), START, END, settings_mod.load())
    assert out["technician"].tolist() == ["Ann", "Bob", "Cy", "Eve"]
    assert (out["capacity"] == 80.0).all()
    # Bob: 45 / 80 = 56.25 % below
    assert out.set_index("technician").loc["Bob", "band"] == "below"


def test_band_edges_and_empty_period():
    assert [utilisation.band(p) for p in (None, 74.999, 75.0, 85.0, 85.0001)] == \
        [None, "below", "in band", "in band", "above"]
    out = utilisation.utilisation(_frames(ENTRIES), START, START, settings_mod.load())
    assert (out["capacity"] == 0).all() and out["utilisation_percent"].isna().all()
    assert out["band"].isna().all()
    empty = utilisation.utilisation(_frames(ENTRIES.iloc[:0], None), START, END,
                                    settings_mod.load())
    assert empty.empty and list(empty.columns) == utilisation.COLUMNS


def test_flags_are_read_before_the_kpi():
    """The KPI no longer reads text or 0/1 flags itself: the loader's reading gives the
    flags the hand-worked case uses, the store's 0/1 (SQLite) become booleans when the
    frames are made, and a text column reaching the KPI frames is refused by name."""
    assert _flags(ENTRIES["billable"]).tolist() == \
        [True, True, False, True, True, pd.NA, pd.NA, True, True, True, True]
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
})


@hsettings(max_examples=50, deadline=None)
@given(st.lists(entry, max_size=30), st.integers(0, 20), st.integers(0, 20))
def test_invariants(specs, first, length):
    entries = pd.DataFrame([_e(s["tech"], BASE + dt.timedelta(days=s["day"]), s["hours"],
                               s["billable"], s["billed"]) for s in specs],
                           columns=["technician", "work_date", "hours", "billable",
                                    "hours_billed"])
    start = T(BASE) + pd.Timedelta(days=first)
    end = start + pd.Timedelta(days=length)
    out = utilisation.utilisation(_frames(entries), start, end, settings_mod.load())
    assert (out["billable_hours"] <= out["hours"] + 1e-9).all()
    assert (out["billable_hours"] >= 0).all()
    assert (out["capacity"] >= 0).all()
    day = pd.to_datetime(entries["work_date"])
    inside = (day >= start) & (day < end) & entries["technician"].notna()
    assert abs(out["hours"].sum() - entries.loc[inside, "hours"].sum()) < 1e-6
    for r in out.to_dict("records"):
        if r["capacity"] > 0:
            assert r["utilisation_percent"] >= 0
            assert r["utilisation_percent"] <= r["logged_percent"] + 1e-9
            assert r["band"] == utilisation.band(r["utilisation_percent"])
        else:
            assert r["utilisation_percent"] is None and r["band"] is None
