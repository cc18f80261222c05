"""The weekly review's figures and display tables as pure functions: the KPI engine's
frames in (``kpi.weekly``), a plotly Figure or a table to show out, no Streamlit, so they
are tested on small hand-built frames. They draw; they compute no KPI."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.backlog import AGE_BUCKETS

OPENED, CLOSED, LINE = "#1f6feb", "#8fbf6a", "#1f2328"
OK, REVIEW = "#1a7f37", "#cf222e"
AGE_LABELS = dict(zip(AGE_BUCKETS, ("0–2 d", "3–7 d", "8–14 d", "15–30 d", "over 30 d")))
AGE_COLOURS = ("#c6e48b", "#7bc96f", "#f2cc60", "#f0883e", "#cf222e")
_LAYOUT = dict(height=340, margin=dict(l=10, r=10, t=30, b=10),
               legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))


# ---------------------------------------------------------------------------- figures
def backlog_figure(trend: pd.DataFrame) -> go.Figure:
    """Opened and closed bars and the open-at-end line, one point per week
    (``kpi.backlog.backlog_trend`` output)."""
    fig = go.Figure()
    fig.add_bar(x=trend["week"], y=trend["opened"], name="Opened", marker_color=OPENED)
    fig.add_bar(x=trend["week"], y=trend["closed"], name="Closed", marker_color=CLOSED)
    fig.add_scatter(x=trend["week"], y=trend["open_at_end"], name="Open at end",
                    mode="lines+markers", line=dict(color=LINE, width=3))
    fig.update_layout(barmode="group", xaxis_title="Week (starting Monday)",
                      yaxis_title="Tickets", hovermode="x unified", **_LAYOUT)
    fig.update_xaxes(type="category")
    return fig


def age_figure(week: pd.Series) -> go.Figure:
    """Age buckets of the tickets open at the end of one week (a ``backlog_trend`` row):
    one horizontal stacked bar, youngest on the left."""
    fig = go.Figure()
    for bucket, colour in zip(AGE_BUCKETS, AGE_COLOURS):
        fig.add_bar(y=["Open at end"], x=[int(week[bucket])], name=AGE_LABELS[bucket],
                    orientation="h", marker_color=colour, text=[int(week[bucket])],
                    textposition="inside")
    fig.update_layout(barmode="stack", xaxis_title="Tickets open at the end of the week",
                      yaxis_title=None, **{**_LAYOUT, "height": 180})
    fig.update_layout(legend_traceorder="normal")
    fig.update_yaxes(showticklabels=False)
    return fig


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
    "status": "Status"}


def status_colour(status: str) -> str:
    return f"color: {REVIEW}; font-weight: 600" if status == "review" else f"color: {OK}"


def style_aged(table: pd.DataFrame):
    """The aged table with ``ok`` green and ``review`` red (a pandas Styler)."""
    return table.style.map(status_colour, subset=["status"])
