"""The Today page's pieces (the daily stand-up, ``kpi.today``): the instant it shows, the
cached stand-up per store version and minute, and the wall-screen mode (``?tv=1``): no
sidebar, large type, one team at a time, turning every ``TURN_SECONDS`` (``?every=N``)
and recomputed at each turn, so new data and the passing time show within a turn.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import today

from .formats import plain
from .store_cache import load_frames, load_settings, store_key

TURN_SECONDS = 20        # one team on the wall screen this long, then the next
REFRESH = "2min"         # the stand-up is recomputed at most this often (and on new data)
TV_LINES = 6             # tickets listed per list on the wall screen

# Our own style, no data in it: the wall screen hides the sidebar and the app's header
# and reads from across the room.
TV_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important;}
.block-container {padding-top: 1.5rem !important; max-width: 100% !important;}
h1 {font-size: 3.2rem !important;}
h2, h3 {font-size: 2.4rem !important;}
[data-testid="stMetricLabel"] p {font-size: 1.8rem !important;}
[data-testid="stMetricValue"] {font-size: 5rem !important;}
[data-testid="stText"], [data-testid="stText"] *, [data-testid="stCaptionContainer"] p
  {font-size: 1.5rem !important;}
[data-testid="stText"], [data-testid="stText"] *
  {font-family: "Source Code Pro", monospace !important; white-space: pre !important;}
</style>"""


def viewing_instant(asked: str | None, timezone: str) -> tuple[pd.Timestamp, bool]:
    """The instant to show: ``?at=2026-11-20T09:00`` when given and readable (True), else
    now in the settings' time zone to the minute (False)."""
    if asked:
        try:
            at = pd.Timestamp(asked)
            if pd.notna(at):
                return (at.tz_convert(timezone).tz_localize(None) if at.tzinfo else at
                        ).floor("min"), True
        except (ValueError, TypeError):
            pass
    return pd.Timestamp.now(tz=timezone or "UTC").tz_localize(None).floor("min"), False


@st.cache_data(show_spinner="Working out today...", max_entries=16)
def _standup(url: str, version: tuple, now: pd.Timestamp) -> today.Standup:
    return today.standup(load_frames(url, version), now, load_settings(url, version))


def standup_now(now: pd.Timestamp, fixed: bool) -> today.Standup:
    """The stand-up at ``now`` (``?at=``), else at now to the ``REFRESH``; cached per
    store version, so an import shows at the next rerun."""
    return _standup(*store_key(), now if fixed else now.floor(REFRESH))


def ticket_lines(frame: pd.DataFrame, hours: str, word: str, limit: int = TV_LINES
                 ) -> list[str]:
    """One line per ticket for the wall screen: priority, id, assignee, hours, summary."""
    lines = [f"{p or '--':<3} {t:<14} {(a or '(unassigned)')[:18]:<18} {h:>6.1f} h {word}  "
             f"{(s or '')[:48]}"
             for p, t, a, h, s in zip(frame["priority"].fillna(""), frame["ticket_id"],
                                      frame["assignee"].fillna(""), frame[hours].fillna(0),
                                      frame["summary"].fillna(""))][:limit]
    if len(frame) > limit:
        lines.append(f"... and {len(frame) - limit} more")
    return lines or ["nothing"]


def team_at_turn(teams: list[str], turn: int) -> str | None:
    return teams[turn % len(teams)] if teams else None


def cards(day: today.Standup) -> None:
    """The stand-up's four numbers."""
    c = st.columns(4)
    c[0].metric("Past due", f"{len(day.past_due):,}", border=True,
                help="Open tickets whose resolution due time (the PSA's, else created + the "
                     "priority's target on the SLA clock) has passed. Waiting tickets are "
                     "counted as waiting instead (their SLA clock is paused).")
    c[1].metric(f"Due by {day.horizon:%a %H:%M}", f"{len(day.due_soon):,}", border=True,
                help="Open tickets due before the close of the next working day.")
    c[2].metric(f"New P1/P2 since {day.since:%a %d %b}", f"{len(day.new_urgent):,}",
                border=True, help="P1 and P2 tickets created since the start of the last "
                                  "working day, open or already done.")
    c[3].metric("Waiting on customer", f"{len(day.waiting):,}", border=True,
                help="Open tickets in a waiting status: on the customer, a vendor or on "
                     "hold (the PSA's status words don't always tell them apart).")


def wall_screen(every: int) -> None:
    """The wall screen: one team per turn, recomputed at each turn."""
    @st.fragment(run_every=every)
    def turn() -> None:
        settings = load_settings(*store_key())
        now, fixed = viewing_instant(st.query_params.get("at"),
                                     settings.get("timezone") or "UTC")
        day = standup_now(now, fixed)
        teams = day.teams()
        number = st.session_state.get("tv_turn", -1) + 1
        st.session_state["tv_turn"] = number
        team = team_at_turn(teams, number)
        if team is None:
            st.subheader(f"{now:%a %d %b %H:%M}: nothing past due, due soon, new or waiting.")
            return
        shown = day.for_team(team)
        st.subheader(f"{plain(team)} · team {number % len(teams) + 1} of {len(teams)} · "
                     f"{now:%a %d %b %H:%M}")
        cards(shown)
        st.subheader("Past due")
        st.text("\n".join(ticket_lines(shown.past_due, "hours_over", "over")))
        st.subheader(f"Due by {day.horizon:%a %H:%M}")
        st.text("\n".join(ticket_lines(shown.due_soon, "hours_left", "left")))
    turn()
