"""Data: upload PSA exports, preview each before anything is written (detected vendor and
kind, column mapping, first rows as stored, rejected rows with reasons), fix a mapping, or
for a file nothing reads confirm the mapping guessed from its columns (saved as a user
mapping in the settings, [mappings.NAME]), import with a per-file summary and rejected
rows as CSV, and undo an import from the history. Logic: _lib/data_helpers.py.
"""
from __future__ import annotations

import streamlit as st

from loaders import counts, store
from pages._lib import data_helpers as helpers
from pages._lib import first_run
from pages._lib.access import page_setup
from pages._lib.formats import column_config
from pages._lib.mapping_editor import ERROR_KEY, draft_editor, mapping_editor
from pages._lib.store_cache import get_engine, refresh_snapshot, sample_state

page_setup("data", "Data")
engine = get_engine()
settings, saved_settings, problems = helpers.effective_settings(engine)
for problem in problems:
    st.error(problem)
state = st.session_state


def changed(message: str) -> None:
    """After the store changed here: the next page maps its new snapshot, every cached
    number is recomputed, and the undo box follows the newest import."""
    state["undo_message"] = message
    state.pop("undo_pending", None)
    state.pop("undo_id", None)
    refresh_snapshot(engine)
    st.cache_data.clear()


def undo(import_id, kind):
    try:
        done = store.undo_import(engine, import_id)
        changed(counts.undone(kind, import_id, done["removed"], done["restored"]))
    except store.UndoRefused as refused:
        changed(str(refused))


held = sample_state(engine)
if held in ("sample", "mixed"):
    first_run.own_data_box(engine, held, lambda message: (changed(message), st.rerun()))


files = st.file_uploader("PSA exports", type=["csv", "xlsx", "xls", "xml"],
                         accept_multiple_files=True,
                         help="Tickets, time entries, agreements or CSAT from ConnectWise, "
                              "Autotask, HaloPSA, Syncro, ServiceNow or a saved mapping.")
plans = []
for i, upload in enumerate(files or []):
    key = f"{i}_{upload.name}"
    with st.expander(upload.name, expanded=True):
        left, right = st.columns(2)
        vendor = left.selectbox("Vendor", helpers.vendor_options(settings), key=f"v_{key}")
        kind = right.selectbox("Kind", helpers.kind_options(), key=f"k_{key}")
        plan = helpers.preview(upload.getvalue(), upload.name, vendor, kind, settings)
        if isinstance(plan, str):
            st.error(plan)
            if isinstance(plan, helpers.NeedsMapping):
                draft_editor(engine, saved_settings, key, upload, kind)
            continue
        plans.append(plan)
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
if ERROR_KEY in state:
    st.error(state.pop(ERROR_KEY))

way = first_run.first_import_way() if plans and held == "sample" else "add"
if plans and st.button("Import", type="primary", disabled=way is None):
    cleared = first_run.clear(engine, way)
    bar = st.progress(0.0)
    state["results"] = helpers.import_plans(engine, plans, lambda n, p: bar.progress(
        n / len(plans), text=f"Importing {p.file_name}..." if p else
        "Preparing the dashboard's copy of the store..."))
    bar.progress(1.0, text="Done")
    changed(cleared)
if state.get("results"):
    summary = helpers.summary_frame(state["results"])
    st.dataframe(summary, hide_index=True, placeholder="–",
                 column_config=column_config(summary.columns, labels=helpers.SUMMARY_COLUMNS))
for result in state.get("results", []):
    if result.rows_rejected:
        st.download_button(f"Rejected rows of {result.file_name} (CSV)",
                           helpers.rejected_csv(result.rejected),
                           f"rejected_{result.import_id}.csv", "text/csv",
                           key=f"dl_{result.import_id}")

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
