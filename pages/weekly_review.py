"""Weekly review: the page a service manager opens on Monday (SPEC "Who uses it").

Every number comes from the weekly review builder (``kpi.weekly``), the same one the
report command uses; its parts are cached by what they follow: tickets and CSAT by
(store version, week, team, client), the margin by client, the tiers by week alone.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.metrics import METRICS, movement
from kpi.weekly import WeeklyReview
from pages._lib import weekly_figures as wf
from pages._lib.access import can_see_money, page_setup
from pages._lib.filters import sidebar_filters
from pages._lib.formats import count, percent
from pages._lib.store_cache import frames_and_settings, store_key

COLOUR = {True: "normal", False: "inverse", None: "off"}   # metrics.higher_is_better
CHOICES = {"Opened in the week": "opened", "Closed in the week": "closed",
           "Open at the end of the week": "open at end"}
TICKET_PARTS = ("trend", "csat", "aged", "teams", "aged_series", "breach", "comments")


@st.cache_data(show_spinner="Computing the week...", max_entries=32)
def ticket_parts(_review: WeeklyReview, key: tuple) -> dict:
    """The parts that follow every filter, per (store version, week, team, client, at)."""
    return {part: getattr(_review, part) for part in TICKET_PARTS}


@st.cache_data(show_spinner=False, max_entries=32)
def margin_part(_review: WeeklyReview, key: tuple) -> pd.DataFrame:
    """12 months of margin per (store version, week, client): no team recomputes it."""
    return _review.months


@st.cache_data(show_spinner=False, max_entries=32)
def reprice_part(_review: WeeklyReview, key: tuple) -> list[int]:
    """The Reprice count per (store version, week): portfolio-wide."""
    return _review.reprice_series


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
frames, settings = frames_and_settings()
f = sidebar_filters()
week, cut, team, client = f["week"], f["cutoff"], f["team"], f["client"]
now = pd.Timestamp.now(tz=settings.get("timezone") or "UTC").tz_localize(None).floor("min")
review = WeeklyReview(frames, week + pd.Timedelta(days=6), settings, team=team, client=client,
                      at=now)
key = (*store_key(), week.isoformat())
n = ticket_parts(review, key + (team, client, review.at))
review.__dict__.update(n)   # the cached parts stand for the builder's own (cached_property)
trend, cs = n["trend"], n["csat"]
mo = margin_part(review, key + (client,))
reprice = reprice_part(review, key)
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
card(c[4], "reprice_clients", count(reprice[-1]), reprice, reprice[-1] - reprice[-2],
     note="all clients",
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
st.caption(f"Open tickets due before the close of the next working day, judged at "
           f"{review.at:%a %d %b %H:%M} "
           f"({'now: the week is still running' if review.at < cut else 'the week cut-off'}).")
st.dataframe(n["breach"], hide_index=True,
             column_config={"hours_left": st.column_config.NumberColumn(format="%.1f h")})

st.subheader("Negative CSAT comments, this week and the week before")
st.dataframe(n["comments"], hide_index=True,
             column_config={"comment": st.column_config.TextColumn(width="large")})

with st.expander("Tickets behind these numbers", icon=":material/list:"):
    options = {**CHOICES, **{f"Aged past SLA: {t}": f"aged:{t}"
                             for t in n["teams"].loc[n["teams"]["aged_past_sla"] > 0, "team"]}}
    shown = st.selectbox("Show the tickets", list(options), key="drill")
    st.dataframe(review.tickets_behind(options[shown]), hide_index=True)
