"""The store as the pages see it: one engine per URL, the KPI frames and settings cached
per store version, and the store's freshness. Keyed on small values: the URL and the
version (the data version, which moves with every change to the data, and the saved
settings), so nothing reads the store twice for the same data.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from kpi import frames as kpi_frames
from loaders import settings as settings_mod
from loaders import store
from loaders import sample
from loaders.store import frames as store_frames


@st.cache_resource(show_spinner=False)
def engine_for(url: str):
    engine = store.connect(url)
    if sample.wanted(engine):
        with st.spinner("First start: loading the bundled sample MSP (a made-up 40-client "
                        "MSP, a year of tickets) so there is something to look at..."):
            sample.load_sample(engine)
    return engine


def get_engine():
    return engine_for(store.database_url())


def store_version(engine) -> tuple:
    """A small value that changes whenever what the KPIs read does: the store's data
    version and the saved settings (cache key)."""
    version = store.data_version(engine)
    saved = settings_mod.saved_text(engine) or ""
    return (version.name if version else None, hashlib.sha256(saved.encode()).hexdigest()[:16])


def store_key() -> tuple[str, tuple]:
    """(store URL, store version): the small cache key of everything read from the store."""
    url = store.database_url()
    return url, store_version(engine_for(url))


@st.cache_data(max_entries=4)
def load_settings(url: str, version: tuple) -> dict:
    return settings_mod.load_effective(engine_for(url))


# A resource, not data: the frames are shared read-only by every session instead of being
# pickled and copied on each rerun. Nothing may modify them in place; KPI functions and
# pages only derive new frames.
@st.cache_resource(show_spinner="Reading the store...", max_entries=2)
def load_frames(url: str, version: tuple) -> kpi_frames.Frames:
    return kpi_frames.make(store_frames.read(engine_for(url)), load_settings(url, version))


def frames_and_settings() -> tuple[kpi_frames.Frames, dict]:
    url, version = store_key()
    return load_frames(url, version), load_settings(url, version)


@st.cache_data(show_spinner=False, max_entries=4)
def filter_options(url: str, version: tuple) -> dict:
    """The weeks that hold tickets, the teams and the clients to choose from (once per
    store version, not by going through every ticket on each rerun)."""
    tickets = load_frames(url, version).tickets
    created = tickets["created_at"].dropna()
    mondays = created.dt.normalize() - pd.to_timedelta(created.dt.day_of_week, unit="D")
    return {"weeks": sorted(pd.Timestamp(w) for w in mondays.unique()),
            "teams": sorted(tickets["team_key"].dropna().unique().tolist()),
            "clients": sorted(tickets["client"].dropna().unique().tolist())}


def freshness(engine) -> tuple:
    """(the latest ticket created, last import time)."""
    return store.latest_created(engine), store.last_import_time(engine)


def sample_state(engine) -> str:
    """"sample", "mixed", "own" or "empty" (``loaders.sample.state``)."""
    return sample.state(engine)


def refresh_snapshot(engine) -> None:
    """After an import or undo on the Data page: leave the snapshot of the new data, so
    the next page maps it instead of reading the store."""
    store_frames.write_snapshot(engine)
