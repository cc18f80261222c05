"""QBR: one client's quarter (kpi.qbr) and the pack to hand over, as Excel and PDF.
Layout only; text from the data goes through st.dataframe / st.text, never markdown."""
from __future__ import annotations

import io

import plotly.express as px
import streamlit as st

from kpi import qbr
from kpi.render.pdf import to_pdf
from kpi.render.xlsx import to_workbook
from pages._lib.access import can_see_money, page_setup
from pages._lib.formats import count, hours, money, percent
from pages._lib.store_cache import frames_and_settings, store_key


@st.cache_data(show_spinner=False, max_entries=4)
def choices(_frames, _settings, key: tuple) -> tuple[list[str], list[str], str | None]:
    """Clients, quarters with data and the default quarter, per store version."""
    quarters = qbr.quarters_with_data(_frames)
    return (qbr.clients(_frames, _settings), quarters,
            qbr.default_quarter(_frames) if quarters else None)


@st.cache_data(show_spinner="Building the pack...", max_entries=32)
def pack_for(_frames, _settings, key: tuple) -> dict:
    """The pack of (store version, client, quarter, with money)."""
    _, _, client, quarter, with_money = key
    pack = qbr.build_pack(_frames, client, quarter, _settings)
    return pack if with_money else qbr.without_money(pack)


@st.cache_data(show_spinner=False, max_entries=16)
def files_for(_pack, key: tuple) -> tuple[bytes, bytes]:
    """The workbook and the PDF of that pack (building the PDF is the slow part)."""
    workbook, pdf = io.BytesIO(), io.BytesIO()
    to_workbook(_pack, workbook)
    to_pdf(_pack, pdf)
    return workbook.getvalue(), pdf.getvalue()


role = page_setup("qbr", "QBR")
frames, settings = frames_and_settings()
clients, quarters, default_quarter = choices(frames, settings, store_key())
if not clients or not quarters:
    st.info("The store holds no tickets yet. Import exports on the Data page.")
    st.stop()
left, right = st.columns(2)
client = left.selectbox("Client", clients, key="qbr_client")
quarter = right.selectbox("Quarter", quarters, key="qbr_quarter",
                          index=quarters.index(default_quarter))
key = (*store_key(), client, quarter, can_see_money(role))
pack = pack_for(frames, settings, key)
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

workbook, pdf = files_for(pack, key)
name = f"QBR {quarter} {''.join(ch for ch in client if ch.isalnum() or ch in ' -_')[:60]}"
d1, d2 = st.columns(2)  # the same pack as shown (without money for non-owners)
d1.download_button("Excel workbook", workbook, file_name=f"{name}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table_view:", key="qbr_xlsx")
d2.download_button("PDF", pdf, file_name=f"{name}.pdf", mime="application/pdf",
                   icon=":material/picture_as_pdf:", key="qbr_pdf")
