"""QBR: one client's quarter (kpi.qbr) and the pack to hand over, as Excel and PDF.
Layout only; text from the data goes through st.dataframe / st.text, never markdown."""
from __future__ import annotations

import io

import plotly.express as px
import streamlit as st

from kpi import qbr
from kpi.qbr_export import to_pdf, to_workbook
from pages._lib.common import (can_see_money, count, data_and_settings, hours, money,
                           page_setup, percent)

role = page_setup("qbr", "QBR")
data, settings = data_and_settings()
clients, quarters = qbr.clients(data), qbr.quarters_with_data(data)
if not clients or not quarters:
    st.info("The store holds no tickets yet. Import exports on the Data page.")
    st.stop()
left, right = st.columns(2)
client = left.selectbox("Client", clients, key="qbr_client")
quarter = right.selectbox("Quarter", quarters, key="qbr_quarter",
                          index=quarters.index(qbr.default_quarter(data)))
pack = qbr.build_pack(data, client, quarter, settings)
if not can_see_money(role):
    pack = qbr.without_money(pack)
s = pack["summary"]
st.caption(f"{pack['start']} to {pack['end']}; nothing after the quarter's end counts.")
cols = st.columns(6)
cols[0].metric("Tickets opened", count(s["tickets_opened"]), border=True)
cols[1].metric("Tickets closed", count(s["tickets_closed"]), border=True)
cols[2].metric("Response SLA", percent(s["response_percent"], 1), border=True)
cols[3].metric("Resolution SLA", percent(s["resolution_percent"], 1), border=True)
cols[4].metric(f"CSAT (n={s['csat_responses']})", percent(s["csat_percent_positive"], 1),
               border=True)
cols[5].metric("Hours worked", hours(s["hours"]), border=True)

st.subheader("Ticket volume per week")
volume = pack["volume"].melt("week", ["opened", "closed"], "tickets", "count")
st.plotly_chart(px.bar(volume, x="week", y="count", color="tickets", barmode="group"),
                key="qbr_volume")

pct = st.column_config.NumberColumn(format="%.1f %%")
st.subheader("SLA compliance")
st.dataframe(pack["sla"], hide_index=True, key="qbr_sla",
             column_config={"response_percent": pct, "resolution_percent": pct})
a, b = st.columns(2)
with a:
    st.subheader("CSAT")
    st.dataframe(pack["csat"], hide_index=True, column_config={"percent_positive": pct})
with b:
    st.subheader("Top categories")
    st.dataframe(pack["categories"], hide_index=True, column_config={"share": pct})

st.subheader("Hours against agreement")
cash = st.column_config.NumberColumn(format="dollar")
money_cols = {c: cash for c in qbr.MONEY_COLUMNS}
st.dataframe(pack["hours"], hide_index=True, column_config=money_cols)
st.dataframe(pack["agreements"], hide_index=True, column_config=money_cols)
if can_see_money(role):
    st.text(f"Revenue in the quarter: {money(s['revenue'])}")

st.subheader("Effort-to-revenue tier")
st.metric("Tier at quarter end", s["tier"], border=True)
st.text(f"Movement over the quarter: {s['tier_movement']}")
st.dataframe(pack["tier"], hide_index=True, column_config=money_cols)
with st.expander(f"Tickets opened in the quarter ({len(pack['tickets'])})"):
    st.dataframe(pack["tickets"], hide_index=True)

workbook, pdf = io.BytesIO(), io.BytesIO()
to_workbook(pack, workbook)
to_pdf(pack, pdf)
name = f"QBR {quarter} {''.join(ch for ch in client if ch.isalnum() or ch in ' -_')[:60]}"
d1, d2 = st.columns(2)  # the same pack as shown (without money for non-owners)
d1.download_button("Excel workbook", workbook.getvalue(), file_name=f"{name}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table_view:", key="qbr_xlsx")
d2.download_button("PDF", pdf.getvalue(), file_name=f"{name}.pdf", mime="application/pdf",
                   icon=":material/picture_as_pdf:", key="qbr_pdf")
