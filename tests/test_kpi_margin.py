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
    # Acme managed from 09-16, open-ended; cost 100/month. Accrued by day: Sept 15 of 30
    # days (500, cost 50), Oct in full, Nov to the cut-off 15 of 30 days (500, cost 50)
    {"agreement_id": "A1", "client": "Acme", "monthly_revenue": 1000.0, "monthly_cost": 100.0,
     "start_date": "2026-09-16", "end_date": None},
    # Beta: 310 a month; ends 10-10 (its last day): Sept in full, Oct 10 of 31 days = 100,
    # not Nov; no cost given
    {"agreement_id": "B1", "client": "Beta", "monthly_revenue": 310.0, "monthly_cost": None,
     "start_date": None, "end_date": "2026-10-10"},
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
    # Sept: recurring 500 (A1, 15 days) + 310 (B1) = 810, labour rev 0, hard 50, labour
    #   cost 180, hours 3: margin 810 - 180 - 50 = 580, 71.6 %, rate 810 / 3 = 270
    sep = rows["2026-09"]
    assert (sep["recurring_revenue"], sep["labor_revenue"], sep["hard_cost"],
            sep["labor_cost"], sep["hours"]) == (810.0, 0.0, 50.0, 180.0, 3.0)
    assert sep["margin"] == 580.0 and abs(sep["margin_percent"] - 58000 / 810) < 1e-9
    assert sep["effective_hourly_rate"] == 270.0
    # Oct: recurring 1000 + 100 (B1's 10 days) = 1100, labour rev 250, cost 100 + 45,
    #   hours 3: revenue 1350, margin 1350 - 145 - 100 = 1105
    oct_ = rows["2026-10"]
    assert (oct_["revenue"], oct_["labor_cost"], oct_["hard_cost"], oct_["hours"]) == \
        (1350.0, 145.0, 100.0, 3.0)
    assert abs(oct_["margin"] - 1105.0) < 1e-9
    # Nov (to the cut-off, 15 of 30 days): recurring 500 (A2 starts on the cut-off: none),
    #   labour rev 150, cost 45, hard 50, hours 1: margin 650 - 45 - 50 = 555, rate 650
    nov = rows["2026-11"]
    assert (nov["revenue"], nov["labor_revenue"], nov["labor_cost"], nov["hard_cost"],
            nov["margin"], nov["effective_hourly_rate"]) == (650.0, 150.0, 45.0, 50.0,
                                                             555.0, 650.0)


def test_margin_by_client():
    out = margin.service_margin(_frames(), MONTHS, cutoff=CUT, by_client=True)
    got = {(r["month"], r["client"]): r["margin"] for r in out.to_dict("records")}
    # Beta Sept: 310 - 180 = 130; Acme Sept 500 - 50 = 450; Oct no-client: -45
    assert got[("2026-09", "Beta")] == 130.0
    assert got[("2026-09", "Acme")] == 450.0
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


def test_accrual_by_day_hand_worked():
    """SPEC KPI 4, the issue's cases: $3,000 from the 16th of a 30-day month is $1,500;
    at a cut-off on the 8th, an agreement running the whole month has 7/30 of its fee."""
    f = _frames(agreements=pd.DataFrame([
        {"agreement_id": "N", "client": "Acme", "monthly_revenue": 3000.0,
         "start_date": "2026-11-16"},
        {"agreement_id": "W", "client": "Beta", "monthly_revenue": 3000.0,
         "start_date": "2026-10-01", "end_date": None},
        # ends on its first day: one day of 30
        {"agreement_id": "D", "client": "Cobalt", "monthly_revenue": 3000.0,
         "start_date": "2026-11-01", "end_date": "2026-11-01"},
    ]), entries=ENTRIES.iloc[:0])
    nov = [T("2026-11-01")]
    rows = margin.agreement_months(f.agreements, nov).set_index("agreement_id")
    assert rows["recurring_revenue"].to_dict() == {"N": 1500.0, "W": 3000.0, "D": 100.0}
    at_8th = margin.agreement_months(f.agreements, nov, cutoff=T("2026-11-08"))
    assert at_8th.set_index("agreement_id")["recurring_revenue"].to_dict() == \
        {"W": 700.0, "D": 100.0}


def test_tiers_effort_threshold():
    """A client is high-effort only above tiers.effort_threshold: at 1.2 a client 20 %
    above the portfolio's hours per dollar is not (yet) Reprice."""
    s = settings_mod.load()
    cut = T("2026-11-23")
    ag = pd.DataFrame([{"client": c, "monthly_revenue": r, "start_date": "2026-08-01"}
                       for c, r in (("Big", 1000.0), ("Edge", 500.0), ("Over", 500.0))])
    te = pd.DataFrame([{"client": c, "work_date": "2026-09-01", "hours": h, "billable": False}
                       for c, h in (("Big", 16.0), ("Edge", 12.0), ("Over", 12.5))])
    # revenue 3000 / 1500 / 1500 over the window, total 6000 for 40.5 h. Index:
    # Edge (12 / 1500) / (40.5 / 6000) = 1.185..; Over (12.5 / 1500) / (40.5 / 6000) = 1.234..
    # median revenue 1500: Edge and Over are "at or above" it: Core / Demanding
    out = tiers.client_tiers(frames(agreements=ag, time_entries=te, settings=s), cut, s) \
        .set_index("client")
    assert abs(out.loc["Edge", "effort_index"] - (12 / 1500) / (40.5 / 6000)) < 1e-12
    assert out.loc["Edge", "tier"] == "Core" and out.loc["Over", "tier"] == "Demanding"
    s["tiers"]["effort_threshold"] = 1.0
    out = tiers.client_tiers(frames(agreements=ag, time_entries=te, settings=s), cut, s) \
        .set_index("client")
    assert out.loc["Edge", "tier"] == "Demanding"


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

agreement_days = st.fixed_dictionaries({
    "revenue": st.integers(0, 1_000_000).map(lambda cents: cents / 100),
    "start": st.one_of(st.none(), st.integers(-40, 40)),
    "days": st.one_of(st.none(), st.integers(0, 60)),
})


@hsettings(max_examples=60, deadline=None)
@given(st.lists(agreement_days, min_size=1, max_size=5), st.sampled_from(
    ["2026-02-01", "2026-03-01", "2026-04-01", "2024-02-01"]))
def test_accrual_over_the_weeks_of_a_month_adds_up_to_the_month(specs, month):
    """Cutting a month at every Monday in it and adding what each week accrued gives the
    whole month (and never more than a month's fee per agreement)."""
    first = T(month)
    rows = []
    for n, s in enumerate(specs):
        start = None if s["start"] is None else first + pd.Timedelta(days=s["start"])
        end = None if start is None or s["days"] is None else start + pd.Timedelta(days=s["days"])
        rows.append({"agreement_id": f"A{n}", "client": "Acme", "monthly_revenue": s["revenue"],
                     "start_date": start, "end_date": end})
    f = frames(agreements=rows)
    whole = margin.agreement_months(f.agreements, [first])["recurring_revenue"].sum()
    end = first + pd.DateOffset(months=1)
    cuts = [c for c in pd.date_range(first, end, freq="W-MON")] + [end]
    total, before = 0.0, 0.0
    for cut in cuts:
        so_far = margin.agreement_months(f.agreements, [first], cutoff=cut)[
            "recurring_revenue"].sum()
        assert so_far >= before - 1e-6
        total += so_far - before
        before = so_far
    assert abs(total - whole) < 1e-6
    assert whole <= sum(s["revenue"] for s in specs) + 1e-6
