"""The shortcuts give the engine's numbers exactly: pricing the time entries once per
client and day (``kpi.labour.labour_by_day``, held as ``Frames.labour``), narrowing the
tickets to a span of weeks (``Frames.active_between``) and summarising teams from one
aged frame (``aged.team_summary``). Checked on many generated cases against the plain
computation."""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from kpi import aged, backlog, breach, labour, margin, periods, tiers
from loaders import settings as settings_mod
from tests.kpi_frames import frames

T = pd.Timestamp
BASE = dt.datetime(2026, 5, 4)          # a Monday
CLIENTS = ["Acme", "Beta", "Cobalt", None]
TECHS = pd.DataFrame([{"name": "Sam", "hourly_cost": 40.0}, {"name": "Kim", "hourly_cost": None}])


def _settings():
    s = settings_mod.load()
    s["labor"]["hourly_cost"] = {"Lee": 70.0}
    return s


entry = st.fixed_dictionaries({
    "client": st.sampled_from(CLIENTS),
    "technician": st.sampled_from(["Sam", "Kim", "Lee", None]),
    "minutes": st.integers(0, 60 * 24 * 200),           # anywhere in ~7 months, any time
    # hours to the hundredth, as PSAs export them
    "hours": st.one_of(st.none(), st.integers(0, 1200).map(lambda n: n / 100)),
    "hours_billed": st.one_of(st.none(), st.integers(0, 1200).map(lambda n: n / 100)),
    "billable": st.one_of(st.none(), st.booleans()),
    "bill_rate": st.one_of(st.none(), st.sampled_from([90.0, 125.0, 150.5])),
})
agreement = st.fixed_dictionaries({
    "client": st.sampled_from(CLIENTS[:3]),
    # money in cents, as agreements carry it (a subnormal float "price" only makes 0/0)
    "monthly_revenue": st.integers(0, 500_000).map(lambda cents: cents / 100),
    "monthly_cost": st.one_of(st.none(), st.integers(0, 50_000).map(lambda c: c / 100)),
    "start": st.integers(-60, 200), "days": st.one_of(st.none(), st.integers(0, 300)),
})


def _entries(specs):
    rows = [{**{k: v for k, v in s.items() if k != "minutes"},
             "work_date": None if s["minutes"] % 97 == 0
             else BASE + dt.timedelta(minutes=s["minutes"])} for s in specs]
    return pd.DataFrame(rows, columns=["client", "technician", "work_date", "hours",
                                       "hours_billed", "billable", "bill_rate"])


def _agreements(specs):
    rows = []
    for n, s in enumerate(specs):
        start = BASE.date() + dt.timedelta(days=s["start"])
        rows.append({"agreement_id": f"A{n}", "source_system": "x", "name": f"A{n}",
                     "client": s["client"], "monthly_revenue": s["monthly_revenue"],
                     "monthly_cost": s["monthly_cost"], "start_date": start,
                     "end_date": None if s["days"] is None
                     else start + dt.timedelta(days=s["days"])})
    return pd.DataFrame(rows, columns=["agreement_id", "source_system", "name", "client",
                                       "monthly_revenue", "monthly_cost", "start_date",
                                       "end_date"])


def _same(a: pd.DataFrame, b: pd.DataFrame):
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for col in a.columns:
        x, y = a[col], b[col]
        if col in margin.COLUMNS[1:]:   # sums in another order: equal to the cent
            x = pd.to_numeric(x, errors="coerce").astype(float)
            y = pd.to_numeric(y, errors="coerce").astype(float)
            assert np.allclose(x.fillna(-1e18), y.fillna(-1e18), rtol=1e-9, atol=1e-6), col
        else:
            assert x.tolist() == y.tolist(), col


def _plain_margin(f, months, cut, by_client: bool, s: dict) -> pd.DataFrame:
    """Service margin (SPEC KPI 4) worked out the plain way: every entry priced on its own
    (``labour.priced_entries`` of the raw time entries, not ``Frames.labour``) and summed
    per month window ``[m, min(next month, cut))``; agreements accrue by day: each one's
    monthly revenue and cost × the days of the window it is active ÷ the month's days,
    counted day by day here."""
    priced = labour.priced_entries(f.time_entries, f.technicians, s)
    ag = f.agreements
    rows = []
    for m in months:
        start, end = periods.month_bounds(m)
        end = min(end, cut)
        in_window = (priced["work_date"] >= start) & (priced["work_date"] < end)
        work = priced.loc[in_window]
        month_days = (periods.month_bounds(m)[1] - start).days
        days = pd.date_range(start, end, inclusive="left")
        share = [sum(1 for d in days if (pd.isna(a) or a <= d) and (pd.isna(z) or d <= z))
                 / month_days for a, z in zip(ag["start_date"], ag["end_date"])]
        deals = ag.assign(monthly_revenue=ag["monthly_revenue"].fillna(0.0) * share,
                          monthly_cost=ag["monthly_cost"].fillna(0.0) * share)
        deals = deals.loc[[x > 0 for x in share]]
        deal_client = deals["client"].fillna(labour.NO_CLIENT)
        clients = sorted(set(work["client"]) | set(deal_client)) if by_client else [None]
        for client in clients:
            mine = work if client is None else work.loc[work["client"] == client]
            theirs = deals if client is None else deals.loc[(deal_client == client).to_numpy()]
            recurring = float(theirs["monthly_revenue"].fillna(0.0).sum())
            hard = float(theirs["monthly_cost"].fillna(0.0).sum())
            rev, cost = float(mine["labor_revenue"].sum()), float(mine["labor_cost"].sum())
            hours = float(mine["hours"].sum())
            revenue = recurring + rev
            result = revenue - cost - hard
            rows.append({"month": periods.month_label(start),
                         **({"client": client} if by_client else {}),
                         "revenue": revenue, "recurring_revenue": recurring,
                         "labor_revenue": rev, "labor_cost": cost, "hard_cost": hard,
                         "margin": result,
                         "margin_percent": 100.0 * result / revenue if revenue else None,
                         "hours": hours,
                         "effective_hourly_rate": revenue / hours if hours else None})
    keys = ["month", "client"] if by_client else ["month"]
    return pd.DataFrame(rows, columns=keys + margin.COLUMNS[1:])


@hsettings(max_examples=60, deadline=None)
@given(st.lists(entry, max_size=40), st.lists(agreement, max_size=6),
       st.integers(0, 28), st.booleans())
def test_labour_by_day_gives_the_entries_numbers(entries, agreements, weeks_in, by_client):
    e, a, s = _entries(entries), _agreements(agreements), _settings()
    f = frames(agreements=a, time_entries=e, technicians=TECHS, settings=s)
    cut = T(BASE) + pd.Timedelta(weeks=weeks_in)    # every report cut-off is a Monday 00:00
    months = periods.last_months(cut - pd.Timedelta(days=1), 6)
    # Frames.labour is the per-day shortcut of the priced entries
    _same(margin.service_margin(f, months, cutoff=cut, by_client=by_client),
          _plain_margin(f, months, cut, by_client, s))
    # the same engine on labour priced entry by entry (no summing per day)
    priced = labour.priced_entries(f.time_entries, f.technicians, s)
    per_entry = dataclasses.replace(f, labour=priced.loc[priced["work_date"].notna()]
                                    .reset_index(drop=True)[labour.COLUMNS])
    _same(margin.service_margin(f, months, cutoff=cut, by_client=by_client),
          margin.service_margin(per_entry, months, cutoff=cut, by_client=by_client))
    _same(margin.margin_by_agreement(f, months, cutoff=cut),
          margin.margin_by_agreement(per_entry, months, cutoff=cut))
    window = periods.full_months_before(cut, int(s["tiers"]["window_months"]))
    # the MSP's own time (here: time with no client) is no client's (kpi.labour.internal)
    per_client = _plain_margin(f, window, cut, True, s)
    per_client = per_client[per_client["client"] != labour.NO_CLIENT]
    plain = tiers.tiers_from_margin(per_client, s["tiers"]["effort_threshold"])
    short = tiers.tiers_at(f, [cut], s)[cut]
    assert plain["client"].tolist() == short["client"].tolist()
    assert plain["tier"].tolist() == short["tier"].tolist()


def test_labour_by_day_hand_worked():
    e = pd.DataFrame([
        {"client": "Acme", "technician": "Sam", "work_date": "2026-10-05 09:00", "hours": 2.0,
         "hours_billed": None, "billable": True, "bill_rate": None},      # 250 rev, 80 cost
        {"client": "Acme", "technician": "Lee", "work_date": "2026-10-05 15:30", "hours": 1.0,
         "hours_billed": 1.5, "billable": None, "bill_rate": 100.0},     # 150 rev, 70 cost
        {"client": None, "technician": None, "work_date": "2026-10-06", "hours": 1.0,
         "hours_billed": 0.0, "billable": None, "bill_rate": None},      # 0 rev, 45 cost
        {"client": "Acme", "technician": "Sam", "work_date": None, "hours": 5.0,
         "hours_billed": 5.0, "billable": True, "bill_rate": 100.0},     # no day: left out
    ])
    expected = [
        {"client": labour.NO_CLIENT, "work_date": T("2026-10-06"), "hours": 1.0,
         "labor_revenue": 0.0, "labor_cost": 45.0},
        {"client": "Acme", "work_date": T("2026-10-05"), "hours": 3.0,
         "labor_revenue": 400.0, "labor_cost": 150.0}]
    f = frames(time_entries=e, technicians=TECHS, settings=_settings())
    out = labour.labour_by_day(f.time_entries, f.technicians, _settings())
    assert out.sort_values("client", ignore_index=True).to_dict("records") == expected
    assert f.labour.sort_values("client", ignore_index=True).to_dict("records") == expected
    assert margin.NO_CLIENT == labour.NO_CLIENT


ticket = st.fixed_dictionaries({
    "created": st.integers(0, 60 * 24 * 7 * 30),
    "done_after": st.one_of(st.none(), st.integers(-600, 60 * 24 * 60)),
    "cancelled": st.booleans(),
    "team": st.sampled_from(["Desk", "Infra", None]),
    "category": st.sampled_from(["Email", "Network", "Printer", None]),
    "priority": st.sampled_from(["P1", "P2", "P3", "P4", "P5", None]),
    "psa_due_after": st.one_of(st.none(), st.integers(0, 60 * 24 * 20)),
})


def _tickets(specs):
    rows = []
    for n, s in enumerate(specs):
        created = BASE + dt.timedelta(minutes=s["created"])
        done = None if s["done_after"] is None else created + dt.timedelta(minutes=s["done_after"])
        rows.append({"source_system": "x", "ticket_id": str(n), "created_at": created,
                     "resolved_at": done, "closed_at": None,
                     "status_class": "cancelled" if s["cancelled"] else "open",
                     "updated_at": created + dt.timedelta(hours=3), "team": s["team"],
                     "board": "Board", "category": s["category"], "priority": s["priority"],
                     "summary": f"t{n}", "client": "Acme", "assignee": None,
                     "resolution_due_at": None if s["psa_due_after"] is None
                     else created + dt.timedelta(minutes=s["psa_due_after"])})
    frame = pd.DataFrame(rows, columns=["source_system", "ticket_id", "created_at",
                                        "resolved_at", "closed_at", "status_class",
                                        "updated_at", "team", "board", "category", "priority",
                                        "summary", "client", "assignee", "resolution_due_at"])
    for col in ("created_at", "resolved_at", "closed_at", "updated_at", "resolution_due_at"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame


@hsettings(max_examples=80, deadline=None)
@given(st.lists(ticket, max_size=50), st.integers(2, 30), st.integers(0, 60 * 24 * 7))
def test_active_between_keeps_every_count_of_the_span(specs, end_week, breach_back):
    s = settings_mod.load()
    t = frames(tickets=_tickets(specs), settings=s)
    cut = T(BASE) + pd.Timedelta(weeks=end_week)
    weeks = periods.last_weeks(cut, 6)
    at = cut - pd.Timedelta(minutes=breach_back)
    narrow = t.active_between(min(weeks[0], at), cut)
    assert backlog.backlog_trend(narrow, weeks).equals(backlog.backlog_trend(t, weeks))
    assert aged.aged_past_sla(narrow, cut, s).equals(aged.aged_past_sla(t, cut, s))
    ends = [w + periods.WEEK for w in weeks]
    assert aged.aged_series(narrow, ends, s) == aged.aged_series(t, ends, s)
    assert breach.about_to_breach(narrow, at, s).equals(breach.about_to_breach(t, at, s))


@pytest.mark.parametrize("threshold", [1, 2, 4])
@hsettings(max_examples=40, deadline=None)
@given(specs=st.lists(ticket, max_size=50))
def test_team_summary_matches_a_plain_count(threshold, specs):
    """Each team's counts, status and top 3 categories, against a loop over the tickets."""
    s = settings_mod.load()
    s["sla"]["review_threshold"] = threshold
    t = frames(tickets=_tickets(specs), settings=s)
    cut = T(BASE) + pd.Timedelta(weeks=31)
    frame = aged.aged_tickets(t, cut, s)
    out = aged.team_summary(frame, s)
    expected = {}
    for row in frame.itertuples():
        team = expected.setdefault(row.team, {"open": 0, "aged": []})
        team["open"] += 1
        if row.aged:
            team["aged"].append((row.category, row.created_at))
    assert sorted(out["team"]) == sorted(expected)
    for row in out.itertuples():
        want = expected[row.team]
        assert row.open == want["open"] and row.aged_past_sla == len(want["aged"])
        assert row.status == ("review" if len(want["aged"]) >= threshold else "ok")
        stats = {}
        for category, created in want["aged"]:
            n, oldest = stats.get(category, (0, created))
            stats[category] = (n + 1, min(oldest, created))
        ranked = sorted(stats, key=lambda c: (-stats[c][0], stats[c][1], c))
        assert row.top_categories == ranked[:3]


def test_active_between_hand_worked():
    t = frames(tickets=_tickets([
        {"created": 0, "done_after": 60, "cancelled": False, "team": "Desk",       # 0: done before
         "category": None, "priority": "P1", "psa_due_after": None},
        {"created": 0, "done_after": None, "cancelled": False, "team": "Desk",     # 1: still open
         "category": None, "priority": "P1", "psa_due_after": None},
        {"created": 60 * 24 * 14, "done_after": 10, "cancelled": False,           # 2: done inside
         "team": "Desk", "category": None, "priority": "P1", "psa_due_after": None},
        {"created": 60 * 24 * 21, "done_after": None, "cancelled": False,  # 3: created at end
         "team": "Desk", "category": None, "priority": "P1", "psa_due_after": None},
        {"created": 60 * 24 * 6, "done_after": 60 * 24 + 1, "cancelled": False,  # 4: done at start
         "team": "Desk", "category": None, "priority": "P1", "psa_due_after": None},
    ]))
    start, end = T(BASE) + pd.Timedelta(weeks=1), T(BASE) + pd.Timedelta(weeks=3)
    # 4 is done a minute after the start (created day 6, +1 day 1 min): it counts
    assert t.active_between(start, end).tickets["ticket_id"].tolist() == ["1", "2", "4"]



earlier = st.fixed_dictionaries({
    "updated_after_days": st.integers(0, 120),     # when the current row was exported
    "team": st.sampled_from(["Desk", "Infra", None]),
    "status_class": st.sampled_from(["open", "waiting", "resolved"]),
    "due_after": st.one_of(st.none(), st.integers(0, 60 * 24 * 20)),
})


@hsettings(max_examples=40, deadline=None)
@given(st.lists(ticket, min_size=1, max_size=40), st.lists(st.one_of(st.none(), earlier),
       max_size=40), st.integers(2, 30), st.sampled_from([None, "Acme", "Other"]))
def test_a_teams_aged_trend_is_its_row_of_the_whole_desk(specs, before, end_week, client):
    """The weekly page keeps every team's aged trend per client and reads a team's row on a
    team pick: each row must equal the trend of that team's tickets alone, each ticket read
    as known at each week's cut-off (earlier versions on another team, waiting, resolved or
    with another due time included), and the desk's trend their sum."""
    from kpi.weekly import WeeklyReview

    s = settings_mod.load()
    current = _tickets(specs)
    current["client"] = ["Acme" if n % 3 else "Other" for n in range(len(current))]
    versions = []
    for n, change in enumerate(before[:len(current)]):
        if change is None:
            continue
        row = current.iloc[n].copy()
        moved = row["created_at"] + pd.Timedelta(days=change["updated_after_days"])
        current.loc[n, "updated_at"] = moved + pd.Timedelta(hours=1)
        row["updated_at"], row["team"] = moved, change["team"]
        row["status_class"], row["resolved_at"] = change["status_class"], pd.NaT
        row["resolution_due_at"] = pd.NaT if change["due_after"] is None else \
            row["created_at"] + pd.Timedelta(minutes=change["due_after"])
        versions.append(row)
    f = frames(tickets=current, ticket_versions=pd.DataFrame(versions) if versions else None,
               settings=s)
    as_of = T(BASE) + pd.Timedelta(weeks=end_week)
    desk = WeeklyReview(f, as_of, s, client=client, weeks=4)
    ends = [w + periods.WEEK for w in desk.week_starts]
    teams = sorted(desk.view.tickets["team_key"].unique()) + ["No such team"]
    rows = []
    for team in teams:
        one = WeeklyReview(f, as_of, s, team=team, client=client, weeks=4)
        alone = one.view.active_between(min(one.week_starts[0], one.at), one.cutoff)
        assert one.aged_series == aged.aged_series(alone, ends, s), team
        rows.append(one.aged_series)
    assert desk.aged_series == [sum(col) for col in zip(*rows)]
    whole = desk.view.active_between(min(desk.week_starts[0], desk.at), desk.cutoff)
    assert desk.aged_series == aged.aged_series(whole, ends, s)
