"""The week, team and client filters, kept in the URL so a view can be shared:
?week=2026-11-16&team=Infrastructure&client=Acme."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import periods

from .store_cache import filter_options, store_key


def url_filters() -> dict:
    """Week, team and client from the URL; missing or unknown values fall back to the
    latest week and "all"."""
    params = st.query_params
    options = filter_options(*store_key())
    latest = options["latest"]
    default_week = periods.week_start(latest if latest is not None else pd.Timestamp.today())
    try:
        asked = pd.Timestamp(params.get("week") or "")
        week = periods.week_start(asked) if pd.notna(asked) else default_week
    except (ValueError, TypeError):
        week = default_week
    teams, clients = options["teams"], options["clients"]
    team = params.get("team") if params.get("team") in teams else None
    client = params.get("client") if params.get("client") in clients else None
    return {"week": week, "team": team, "client": client, "teams": teams,
            "clients": clients, "cutoff": week + periods.WEEK}


def sidebar_filters() -> dict:
    """Draw the sidebar filters, write them to the URL, return the chosen values."""
    chosen = url_filters()
    with st.sidebar:
        week = st.date_input("Week of", value=chosen["week"].date(), format="YYYY-MM-DD",
                             help="Any day of the week to review; weeks run Monday to "
                                  "Sunday.")
        team = st.selectbox("Team", ["All teams", *chosen["teams"]],
                            index=(chosen["teams"].index(chosen["team"]) + 1)
                            if chosen["team"] else 0)
        client = st.selectbox("Client", ["All clients", *chosen["clients"]],
                              index=(chosen["clients"].index(chosen["client"]) + 1)
                              if chosen["client"] else 0)
    chosen["week"] = periods.week_start(pd.Timestamp(week))
    chosen["cutoff"] = chosen["week"] + periods.WEEK
    chosen["team"] = None if team == "All teams" else team
    chosen["client"] = None if client == "All clients" else client
    st.query_params.update({"week": chosen["week"].date().isoformat()})
    for key in ("team", "client"):
        if chosen[key]:
            st.query_params[key] = chosen[key]
        elif key in st.query_params:
            del st.query_params[key]
    return chosen
