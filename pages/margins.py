"""Margins (owner only): service margin per month, per client and per agreement, the
effective hourly rate, and technician utilisation against the 75–85 % band (SPEC KPI 4).

The trend covers the 12 calendar months up to the one holding the chosen week's Sunday,
cut at the cut-off (the last month is month-to-date when the cut-off falls inside it).
The sidebar's client narrows the margins; utilisation is always every technician's.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import margin, periods
from kpi.metrics import METRICS
from pages._lib import margin_figures as figures
from pages._lib import margin_sections as sections
from pages._lib.access import page_setup
from pages._lib.empty_states import missing
from pages._lib.filters import sidebar_filters
from pages._lib.formats import hours, money, percent
from pages._lib.store_cache import frames_and_settings

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

sections.by_client(view, month, cut, settings)
sections.by_agreement(view, month, cut, settings)
if not frames.time_entries.empty:
    sections.utilisation_weeks(frames, settings, cut)
