"""Cadence: the weekly service review for MSPs.

Run: `streamlit run app.py`. The store is `$CADENCE_DB_URL`, else `sqlite:///cadence.db`;
an empty store is filled with the bundled sample MSP on first start. Each page checks the
viewer's role itself (pages/_lib/access.py), so hiding a page here is convenience, not access.
"""
from __future__ import annotations

import streamlit as st

from pages._lib.access import ICON, current_role, may_open
from pages._lib.store_cache import freshness, get_engine, sample_state

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
# Every page is routable (a link to /margins opens Margins, which says whose page it is);
# only the pages this role may open are listed.
navigation_pages = [
    st.Page(path, title=title, icon=icon, default=(key == "weekly"),
            visibility="visible" if key == "weekly" or may_open(role, key) else "hidden")
    for path, title, icon, key in PAGES]
wall_screen = st.query_params.get("tv") == "1"   # the Today page on the service desk's screen
if wall_screen:   # no sidebar: the page alone
    navigation = st.navigation(navigation_pages, position="hidden")
    navigation.run()
    st.stop()
navigation = st.navigation(navigation_pages)

engine = get_engine()
latest, last_import = freshness(engine)
with st.sidebar:
    held = sample_state(engine)
    data_page = may_open(role, "data")
    if held == "sample":
        st.info("Sample data: a made-up MSP." + (" Start with your own data on the Data "
                                                "page." if data_page else ""),
                icon=":material/science:")
    elif held == "mixed":
        st.warning("Your data is mixed with the sample MSP's." + (
            " Take the sample out on the Data page." if data_page else ""),
            icon=":material/science:")
    st.caption(f"Tickets up to {latest or '–'} · last import "
               f"{last_import:%Y-%m-%d %H:%M}" if last_import is not None else
               "No imports yet")
    if role:
        st.caption(f"Signed in as {role}")
navigation.run()
