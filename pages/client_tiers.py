"""Client tiers (owner and manager): effort versus revenue per client over the last
`tiers.window_months` full months before the cut-off (SPEC KPI 5), each client's movement
since the previous window (the tiers at the cut-off minus `window_months` months), a
sortable table and a drill-in per client.

Manager view (no money): no dollar amount or rate appears anywhere on the page. The
scatter's x axis is then the client's revenue rank in its window (1 = lowest revenue,
ties share a rank), which keeps the picture: the median rank splits the clients exactly
where the median revenue does. The table shows tier, movement, effort index, hours and
that rank; the drill-in shows hours and ticket categories only.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import categories, margin, periods, tiers
from kpi.metrics import METRICS
from pages._lib import margin_figures as figures
from pages._lib.access import can_see_money, page_setup
from pages._lib.empty_states import missing
from pages._lib.filters import sidebar_filters
from pages._lib.formats import column_config
from pages._lib.store_cache import frames_and_settings

ACTION_ORDER = ["Reprice", "Demanding", "Steady", "Core"]

role = page_setup("tiers", "Client tiers")
show_money = can_see_money(role)
frames, settings = frames_and_settings()
if frames.agreements.empty or frames.time_entries.empty:
    missing("Client tiers (hours against revenue per client)",
            [n for n in ("agreements", "time_entries") if getattr(frames, n).empty])
chosen = sidebar_filters()
cut, window = chosen["cutoff"], int(settings["tiers"]["window_months"])
months = periods.full_months_before(cut, window)
prev_cut = cut - pd.DateOffset(months=window)
now = figures.numeric(tiers.client_tiers(frames, cut, settings))
before = figures.numeric(tiers.client_tiers(frames, prev_cut, settings))
x, x_title = ("revenue", "Revenue in window ($)") if show_money else \
    ("revenue_rank", "Revenue rank in window (1 = lowest)")
for frame in (now, before):
    frame["revenue_rank"] = tiers.revenue_rank(frame["revenue"])
now = tiers.tier_movement(now, before)

span = f"{periods.month_label(months[0])} to {periods.month_label(months[-1])}"
st.caption(f"Window: {span} (full months before the cut-off {cut:%Y-%m-%d}); movement is "
           f"against the {window} months before it. {METRICS['effort_index'].how}")
counts = now["tier"].value_counts()
for col, tier in zip(st.columns(4), figures.TIERS):
    col.metric(tier, int(counts.get(tier, 0)), border=True)
st.plotly_chart(figures.tier_scatter(now, before, x=x, x_title=x_title, money=show_money,
                                     threshold=tiers.threshold(settings)), theme=None)
st.caption("Arrows run from a client's place in the previous window to now, for clients "
           "whose tier changed.")

money_cols = ["revenue", "effective_hourly_rate"] if show_money else ["revenue_rank"]
# The clients to act on first: Reprice, then Demanding, each most effort first (hours with
# no revenue, which have no index, first of all).
table = now.sort_values(["tier", "effort_index"], ascending=[True, False], na_position="first",
                        key=lambda c: c.map(ACTION_ORDER.index) if c.name == "tier" else c)
table = table[["client", "tier", "movement", "effort_index", "hours", *money_cols]]
st.dataframe(table, hide_index=True, placeholder="–", column_config=column_config(table.columns, labels={
    "movement": "Since the window before", "revenue": "Revenue in window",
    "hours": "Hours in window"}))

st.subheader("One client")
names = sorted(now["client"])
client = st.selectbox("Client", names, index=names.index(chosen["client"])
                      if chosen["client"] in names else 0)
mine = frames.slice(client=client)
last12 = periods.last_months(cut - pd.Timedelta(days=1), 12)
monthly = figures.numeric(margin.service_margin(mine, last12, cutoff=cut))
keep = ["month", "hours", *(["revenue", "effective_hourly_rate"] if show_money else [])]
left, right = st.columns([3, 2])
left.dataframe(monthly[keep], hide_index=True, placeholder="–", column_config=column_config(keep))
top = categories.top_categories(mine, months[0], periods.month_bounds(months[-1])[1], 5)
right.caption(f"Top ticket categories, created {span}")
right.dataframe(top, hide_index=True, placeholder="–", column_config=column_config(top.columns))
