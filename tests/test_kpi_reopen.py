import datetime as dt

import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from kpi import reopen
from tests.kpi_frames import frames

T = pd.Timestamp
START, END = T("2026-11-16"), T("2026-11-23")


def _t(tid, resolved=None, closed=None, reopens=None, status="resolved"):
    return {"ticket_id": tid, "created_at": "2026-11-01 09:00", "resolved_at": resolved,
            "closed_at": closed, "status_class": status, "reopen_count": reopens}


FIXTURE = pd.DataFrame([
    _t("t1", "2026-11-16 00:00", reopens=0),        # done exactly at START: counts, not reopened
    _t("t2", "2026-11-20 10:00", reopens=2),        # reopened
    _t("t3", "2026-11-22 23:59", reopens=1),        # reopened
    _t("t4", "2026-11-23 00:00", reopens=5),        # done at END: outside
    _t("t5", "2026-11-18 10:00", reopens=None),     # count unknown: in done, not in n
    _t("t6", closed="2026-11-18 10:00", reopens=1, status="cancelled"),  # cancelled: left out
    _t("t7", reopens=3, status="open"),             # reopened and open again: not done
    _t("t8", closed="2026-11-19 10:00", reopens=0, status="closed"),     # closed only: counts
])


def test_reopen_rate_hand_worked():
    # done: t1 t2 t3 t5 t8 = 5; known counts: t1 t2 t3 t8 = 4; reopened t2 t3 = 2 -> 50 %
    assert reopen.reopen_rate(frames(tickets=FIXTURE), START, END) == \
        {"done": 5, "n": 4, "reopened": 2, "percent": 50.0}
    # SQLite hands back text: the frames parse it, same answer
    text = FIXTURE.astype(str).replace("None", None)
    assert reopen.reopen_rate(frames(tickets=text), START, END) == \
        {"done": 5, "n": 4, "reopened": 2, "percent": 50.0}


def test_no_reopen_count_in_export():
    unavailable = {"done": 5, "n": 0, "reopened": None, "percent": None}
    no_column = frames(tickets=FIXTURE.drop(columns="reopen_count"))
    assert reopen.reopen_rate(no_column, START, END) == unavailable
    all_null = frames(tickets=FIXTURE.assign(reopen_count=None))
    assert reopen.reopen_rate(all_null, START, END) == unavailable
    assert reopen.reopen_rate(frames(tickets=FIXTURE.iloc[:0]), START, END) == \
        {"done": 0, "n": 0, "reopened": None, "percent": None}


@hsettings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 60 * 24 * 21)),
                          st.one_of(st.none(), st.integers(0, 4)), st.booleans()),
                max_size=30))
def test_invariants(specs):
    base = dt.datetime(2026, 11, 9)
    tickets = pd.DataFrame([_t(str(i), None if d is None else base + dt.timedelta(minutes=d),
                               reopens=r, status="cancelled" if c else "resolved")
                            for i, (d, r, c) in enumerate(specs)],
                           columns=list(_t("x").keys()))
    got = reopen.reopen_rate(frames(tickets=tickets), START, END)
    assert 0 <= got["n"] <= got["done"]
    if got["n"]:
        assert 0 <= got["reopened"] <= got["n"]
        assert 0.0 <= got["percent"] <= 100.0
    else:
        assert got["percent"] is None
