"""margin.margin_by_agreement: per agreement and month, labour allocated by revenue."""
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from kpi import margin, periods
from loaders import settings as settings_mod
from tests.kpi_frames import frames

T = pd.Timestamp
MONTHS = [T("2026-09-01"), T("2026-11-01")]
CUT = T("2026-11-26")     # November counts up to the 25th: 25 of its 30 days
TECHS = pd.DataFrame([{"name": "Kim", "hourly_cost": 50.0}])


def _a(aid, client, revenue, cost=0.0, start="2026-01-01", end=None):
    return {"source_system": "cw", "agreement_id": aid, "client": client, "name": f"{aid} plan",
            "monthly_revenue": revenue, "monthly_cost": cost, "start_date": start,
            "end_date": end}


# Agreements accrue by day: in November, to the cut-off, 25/30 of a month (A1: 250, cost
# 25); A2 from the 16th: 10 days, 150 x 10 / 30 = 50.
AGREEMENTS = pd.DataFrame([
    _a("A1", "Acme", 300.0, 30.0),
    _a("A2", "Acme", 150.0, start="2026-11-16"),         # November only
    _a("Z1", "Zed", 0.0, 12.0), _a("Z2", "Zed", 0.0, 12.0),   # all zero: equal shares
    _a("N1", "Neg", -60.0), _a("N2", "Neg", 150.0),      # a credit weighs 0
    _a("L1", "Late", 500.0, start="2026-11-26"),         # starts at the cut-off: nowhere
])


def _e(client, day, hours, billable, rate=None):
    return {"client": client, "technician": "Kim", "work_date": day, "hours": hours,
            "hours_billed": None, "billable": billable, "bill_rate": rate}


ENTRIES = pd.DataFrame([
    _e("Acme", "2026-09-10", 2.0, True, 100.0),    # rev 200, cost 2 x 50 = 100: all to A1
    # Nov: rev 600, cost 300, 6 h, split by accrued revenue A1 250 : A2 50 = 5 : 1
    _e("Acme", "2026-11-20", 6.0, True, 100.0),
    _e("Zed", "2026-11-05", 2.0, False),           # cost 100, 2 h: Z1 and Z2 half each
    _e("Beta", "2026-09-30", 1.0, True, 200.0),    # no agreement: rev 200, cost 50
    _e("Neg", "2026-11-01", 1.0, False),           # cost 50, 1 h: all to N2 (N1 weighs 0)
    _e("Acme", "2026-11-26", 9.0, True, 100.0),    # on the cut-off: nowhere
])


def _frames(agreements=AGREEMENTS, entries=ENTRIES, techs=TECHS):
    return frames(agreements=agreements, time_entries=entries, technicians=techs,
                  settings=settings_mod.load())


def _key(r):
    return (r["month"], r["client"], r["agreement_id"])


def test_margin_by_agreement_hand_worked():
    out = margin.margin_by_agreement(_frames(), MONTHS, cutoff=CUT)
    rows = {_key(r): r for r in out.to_dict("records")}
    assert list(rows) == [
        ("2026-09", "Acme", "A1"), ("2026-09", "Beta", "(no agreement)"),
        ("2026-09", "Neg", "N1"), ("2026-09", "Neg", "N2"),
        ("2026-09", "Zed", "Z1"), ("2026-09", "Zed", "Z2"),
        ("2026-11", "Acme", "A1"), ("2026-11", "Acme", "A2"),
        ("2026-11", "Neg", "N1"), ("2026-11", "Neg", "N2"),
        ("2026-11", "Zed", "Z1"), ("2026-11", "Zed", "Z2"),
    ]

    def pick(key, *cols):
        return tuple(rows[key][c] for c in cols)

    cols = ("recurring_revenue", "labor_revenue", "labor_cost", "hard_cost", "hours",
            "revenue", "margin")
    # Sept Acme A1: 300 + 200 = 500; 500 - 100 - 30 = 370
    assert pick(("2026-09", "Acme", "A1"), *cols) == (300.0, 200.0, 100.0, 30.0, 2.0,
                                                      500.0, 370.0)
    # Nov Acme (A1 250 : A2 50 accrued): A1 gets 5/6 of rev 600, cost 300, 6 h
    #   A1: 250 + 500 = 750; 750 - 250 - 25 = 475. A2: 50 + 100 = 150; 150 - 50 = 100
    got = pick(("2026-11", "Acme", "A1"), *cols)
    assert got == pytest.approx((250.0, 500.0, 250.0, 25.0, 5.0, 750.0, 475.0))
    got = pick(("2026-11", "Acme", "A2"), *cols)
    assert got == pytest.approx((50.0, 100.0, 50.0, 0.0, 1.0, 150.0, 100.0))
    assert rows[("2026-11", "Acme", "A2")]["effective_hourly_rate"] == pytest.approx(150.0)
    assert rows[("2026-11", "Acme", "A2")]["name"] == "A2 plan"
    # Nov Zed: both at 0 revenue -> equal shares of cost 100, 2 h; hard cost 12 x 25/30
    #   = 10: -50 - 10 = -60 each
    for aid in ("Z1", "Z2"):
        assert pick(("2026-11", "Zed", aid), *cols) == \
            pytest.approx((0.0, 0.0, 50.0, 10.0, 1.0, 0.0, -60.0))
        assert rows[("2026-11", "Zed", aid)]["margin_percent"] is None
    # Sept Zed: no labour: -12 each (a full month)
    assert rows[("2026-09", "Zed", "Z1")]["margin"] == -12.0
    # Nov Neg: N1 (-60 x 25/30 = -50) weighs 0, N2 (150 x 25/30 = 125) takes cost 50 and
    #   1 h: 125 - 50 = 75; N1 -50
    assert pick(("2026-11", "Neg", "N2"), "labor_cost", "hours", "margin") == \
        pytest.approx((50.0, 1.0, 75.0))
    assert pick(("2026-11", "Neg", "N1"), "labor_cost", "hours", "margin") == \
        pytest.approx((0.0, 0.0, -50.0))
    # Sept Beta: no agreement: 200 - 50 = 150
    beta = rows[("2026-09", "Beta", "(no agreement)")]
    assert beta["name"] == "(no agreement)" and beta["source_system"] is None
    assert (beta["revenue"], beta["labor_cost"], beta["margin"]) == (200.0, 50.0, 150.0)


def test_month_bounds_pairs_and_empty():
    a = margin.margin_by_agreement(_frames(), MONTHS, cutoff=CUT)
    b = margin.margin_by_agreement(_frames(), [periods.month_bounds(m) for m in MONTHS],
                                   cutoff=CUT)
    pd.testing.assert_frame_equal(a, b)
    empty = margin.margin_by_agreement(_frames(AGREEMENTS.iloc[:0], ENTRIES.iloc[:0], None),
                                       MONTHS)
    assert empty.empty
    assert list(empty.columns) == margin.AGREEMENT_KEYS + margin.COLUMNS[1:]
    only_labour = margin.margin_by_agreement(_frames(AGREEMENTS.iloc[:0]), MONTHS,
                                             cutoff=CUT)
    assert set(only_labour["agreement_id"]) == {"(no agreement)"}


def test_rows_sum_to_service_margin_by_client_fixture():
    _check_sums(AGREEMENTS, ENTRIES, TECHS, MONTHS, CUT)


SUMMED = ["recurring_revenue", "labor_revenue", "labor_cost", "hard_cost", "hours",
          "revenue", "margin"]


def _check_sums(agreements, entries, techs, months, cutoff):
    f = _frames(agreements, entries, techs)
    per_ag = margin.margin_by_agreement(f, months, cutoff=cutoff)
    per_client = margin.service_margin(f, months, cutoff=cutoff, by_client=True)
    summed = per_ag.groupby(["month", "client"])[SUMMED].sum()
    expected = per_client.set_index(["month", "client"])[SUMMED]
    both = expected.merge(summed, how="outer", left_index=True, right_index=True,
                          suffixes=("", "_ag")).fillna(0.0)
    for col in SUMMED:
        assert ((both[col] - both[f"{col}_ag"]).abs() < 1e-6).all(), col
    # labour is never lost nor double counted
    assert abs(per_ag["hours"].sum() - per_client["hours"].sum()) < 1e-6


CLIENTS = ["Acme", "Beta", "Zed", None]
DAYS = [f"2026-{m:02d}-{d:02d}" for m in (8, 9, 10, 11) for d in (1, 14, 28)]
agreement = st.fixed_dictionaries({
    "client": st.sampled_from(CLIENTS),
    "revenue": st.sampled_from([0.0, 0.0, 100.0, 250.5, -40.0, None]),
    "cost": st.sampled_from([0.0, 12.5, None]),
    "start": st.one_of(st.none(), st.sampled_from(DAYS)),
    "end": st.one_of(st.none(), st.sampled_from(DAYS)),
})
entry = st.fixed_dictionaries({
    "client": st.sampled_from(CLIENTS),
    "tech": st.sampled_from(["Kim", "Lee", None]),
    "day": st.sampled_from(DAYS),
    "hours": st.floats(0, 10, allow_nan=False),
    "billable": st.sampled_from([True, False, None]),
    "rate": st.one_of(st.none(), st.floats(0, 300, allow_nan=False)),
})


@hsettings(max_examples=30, deadline=None)
@given(st.lists(agreement, max_size=8), st.lists(entry, max_size=20),
       st.sampled_from([None, T("2026-10-15"), T("2026-11-01")]))
def test_rows_sum_to_service_margin_by_client(specs_a, specs_e, cutoff):
    agreements = pd.DataFrame(
        [{"agreement_id": str(i), "client": a["client"], "monthly_revenue": a["revenue"],
          "monthly_cost": a["cost"], "start_date": a["start"], "end_date": a["end"]}
         for i, a in enumerate(specs_a)],
        columns=["agreement_id", "client", "monthly_revenue", "monthly_cost", "start_date",
                 "end_date"])
    entries = pd.DataFrame(
        [{"client": e["client"], "technician": e["tech"], "work_date": e["day"],
          "hours": e["hours"], "hours_billed": None, "billable": e["billable"],
          "bill_rate": e["rate"]} for e in specs_e],
        columns=["client", "technician", "work_date", "hours", "hours_billed", "billable",
                 "bill_rate"])
    months = [T("2026-09-01"), T("2026-10-01"), T("2026-11-01")]
    _check_sums(agreements, entries, TECHS, months, cutoff)
