"""Margins (owner only): service margin per month, per client and per agreement, the
effective hourly rate, and technician utilisation against the 75–85 % band (SPEC KPI 4).

The trend covers the 12 calendar months up to the one holding the chosen week's Sunday,
cut at the cut-off (the last month is month-to-date when the cut-off falls inside it).
The sidebar's client narrows the margins; utilisation is always every technician's.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import labour, margin, periods, utilisation
from loaders.counts import plural
from kpi.metrics import METRICS
from pages._lib import margin_figures as figures
from pages._lib.access import page_setup
from pages._lib.empty_states import missing
from pages._lib.filters import sidebar_filters
from pages._lib.formats import column_config, hours, money, percent
from pages._lib.store_cache import frames_and_settings, store_key


@st.cache_data(show_spinner=False, max_entries=16)
def utilisation_for(_frames, _settings, key: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every technician's 4 weeks before the cut-off, in all and by week, per (store
    version, cut-off)."""
    cut = key[-1]
    weeks = periods.last_weeks(cut, 4)
    return (utilisation.utilisation(_frames, weeks[0], cut, _settings),
            utilisation.by_week(_frames, weeks, _settings))


page_setup("margins", "Margins")
frames, settings = frames_and_settings()
if frames.agreements.empty and frames.time_entries.empty:
    missing("The service margin", ["agreements", "time_entries"])
if frames.agreements.empty:
    missing("Recurring revenue", ["agreements"], stop=False)
if frames.time_entries.empty:
    missing("Labour cost, hours and utilisation", ["time_entries"], stop=False)
chosen = sidebar_filters()
cut = chosen["cutoff"]
view = frames.slice(client=chosen["client"])
months = periods.last_months(cut - pd.Timedelta(days=1), 12)
mtd = periods.month_label(months[-1]) if periods.month_bounds(months[-1])[1] > cut else None
monthly = margin.service_margin(view, months, cutoff=cut)
FLAG = {"flag": st.column_config.TextColumn("", width="medium")}

labels = monthly["month"].tolist()[::-1]
month = st.selectbox("Month", labels, format_func=lambda m: f"{m} (month to date)"
                     if m == mtd else m, help="For the headline numbers and the tables.")
row = monthly.set_index("month").loc[month]
scope = f"{chosen['client']} only. " if chosen["client"] else ""
st.caption(f"{scope}Nothing after the cut-off {cut:%Y-%m-%d %H:%M} counts.")
headline = [("Revenue", money(row["revenue"]), "revenue"),
            ("Margin", money(row["margin"]), "margin"),
            ("Margin %", percent(row["margin_percent"], 1), "margin_percent"),
            ("Labour cost", money(row["labor_cost"]), "labor_cost"),
            ("Effective hourly rate", money(row["effective_hourly_rate"], cents=True),
             "effective_hourly_rate")]
for col, (label, text, key) in zip(st.columns(5), headline):
    col.metric(label, text, help=METRICS[key].how, border=True)
st.caption(f"Hard cost {money(row['hard_cost'])} · hours worked {hours(row['hours'])}")
st.plotly_chart(figures.margin_trend_figure(monthly, mtd), theme=None)

st.subheader(f"By client, {month}")
clients = margin.service_margin(view, [month], cutoff=cut, by_client=True)
own = labour.internal(clients["client"], settings).to_numpy()
if own.any():
    st.caption(f"Your own company's time (internal, no client): {hours(clients.loc[own, 'hours'].sum())}"
               f", labour cost {money(clients.loc[own, 'labor_cost'].sum())}; counted in the "
               "month's margin above, left out of the clients below.")
clients = clients.loc[~own]
losing_rows = margin.costs_more_than_it_pays(clients)
clients = figures.numeric(clients).drop(columns="month") \
    .assign(losing=losing_rows.to_numpy()).sort_values(["margin", "client"], ignore_index=True)
clients.insert(1, "flag", clients.pop("losing").map({True: "costs more than it pays",
                                                      False: ""}))
losing = int(losing_rows.sum())
if losing:
    st.warning(f"{plural(losing, 'client')} cost{'s' if losing == 1 else ''} more than "
               f"{'it pays' if losing == 1 else 'they pay'} this month (listed first).",
               icon=":material/trending_down:")
st.dataframe(clients.style.apply(lambda r: ["background-color: #ffebe9" if r["margin"] < 0
                                            else ""] * len(r), axis=1),
             hide_index=True, placeholder="–", column_config=column_config(clients.columns, **FLAG))

st.subheader(f"By agreement, {month}")
agreements = margin.margin_by_agreement(view, [month], cutoff=cut)
agreements = agreements.loc[~labour.internal(agreements["client"], settings).to_numpy()]
agreements = figures.numeric(agreements).sort_values(["margin", "client"], ignore_index=True) \
    .drop(columns=["month", "source_system"])
st.dataframe(agreements, hide_index=True, placeholder="–",
             column_config=column_config(agreements.columns, "agreements"))

if frames.time_entries.empty:
    st.stop()
st.subheader("Utilisation, last 4 weeks")
util, weekly = utilisation_for(frames, settings, (*store_key(), cut))
internal = ", ".join(settings["labor"]["internal_clients"]) or "none set in Settings"
st.caption(f"{METRICS['utilisation_percent'].how} Internal clients: {internal}. "
           f"{cut - 4 * periods.WEEK:%Y-%m-%d} to {cut - pd.Timedelta(days=1):%Y-%m-%d}.")
st.plotly_chart(figures.utilisation_figure(util), theme=None)
by_week = figures.numeric(weekly).pivot(index=["technician", "team"], columns="week",
                                        values="utilisation_percent").reset_index()
teams = figures.numeric(utilisation.by_team(weekly)).pivot(
    index="team", columns="week", values="utilisation_percent").reset_index()
pct = {w: st.column_config.NumberColumn(f"Week of {w}", format="%.0f%%")
       for w in by_week.columns[2:]}
left, right = st.columns([3, 2])
left.dataframe(by_week, hide_index=True, placeholder="–",
               column_config=column_config(by_week.columns[:2], "technicians", **pct))
right.dataframe(teams, hide_index=True, placeholder="–", column_config=column_config(teams.columns[:1], **pct))
st.dataframe(figures.numeric(util), hide_index=True, placeholder="–",
             column_config=column_config(util.columns, "technicians"))
