"""KPIs cross-checked against hand-written SQL over a SQLite store."""
import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import insert, text

from kpi import aged, backlog, frames as kpi_frames, periods
from loaders import settings as settings_mod, store
from loaders.store import frames as store_frames, schema

CUT = pd.Timestamp("2026-11-23")
N_WEEKS = 10


def _random_tickets(seed=7, n=400):
    rng = np.random.default_rng(seed)
    base = dt.datetime(2026, 8, 1)
    rows = []
    for i in range(n):
        created = base + dt.timedelta(minutes=int(rng.integers(0, 60 * 24 * 125)))
        if rng.random() < 0.2:   # some exactly on a Monday 00:00
            created = created.replace(hour=0, minute=0) - dt.timedelta(days=created.weekday())
        done = None if rng.random() < 0.25 else \
            created + dt.timedelta(minutes=int(rng.integers(0, 60 * 24 * 40)))
        kind = rng.integers(0, 3)
        rows.append({
            "source_system": "halopsa" if i % 2 else "connectwise",
            "ticket_id": str(i // 2),
            "team": [None, "", "Service Desk", "Projects"][int(rng.integers(0, 4))],
            "board": [None, "Board A"][int(rng.integers(0, 2))],
            "status_class": "open" if done is None else "closed",
            "category": ["Email", "Network", None][int(rng.integers(0, 3))],
            "priority": "P2",
            "created_at": created,
            "resolved_at": done if kind in (0, 2) else None,
            "closed_at": (done + dt.timedelta(hours=3) if kind == 2 else done)
            if kind != 0 and done is not None else None,
            "resolution_due_at": created + dt.timedelta(hours=int(rng.integers(1, 24 * 30))),
        })
    return rows


BACKLOG_SQL = """
WITH RECURSIVE weeks(n, start) AS (
    SELECT 1, :first
    UNION ALL SELECT n + 1, datetime(start, '+7 days') || '.000000' FROM weeks WHERE n < :n
),
t AS (SELECT created_at, COALESCE(resolved_at, closed_at) AS done_at FROM tickets)
SELECT w.start,
  (SELECT COUNT(*) FROM t WHERE created_at >= w.start
      AND created_at < datetime(w.start, '+7 days') || '.000000') AS opened,
  (SELECT COUNT(*) FROM t WHERE done_at >= w.start
      AND done_at < datetime(w.start, '+7 days') || '.000000') AS closed,
  (SELECT COUNT(*) FROM t WHERE created_at < datetime(w.start, '+7 days') || '.000000'
      AND (done_at IS NULL OR done_at >= datetime(w.start, '+7 days') || '.000000'))
      AS open_at_end
FROM weeks w ORDER BY w.start
"""

AGED_SQL = """
SELECT COALESCE(NULLIF(TRIM(team), ''), NULLIF(TRIM(board), ''), 'Unassigned') AS team,
       COUNT(*) AS open,
       SUM(CASE WHEN resolution_due_at < :cut THEN 1 ELSE 0 END) AS aged
FROM tickets
WHERE created_at < :cut AND COALESCE(resolved_at, closed_at, '9999') >= :cut
GROUP BY 1 ORDER BY 1
"""


def test_backlog_and_aged_match_sql(tmp_path):
    engine = store.connect("sqlite:///" + str(tmp_path / "k.db"))
    with engine.begin() as conn:
        conn.execute(insert(schema.tickets), _random_tickets())
    frames = kpi_frames.make(store_frames.read(engine), settings_mod.load())
    weeks = periods.last_weeks(CUT, N_WEEKS)
    ours = backlog.backlog_trend(frames, weeks)
    first = weeks[0].strftime("%Y-%m-%d %H:%M:%S.%f")
    cut = CUT.strftime("%Y-%m-%d %H:%M:%S.%f")
    with engine.connect() as conn:
        sql = pd.read_sql(text(BACKLOG_SQL), conn, params={"first": first, "n": N_WEEKS})
        sql_aged = pd.read_sql(text(AGED_SQL), conn, params={"cut": cut})
    assert ours["opened"].tolist() == sql["opened"].tolist()
    assert ours["closed"].tolist() == sql["closed"].tolist()
    assert ours["open_at_end"].tolist() == sql["open_at_end"].tolist()
    assert ours["opened"].sum() > 50 and ours["closed"].sum() > 50   # the check has teeth

    mine = aged.aged_past_sla(frames, CUT, settings_mod.load()).sort_values("team")
    assert mine["team"].tolist() == sql_aged["team"].tolist()
    assert mine["open"].tolist() == sql_aged["open"].tolist()
    assert mine["aged_past_sla"].tolist() == sql_aged["aged"].tolist()
