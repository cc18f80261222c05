import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from kpi import backlog
from kpi import frames as kpi_frames
from tests.kpi_frames import frames, table

T = pd.Timestamp
WEEKS = [T("2026-11-02"), T("2026-11-09"), T("2026-11-16")]   # cut-off 2026-11-23


def _ticket(tid, created, resolved=None, closed=None, status="open", updated=None):
    return {"ticket_id": tid, "created_at": created, "resolved_at": resolved,
            "closed_at": closed, "status_class": status, "updated_at": updated}


# Hand-worked fixture; ages are whole days floor((week end - created) / 24 h).
FIXTURE = pd.DataFrame([
    _ticket("A", "2026-11-09 00:00"),                        # created exactly on a week boundary
    _ticket("B", "2026-10-20 10:00", resolved="2026-11-23 00:00", status="resolved"),  # done exactly at the cut-off
    _ticket("C", "2026-11-03 09:00", resolved="2026-11-10 12:00", status="resolved"),  # resolved, never closed
    _ticket("D", "2026-11-04 08:00", closed="2026-11-05 08:00", status="closed"),      # closed, no resolved time
    _ticket("E", "2026-11-10 12:00", resolved="2026-11-20 00:00", closed="2026-11-25 00:00",
            status="closed"),                                 # resolved time wins over closed time
    _ticket("F", "2026-11-17 09:00", status="cancelled", updated="2026-11-18 10:00"),  # cancelled: done at updated_at
    _ticket("G", "2026-11-18 00:00", status="cancelled"),    # cancelled, no times: done at created_at
    _ticket("H", "2026-11-22 23:59:59"),                     # one second before the cut-off: age 0
    _ticket("I", "2026-11-23 00:00"),                        # created at the cut-off: in no week
    _ticket("J", None),                                      # no created time: counts nowhere
    _ticket("K", "2026-11-20 12:00", closed="2026-11-19 00:00", status="closed"),  # done before created -> created
    _ticket("L", "2026-11-20 00:00:01"),                     # 2 d 23:59:59 old at 11-23: bucket 0-2
    _ticket("M", "2026-11-20 00:00"),                        # exactly 3 d old at 11-23: bucket 3-7
])


def test_backlog_hand_worked():
    f = frames(tickets=FIXTURE)
    out = backlog.backlog_trend(f, WEEKS)
    assert out["week"].tolist() == ["2026-11-02", "2026-11-09", "2026-11-16"]
    # Open at the first week's start (11-02): B only.
    assert backlog.open_at(f, WEEKS[0]).sum() == 1
    # Week 11-02: opened C, D; closed D; open at 11-09: B (19 d 14 h -> 15-30), C (5 d 15 h -> 3-7).
    # Week 11-09: opened A, E; closed C; open at 11-16: A (7 d -> 3-7), B (26 d -> 15-30), E (5 d 12 h -> 3-7).
    # Week 11-16: opened F G H K L M; closed E F G K; open at 11-23: A (14 d -> 8-14),
    #   B (33 d -> over 30; done exactly at 11-23 is still open then), H (0), L (2), M (3).
    assert out["opened"].tolist() == [2, 2, 6]
    assert out["closed"].tolist() == [1, 1, 4]
    assert out["open_at_end"].tolist() == [2, 3, 5]
    buckets = out[list(backlog.AGE_BUCKETS)].values.tolist()
    assert buckets == [[0, 1, 0, 1, 0], [0, 2, 0, 1, 0], [2, 1, 1, 0, 1]]


def test_done_at_rules():
    done = kpi_frames.done_at(table("tickets", FIXTURE)).tolist()
    # the frames carry the same done times, worked out once
    assert frames(tickets=FIXTURE).tickets["done_at"].tolist() == done
    assert done[2] == T("2026-11-10 12:00")     # resolved only
    assert done[3] == T("2026-11-05 08:00")     # closed only
    assert done[4] == T("2026-11-20 00:00")     # resolved before closed: resolved wins
    assert done[5] == T("2026-11-18 10:00")     # cancelled: updated_at
    assert done[6] == T("2026-11-18 00:00")     # cancelled, nothing else: created_at
    assert done[10] == T("2026-11-20 12:00")    # done before created: clamped
    assert pd.isna(done[0])


def test_empty_store_and_text_timestamps():
    empty = pd.DataFrame(columns=["created_at", "resolved_at", "closed_at", "status_class"],
                         dtype="object")
    out = backlog.backlog_trend(frames(tickets=empty), WEEKS)
    assert out[["opened", "closed", "open_at_end"]].values.sum() == 0
    # SQLite hands timestamps back as text: the frames parse them once, at the boundary
    text = FIXTURE.astype("object")
    typed = FIXTURE.copy()
    for col in ("created_at", "resolved_at", "closed_at", "updated_at"):
        typed[col] = pd.to_datetime(typed[col], format="ISO8601").astype("datetime64[ns]")
    pd.testing.assert_frame_equal(backlog.backlog_trend(frames(tickets=text), WEEKS),
                                  backlog.backlog_trend(frames(tickets=typed), WEEKS))
    # ... and the KPI input itself refuses untyped times, naming the column
    tables = {name: table(name) for name in kpi_frames.TABLES.values()}
    tables["tickets"] = table("tickets", FIXTURE).astype({"created_at": "object"})
    with pytest.raises(kpi_frames.FramesError, match="created_at"):
        kpi_frames.make(tables, {})


BASE = dt.datetime(2026, 1, 5)   # a Monday
N_WEEKS = 8
MINUTES = 60 * 24 * 7 * (N_WEEKS + 6)

ticket_strategy = st.fixed_dictionaries({
    # created from 4 weeks before the first week to 2 weeks after the last one
    "created": st.integers(0, MINUTES),
    "done_after": st.one_of(st.none(), st.integers(-3000, 60 * 24 * 70)),
    "which": st.sampled_from(["resolved", "closed", "both"]),
    "cancelled": st.booleans(),
    "updated_after": st.one_of(st.none(), st.integers(-3000, 60 * 24 * 30)),
    "week_boundary": st.booleans(),
})


def _frame(specs):
    rows = []
    for s in specs:
        created = BASE + dt.timedelta(minutes=s["created"])
        if s["week_boundary"]:
            created = created.replace(hour=0, minute=0) - dt.timedelta(days=created.weekday())
        done = None if s["done_after"] is None else created + dt.timedelta(minutes=s["done_after"])
        rows.append({
            "created_at": created,
            "resolved_at": done if s["which"] in ("resolved", "both") else None,
            "closed_at": None if done is None or s["which"] == "resolved"
            else done + dt.timedelta(hours=5) if s["which"] == "both" else done,
            "status_class": "cancelled" if s["cancelled"] else ("open" if done is None else "closed"),
            "updated_at": None if s["updated_after"] is None
            else created + dt.timedelta(minutes=s["updated_after"]),
        })
    frame = pd.DataFrame(rows, columns=["created_at", "resolved_at", "closed_at",
                                        "status_class", "updated_at"])
    for col in ("created_at", "resolved_at", "closed_at", "updated_at"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame


@hsettings(max_examples=100, deadline=None)
@given(st.lists(ticket_strategy, max_size=40))
def test_backlog_invariants(specs):
    tickets = table("tickets", _frame(specs))
    weeks = [T(BASE) + pd.Timedelta(weeks=4 + k) for k in range(N_WEEKS)]
    out = backlog.backlog_trend(frames(tickets=tickets), weeks)
    counts = out[["opened", "closed", "open_at_end", *backlog.AGE_BUCKETS]].to_numpy()
    assert (counts >= 0).all()
    assert (out[list(backlog.AGE_BUCKETS)].sum(axis=1) == out["open_at_end"]).all()
    # the first week's start count, computed independently with a plain loop
    start = weeks[0]
    done = kpi_frames.done_at(tickets)
    previous = sum(1 for c, d in zip(tickets["created_at"], done)
                   if c < start and (pd.isna(d) or d >= start))
    for row in out.itertuples():
        assert row.open_at_end == previous + row.opened - row.closed
        previous = row.open_at_end
    # open_at_end agrees with the per-ticket definition at every week end
    created = tickets["created_at"]
    for row in out.itertuples():
        assert row.open_at_end == int(((created < row.end) & (done.isna() | (done >= row.end))).sum())
