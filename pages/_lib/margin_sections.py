"""Sections of the Margins page (pages/margins.py), layout only: the month's margin by
client (who costs more than they pay) and by agreement, and technician utilisation. The
numbers come from ``kpi.margin``, ``kpi.labour`` and ``kpi.utilisation``."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import labour, margin, periods, utilisation
from kpi.metrics import METRICS
from loaders.counts import plural

from . import margin_figures as figures
from .formats import column_config, hours, money
from .store_cache import store_key

FLAG = {"flag": st.column_config.TextColumn("", width="medium")}
# What an owner reads first (the margin and its rate beside the revenue), then its parts.
MONEY_ORDER = ["revenue", "margin", "margin_percent", "effective_hourly_rate", "hours",
               "labor_cost", "hard_cost", "recurring_revenue", "labor_revenue"]


@st.cache_data(show_spinner=False, max_entries=16)
def utilisation_for(_frames, _settings, key: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every technician's 4 weeks before the cut-off, in all and by week, per (store
    version, cut-off)."""
    cut = key[-1]
    weeks = periods.last_weeks(cut, 4)
    return (utilisation.utilisation(_frames, weeks[0], cut, _settings),
            utilisation.by_week(_frames, weeks, _settings))


def by_client(view, month: str, cut: pd.Timestamp, settings: dict) -> None:
    """The month's margin per client, the ones that cost more than they pay first; the
    MSP's own company's time apart."""
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
    clients = clients[["client", "flag", *MONEY_ORDER]]
    losing = int(losing_rows.sum())
    if losing:
        st.warning(f"{plural(losing, 'client')} cost{'s' if losing == 1 else ''} more than "
                   f"{'it pays' if losing == 1 else 'they pay'} this month (listed first).",
                   icon=":material/trending_down:")
    st.dataframe(clients.style.apply(lambda r: ["background-color: #ffebe9" if r["margin"] < 0
                                                else ""] * len(r), axis=1),
                 hide_index=True, placeholder="–", column_config=column_config(clients.columns, **FLAG))


def by_agreement(view, month: str, cut: pd.Timestamp, settings: dict) -> None:
    """The month's margin per agreement, lowest first; the MSP's own company's left out."""
    st.subheader(f"By agreement, {month}")
    agreements = margin.margin_by_agreement(view, [month], cutoff=cut)
    agreements = agreements.loc[~labour.internal(agreements["client"], settings).to_numpy()]
    agreements = figures.numeric(agreements).sort_values(["margin", "client"], ignore_index=True) \
        .drop(columns=["month", "source_system"])
    agreements = agreements[["client", "agreement_id", "name", *MONEY_ORDER]]
    st.dataframe(agreements, hide_index=True, placeholder="–",
                 column_config=column_config(agreements.columns, "agreements", name=st.column_config
                                             .TextColumn("Name", width="medium")))


def utilisation_weeks(frames, settings: dict, cut: pd.Timestamp) -> None:
    """Every technician's utilisation over the 4 weeks before the cut-off, against the
    75–85 % band, by technician and by team per week."""
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
