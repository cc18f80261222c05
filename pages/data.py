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
from pages._lib import data_sections as sections
from pages._lib import first_run
from pages._lib.access import page_setup
from pages._lib.formats import column_config
from pages._lib.mapping_editor import ERROR_KEY
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
    plan = sections.preview_upload(engine, settings, saved_settings, f"{i}_{upload.name}",
                                   upload)
    if plan is not None:
        plans.append(plan)
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

sections.history_and_undo(engine, undo)
