"""Cadence — what the store holds. (The weekly review replaces this page in a later step.)

Run: `streamlit run app.py`. The store is `$CADENCE_DB_URL`, else `sqlite:///cadence.db`;
an empty store is filled with the bundled sample MSP on first start.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from loaders import schema, store
from loaders.sample import is_empty, load_sample, sample_files

DATE_COLUMNS = {"tickets": "created_at", "time_entries": "work_date",
                "agreements": "start_date", "csat_responses": "responded_at"}

st.set_page_config(page_title="Cadence", page_icon=":material/monitoring:", layout="wide")


@st.cache_resource
def get_engine():
    engine = store.connect()
    if is_empty(engine):
        with st.spinner("First start: loading the bundled sample MSP..."):
            load_sample(engine)
    return engine


@st.cache_data(ttl=60)
def store_overview(url: str) -> pd.DataFrame:
    engine = get_engine()
    rows = []
    with engine.connect() as conn:
        for name, table in schema.DATA_TABLES.items():
            column = DATE_COLUMNS.get(name)
            count = conn.execute(select(func.count()).select_from(table)).scalar_one()
            first = last = None
            if column:
                first, last = conn.execute(select(func.min(table.c[column]),
                                                  func.max(table.c[column]))).one()
            rows.append({"table": name, "rows": count,
                         "from": str(first)[:10] if first else None,
                         "to": str(last)[:10] if last else None})
    return pd.DataFrame(rows)


engine = get_engine()
history = store.import_history(engine)
st.title("Cadence")
sample_names = {p.name for p in sample_files()}
if len(history) and history["file_name"].isin(sample_names).all():
    st.info("This store holds the bundled **sample data** (a made-up MSP). Import your own "
            "exports with `python -m loaders import FILE...`.", icon=":material/science:")
overview = store_overview(store.database_url())
cols = st.columns(len(overview))
for col, row in zip(cols, overview.itertuples()):
    col.metric(row.table.replace("_", " "), f"{row.rows:,}", border=True)
st.subheader("Tables")
st.dataframe(overview, hide_index=True, width="stretch")
st.subheader("Last imports")
st.dataframe(history.head(20), hide_index=True, width="stretch")
