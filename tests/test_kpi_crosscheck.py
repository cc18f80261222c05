"""The weekly report on the sample MSP, checked number by number against queries written
independently in SQL (SQLAlchemy Core, typed binds), on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import and_, case, func, or_, select

from kpi import frames as kpi_frames, report
from loaders import store
from loaders.store import frames as store_frames, schema
from loaders.sample import load_sample
from loaders.settings import load
from tests.conftest import PG_SKIP, PG_URL

AS_OF = "2026-11-18"
CUT = dt.datetime(2026, 11, 23)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sample_report(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('x') / 'sample.db'}"
        cleanup = None
    else:
        if not PG_URL:
            pytest.skip(PG_SKIP)
        import uuid

        from sqlalchemy import create_engine, text
        name = f"cadence_crosscheck_{uuid.uuid4().hex[:10]}"  # one per xdist worker
        admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        cleanup = admin
    engine = store.connect(url)
    load_sample(engine)
    result = report.build(kpi_frames.make(store_frames.read(engine), load()), AS_OF, load(),
                          weeks=12)
    yield engine, result
    engine.dispose()
    if cleanup is not None:
        from sqlalchemy import text
        with cleanup.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def scalar(engine, query):
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_weeks_match_sql(sample_report):
    engine, result = sample_report
    t, r = schema.tickets, schema.csat_responses
    done = func.coalesce(t.c.resolved_at, t.c.closed_at)
    assert result["weeks"][-1]["week"] == "2026-11-16" and len(result["weeks"]) == 12
    for week in result["weeks"]:
        start = dt.datetime.fromisoformat(week["week"])
        end = start + dt.timedelta(days=7)
        count = select(func.count()).select_from(t)
        assert week["opened"] == scalar(engine, count.where(t.c.created_at >= start,
                                                            t.c.created_at < end))
        assert week["closed"] == scalar(engine, count.where(done >= start, done < end))
        assert week["open_at_end"] == scalar(engine, count.where(
            t.c.created_at < end, or_(done.is_(None), done >= end)))
        in_week = and_(r.c.responded_at >= start, r.c.responded_at < end,
                       r.c.rating.is_not(None))
        n = scalar(engine, select(func.count()).select_from(r).where(in_week))
        positive = scalar(engine, select(func.count()).select_from(r).where(
            in_week, r.c.rating == "positive"))
        assert (week["csat_responses"], week["csat_positive"]) == (n, positive)
        assert week["csat_percent_positive"] == (round(100 * positive / n, 2) if n else None)


def test_months_match_sql(sample_report):
    engine, result = sample_report
    a, e, tech = schema.agreements, schema.time_entries, schema.technicians
    settings = load()
    for month in result["months"]:
        start = dt.datetime.fromisoformat(month["month"] + "-01")
        end = (start + dt.timedelta(days=32)).replace(day=1)
        window_end = min(end, CUT)
        # Agreements accrue by day: revenue x active days in the window / days in the
        # month, counted here row by row with Python's calendar arithmetic.
        month_days = (end - start).days
        recurring = hard = 0.0
        with engine.connect() as conn:
            for fee, cost, first, last in conn.execute(select(
                    a.c.monthly_revenue, a.c.monthly_cost, a.c.start_date, a.c.end_date)):
                begin = max(start.date(), first or start.date())
                stop = min(window_end.date(), (last + dt.timedelta(days=1)) if last
                           else window_end.date())
                days = max(0, (stop - begin).days)
                recurring += (fee or 0.0) * days / month_days
                hard += (cost or 0.0) * days / month_days
        worked = and_(e.c.work_date >= start.date(), e.c.work_date < window_end.date())
        rate = func.coalesce(e.c.bill_rate, settings["labor"]["default_bill_rate"])
        billed = func.coalesce(e.c.hours_billed, e.c.hours)
        labor = scalar(engine, select(func.coalesce(func.sum(
            case((e.c.billable.is_(True), billed * rate), else_=0.0)), 0.0)).where(worked))
        cost = scalar(engine, select(func.coalesce(func.sum(e.c.hours * func.coalesce(
            tech.c.hourly_cost, settings["labor"]["default_hourly_cost"])), 0.0))
            .select_from(e.outerjoin(tech, tech.c.name == e.c.technician)).where(worked))
        hours = scalar(engine, select(func.coalesce(func.sum(e.c.hours), 0.0)).where(worked))
        assert month["recurring_revenue"] == pytest.approx(recurring, abs=0.01)
        assert month["hard_cost"] == pytest.approx(hard, abs=0.01)
        assert month["labor_revenue"] == pytest.approx(labor, abs=0.01)
        assert month["labor_cost"] == pytest.approx(cost, abs=0.01)
        assert month["hours"] == pytest.approx(hours, abs=0.01)
        assert month["margin"] == pytest.approx(recurring + labor - cost - hard, abs=0.02)


def test_aged_teams_match_sql_where_the_psa_gave_due_times(sample_report):
    engine, result = sample_report
    t = schema.tickets
    done = func.coalesce(t.c.resolved_at, t.c.closed_at)
    team = func.coalesce(t.c.team, t.c.board)
    open_at_cut = and_(t.c.created_at < CUT, or_(done.is_(None), done >= CUT))
    with engine.connect() as conn:
        rows = conn.execute(select(team, func.count()).where(open_at_cut)
                            .group_by(team)).all()
        # waiting tickets are not aged (the default sla.age_waiting = false)
        not_waiting = or_(t.c.status_class.is_(None), t.c.status_class != "waiting")
        aged_psa = dict(conn.execute(select(team, func.count()).where(
            open_at_cut, not_waiting, t.c.resolution_due_at < CUT).group_by(team)).all())
        no_due = dict(conn.execute(select(team, func.count()).where(
            open_at_cut, not_waiting, t.c.resolution_due_at.is_(None)).group_by(team)).all())
        waiting = dict(conn.execute(select(team, func.count()).where(
            open_at_cut, t.c.status_class == "waiting").group_by(team)).all())
    by_team = {row["team"]: row for row in result["teams"]}
    assert {name: n for name, n in rows} == {k: v["open"] for k, v in by_team.items()}
    for name, row in by_team.items():
        # Tickets with a PSA due time are judged by SQL alone; those without one add at
        # most their own number through the computed (business-hours) due time.
        assert aged_psa.get(name, 0) <= row["aged_past_sla"] <= \
            aged_psa.get(name, 0) + no_due.get(name, 0)
        assert row["waiting"] == waiting.get(name, 0)
    assert by_team["Infrastructure"]["status"] == "review"


def test_the_sample_tells_its_stories(sample_report):
    _, result = sample_report
    weeks = {w["week"]: w for w in result["weeks"]}
    # The outage week and the one after drag CSAT down (sample_data/README.md).
    assert weeks["2026-09-14"]["csat_percent_positive"] < 50
    assert weeks["2026-10-12"]["csat_percent_positive"] > 75
    tiers = {c["client"]: c for c in result["clients"]}
    assert tiers["Bayside Dental"]["tier"] == "Reprice"
    assert tiers["Bayside Dental"]["effort_index"] == max(
        c["effort_index"] for c in result["clients"] if c["effort_index"] is not None)
    review = [t["team"] for t in result["teams"] if t["status"] == "review"]
    assert review == ["Infrastructure"]
    assert pd.Series([w["open_at_end"] for w in result["weeks"]]).notna().all()
