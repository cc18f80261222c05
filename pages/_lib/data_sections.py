"""Sections of the Data page (pages/data.py), layout only: one upload's preview before
anything is written, and the import history with its undo. Logic: data_helpers.py."""
from __future__ import annotations

import streamlit as st

from loaders import store

from . import data_helpers as helpers
from .formats import column_config
from .mapping_editor import draft_editor, mapping_editor


def preview_upload(engine, settings: dict, saved_settings: dict, key: str, upload):
    """One uploaded file as it would be imported: vendor and kind (overridable), the
    column mapping, the first rows as stored, the rows that would be rejected, and a way
    to fix the mapping; the import plan, or None when the file can't be imported as is."""
    with st.expander(upload.name, expanded=True):
        left, right = st.columns(2)
        vendor = left.selectbox("Vendor", helpers.vendor_options(settings), key=f"v_{key}")
        kind = right.selectbox("Kind", helpers.kind_options(), key=f"k_{key}")
        plan = helpers.preview(upload.getvalue(), upload.name, vendor, kind, settings)
        if isinstance(plan, str):
            st.error(plan)
            if isinstance(plan, helpers.NeedsMapping):
                draft_editor(engine, saved_settings, key, upload, kind)
            return None
        st.markdown(f"**{plan.vendor}** {plan.kind.replace('_', ' ')}: {plan.rows_read:,} "
                    f"rows read, {len(plan.rows):,} to store, {len(plan.rejected):,} "
                    "rejected")
        st.dataframe(helpers.mapping_frame(plan), hide_index=True, placeholder="–",
                     column_config=column_config(["field", "header"], labels=helpers.LABELS))
        st.caption("First rows as they will be stored")
        first = plan.rows.drop(columns="_row").head(10)
        st.dataframe(first, hide_index=True, placeholder="–",
                     column_config=column_config(first.columns, helpers.table_of(plan)))
        if len(plan.rejected):
            st.caption("Rows that will be rejected")
            rejected = helpers.rejected_table(plan.rejected)
            st.dataframe(rejected, hide_index=True, placeholder="–", column_config=column_config(
                ["row_number", "reason"], labels=helpers.LABELS))
        for note in plan.notes:
            st.info(note)
        with st.popover("Fix the column mapping"):
            mapping_editor(engine, saved_settings, key, plan.kind, plan.table.headers,
                           plan.mapping, plan.preset,
                           f"{plan.preset.options.get('source_system', plan.vendor)}_custom")
    return plan


def history_and_undo(engine, undo) -> None:
    """Every import with its counts, and undoing one after a confirmation (``undo``:
    called with the import's id and kind)."""
    state = st.session_state
    st.subheader("Import history")
    if state.get("undo_message"):
        st.info(state.pop("undo_message"))
    history = store.import_history(engine)
    shown = helpers.history_frame(history)
    st.dataframe(shown, hide_index=True, placeholder="–",
                 column_config=column_config(shown.columns, labels=helpers.SUMMARY_COLUMNS))
    live = history[history["undone_at"].isna()]
    labels = {int(r.import_id): helpers.undo_label(r) for r in live.itertuples()}
    kinds = dict(zip(live["import_id"].astype(int), live["kind"]))
    chosen = st.selectbox("Import to undo", list(labels), format_func=labels.get, key="undo_id")
    if st.button("Undo import", disabled=chosen is None):
        state["undo_pending"] = chosen
    if state.get("undo_pending") in labels:
        pending = state["undo_pending"]
        st.warning(f"Undo {labels[pending]}? Its rows are removed and the versions it "
                   "replaced come back.")
        yes, no = st.columns(2)
        yes.button("Yes, undo it", type="primary", on_click=undo, args=(pending, kinds[pending]))
        no.button("Cancel", on_click=lambda: state.pop("undo_pending", None))
