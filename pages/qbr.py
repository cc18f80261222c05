"""QBR: one client's quarter against the one before (kpi.qbr) and the pack to hand over,
as Excel and PDF, for the client or for the team's preparation. Layout only; text from
the data goes through st.dataframe / st.text, never markdown."""
from __future__ import annotations

import streamlit as st

from kpi.render import pack as shown
from pages._lib.access import can_see_money, page_setup
from pages._lib.empty_states import missing
from pages._lib.qbr_figures import volume_figure
from pages._lib.qbr_parts import choices, files_for, pack_for
from pages._lib.store_cache import frames_and_settings, store_key

AUDIENCE = {"client": "Client (to hand over)", "internal": "Internal (preparation)"}


def table(frame, key: str) -> None:
    data, right = shown.display(frame)
    st.dataframe(data, hide_index=True, placeholder="–", key=key, column_config={
        c: st.column_config.TextColumn(alignment="right") for c in right})


role = page_setup("qbr", "QBR")
frames, settings = frames_and_settings()
clients, quarters, default_quarter = choices(frames, settings, store_key())
if frames.tickets.empty:
    missing("A QBR", ["tickets"])
if not clients:   # tickets, but no export named their clients
    missing(f"A QBR is per client; the store's {len(frames.tickets):,} tickets name none. "
            "It", ["clients"])
left, middle, right = st.columns([3, 1, 2])
client = left.selectbox("Client", clients, key="qbr_client")
quarter = middle.selectbox("Quarter", quarters, key="qbr_quarter",
                           index=quarters.index(default_quarter))
audience = right.radio("Audience", list(AUDIENCE), format_func=AUDIENCE.get,
                       horizontal=True, key="qbr_audience")
key = (*store_key(), client, quarter, audience, can_see_money(role))
pack = pack_for(frames, settings, key)
workbook, pdf, logo_problem = files_for(pack, settings, key)
name = f"QBR {quarter} {''.join(ch for ch in client if ch.isalnum() or ch in ' -_')[:60]}"
d1, d2, said = st.columns([1, 1, 4])
d1.download_button("Excel workbook", workbook, file_name=f"{name}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table_view:", key="qbr_xlsx")
d2.download_button("PDF", pdf, file_name=f"{name}.pdf", mime="application/pdf",
                   icon=":material/picture_as_pdf:", key="qbr_pdf")
said.caption(f"{pack['start']} to {pack['end']} against {pack['previous_quarter']}. " + (
    "The client's pack: no revenue, cost, margin, rate, effort index or tier."
    if audience == "client" else shown.INTERNAL_MARK
    + ("." if pack["with_money"] else "; money is the owner's, so it is left out.")))
if logo_problem:
    st.warning(logo_problem)

st.subheader("What changed")
for sentence in pack["sentences"]:
    st.text(sentence)
data, right_aligned = shown.comparison_display(pack)
st.dataframe(data, hide_index=True, placeholder="–", key="qbr_comparison", height="content", column_config={
    c: st.column_config.TextColumn(alignment="right") for c in right_aligned})

st.subheader("Tickets opened and closed per week")
st.plotly_chart(volume_figure(pack["volume"], shown.week_labels(pack["volume"])),
                key="qbr_volume")
note = shown.partial_weeks_note(pack)
if note:
    st.caption(note)
for key_, _sheet, title, notes_key in shown.SECTIONS:
    if key_ in pack and key_ not in ("volume", "tickets"):
        st.subheader(title)
        for text in pack.get(notes_key) or []:
            st.text(text)
        table(pack[key_], f"qbr_{key_}")
listed = st.expander(f"Tickets of the quarter ({len(pack['tickets'])}; "
                     f"{len(pack['notable'])} notable)", key="qbr_tickets_open",
                     on_change="rerun")
if listed.open:   # the whole quarter's table only when asked for, not on every switch
    with listed:
        table(pack["tickets"], "qbr_tickets")
