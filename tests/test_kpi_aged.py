import pandas as pd

from kpi import aged
from loaders import settings as settings_mod
from tests.kpi_frames import frames

T = pd.Timestamp
B = T("2026-11-23")   # cut-off (Monday 00:00); default settings: business clock, no holidays


def _t(tid, created, team=None, board=None, priority="P1", category=None, due=None,
       resolved=None):
    return {"ticket_id": tid, "created_at": created, "team": team, "board": board,
            "priority": priority, "category": category, "resolution_due_at": due,
            "resolved_at": resolved, "closed_at": None, "status_class": "open"}


SD = "Service Desk"
FIXTURE = pd.DataFrame([
    _t("a1", "2026-11-02 09:00", SD, category="Email"),     # P1 due Mon 13:00 -> aged
    _t("a2", "2026-11-03 09:00", SD, category="Network"),   # aged
    _t("a3", "2026-11-04 09:00", SD, category="Network"),   # aged
    _t("a4", "2026-11-01 09:00", SD, category="Email"),     # Sunday: due Mon 11-02 12:00 -> aged
    # P3 24 h: Fri 16-17 (1), Mon 11-23 9 (10), Tue 9 (19), Wed 08-13 -> 11-25 13:00: not aged
    _t("a5", "2026-11-20 16:00", SD, priority="P3", category="Printer"),
    # PSA due exactly at the cut-off is not *before* it: not aged
    _t("a6", "2026-11-10 10:00", SD, category="Printer", due="2026-11-23 00:00"),
    # resolved exactly at the cut-off: still open at B, and aged
    _t("a7", "2026-11-05 09:00", SD, category="Backup", resolved="2026-11-23 00:00"),
    # resolved before the cut-off: not open
    _t("a8", "2026-11-05 09:00", SD, category="Backup", resolved="2026-11-22 23:00"),
    # no team -> board. Missing priority -> P3 24 h: Mon 10-17 (7), Tue 9 (16), Wed 08-16 -> aged
    _t("b1", "2026-11-09 10:00", None, "Projects", priority=None),
    # blank team -> board; the PSA's due time (future) wins over P1's computed one: not aged
    _t("b2", "2026-11-01 10:00", "  ", "Projects", category="Server", due="2026-11-30 00:00"),
    # neither team nor board -> Unassigned; P5 240 h: not aged
    _t("c1", "2026-11-16 09:00", priority="P5"),
    _t("c2", "2026-11-23 00:00"),                           # created at the cut-off: not open
    # four aged tickets, one per category: ties broken by the oldest ticket
    _t("t1", "2026-10-01 09:00", "Tie", category="Zeta"),
    _t("t2", "2026-10-02 09:00", "Tie", category="Alpha"),
    _t("t3", "2026-10-03 09:00", "Tie", category="Mid"),
    _t("t4", "2026-10-04 09:00", "Tie", category="Beta"),
])
FRAMES = frames(tickets=FIXTURE)


def test_aged_past_sla_hand_worked():
    out = aged.aged_past_sla(FRAMES, B, settings_mod.load())
    rows = {r["team"]: r for r in out.to_dict("records")}
    # Service Desk: open a1..a7 = 7; aged a1 a2 a3 a4 a7 = 5 >= 4 -> review;
    # Email 2 (oldest 11-01) before Network 2 (oldest 11-03), then Backup 1.
    assert rows[SD] == {"team": SD, "open": 7, "aged_past_sla": 5, "waiting": 0,
                        "status": "review", "top_categories": ["Email", "Network", "Backup"]}
    assert rows["Projects"] == {"team": "Projects", "open": 2, "aged_past_sla": 1,
                                "waiting": 0, "status": "ok",
                                "top_categories": ["Uncategorised"]}
    assert rows["Unassigned"] == {"team": "Unassigned", "open": 1, "aged_past_sla": 0,
                                  "waiting": 0, "status": "ok", "top_categories": []}
    # exactly at the threshold (4) -> review; ties by oldest: Zeta, Alpha, Mid
    assert rows["Tie"] == {"team": "Tie", "open": 4, "aged_past_sla": 4, "waiting": 0,
                           "status": "review", "top_categories": ["Zeta", "Alpha", "Mid"]}
    assert out["team"].tolist() == [SD, "Tie", "Projects", "Unassigned"]


def test_review_threshold_from_settings():
    s = settings_mod.load()
    s["sla"]["review_threshold"] = 6
    out = aged.aged_past_sla(FRAMES, B, s).set_index("team")
    assert out.loc[SD, "status"] == "ok" and out.loc["Tie", "status"] == "ok"


def test_24x7_clock_changes_computed_due():
    s = settings_mod.load()
    s["sla"]["clock"] = "24x7"
    out = aged.aged_past_sla(FRAMES, B, s).set_index("team")
    # a5 (P3, 24 h from Fri 16:00 -> Sat 16:00) is now aged too; c1 (P5 240 h from 11-16) is not
    assert out.loc[SD, "aged_past_sla"] == 6
    assert out.loc["Unassigned", "aged_past_sla"] == 0


def test_nothing_open():
    empty = frames(tickets=FIXTURE.iloc[:0])
    assert aged.aged_past_sla(empty, B, settings_mod.load()).empty


def test_waiting_tickets_are_not_aged_unless_the_settings_say_so():
    """SPEC KPI 2: a ticket whose status class at the cut-off is waiting is not aged (the
    PSA's clock is paused); the team reports it as waiting; sla.age_waiting ages it."""
    waiting = FIXTURE.copy()
    waiting.loc[waiting["ticket_id"].isin(["a1", "a2", "a5"]), "status_class"] = "waiting"
    f = frames(tickets=waiting)
    rows = aged.aged_past_sla(f, B, settings_mod.load()).set_index("team")
    # Service Desk: aged a3 a4 a7 = 3 (a1 a2 wait) -> ok below 4; waiting a1 a2 a5 = 3
    assert rows.loc[SD, ["open", "aged_past_sla", "waiting", "status"]].tolist() == \
        [7, 3, 3, "ok"]
    assert rows.loc[SD, "top_categories"] == ["Email", "Network", "Backup"]
    s = settings_mod.load()
    s["sla"]["age_waiting"] = True
    rows = aged.aged_past_sla(f, B, s).set_index("team")
    assert rows.loc[SD, ["aged_past_sla", "waiting", "status"]].tolist() == [5, 3, "review"]


def test_the_status_at_the_cut_off_decides():
    """Waiting at the cut-off, taken out of waiting by a later export: still waiting for
    that week's report (the ticket as known at the cut-off)."""
    current = [{"source_system": "x", "ticket_id": "w", "created_at": "2026-11-02 09:00",
                "priority": "P1", "team": SD, "status_class": "open",
                "updated_at": "2026-11-24 09:00"}]
    before = [{**current[0], "status_class": "waiting", "updated_at": "2026-11-20 09:00"}]
    f = frames(tickets=current, ticket_versions=before)
    known = f.as_known_at(B)
    row = aged.aged_past_sla(known, B, settings_mod.load()).iloc[0]
    assert (row["aged_past_sla"], row["waiting"]) == (0, 1)
    row = aged.aged_past_sla(f, B, settings_mod.load()).iloc[0]   # the current row: aged
    assert (row["aged_past_sla"], row["waiting"]) == (1, 0)
    assert aged.aged_series(f, [B], settings_mod.load()) == [0]
