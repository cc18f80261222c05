"""Sections of the weekly review page that are layout only: the five headline cards, and
the ticket flow with the speed per priority beside the SLA. Every number comes from the
weekly review builder's parts (``kpi.weekly``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.metrics import METRICS, movement

from .formats import column_config, count, in_reading_order, percent

COLOUR = {True: "normal", False: "inverse", None: "off"}   # metrics.higher_is_better


def card(col, key: str, value: str, series, change, unit: str = "", note: str = "vs last week",
         more: str = ""):
    m = METRICS[key]
    digits = 1 if unit else 0
    unchanged = change is not None and not pd.isna(change) and round(change, digits) == 0
    delta = None if change is None or pd.isna(change) else \
        f"±0{unit}" if unchanged else f"{change:+,.{digits}f}{unit}"
    flat = delta is None or unchanged or movement(key, round(change, 1)) == "flat"
    col.metric(m.label, value, delta=delta, border=True,
               delta_arrow="off" if unchanged else "auto",
               delta_color="off" if flat else COLOUR[m.higher_is_better],
               chart_data=[v for v in series if v is not None and pd.notna(v)],
               help=f"{m.how} {more}".strip(), delta_description=note)


def headline_cards(review, money: bool) -> None:
    """CSAT, backlog, margin (the owner's; others see tickets closed), aged past SLA,
    clients to reprice: each with its week-over-week change and its 12-week line, from the
    weekly review builder (``kpi.weekly.WeeklyReview``)."""
    trend, cs, months, reprice = review.trend, review.csat, review.months, review.reprice_series
    this, last = trend.iloc[-1], trend.iloc[-2]
    c = st.columns(5)
    p = cs["percent_positive"].tolist()
    n_csat = int(cs["responses"].iloc[-1])
    card(c[0], "csat_percent_positive", percent(p[-1]), p,
         None if p[-1] is None or p[-2] is None else p[-1] - p[-2], " pp",
         f"n={n_csat}" + (" · small sample!" if n_csat < 10 else ""))
    card(c[1], "open_at_end", count(this["open_at_end"]), trend["open_at_end"],
         this["open_at_end"] - last["open_at_end"])
    if money:
        mp = months["margin_percent"].tolist()
        card(c[2], "margin_percent", percent(mp[-1], 1), mp,
             None if mp[-1] is None or mp[-2] is None else mp[-1] - mp[-2], " pp",
             f"{pd.Timestamp(months['month'].iloc[-1]):%b} so far",
             "Delta: against the previous full month; the line shows 12 months. Follows the "
             "client filter, not the team one (revenue belongs to clients).")
    else:
        card(c[2], "closed", count(this["closed"]), trend["closed"],
             this["closed"] - last["closed"])
    ag = review.aged_series
    card(c[3], "aged_past_sla", count(ag[-1]), ag, ag[-1] - ag[-2])
    if money:   # a commercial card: for the roles that see money
        card(c[4], "reprice_clients", count(reprice[-1]), reprice, reprice[-1] - reprice[-2],
             note="all clients",
             more="Tiers compare clients with each other, so this count ignores the filters.")
    else:
        waiting = int(review.teams["waiting"].sum()) if len(review.teams) else 0
        c[4].metric(METRICS["waiting"].label, count(waiting), border=True,
                    help=METRICS["waiting"].how)


def flow_and_speed(flow: pd.DataFrame, speed: pd.DataFrame, sla: pd.DataFrame,
                   sla_clock: str) -> None:
    """Opened, closed, reopened and escalated per week; this week's median times per
    priority beside the SLA targets and compliance (``kpi.flow``; ``sla``: the compliance
    by priority, which says whose verdict judged the resolutions; ``sla_clock``: the
    settings' ``sla.clock``)."""
    # One above the other, each the tab's full width: side by side cut off their columns.
    flow_part, speed_part = st.container(), st.container()
    with flow_part:
        st.subheader("Ticket flow")
        st.caption("Per week. Closed: done in the week, cancelled ones aside; reopened and "
                   "escalated: of those, the ones the PSA counts as reopened or passed to "
                   "another group at least once; – where the export has no such count.")
        shown = flow.iloc[::-1].copy()
        for column in ("reopened", "escalated"):   # numbers, right-aligned; "–" if unknown
            shown[column] = pd.to_numeric(shown[column]).astype("Int64")
        st.dataframe(shown, hide_index=True, placeholder="–",
                     column_config=column_config(shown.columns))
    with speed_part:
        st.subheader("Speed beside the SLA, this week")
        psa = int(sla["resolution_psa_n"].sum()) if "resolution_psa_n" in sla else 0
        verdict = (f" Resolution on time: the PSA's own verdict for {psa:,} of "
                   f"{int(sla['resolution_n'].sum()):,} tickets, Cadence's clock for the "
                   "rest." if psa else "")
        clock = "around the clock" if sla_clock == "24x7" else "in business hours"
        st.caption(f"Median hours to first response and to resolution counted {clock} (the "
                   "SLA clock) beside each priority's target and the share on time; the "
                   "last two columns are the median clock hours the client waited." + verdict)
        st.dataframe(speed, hide_index=True, placeholder="–", column_config=column_config(
            speed.columns, labels=SPEED_LABELS))


# Short headers, so the nine columns that judge the SLA fit the page; the caption says the
# clock. The clock hours the client waited come last.
SPEED_LABELS = {"response_median_sla_hours": "Median response",
                "resolution_median_sla_hours": "Median resolution",
                "response_median_hours": "Waited for response",
                "resolution_median_hours": "Waited for resolution"}

BREACH_FIRST = ["ticket_id", "priority", "due", "hours_left", "team", "assignee", "client",
                "summary", "source_system"]   # what a person needs first, on screen


def about_to_breach(breach: pd.DataFrame, at: pd.Timestamp, cutoff: pd.Timestamp) -> None:
    st.caption(f"Open tickets due before the close of the next working day, judged at "
               f"{at:%a %d %b %H:%M} "
               f"({'now: the week is still running' if at < cutoff else 'the week cut-off'}).")
    st.dataframe(breach[BREACH_FIRST], hide_index=True, placeholder="–",
                 column_config=column_config(
                     BREACH_FIRST, "tickets", dates={"due": "datetime"},
                     summary=st.column_config.TextColumn("Summary", width="large")))


def negative_comments(comments: pd.DataFrame) -> None:
    st.caption("Negative CSAT comments of this week and the week before.")
    st.dataframe(comments, hide_index=True, placeholder="–", column_config=column_config(
        comments.columns, "csat_responses",
        comment=st.column_config.TextColumn("Comment", width="large")))


def tickets_behind(review, teams: pd.DataFrame, choices: dict[str, str]) -> None:
    """The tickets behind a number: opened, closed, open at the end, or a team's aged."""
    options = {**choices, **{f"Aged past SLA: {t}": f"aged:{t}"
                             for t in teams.loc[teams["aged_past_sla"] > 0, "team"]}}
    shown = st.selectbox("Show the tickets", list(options), key="drill")
    behind = in_reading_order(review.tickets_behind(options[shown]),
                              ("ticket_id", "priority", "team", "client"))
    st.dataframe(behind, hide_index=True, placeholder="–", column_config=column_config(
        behind.columns, "tickets", dates={"done": "datetime"},
        summary=st.column_config.TextColumn("Summary", width="medium")))
