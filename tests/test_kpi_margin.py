import pandas as pd

from kpi import margin, periods, tiers
from loaders import settings as settings_mod
from tests.kpi_frames import frames

T = pd.Timestamp
CUT = T("2026-11-16")     # report for 2026-11-11: November is month-to-date (1st..15th)
MONTHS = periods.last_months("2026-11-11", 3)   # 2026-09, 2026-10, 2026-11


def _settings():
    s = settings_mod.load()   # default cost 45, default rate 125
    s["labor"]["hourly_cost"] = {"Sam": 60.0}
    return s


AGREEMENTS = pd.DataFrame([
    # Acme managed: from 09-20 (active in Sept, no proration), open-ended; cost 100/month
    {"agreement_id": "A1", "client": "Acme", "monthly_revenue": 1000.0, "monthly_cost": 100.0,
     "start_date": "2026-09-20", "end_date": None},
    # Beta: ends 10-01 (its last day): counts in Sept and Oct, not Nov; no cost given
    {"agreement_id": "B1", "client": "Beta", "monthly_revenue": 500.0, "monthly_cost": None,
     "start_date": None, "end_date": "2026-10-01"},
    # Acme add-on starting 11-16, the cut-off day: after the cut-off, counts nowhere
    {"agreement_id": "A2", "client": "Acme", "monthly_revenue": 300.0, "monthly_cost": 30.0,
     "start_date": "2026-11-16", "end_date": None},
])
TECHS = pd.DataFrame([{"name": "Sam", "hourly_cost": 40.0},     # settings (60) win
                      {"name": "Kim", "hourly_cost": 50.0}])    # from the table
ENTRIES = pd.DataFrame([
    # Oct, Acme, Kim: 2 h worked, billed defaults to hours, rate missing -> 125: rev 250, cost 100
    {"client": "Acme", "technician": "Kim", "work_date": "2026-10-05", "hours": 2.0,
     "hours_billed": None, "billable": True, "bill_rate": None},
    # Sept, Beta, Sam: 3 h, not billable (flag missing, billed 0): rev 0, cost 3*60 = 180
    {"client": "Beta", "technician": "Sam", "work_date": "2026-09-30", "hours": 3.0,
     "hours_billed": 0.0, "billable": None, "bill_rate": None},
    # Nov 15 (last day before the cut-off), Acme, unknown tech: 1 h billed 1.5 at 100: rev 150, cost 45
    {"client": "Acme", "technician": "Lee", "work_date": "2026-11-15", "hours": 1.0,
     "hours_billed": 1.5, "billable": True, "bill_rate": 100.0},
    # Nov 16, on the cut-off: does not count
    {"client": "Acme", "technician": "Kim", "work_date": "2026-11-16", "hours": 8.0,
     "hours_billed": 8.0, "billable": True, "bill_rate": 100.0},
    # no client: counts in the totals under "(no client)": Oct, 1 h non-billable, cost 45
    {"client": None, "technician": None, "work_date": "2026-10-31", "hours": 1.0,
     "hours_billed": None, "billable": False, "bill_rate": None},
])


def _frames(agreements=AGREEMENTS, entries=ENTRIES):
    # labour is priced when the frames are made: the custom costs go in here
    return frames(agreements=agreements, time_entries=entries, technicians=TECHS,
                  settings=_settings())


def test_margin_by_month_hand_worked():
    out = margin.service_margin(_frames(), MONTHS, cutoff=CUT)
    rows = out.set_index("month").to_dict("index")
    # Sept: recurring 1000 + 500, labour rev 0, hard 100, labour cost 180, hours 3
    #   margin 1500 - 180 - 100 = 1220, 81.333 %, rate 1500 / 3 = 500
    sep = rows["2026-09"]
    assert (sep["recurring_revenue"], sep["labor_revenue"], sep["hard_cost"],
            sep["labor_cost"], sep["hours"]) == (1500.0, 0.0, 100.0, 180.0, 3.0)
    assert sep["margin"] == 1220.0 and abs(sep["margin_percent"] - 1220 / 15) < 1e-9
    assert sep["effective_hourly_rate"] == 500.0
    # Oct: recurring 1500 (Beta's last day is 10-01), labour rev 250, cost 100 + 45, hours 3
    #   revenue 1750, margin 1750 - 145 - 100 = 1505
    oct_ = rows["2026-10"]
    assert (oct_["revenue"], oct_["labor_cost"], oct_["hard_cost"], oct_["hours"],
            oct_["margin"]) == (1750.0, 145.0, 100.0, 3.0, 1505.0)
    # Nov (to the cut-off): recurring 1000 (A2 starts on the cut-off), labour rev 150,
    #   cost 45, hard 100, hours 1: margin 1150 - 45 - 100 = 1005, rate 1150
    nov = rows["2026-11"]
    assert (nov["revenue"], nov["labor_revenue"], nov["labor_cost"], nov["hard_cost"],
            nov["margin"], nov["effective_hourly_rate"]) == (1150.0, 150.0, 45.0, 100.0,
                                                             1005.0, 1150.0)


def test_margin_by_client():
    out = margin.service_margin(_frames(), MONTHS, cutoff=CUT, by_client=True)
    got = {(r["month"], r["client"]): r["margin"] for r in out.to_dict("records")}
    # Beta Sept: 500 - 180 = 320; Acme Sept 1000 - 100 = 900; Oct no-client: -45
    assert got[("2026-09", "Beta")] == 320.0
    assert got[("2026-09", "Acme")] == 900.0
    assert got[("2026-10", "(no client)")] == -45.0
    assert got[("2026-10", "Acme")] == 1000 + 250 - 100 - 100
    assert ("2026-11", "Beta") not in got


def test_empty_month_and_nothing_after_cutoff_counts():
    # A month after the cut-off counts nothing; margin % and rate are None.
    out = margin.service_margin(_frames(), [T("2026-12-01")], cutoff=CUT)
    assert out.loc[0, "revenue"] == 0.0 and out.loc[0, "margin_percent"] is None
    assert out.loc[0, "effective_hourly_rate"] is None
    # Later imports (entries and agreements after the cut-off) change nothing.
    later_a = pd.concat([AGREEMENTS, pd.DataFrame([{"agreement_id": "Z", "client": "Zed",
                                                    "monthly_revenue": 9e6,
                                                    "start_date": "2026-11-20"}])])
    later_e = pd.concat([ENTRIES, pd.DataFrame([{"client": "Acme", "technician": "Kim",
                                                 "work_date": "2026-11-29", "hours": 5.0,
                                                 "billable": True}])])
    a = margin.service_margin(_frames(), MONTHS, cutoff=CUT)
    b = margin.service_margin(_frames(later_a, later_e), MONTHS, cutoff=CUT)
    pd.testing.assert_frame_equal(a, b)


def test_tiers_hand_worked():
    s = settings_mod.load()
    cut = T("2026-11-23")   # window (3 full months): Aug, Sep, Oct
    ag = pd.DataFrame([
        {"client": "Big", "monthly_revenue": 3000.0, "start_date": "2026-08-01"},
        {"client": "Busy", "monthly_revenue": 2000.0, "start_date": "2026-08-01"},
        {"client": "Small", "monthly_revenue": 500.0, "start_date": "2026-08-01"},
        {"client": "Needy", "monthly_revenue": 400.0, "start_date": "2026-08-01"},
        {"client": "Quiet", "monthly_revenue": 100.0, "start_date": "2026-08-01"},
        {"client": "Late", "monthly_revenue": 100.0, "start_date": "2026-11-01"},  # Nov: outside
    ])
    te = pd.DataFrame([
        {"client": "Big", "work_date": "2026-09-01", "hours": 10.0, "billable": False},
        {"client": "Busy", "work_date": "2026-09-01", "hours": 40.0, "billable": False},
        {"client": "Small", "work_date": "2026-09-01", "hours": 2.0, "billable": False},
        {"client": "Needy", "work_date": "2026-09-01", "hours": 20.0, "billable": False},
        {"client": "Free", "work_date": "2026-10-01", "hours": 8.0, "billable": False},
        {"client": "Big", "work_date": "2026-11-02", "hours": 500.0, "billable": False},  # Nov: outside
    ])
    out = tiers.client_tiers(frames(agreements=ag, time_entries=te, settings=s), cut, s) \
        .set_index("client")
    # Revenue over 3 months: Big 9000, Busy 6000, Small 1500, Needy 1200, Quiet 300, Free 0.
    # Hours: Big 10, Busy 40, Small 2, Needy 20, Quiet 0, Free 8. Totals 18000 / 80 h.
    # Portfolio hours per revenue: 80 / 18000. Index = (h / r) / (80 / 18000):
    #   Big 0.25, Busy 1.5, Small 0.3, Needy 3.75, Quiet 0, Free None.
    # Median over 6 clients (9000 6000 1500 1200 300 0) = (1500 + 1200) / 2 = 1350.
    assert out.loc["Big", "tier"] == "Core" and abs(out.loc["Big", "effort_index"] - 0.25) < 1e-9
    assert out.loc["Busy", "tier"] == "Demanding" and abs(out.loc["Busy", "effort_index"] - 1.5) < 1e-9
    assert out.loc["Small", "tier"] == "Core"
    assert out.loc["Needy", "tier"] == "Reprice" and abs(out.loc["Needy", "effort_index"] - 3.75) < 1e-9
    assert out.loc["Quiet", "tier"] == "Steady" and out.loc["Quiet", "effort_index"] == 0.0
    assert out.loc["Free", "tier"] == "Reprice" and out.loc["Free", "effort_index"] is None
    assert "Late" not in out.index
    assert out.loc["Big", "hours"] == 10.0 and out.loc["Big", "revenue"] == 9000.0


def test_tiers_at_several_cutoffs_equal_one_by_one():
    """tiers_at shares one margin computation; it must equal client_tiers at each cut-off."""
    import numpy as np
    from kpi import tiers
    from loaders.settings import load

    rng = np.random.default_rng(3)
    clients = [f"C{i}" for i in range(8)]
    agreements = pd.DataFrame({
        "client": clients, "source_system": "x", "agreement_id": clients, "name": clients,
        "monthly_revenue": rng.integers(0, 5000, 8).astype(float),
        "monthly_cost": rng.integers(0, 300, 8).astype(float),
        "start_date": pd.Timestamp("2025-01-01"), "end_date": pd.NaT})
    n = 400
    entries = pd.DataFrame({
        "client": rng.choice(clients + [None], n),
        "technician": rng.choice(["Ann", "Bob"], n),
        "work_date": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D"),
        "hours": rng.choice([0.5, 1.0, 2.0], n), "hours_billed": np.nan,
        "billable": rng.random(n) < 0.4, "bill_rate": np.nan})
    settings = load()
    cuts = [pd.Timestamp(c) for c in ("2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01")]
    f = frames(agreements=agreements, time_entries=entries, settings=settings)
    together = tiers.tiers_at(f, cuts, settings)
    for cut in cuts:
        alone = tiers.client_tiers(f, cut, settings)
        pd.testing.assert_frame_equal(together[cut].reset_index(drop=True),
                                      alone.reset_index(drop=True))
