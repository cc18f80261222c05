"""Weekly review: the page a service manager opens on Monday (SPEC "Who uses it").

Numbers come from the KPI engine on the cached store frames; the heavy part is cached per
(store version, week, team, client). "About to breach" is judged at the week's cut-off for
a past week, at the current time for the week still running. Margin follows the client
filter only (revenue has no team) and tiers are portfolio-wide (a tier is relative to the
other clients); the cards' help says so.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import aged, breach, csat, margin, periods, sla_clock, tiers
from kpi.backlog import active_between, backlog_trend
from kpi.metrics import METRICS, movement
from pages._lib import weekly_figures as wf
from pages._lib.common import (can_see_money, count, data_and_settings, page_setup, percent,
                           priced_data, sidebar_filters, slice_data, store_key)

WEEKS = 12
COLOUR = {True: "normal", False: "inverse", None: "off"}   # metrics.higher_is_better
CHOICES = {"Opened in the week": "opened", "Closed in the week": "closed",
           "Open at the end of the week": "open at end"}


@st.cache_data(show_spinner="Computing the week...", max_entries=32)
def week_numbers(_data, _settings, key: tuple, at: pd.Timestamp) -> dict:
    """Everything the page shows for one (store version, week, team, client); ``at`` is the
    instant "about to breach" is judged at."""
    _, _, week, team, client = key
    cut = pd.Timestamp(week) + periods.WEEK
    view = slice_data(_data, team, client)   # its CSAT follows the team through the ticket
    weeks = periods.last_weeks(cut, WEEKS)
    t = active_between(view.tickets, min(weeks[0], at), cut)
    aged_at_cut = aged.aged_tickets(t, cut, _settings)
    return {"trend": backlog_trend(t, weeks), "csat": csat.csat_weekly(view.csat, weeks),
            "aged_series": wf.aged_counts(t, sla_clock.resolution_due(t, _settings),
                                          [w + periods.WEEK for w in weeks]),
            "teams": aged.team_summary(aged_at_cut, _settings), "aged": aged_at_cut,
            "breach": breach.about_to_breach(t, at, _settings),
            "comments": wf.negative_comments(view.csat, cut - 2 * periods.WEEK, cut)}


@st.cache_data(show_spinner=False, max_entries=32)
def margin_months(_priced, _settings, key: tuple) -> pd.DataFrame:
    """12 months of service margin for (store version, week, client): revenue belongs to
    clients, so a team filter doesn't change it and doesn't recompute it. ``_priced``: the
    frames with the entries priced per client and day (``priced_data``)."""
    _, _, week, client = key
    cut = pd.Timestamp(week) + periods.WEEK
    view = slice_data(_priced, None, client)
    return margin.service_margin(view.agreements, view.time_entries, view.technicians,
                                 periods.last_months(cut - pd.Timedelta(days=1), 12),
                                 _settings, cutoff=cut)


@st.cache_data(show_spinner=False, max_entries=32)
def reprice_series(_priced, _settings, key: tuple) -> list[int]:
    """Clients in the Reprice tier at each of the 12 weeks' months (portfolio-wide, so one
    computation per store version and week whatever the filters)."""
    _, _, week = key
    weeks = periods.last_weeks(pd.Timestamp(week) + periods.WEEK, WEEKS)
    months = {periods.month_start(w + periods.WEEK) for w in weeks}
    tier_at = tiers.tiers_at(_priced.agreements, _priced.time_entries, _priced.technicians,
                             months, _settings)
    return [int((tier_at[periods.month_start(w + periods.WEEK)]["tier"] == "Reprice").sum())
            for w in weeks]


def card(col, key: str, value: str, series, change, unit: str = "", note: str = "vs last week",
         more: str = ""):
    m = METRICS[key]
    delta = None if change is None or pd.isna(change) else f"{change:+,.{1 if unit else 0}f}{unit}"
    flat = delta is None or movement(key, round(change, 1)) == "flat"
    col.metric(m.label, value, delta=delta, border=True,
               delta_color="off" if flat else COLOUR[m.higher_is_better],
               chart_data=[v for v in series if v is not None and pd.notna(v)],
               help=f"{m.how} {more}".strip(), delta_description=note)


role = page_setup("weekly", "Weekly review")
data, settings = data_and_settings()
f = sidebar_filters()
week, cut, team, client = f["week"], f["cutoff"], f["team"], f["client"]
now = pd.Timestamp.now(tz=settings.get("timezone") or "UTC").tz_localize(None).floor("min")
key = (*store_key(), week.isoformat(), team, client)
n = week_numbers(data, settings, key, wf.breach_instant(cut, now))
priced = priced_data(data)
n["margin"] = margin_months(priced, settings, key[:3] + (client,))
n["reprice"] = reprice_series(priced, settings, key[:3])
trend, cs, mo = n["trend"], n["csat"], n["margin"]
this, last = trend.iloc[-1], trend.iloc[-2]
st.caption(f"Week of {week:%a %d %b %Y} to the cut-off {cut:%a %d %b %Y %H:%M} · "
           f"{team or 'all teams'} · {client or 'all clients'}")

c = st.columns(5)
p = cs["percent_positive"].tolist()
n_csat = int(cs["responses"].iloc[-1])
card(c[0], "csat_percent_positive", percent(p[-1]), p,
     None if p[-1] is None or p[-2] is None else p[-1] - p[-2], " pp",
     f"n={n_csat}" + (" · small sample!" if n_csat < 10 else ""))
card(c[1], "open_at_end", count(this["open_at_end"]), trend["open_at_end"],
     this["open_at_end"] - last["open_at_end"])
if can_see_money(role):
    mp = mo["margin_percent"].tolist()
    card(c[2], "margin_percent", percent(mp[-1], 1), mp,
         None if mp[-1] is None or mp[-2] is None else mp[-1] - mp[-2], " pp",
         f"{pd.Timestamp(mo['month'].iloc[-1]):%b} so far",
         "Delta: against the previous full month; the line shows 12 months. Follows the client "
         "filter, not the team one (revenue belongs to clients).")
else:
    card(c[2], "closed", count(this["closed"]), trend["closed"], this["closed"] - last["closed"])
ag = n["aged_series"]
card(c[3], "aged_past_sla", count(ag[-1]), ag, ag[-1] - ag[-2])
card(c[4], "reprice_clients", count(n["reprice"][-1]), n["reprice"],
     n["reprice"][-1] - n["reprice"][-2], note="all clients",
     more="Tiers compare clients with each other, so this count ignores the filters.")

left, right = st.columns(2)
with left:
    st.subheader("Backlog trend")
    st.plotly_chart(wf.backlog_figure(trend), width="stretch")
    st.plotly_chart(wf.age_figure(this), width="stretch")
with right:
    st.subheader("Aged past SLA per team")
    st.caption(f"A team with {settings['sla']['review_threshold']} or more tickets past their "
               "resolution due time at the cut-off is marked review: go through its top 3 "
               "aging categories.")
    st.dataframe(wf.style_aged(wf.aged_table(n["teams"])), hide_index=True)

st.subheader("About to breach")
judged = wf.breach_instant(cut, now)
st.caption(f"Open tickets due before the close of the next working day, judged at "
           f"{judged:%a %d %b %H:%M} "
           f"({'now: the week is still running' if judged < cut else 'the week cut-off'}).")
st.dataframe(n["breach"], hide_index=True,
             column_config={"hours_left": st.column_config.NumberColumn(format="%.1f h")})

st.subheader("Negative CSAT comments, this week and the week before")
st.dataframe(n["comments"], hide_index=True,
             column_config={"comment": st.column_config.TextColumn(width="large")})

with st.expander("Tickets behind these numbers", icon=":material/list:"):
    options = {**CHOICES, **{f"Aged past SLA: {t}": f"aged:{t}"
                             for t in n["teams"].loc[n["teams"]["aged_past_sla"] > 0, "team"]}}
    shown = st.selectbox("Show the tickets", list(options), key="drill")
    st.dataframe(wf.tickets_behind(slice_data(data, team, client).tickets, options[shown], week,
                                   n["aged"]), hide_index=True)
