"""Weekly review: the page a service manager opens on Monday, run as the meeting (SPEC "The
weekly review as a meeting"): the open actions of earlier reviews, this week's numbers,
new actions for the teams at review, and saving the review (pages/_lib/review_meeting.py).

Every number comes from the weekly review builder (``kpi.weekly``), the same one the
report command uses; its parts are cached by what they follow: tickets and CSAT by
(store version, week, team, client), the margin by client, the tiers by week alone.
Saving a review leaves the store version (and so every cache) as it was.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.meeting import review_numbers
from kpi.weekly import WeeklyReview
from pages._lib import review_meeting as meeting
from pages._lib import weekly_figures as wf
from pages._lib.access import can_edit_reviews, can_see_money, current_user, page_setup
from pages._lib.empty_states import missing
from pages._lib.formats import column_config
from pages._lib.filters import sidebar_filters
from pages._lib.store_cache import frames_and_settings, get_engine, store_key
from pages._lib.weekly_sections import flow_and_speed, headline_cards

CHOICES = {"Opened in the week": "opened", "Closed in the week": "closed",
           "Open at the end of the week": "open at end"}
TICKET_PARTS = ("trend", "csat", "aged", "teams", "aged_series", "breach", "comments", "flow",
                "compliance", "speed")


@st.cache_data(show_spinner="Computing the week...", max_entries=32)
def ticket_parts(_review: WeeklyReview, key: tuple) -> dict:
    """The parts that follow every filter, per (store version, week, team, client, at)."""
    return {part: getattr(_review, part) for part in TICKET_PARTS}


@st.cache_data(show_spinner=False, max_entries=32)
def aged_by_team_part(_review: WeeklyReview, key: tuple) -> pd.DataFrame:
    """Every team's aged trend per (store version, week, client): a team pick reads a row
    instead of reading twelve weeks of tickets as known again."""
    return _review.aged_by_team


@st.cache_data(show_spinner=False, max_entries=32)
def margin_part(_review: WeeklyReview, key: tuple) -> pd.DataFrame:
    """12 months of margin per (store version, week, client): no team recomputes it."""
    return _review.months


@st.cache_data(show_spinner=False, max_entries=32)
def reprice_part(_review: WeeklyReview, key: tuple) -> list[int]:
    """The Reprice count per (store version, week): portfolio-wide."""
    return _review.reprice_series


role = page_setup("weekly", "Weekly review")
frames, settings = frames_and_settings()
if frames.tickets.empty:
    missing("The weekly review", ["tickets"])
f = sidebar_filters()
week, cut, team, client = f["week"], f["cutoff"], f["team"], f["client"]
now = pd.Timestamp.now(tz=settings.get("timezone") or "UTC").tz_localize(None).floor("min")
review = WeeklyReview(frames, week + pd.Timedelta(days=6), settings, team=team, client=client,
                      at=now)
key = (*store_key(), week.isoformat())
review.__dict__["aged_by_team"] = aged_by_team_part(
    review, key + (client, min(review.week_starts[0], review.at)))
n = ticket_parts(review, key + (team, client, review.at))
mo = margin_part(review, key + (client,))
reprice = reprice_part(review, key)
# The cached parts stand for the builder's own (cached_property).
review.__dict__.update(n, months=mo, reprice_series=reprice)
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
headline_cards(n, mo, reprice, money)
left, right = st.columns(2)
with left:
    st.subheader("Backlog trend")
    st.plotly_chart(wf.backlog_figure(n["trend"]), width="stretch")
    st.plotly_chart(wf.age_figure(n["trend"].iloc[-1]), width="stretch")
with right:
    st.subheader("Aged past SLA per team")
    st.caption(f"A team with {settings['sla']['review_threshold']} or more tickets past their "
               "resolution due time at the cut-off is marked review: go through its top 3 "
               "aging categories.")
    st.dataframe(wf.style_aged(wf.aged_table(n["teams"])), hide_index=True, placeholder="–",
                 column_config={**wf.AGED_COLUMNS, "top aging categories":
                                st.column_config.TextColumn("Top aging categories",
                                                            width="large")})
flow_and_speed(n["flow"], n["speed"], n["compliance"])

st.subheader("About to breach")
st.caption(f"Open tickets due before the close of the next working day, judged at "
           f"{review.at:%a %d %b %H:%M} "
           f"({'now: the week is still running' if review.at < cut else 'the week cut-off'}).")
BREACH_FIRST = ["ticket_id", "priority", "due", "hours_left", "team", "assignee", "client",
                "summary", "source_system"]   # what a person needs first, on screen
st.dataframe(n["breach"][BREACH_FIRST], hide_index=True, placeholder="–", column_config=column_config(
    BREACH_FIRST, "tickets", dates={"due": "datetime"},
    summary=st.column_config.TextColumn("Summary", width="large")))
st.subheader("Negative CSAT comments, this week and the week before")
st.dataframe(n["comments"], hide_index=True, placeholder="–", column_config=column_config(
    n["comments"].columns, "csat_responses",
    comment=st.column_config.TextColumn("Comment", width="large")))

if editor:
    meeting.new_actions(n["teams"], frames.technicians, week, team, f["teams"])
    meeting.save_review(engine, week, team, client, numbers, current_user())

with st.expander("Tickets behind these numbers", icon=":material/list:"):
    options = {**CHOICES, **{f"Aged past SLA: {t}": f"aged:{t}"
                             for t in n["teams"].loc[n["teams"]["aged_past_sla"] > 0, "team"]}}
    shown = st.selectbox("Show the tickets", list(options), key="drill")
    behind = review.tickets_behind(options[shown])
    st.dataframe(behind, hide_index=True, placeholder="–", column_config=column_config(
        behind.columns, "tickets", dates={"done": "datetime"}))
