"""The weekly review's figures and display tables as pure functions: the KPI engine's
frames in (``kpi.weekly``), a chart or a table to show out, no Streamlit, so they
are tested on small hand-built frames. They draw; they compute no KPI."""
from __future__ import annotations

import altair as alt
import pandas as pd

from kpi.backlog import AGE_BUCKETS

OPENED, CLOSED, LINE = "#1f6feb", "#8fbf6a", "#1f2328"
OK, REVIEW = "#1a7f37", "#cf222e"
AGE_LABELS = dict(zip(AGE_BUCKETS, ("0–2 d", "3–7 d", "8–14 d", "15–30 d", "over 30 d")))
AGE_COLOURS = ("#c6e48b", "#7bc96f", "#f2cc60", "#f0883e", "#cf222e")
FLOWS = {"opened": "Opened", "closed": "Closed"}
_TITLE = dict(anchor="start", fontSize=14, fontWeight=600)
_TICKETS = alt.Y("tickets:Q", title="Tickets", axis=alt.Axis(tickMinStep=1, format=",d"))


# ---------------------------------------------------------------------------- figures
def _week_axis(title: str | None) -> alt.X:
    # ISO weeks sort as text; data order kept, labels level (12 weeks fit side by side)
    return alt.X("week:N", sort=None, title=title,
                 axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))


def flow_frame(trend: pd.DataFrame) -> pd.DataFrame:
    """Opened and closed per week, one row per week and flow (what the flow chart draws)."""
    wide = trend[["week", "opened", "closed"]].rename(columns=FLOWS)
    wide["week"] = pd.to_datetime(wide["week"]).dt.strftime("%Y-%m-%d")
    return wide.melt("week", var_name="flow", value_name="tickets")


def age_frame(trend: pd.DataFrame) -> pd.DataFrame:
    """What was open at each week's end, one row per week and age band, youngest first
    (what the age chart stacks, youngest at the bottom)."""
    wide = trend[["week", *AGE_BUCKETS]].rename(columns=AGE_LABELS)
    wide["week"] = pd.to_datetime(wide["week"]).dt.strftime("%Y-%m-%d")
    long = wide.melt("week", var_name="age", value_name="tickets")
    long["rank"] = long["age"].map({label: i for i, label in enumerate(AGE_LABELS.values())})
    return long


def backlog_charts(trend: pd.DataFrame) -> tuple[alt.Chart, alt.Chart]:
    """The backlog trend as two charts sharing the weeks (``kpi.backlog.backlog_trend``
    output): the tickets opened and closed in each week, then what was open at the end of
    each week split by age (youngest at the bottom, so a growing top band is a backlog
    getting older). Two charts, not one axis: a week's flow is often larger than the
    standing backlog and would flatten it. Every week's age is seen, not only the last
    one's. Drawn with Streamlit's own charts (Vega-Lite), like the cards' sparklines: a team
    pick redraws them, and Plotly's redraw of the same figure took about 0.1 s of a pick
    that has 0.5 s (docs/DECISIONS.md)."""
    week_tip = alt.Tooltip("week:N", title="Week from")
    count_tip = alt.Tooltip("tickets:Q", title="Tickets", format=",")
    flows = alt.Scale(domain=list(FLOWS.values()), range=[OPENED, LINE])
    dashes = alt.Scale(domain=list(FLOWS.values()), range=[[1, 0], [4, 3]])
    ages = alt.Scale(domain=list(AGE_LABELS.values()), range=list(AGE_COLOURS))
    flow = alt.Chart(flow_frame(trend), height=270, title=alt.Title(
        "Opened and closed in the week", **_TITLE)).mark_line(point=True).encode(
        x=_week_axis(None), y=_TICKETS,
        color=alt.Color("flow:N", scale=flows, legend=alt.Legend(
            orient="bottom", title=None, symbolType="stroke")),
        strokeDash=alt.StrokeDash("flow:N", scale=dashes, legend=None),
        tooltip=[alt.Tooltip("flow:N", title="Flow"), week_tip, count_tip])
    by_age = alt.Chart(age_frame(trend), height=340, title=alt.Title(
        "Open at the end of the week, by age", **_TITLE)).mark_bar().encode(
        x=_week_axis("Week (starting Monday)"), y=_TICKETS,
        color=alt.Color("age:N", scale=ages, legend=alt.Legend(orient="bottom", title=None)),
        order=alt.Order("rank:Q", sort="ascending"),   # stacked from the bottom up
        tooltip=[alt.Tooltip("age:N", title="Age"), week_tip, count_tip])
    return flow, by_age


# ---------------------------------------------------------------------------- tables
def aged_table(teams: pd.DataFrame) -> pd.DataFrame:
    """``kpi.aged.aged_past_sla`` output for display: the top categories as text."""
    out = teams.rename(columns={"aged_past_sla": "aged past SLA",
                                "top_categories": "top aging categories"}).copy()
    out["top aging categories"] = out["top aging categories"].map(", ".join)
    return out[["team", "open", "aged past SLA", "waiting", "status", "top aging categories"]]


# The aged table's headers as people read them (the page gives the categories their room).
AGED_COLUMNS = {
    "team": "Team", "open": "Open", "aged past SLA": "Aged past SLA", "waiting": "Waiting",
    "status": "Status", "top aging categories": "Top aging categories"}


def status_colour(status: str) -> str:
    return f"color: {REVIEW}; font-weight: 600" if status == "review" else f"color: {OK}"


def style_aged(table: pd.DataFrame):
    """The aged table with ``ok`` green and ``review`` red (a pandas Styler)."""
    return table.style.map(status_colour, subset=["status"])
