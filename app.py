"""Cadence: the weekly service review for MSPs.

Run: `streamlit run app.py`. The store is `$CADENCE_DB_URL`, else `sqlite:///cadence.db`;
an empty store is filled with the bundled sample MSP on first start. Each page checks the
viewer's role itself (pages/_lib/access.py), so hiding a page here is convenience, not access.
"""
from __future__ import annotations

import streamlit as st

from pages._lib.access import ICON, PAGE_ROLES, current_role
from pages._lib.store_cache import freshness, get_engine, is_sample_store

st.set_page_config(page_title="Cadence", page_icon=ICON, layout="wide")

PAGES = [  # (file, title, icon, key in PAGE_ROLES)
    ("pages/weekly_review.py", "Weekly review", ":material/event_repeat:", "weekly"),
    ("pages/today.py", "Today", ":material/today:", "today"),
    ("pages/margins.py", "Margins", ":material/payments:", "margins"),
    ("pages/client_tiers.py", "Client tiers", ":material/scatter_plot:", "tiers"),
    ("pages/qbr.py", "QBR", ":material/summarize:", "qbr"),
    ("pages/data.py", "Data", ":material/upload_file:", "data"),
    ("pages/settings.py", "Settings", ":material/tune:", "settings"),
]

role = current_role()
visible = [st.Page(path, title=title, icon=icon, default=(key == "weekly"))
           for path, title, icon, key in PAGES
           if role is None or role in PAGE_ROLES[key] or key == "weekly"]
wall_screen = st.query_params.get("tv") == "1"   # the Today page on the service desk's screen
navigation = st.navigation(visible, position="hidden" if wall_screen else "sidebar")
if wall_screen:
    navigation.run()
    st.stop()

engine = get_engine()
latest, last_import = freshness(engine)
with st.sidebar:
    if is_sample_store(engine):
        st.info("Sample data: a made-up MSP. Import your own exports on the Data page.",
                icon=":material/science:")
    st.caption(f"Data up to {latest or '–'} · last import "
               f"{last_import:%Y-%m-%d %H:%M}" if last_import is not None else
               "No imports yet")
    if role:
        st.caption(f"Signed in as {role}")
navigation.run()
