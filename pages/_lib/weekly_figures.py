"""The weekly review's figures and display tables as pure functions: the KPI engine's
frames in (``kpi.weekly``), a plotly Figure or a table to show out, no Streamlit, so they
are tested on small hand-built frames. They draw; they compute no KPI."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kpi.backlog import AGE_BUCKETS

OPENED, CLOSED, LINE = "#1f6feb", "#8fbf6a", "#1f2328"
OK, REVIEW = "#1a7f37", "#cf222e"
AGE_LABELS = dict(zip(AGE_BUCKETS, ("0–2 d", "3–7 d", "8–14 d", "15–30 d", "over 30 d")))
AGE_COLOURS = ("#c6e48b", "#7bc96f", "#f2cc60", "#f0883e", "#cf222e")
_LAYOUT = dict(height=460, margin=dict(l=10, r=10, t=60, b=10),
               legend=dict(orientation="h", yanchor="bottom", y=1.08, x=0))


# ---------------------------------------------------------------------------- figures
def backlog_figure(trend: pd.DataFrame) -> go.Figure:
    """The backlog trend in one figure of two panels sharing the weeks
    (``kpi.backlog.backlog_trend`` output): above, the tickets opened and closed in each
    week; below, what was open at the end of each week, split by age (youngest at the
    bottom, so a growing top band is a backlog getting older). Two panels, not one axis: a
    week's flow is often larger than the standing backlog and would flatten it. One figure,
    not a trend chart and an age chart: every week's age is seen, not only the last one's,
    and a filter pick draws one chart fewer."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.4, 0.6],
                        vertical_spacing=0.1,
                        subplot_titles=("Opened and closed in the week",
                                        "Open at the end of the week, by age"))
    fig.add_scatter(x=trend["week"], y=trend["opened"], name="Opened", mode="lines+markers",
                    line=dict(color=OPENED, width=2), row=1, col=1)
    fig.add_scatter(x=trend["week"], y=trend["closed"], name="Closed", mode="lines+markers",
                    line=dict(color=LINE, width=2, dash="dot"), row=1, col=1)
    for bucket, colour in zip(AGE_BUCKETS, AGE_COLOURS):
        fig.add_bar(x=trend["week"], y=trend[bucket], name=AGE_LABELS[bucket],
                    marker_color=colour, row=2, col=1)
    fig.update_layout(barmode="stack", hovermode="x unified", legend_traceorder="normal",
                      **_LAYOUT)
    fig.update_annotations(font_size=13, x=0, xanchor="left")
    fig.update_xaxes(type="category")
    fig.update_xaxes(title_text="Week (starting Monday)", row=2, col=1)
    fig.update_yaxes(title_text="Tickets", rangemode="tozero")
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
    "status": "Status", "top aging categories": "Top aging categories"}


def status_colour(status: str) -> str:
    return f"color: {REVIEW}; font-weight: 600" if status == "review" else f"color: {OK}"


def style_aged(table: pd.DataFrame):
    """The aged table with ``ok`` green and ``review`` red (a pandas Styler)."""
    return table.style.map(status_colour, subset=["status"])
