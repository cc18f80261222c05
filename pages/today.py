"""Today: the 10-minute daily SLA stand-up (SPEC "Who uses it"): the tickets already past
due and those due before the close of the next working day, by team and assignee; the
P1/P2 tickets new since the last working day; what is waiting on the customer. Numbers:
``kpi.today``. ``?tv=1`` is the wall screen for the service desk (one team at a time,
large type, no sidebar; ``?every=N`` seconds a team); ``?at=2026-11-20T09:00`` shows
another instant; ``?team=NAME`` one team.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages._lib import today_view as view
from pages._lib.access import page_setup
from pages._lib.formats import column_config, in_reading_order
from pages._lib.store_cache import freshness, get_engine, load_settings, store_key

page_setup("today", "Today")
params = st.query_params
settings = load_settings(*store_key())
now, fixed = view.viewing_instant(params.get("at"), settings.get("timezone") or "UTC")
day = view.standup_now(now, fixed)
latest, _ = freshness(get_engine())
if latest is not None and pd.Timestamp(latest) < day.since:
    st.warning(f"The newest ticket activity in the store is from {latest:%a %d %b %Y}: "
               "import today's exports first, or these lists are out of date.")

if params.get("tv") == "1":
    st.html(view.TV_CSS)
    every = params.get("every", "")
    view.wall_screen(min(max(int(every), 5), 600) if every.isdigit() else view.TURN_SECONDS)
    st.stop()

st.caption(f"At {now:%a %d %b %Y %H:%M}" + (" (chosen in the address: at=)" if fixed else "")
           + f" · due soon: before {day.horizon:%a %d %b %H:%M}, the close of the next "
           f"working day · new since {day.since:%a %d %b} · wall screen: add ?tv=1")
teams = day.teams()
team = st.selectbox("Team", ["All teams", *teams],
                    index=teams.index(params["team"]) + 1 if params.get("team") in teams else 0)
shown = day.for_team(None if team == "All teams" else team)
view.cards(shown)

# The counts named as on the cards and tabs ("Due by Fri 17:00"); half the width each, so
# every column of both tables is in view.
due = {"due_soon": f"Due by {day.horizon:%a %H:%M}"}
left, right = st.columns(2)
with left:
    st.subheader("By team")
    by_team = day.by_team()
    st.dataframe(by_team, hide_index=True, placeholder="–",
                 column_config=column_config(by_team.columns, labels=due))
with right:
    st.subheader("By assignee")
    by_assignee = shown.by_assignee()
    st.dataframe(by_assignee, hide_index=True, placeholder="–",
                 column_config=column_config(by_assignee.columns, labels=due))

tabs = st.tabs([f"Past due ({len(shown.past_due)})",
                f"Due by {day.horizon:%a %H:%M} ({len(shown.due_soon)})",
                f"New P1/P2 ({len(shown.new_urgent)})", f"Waiting ({len(shown.waiting)})"])
for tab, frame in zip(tabs, (shown.past_due, shown.due_soon, shown.new_urgent,
                             shown.waiting)):
    # What a stand-up acts on first: the ticket, its priority, how late.
    frame = in_reading_order(frame, ("ticket_id", "priority", "due", "hours_over"))
    tab.dataframe(frame, hide_index=True, placeholder="–", column_config=column_config(
        frame.columns, dates={"due": "datetime"}))
