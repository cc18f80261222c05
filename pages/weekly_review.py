"""Weekly review: the page a service manager opens on Monday, run as the meeting (SPEC "The
weekly review as a meeting"): the open actions of earlier reviews, this week's numbers,
new actions for the teams at review, and saving the review (pages/_lib/review_meeting.py).

Every number comes from the weekly review builder (``kpi.weekly``), the same one the
report command uses, with its parts cached by what they follow (pages/_lib/weekly_parts.py).
The drill-downs sit in tabs that run only when open, so a filter pick redraws the cards,
the trend, the team table and one drill-down. Saving a review leaves the store version (and
so every cache) as it was.
"""
from __future__ import annotations

import streamlit as st

from kpi.meeting import review_numbers
from pages._lib import review_meeting as meeting
from pages._lib import weekly_figures as wf
from pages._lib import weekly_sections as ws
from pages._lib.access import can_edit_reviews, can_see_money, current_user, page_setup
from pages._lib.empty_states import missing
from pages._lib.filters import sidebar_filters
from pages._lib.store_cache import frames_and_settings, get_engine
from pages._lib.weekly_parts import drill, warm_other_teams, weekly_review

CHOICES = {"Opened in the week": "opened", "Closed in the week": "closed",
           "Open at the end of the week": "open at end"}
TABS = {"Flow and speed": ("flow", "speed", "compliance"), "About to breach": ("breach",),
        "Negative CSAT comments": ("comments",), "Tickets behind these numbers": ()}

role = page_setup("weekly", "Weekly review")
frames, settings = frames_and_settings()
if frames.tickets.empty:
    missing("The weekly review", ["tickets"])
f = sidebar_filters()
week, cut, team, client = f["week"], f["cutoff"], f["team"], f["client"]
review = weekly_review(frames, settings, week, team, client)
numbers = review_numbers(review)
engine, editor, money = get_engine(), can_edit_reviews(role), can_see_money(role)
st.caption(f"Week of {week:%a %d %b %Y} to the cut-off {cut:%a %d %b %Y %H:%M} · "
           f"{team or 'all teams'} · {client or 'all clients'}")

if editor:
    meeting.earlier_actions(engine, week, team)
else:
    meeting.team_actions(engine, frames.technicians, current_user())

st.subheader("This week's numbers")
meeting.as_reviewed(engine, week, team, numbers, money)
teams = review.teams
ws.headline_cards(review, money)
st.subheader("Aged past SLA per team")
st.caption(f"A team with {settings['sla']['review_threshold']} or more tickets past their "
           "resolution due time at the cut-off is marked review: go through its top 3 aging "
           "categories.")
st.dataframe(wf.style_aged(wf.aged_table(teams)), hide_index=True, placeholder="–",
             column_config=wf.AGED_COLUMNS)
st.subheader("Backlog trend")
for chart in wf.backlog_charts(review.trend):
    st.altair_chart(chart, width="stretch")

# A tab that is not open is neither computed nor drawn.
flow_tab, breach_tab, comments_tab, behind_tab = st.tabs(list(TABS), key="weekly_drill",
                                                        on_change="rerun")
if flow_tab.open:
    with flow_tab:
        ws.flow_and_speed(*drill(review, *TABS["Flow and speed"]), settings["sla"]["clock"])
if breach_tab.open:
    with breach_tab:
        ws.about_to_breach(*drill(review, "breach"), review.at, cut)
if comments_tab.open:
    with comments_tab:
        ws.negative_comments(*drill(review, "comments"))
if behind_tab.open:
    with behind_tab:
        ws.tickets_behind(review, teams, CHOICES)

if editor:
    meeting.new_actions(teams, frames.technicians, week, team, f["teams"])
    meeting.save_review(engine, week, team, client, numbers, current_user())
# The next team pick reads the cache: the other teams are computed while this page is read.
warm_other_teams(frames, settings, review, f["teams"],
                 TABS.get(st.session_state.get("weekly_drill"), TABS["Flow and speed"]))
