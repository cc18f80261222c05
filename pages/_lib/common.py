"""What every page shares: the store, cached data, the viewer's role, the filters that live
in the URL, and number formats. Pages stay layout only.

Each page calls ``page_setup(...)`` first: it applies the page's access rule itself, so a
page opened directly (without app.py having run) still checks the viewer's role.
"""
from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from kpi import data as kpi_data
from kpi import margin, periods
from loaders import schema, store
from loaders import settings as settings_mod
from loaders.sample import is_empty, load_sample, sample_files

# ---------------------------------------------------------------------------- constants
ROLES = ("owner", "manager", "technician")
# Margins, costs and rates are the owner's; technicians see operational pages only.
PAGE_ROLES = {
    "weekly": ("owner", "manager", "technician"),
    "margins": ("owner",),
    "tiers": ("owner", "manager"),
    "qbr": ("owner", "manager"),
    "data": ("owner", "manager"),
    "settings": ("owner", "manager"),
}
MONEY_ROLES = ("owner",)
CURRENCY = "$"


# ---------------------------------------------------------------------------- access
def auth_configured() -> bool:
    """True when secrets configure OIDC sign-in for st.login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def current_role() -> str | None:
    """The viewer's role. With OIDC configured: from `[cadence.roles]` in the secrets
    (email -> role), None when not signed in. Without it: the local single-user mode,
    whose role is CADENCE_ROLE (default owner); the server then listens on localhost only
    (.streamlit/config.toml)."""
    if "role_override" in st.session_state:  # tests set this
        return st.session_state["role_override"]
    if auth_configured():
        if not st.user.is_logged_in:
            return None
        roles = dict(st.secrets.get("cadence", {}).get("roles", {}))
        return roles.get(st.user.get("email", ""), roles.get("*", "technician"))
    role = os.environ.get("CADENCE_ROLE", "owner").strip().lower()
    return role if role in ROLES else "technician"


def page_setup(page: str, title: str) -> str:
    """Title, role check for this page (stops the script when not allowed); the role."""
    # Wide layout also when the page is run on its own (app.py sets the same).
    st.set_page_config(page_title=f"{title} · Cadence", page_icon=":material/monitoring:",
                       layout="wide")
    role = current_role()
    if role is None:
        st.title("Cadence")
        st.info("Sign in to see your service review.")
        if st.button("Sign in", type="primary"):
            st.login()
        st.stop()
    if role not in PAGE_ROLES[page]:
        st.title(title)
        st.warning(f"This page is not available to the {role} role. Ask the owner if you "
                   "need it.", icon=":material/lock:")
        st.stop()
    st.title(title)
    return role


def can_see_money(role: str) -> bool:
    return role in MONEY_ROLES


# ---------------------------------------------------------------------------- store
def start_reader() -> None:
    """Start the SQLite store's reader process now, on the first import of this module,
    so its start-up (about a second of imports) overlaps the page's own imports instead of
    delaying the first read."""
    if store.database_url().startswith("sqlite"):
        kpi_data.READER.start()


start_reader()


@st.cache_resource(show_spinner=False)
def engine_for(url: str):
    engine = store.connect(url)
    if is_empty(engine):
        with st.spinner("First start: loading the bundled sample MSP..."):
            load_sample(engine)
    return engine


def get_engine():
    return engine_for(store.database_url())


def store_version(engine) -> tuple:
    """A small value that changes whenever the store's content does (cache key)."""
    with engine.connect() as conn:
        imports = conn.execute(select(func.count(), func.max(schema.imports.c.import_id),
                                      func.count(schema.imports.c.undone_at))).one()
        saved = conn.execute(select(schema.app_settings.c.toml)).scalars().all()
    return tuple(imports) + (hash(tuple(saved)),)


# A resource, not data: the frames are shared read-only by every session instead of being
# pickled and copied on each rerun (0.4 s to store and 0.15 s per rerun at 200k tickets).
# Nothing may modify them in place; KPI functions and pages only derive new frames.
@st.cache_resource(show_spinner="Reading the store...", max_entries=2)
def load_data(url: str, version: tuple) -> kpi_data.StoreData:
    return kpi_data.load(engine_for(url))


@st.cache_data(show_spinner=False, max_entries=4)
def filter_options(url: str, version: tuple) -> dict:
    """The teams and clients to choose from, and the latest week (once per store version:
    going through 200k tickets on every rerun cost 0.6 s)."""
    tickets = load_data(url, version).tickets
    latest = tickets["created_at"].max()
    names = lambda col: sorted(tickets[col].dropna().unique().tolist())  # noqa: E731
    return {"latest": latest if pd.notna(latest) else None,
            "teams": sorted(set(names("team")) | set(names("board"))),
            "clients": names("client")}


@st.cache_data(max_entries=4)
def load_settings(url: str, version: tuple) -> dict:
    return settings_mod.load_effective(engine_for(url))


@st.cache_data(show_spinner=False, max_entries=4)
def labour_days(url: str, version: tuple) -> pd.DataFrame:
    """The time entries priced and summed per client and day (``kpi.margin.labour_by_day``)
    once per store version (the version covers saved settings, so rates and costs too):
    margin and tiers then read ~100x fewer rows than the entries."""
    data = load_data(url, version)
    return margin.labour_by_day(data.time_entries, data.technicians, load_settings(url, version))


def priced_data(data: kpi_data.StoreData) -> kpi_data.StoreData:
    """The frames with the time entries replaced by ``labour_days``: margin, tiers and
    the QBR pack give the same numbers from them, reading ~100x fewer rows (utilisation and
    entry lag need the raw entries)."""
    return kpi_data.StoreData(data.tickets, labour_days(*store_key()), data.agreements,
                              data.csat, data.technicians)


def store_key() -> tuple[str, tuple]:
    """(store URL, store version): the small cache key of everything read from the store."""
    url = store.database_url()
    return url, store_version(engine_for(url))


def data_and_settings() -> tuple[kpi_data.StoreData, dict]:
    engine = get_engine()
    version = store_version(engine)
    url = store.database_url()
    return load_data(url, version), load_settings(url, version)


def freshness(engine) -> tuple[dt.date | None, pd.Timestamp | None]:
    """(latest ticket activity, last import time)."""
    with engine.connect() as conn:
        last_import = conn.execute(select(func.max(schema.imports.c.imported_at)).where(
            schema.imports.c.undone_at.is_(None))).scalar()
    return kpi_data.latest_activity(engine), last_import


def is_sample_store(engine) -> bool:
    history = store.import_history(engine)
    live = history[history["undone_at"].isna()]
    return len(live) > 0 and live["file_name"].isin({p.name for p in sample_files()}).all()


# ---------------------------------------------------------------------------- filters
def url_filters() -> dict:
    """Week (as-of date), team and client, kept in the URL so a view can be shared:
    ?week=2026-11-16&team=Infrastructure&client=Acme. Missing or unknown values fall back
    to the latest week and "all"."""
    params = st.query_params
    options = filter_options(*store_key())
    latest = options["latest"]
    default_week = periods.week_start(latest if latest is not None else pd.Timestamp.today())
    try:
        asked = pd.Timestamp(params.get("week") or "")
        week = periods.week_start(asked) if pd.notna(asked) else default_week
    except (ValueError, TypeError):
        week = default_week
    teams, clients = options["teams"], options["clients"]
    team = params.get("team") if params.get("team") in teams else None
    client = params.get("client") if params.get("client") in clients else None
    return {"week": week, "team": team, "client": client, "teams": teams,
            "clients": clients, "cutoff": week + periods.WEEK}


def sidebar_filters() -> dict:
    """Draw the sidebar filters, write them to the URL, return the chosen values."""
    chosen = url_filters()
    with st.sidebar:
        week = st.date_input("Week of", value=chosen["week"].date(), format="YYYY-MM-DD",
                             help="Any day of the week to review; weeks run Monday to "
                                  "Sunday.")
        team = st.selectbox("Team", ["All teams", *chosen["teams"]],
                            index=(chosen["teams"].index(chosen["team"]) + 1)
                            if chosen["team"] else 0)
        client = st.selectbox("Client", ["All clients", *chosen["clients"]],
                              index=(chosen["clients"].index(chosen["client"]) + 1)
                              if chosen["client"] else 0)
    chosen["week"] = periods.week_start(pd.Timestamp(week))
    chosen["cutoff"] = chosen["week"] + periods.WEEK
    chosen["team"] = None if team == "All teams" else team
    chosen["client"] = None if client == "All clients" else client
    st.query_params.update({"week": chosen["week"].date().isoformat()})
    for key in ("team", "client"):
        if chosen[key]:
            st.query_params[key] = chosen[key]
        elif key in st.query_params:
            del st.query_params[key]
    return chosen


def slice_data(data: kpi_data.StoreData, team: str | None, client: str | None
               ) -> kpi_data.StoreData:
    """The store's frames narrowed to a team and/or client."""
    tickets = data.tickets
    if team:
        tickets = tickets[tickets["team"].fillna(tickets["board"]) == team]
    if client:
        tickets = tickets[tickets["client"] == client]
    keep = lambda f: f[f["client"] == client] if client and "client" in f else f  # noqa: E731
    csat = keep(data.csat)
    if team:  # a survey belongs to the team of its ticket
        on_team = pd.MultiIndex.from_frame(tickets[["source_system", "ticket_id"]])
        csat = csat[pd.MultiIndex.from_frame(csat[["source_system", "ticket_id"]])
                    .isin(on_team)]
    return kpi_data.StoreData(tickets, keep(data.time_entries), keep(data.agreements),
                              csat, data.technicians)


# ---------------------------------------------------------------------------- formats
def money(value, cents: bool = False) -> str:
    if value is None or pd.isna(value):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}{CURRENCY}{abs(value):,.2f}" if cents else f"{sign}{CURRENCY}{abs(value):,.0f}"


def percent(value, digits: int = 0) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.{digits}f} %"


def hours(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.1f} h"


def count(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{int(value):,}"
