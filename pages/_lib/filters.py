"""The week, team and client filters, kept in the URL so a view can be shared:
?week=2026-11-16&team=Infrastructure&client=Acme.

The URL seeds the widgets once per session (their values then live in the session state
under fixed keys): a widget whose arguments change between reruns is a new widget to
Streamlit, which is how a pick used to be lost every second time. Only weeks that hold
tickets are offered; a URL naming another week says so and shows the nearest one.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import periods

from .store_cache import filter_options, store_key

ALL_TEAMS, ALL_CLIENTS = "All teams", "All clients"
KEYS = {"week": "filter_week", "team": "filter_team", "client": "filter_client"}


def _nearest(asked: pd.Timestamp, weeks: list[pd.Timestamp]) -> pd.Timestamp:
    return min(weeks, key=lambda w: abs(w - asked))   # a year of weeks at most


def url_filters() -> dict:
    """Week, team and client as the URL asks for them: unknown teams and clients fall
    back to "all", a week without tickets to the nearest week with some (``moved`` says
    which week was asked for)."""
    params = st.query_params
    options = filter_options(*store_key())
    weeks = options["weeks"] or [periods.week_start(pd.Timestamp.today())]
    week, moved = weeks[-1], None
    try:
        asked = pd.Timestamp(params.get("week") or "")
        if pd.notna(asked):
            week = _nearest(periods.week_start(asked), weeks)
            moved = None if week == periods.week_start(asked) else f"{asked:%Y-%m-%d}"
    except (ValueError, TypeError):
        moved = params.get("week")
    teams, clients = options["teams"], options["clients"]
    team = params.get("team") if params.get("team") in teams else None
    client = params.get("client") if params.get("client") in clients else None
    return {"week": week, "team": team, "client": client, "teams": teams,
            "clients": clients, "weeks": weeks, "moved": moved,
            "cutoff": week + periods.WEEK}


def _label(week: pd.Timestamp) -> str:
    return f"{week:%Y-%m-%d} (Mon {week:%d %b} – Sun {week + pd.Timedelta(days=6):%d %b})"


def sidebar_filters() -> dict:
    """Draw the sidebar filters, write them to the URL, return the chosen values."""
    chosen = url_filters()
    state = st.session_state
    seeds = {"week": chosen["week"], "team": chosen["team"] or ALL_TEAMS,
             "client": chosen["client"] or ALL_CLIENTS}
    choices = {"week": chosen["weeks"][::-1], "team": [ALL_TEAMS, *chosen["teams"]],
               "client": [ALL_CLIENTS, *chosen["clients"]]}
    for name, key in KEYS.items():   # the URL seeds each widget once, or after a reload
        if key not in state or state[key] not in choices[name]:
            state[key] = seeds[name]
    if chosen["moved"] is not None:
        st.info(f"No tickets in the week of {chosen['moved']}; showing the nearest week "
                f"that has some, {chosen['week']:%Y-%m-%d}.", icon=":material/event_busy:")
    with st.sidebar:
        week = st.selectbox("Week", choices["week"], key=KEYS["week"], format_func=_label,
                            help="Weeks run Monday to Sunday; only weeks that hold "
                                 "tickets are listed.")
        team = st.selectbox("Team", choices["team"], key=KEYS["team"])
        client = st.selectbox("Client", choices["client"], key=KEYS["client"])
    chosen["week"] = week
    chosen["cutoff"] = week + periods.WEEK
    chosen["team"] = None if team == ALL_TEAMS else team
    chosen["client"] = None if client == ALL_CLIENTS else client
    st.query_params["week"] = week.date().isoformat()
    for key in ("team", "client"):
        if chosen[key]:
            st.query_params[key] = chosen[key]
        elif key in st.query_params:
            del st.query_params[key]
    return chosen
