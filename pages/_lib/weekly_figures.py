"""The weekly review's figures and tables as pure functions: plain pandas in, a plotly
Figure or a DataFrame out, no Streamlit, so they are tested on small hand-built frames.

Every function works on whole columns (one pass per week at most, never per ticket).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.aged import team_of
from kpi.backlog import AGE_BUCKETS, done_at, open_at
from kpi.periods import WEEK

OPENED, CLOSED, LINE = "#1f6feb", "#8fbf6a", "#1f2328"
OK, REVIEW = "#1a7f37", "#cf222e"
AGE_LABELS = dict(zip(AGE_BUCKETS, ("0–2 d", "3–7 d", "8–14 d", "15–30 d", "over 30 d")))
AGE_COLOURS = ("#c6e48b", "#7bc96f", "#f2cc60", "#f0883e", "#cf222e")
TICKET_COLUMNS = ["source_system", "ticket_id", "summary", "client", "team", "priority",
                  "created_at", "done"]
COMMENT_COLUMNS = ["responded_at", "client", "technician", "score_raw", "comment",
                   "source_system", "ticket_id"]
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
    return out[["team", "open", "aged past SLA", "status", "top aging categories"]]


def status_colour(status: str) -> str:
    return f"color: {REVIEW}; font-weight: 600" if status == "review" else f"color: {OK}"


def style_aged(table: pd.DataFrame):
    """The aged table with ``ok`` green and ``review`` red (a pandas Styler)."""
    return table.style.map(status_colour, subset=["status"])


def aged_counts(tickets: pd.DataFrame, due: pd.Series, cutoffs) -> list[int]:
    """Tickets aged past SLA at each cut-off (open at it, due before it), for a sparkline;
    ``due`` is ``sla_clock.resolution_due(tickets, settings)`` computed once."""
    created, done = tickets["created_at"], done_at(tickets)
    out = []
    for b in map(pd.Timestamp, cutoffs):
        is_open = (created < b) & (done.isna() | (done >= b))
        out.append(int((is_open & (due < b).fillna(False)).sum()))
    return out


def negative_comments(csat: pd.DataFrame, start, end) -> pd.DataFrame:
    """Negative responses in ``[start, end)``, newest first, with their comment as text."""
    when = csat["responded_at"]
    bad = csat[(csat["rating"] == "negative") & (when >= pd.Timestamp(start))
               & (when < pd.Timestamp(end))]
    return bad.sort_values("responded_at", ascending=False)[COMMENT_COLUMNS] \
        .reset_index(drop=True)


def breach_instant(cutoff, now) -> pd.Timestamp:
    """The instant "about to breach" is judged at: the week's cut-off for a past week,
    else now (the current week is still running)."""
    return min(pd.Timestamp(cutoff), pd.Timestamp(now))


def ticket_rows(tickets: pd.DataFrame, mask) -> pd.DataFrame:
    """The ticket columns a manager reads, for the rows in ``mask``; ``done`` is when the
    ticket was done (resolved, else closed), empty while open."""
    frame = tickets.loc[mask]
    out = frame.assign(team=team_of(frame), done=done_at(frame))
    return out.sort_values("created_at")[TICKET_COLUMNS].reset_index(drop=True)


def tickets_behind(tickets: pd.DataFrame, what: str, week, aged: pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """The tickets behind a number of the week starting ``week``: ``opened``, ``closed``,
    ``open at end`` or ``aged:<team>`` (``aged``: ``kpi.aged.aged_tickets`` output)."""
    start = pd.Timestamp(week)
    end = start + WEEK
    if what == "opened":
        return ticket_rows(tickets, tickets["created_at"].between(start, end, "left"))
    if what == "closed":
        return ticket_rows(tickets, done_at(tickets).between(start, end, "left"))
    if what == "open at end":
        return ticket_rows(tickets, open_at(tickets, end))
    if what.startswith("aged:") and aged is not None:
        team = what.split(":", 1)[1]
        keep = aged.index[aged["aged"] & (aged["team"] == team)]
        return ticket_rows(tickets, tickets.index.isin(keep))
    raise ValueError(f"unknown ticket list {what!r}")
