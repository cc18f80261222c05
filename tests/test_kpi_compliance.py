import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from kpi import compliance
from kpi import frames as kpi_frames
from loaders import settings as settings_mod
from tests.kpi_frames import frames, table

T = pd.Timestamp
START, END = T("2026-11-16"), T("2026-11-23")   # Mon..next Mon; business clock Mon-Fri 08-17
SD = "Service Desk"


def _t(tid, created, priority="P1", team=SD, responded=None, resolved=None, closed=None,
       status="open", response_due=None, resolution_due=None):
    return {"ticket_id": tid, "created_at": created, "priority": priority, "team": team,
            "board": None, "first_response_at": responded, "resolved_at": resolved,
            "closed_at": closed, "status_class": status, "response_due_at": response_due,
            "resolution_due_at": resolution_due}


FIXTURE = pd.DataFrame([
    # P1 from Mon 09:00: response due 10:00, resolution due 13:00; both exactly on time: met
    _t("r1", "2026-11-16 09:00", responded="2026-11-16 10:00", resolved="2026-11-16 13:00"),
    # one minute late on both
    _t("r2", "2026-11-16 09:00", responded="2026-11-16 10:01", resolved="2026-11-16 13:01"),
    # P2 from Fri 16:00: response Fri 16-17 (1) + Mon 08-09 -> due Mon 09:00, met at 08:30;
    # resolved exactly at END: outside the period
    _t("r3", "2026-11-13 16:00", "P2", responded="2026-11-16 08:30",
       resolved="2026-11-23 00:00"),
    # P3 from Sunday: response 4 h -> Mon 12:00; responded exactly at START (counts): met
    _t("r4", "2026-11-15 10:00", "P3", responded="2026-11-16 00:00"),
    # P5: no response target -> not in response_n; resolution 240 h: far ahead, met
    _t("r5", "2026-11-16 09:00", "P5", responded="2026-11-16 09:30",
       resolved="2026-11-17 09:00"),
    # no priority (P3 target), no team/board -> Unassigned. PSA response due 08:30 wins over
    # the computed 12:00: responded 09:00 missed. Resolution P3 24 h from Tue 08:00:
    # Tue 9, Wed 9 (18), Thu 08-14 -> due Thu 14:00; resolved 16:00 missed
    _t("r6", "2026-11-17 08:00", None, team=None, responded="2026-11-17 09:00",
       resolved="2026-11-19 16:00", response_due="2026-11-17 08:30"),
    # cancelled: its response counts (met, due 10:00), its "resolution" does not
    _t("r7", "2026-11-16 09:00", responded="2026-11-16 09:30", closed="2026-11-16 10:00",
       status="cancelled"),
    # responded exactly at END: outside
    _t("r8", "2026-11-20 10:00", "P2", responded="2026-11-23 00:00"),
    # everything before the period
    _t("r9", "2026-11-09 09:00", "P2", responded="2026-11-13 09:00",
       resolved="2026-11-15 09:00"),
    # Projects, P1 from Wed 16:30: response 0.5 h Wed + Thu 08:00-08:30 -> due Thu 08:30, met
    # at 08:15; resolution 0.5 + 3.5 -> Thu 11:30, resolved exactly then: met
    _t("r10", "2026-11-18 16:30", team="Projects", responded="2026-11-19 08:15",
       resolved="2026-11-19 11:30"),
    # PSA resolution due Fri 12:00 wins (computed would be Mon 13:00): met; never responded
    _t("r11", "2026-11-16 09:00", resolved="2026-11-20 11:00",
       resolution_due="2026-11-20 12:00"),
])
FRAMES = frames(tickets=FIXTURE)
TIMES = ("created_at", "first_response_at", "resolved_at", "closed_at", "response_due_at",
         "resolution_due_at")


def _rows(out, keys):
    return {tuple(r[k] for k in keys): {m: r[m] for m in compliance.MEASURES}
            for r in out.to_dict("records")}


def _m(rn, rm, rp, sn, sm, sp):
    return {"response_n": rn, "response_met": rm, "response_percent": rp,
            "resolution_n": sn, "resolution_met": sm, "resolution_percent": sp}


def test_by_priority_hand_worked():
    out = compliance.sla_compliance(FRAMES, START, END, settings_mod.load())
    # P1: response r1 met, r2 missed, r7 met, r10 met (r11 never responded) -> 3/4;
    #     resolution r1 met, r2 missed, r10 met, r11 met (r7 cancelled) -> 3/4
    # P2: response r3 met -> 1/1; no resolution in the period (r3 at END, r9 before) -> None
    # P3: r4 1/1; P5: response excluded (no target), resolution r5 1/1
    # (no priority): r6 0/1 and 0/1
    assert out["priority"].tolist() == ["(no priority)", "P1", "P2", "P3", "P5"]
    assert _rows(out, ["priority"]) == {
        ("(no priority)",): _m(1, 0, 0.0, 1, 0, 0.0),
        ("P1",): _m(4, 3, 75.0, 4, 3, 75.0),
        ("P2",): _m(1, 1, 100.0, 0, 0, None),
        ("P3",): _m(1, 1, 100.0, 0, 0, None),
        ("P5",): _m(0, 0, None, 1, 1, 100.0),
    }


def test_by_team_both_and_overall():
    s = settings_mod.load()
    by_team = _rows(compliance.sla_compliance(FRAMES, START, END, s, by=("team",)), ["team"])
    # Service Desk response: r1 r3 r4 r7 met, r2 missed -> 4/5; resolution r1 r5 r11 met,
    # r2 missed -> 3/4. Projects r10 1/1 1/1. Unassigned r6 0/1 0/1
    assert by_team == {("Projects",): _m(1, 1, 100.0, 1, 1, 100.0),
                       (SD,): _m(5, 4, 80.0, 4, 3, 75.0),
                       ("Unassigned",): _m(1, 0, 0.0, 1, 0, 0.0)}
    both = _rows(compliance.sla_compliance(FRAMES, START, END, s, by=("priority", "team")),
                 ["priority", "team"])
    # P1 / Service Desk: response r1 r2 r7 -> 2/3; resolution r1 r2 r11 -> 2/3
    assert both[("P1", SD)]["response_n"] == 3 and both[("P1", SD)]["response_met"] == 2
    assert both[("P1", SD)]["resolution_n"] == 3 and both[("P1", SD)]["resolution_met"] == 2
    assert both[("P1", "Projects")] == _m(1, 1, 100.0, 1, 1, 100.0)
    overall = compliance.sla_compliance(FRAMES, START, END, s, by=())
    # response 4 + 1 + 1 + 0 + 1 = 7, met 3 + 1 + 1 + 0 = 5; resolution 4 + 1 + 1 = 6, met 4
    assert overall.to_dict("records") == [_m(7, 5, 500 / 7, 6, 4, 400 / 6)]


def test_24x7_clock_changes_computed_due():
    s = settings_mod.load()
    s["sla"]["clock"] = "24x7"
    out = _rows(compliance.sla_compliance(FRAMES, START, END, s), ["priority"])
    # r3 (P2 from Fri 16:00): response due Fri 18:00 around the clock -> missed on Monday
    assert out[("P2",)]["response_met"] == 0
    # r6 (P3 24 h from Tue 08:00 -> Wed 08:00) is still missed; r10 P1 response due Wed
    # 17:30 -> responded Thu: missed, resolution due Wed 20:30 -> missed
    assert out[("P1",)]["response_met"] == 2 and out[("P1",)]["resolution_met"] == 2


def test_empty_and_bad_group():
    s = settings_mod.load()
    none = frames(tickets=FIXTURE.iloc[:0])
    empty = compliance.sla_compliance(none, START, END, s)
    assert empty.empty and list(empty.columns) == ["priority", *compliance.MEASURES]
    overall = compliance.sla_compliance(none, START, END, s, by=())
    assert overall.to_dict("records") == [_m(0, 0, None, 0, 0, None)]
    # SQLite text timestamps give the same answer: the frames parse them at the boundary
    text = FIXTURE.astype("object")
    typed = FIXTURE.copy()
    for col in TIMES:
        typed[col] = pd.to_datetime(typed[col]).astype("datetime64[ns]")
    pd.testing.assert_frame_equal(
        compliance.sla_compliance(frames(tickets=text), START, END, s),
        compliance.sla_compliance(frames(tickets=typed), START, END, s))
    # ... and the KPI input itself refuses untyped times, naming the column
    tables = {name: table(name) for name in kpi_frames.TABLES.values()}
    tables["tickets"] = table("tickets", FIXTURE).astype({"first_response_at": "object"})
    with pytest.raises(kpi_frames.FramesError, match="first_response_at"):
        kpi_frames.make(tables, s)
    with pytest.raises(ValueError):
        compliance.sla_compliance(FRAMES, START, END, s, by=("client",))


BASE = dt.datetime(2026, 11, 2)
ticket = st.fixed_dictionaries({
    "created": st.integers(0, 60 * 24 * 21),
    "respond_after": st.one_of(st.none(), st.integers(0, 60 * 24 * 5)),
    "done_after": st.one_of(st.none(), st.integers(0, 60 * 24 * 10)),
    "priority": st.sampled_from(["P1", "P2", "P3", "P4", "P5", None]),
    "team": st.sampled_from(["A", "B", None]),
    "cancelled": st.booleans(),
})


@hsettings(max_examples=30, deadline=None)
@given(st.lists(ticket, max_size=30), st.sampled_from(["business", "24x7"]))
def test_invariants(specs, clock):
    s = settings_mod.load()
    s["sla"]["clock"] = clock
    rows = []
    for i, p in enumerate(specs):
        created = BASE + dt.timedelta(minutes=p["created"])
        rows.append(_t(str(i), created, p["priority"], p["team"],
                       responded=None if p["respond_after"] is None
                       else created + dt.timedelta(minutes=p["respond_after"]),
                       resolved=None if p["done_after"] is None
                       else created + dt.timedelta(minutes=p["done_after"]),
                       status="cancelled" if p["cancelled"] else "open"))
    tickets = pd.DataFrame(rows, columns=list(_t("x", None).keys()))
    f = frames(tickets=tickets, settings=s)
    start, end = T("2026-11-09"), T("2026-11-16")
    both = compliance.sla_compliance(f, start, end, s, by=("priority", "team"))
    by_p = compliance.sla_compliance(f, start, end, s)
    overall = compliance.sla_compliance(f, start, end, s, by=()).iloc[0]
    for out in (both, by_p):
        for m in ("response", "resolution"):
            assert (out[f"{m}_met"] <= out[f"{m}_n"]).all()
            assert ((out[f"{m}_n"] > 0) | (out[f"{m}_percent"].isna())).all()
            pct = out[f"{m}_percent"].dropna()
            assert ((pct >= 0) & (pct <= 100)).all()
            # groups add up to the overall row
            assert out[f"{m}_n"].sum() == overall[f"{m}_n"]
            assert out[f"{m}_met"].sum() == overall[f"{m}_met"]
    # response n never exceeds the tickets responded to in the period
    responded = pd.to_datetime(tickets["first_response_at"])
    assert overall["response_n"] <= int(((responded >= start) & (responded < end)).sum())


def test_the_psas_own_verdict_counts_for_resolution_and_the_basis_is_counted():
    """SPEC: where the export carries ``sla_met``, that verdict counts for resolution."""
    s = settings_mod.load()
    rows = [
        # the PSA says met although Cadence's clock would say late (a paused clock, say)
        {**_t("v1", "2026-11-16 09:00", resolved="2026-11-20 09:00"), "sla_met": True},
        # the PSA says missed although the computed due time was kept
        {**_t("v2", "2026-11-16 09:00", resolved="2026-11-16 10:00"), "sla_met": False},
        # a P5 without a resolution target still has the PSA's verdict: it counts
        {**_t("v3", "2026-11-16 09:00", "P5", resolved="2026-11-16 10:00"), "sla_met": True},
        # no verdict: Cadence's computed due (Mon 13:00), resolved 12:00: met
        _t("v4", "2026-11-16 09:00", resolved="2026-11-16 12:00"),
        # no verdict, the PSA's own due time: missed
        _t("v5", "2026-11-16 09:00", resolved="2026-11-16 12:00",
           resolution_due="2026-11-16 11:00"),
        # cancelled with a verdict: cancelling is not resolving
        {**_t("v6", "2026-11-16 09:00", closed="2026-11-16 10:00", status="cancelled"),
         "sla_met": False},
    ]
    s["sla"]["resolution_hours"].pop("P5")
    out = compliance.sla_compliance(frames(tickets=rows), START, END, s, by=(), basis=True)
    # n = v1 v2 v3 (verdicts) + v4 v5 (clock) = 5; met = v1 v3 v4 = 3
    assert out.to_dict("records") == [{
        "response_n": 0, "response_met": 0, "response_percent": None,
        "resolution_n": 5, "resolution_met": 3, "resolution_percent": 60.0,
        "response_computed_n": 0, "resolution_psa_n": 3, "resolution_computed_n": 1}]
