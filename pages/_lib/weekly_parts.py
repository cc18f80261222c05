"""The weekly review builder (``kpi.weekly``) with its parts cached by what they follow, so a
filter pick recomputes only what the pick changes: the headline parts by (store version,
week, team, client, instant), every team's aged trend by client, the margin by client, the
tiers by week alone, and each drill-down only once its tab is opened.

The cached parts are put in the builder's own place (its ``cached_property`` slots), so the
page and the review it saves read one builder.

After a run, the other teams' parts of the same week and client are computed in the
background (``warm_other_teams``): a manager who opens the desk and then picks a team reads
that team from the cache instead of waiting for it (SPEC's weekly review is run team by
team).
"""
from __future__ import annotations

import logging
import threading

import pandas as pd
import streamlit as st

from kpi.weekly import WeeklyReview

from .store_cache import store_key

HEADLINE = ("trend", "csat", "aged", "teams", "aged_series")
LOG = logging.getLogger(__name__)


@st.cache_data(show_spinner=False, max_entries=64)
def _headline(_review: WeeklyReview, key: tuple) -> dict:
    return {part: getattr(_review, part) for part in HEADLINE}


@st.cache_data(show_spinner=False, max_entries=192)
def _drill(_review: WeeklyReview, key: tuple, part: str):
    return getattr(_review, part)


@st.cache_data(show_spinner=False, max_entries=32)
def _aged_by_team(_review: WeeklyReview, key: tuple) -> pd.DataFrame:
    """A team pick reads its row instead of reading twelve weeks of tickets as known again."""
    return _review.aged_by_team


@st.cache_data(show_spinner=False, max_entries=32)
def _months(_review: WeeklyReview, key: tuple) -> pd.DataFrame:
    """12 months of margin: no team pick recomputes it (revenue belongs to clients)."""
    return _review.months


@st.cache_data(show_spinner=False, max_entries=32)
def _reprice(_review: WeeklyReview, key: tuple) -> list[int]:
    """The Reprice count per week: portfolio-wide, whatever the filters."""
    return _review.reprice_series


def now(settings: dict) -> pd.Timestamp:
    """The instant a running week is judged at: now in the settings' time zone, to the
    minute (so the caches of a running week hold for a minute)."""
    return pd.Timestamp.now(tz=settings.get("timezone") or "UTC").tz_localize(None).floor("min")


def _filled(frames, settings: dict, week: pd.Timestamp, team: str | None, client: str | None,
            at: pd.Timestamp, store: tuple) -> WeeklyReview:
    review = WeeklyReview(frames, week + pd.Timedelta(days=6), settings, team=team,
                          client=client, at=at)
    key = (*store, week.isoformat())
    review.__dict__["aged_by_team"] = _aged_by_team(
        review, key + (client, min(review.week_starts[0], review.at)))
    review.__dict__.update(_headline(review, key + (team, client, review.at)),
                           months=_months(review, key + (client,)),
                           reprice_series=_reprice(review, key))
    review.store = store                                  # (store URL, version)
    review.cache_key = key + (team, client, review.at)   # of the drill-downs
    return review


def weekly_review(frames, settings: dict, week: pd.Timestamp, team: str | None,
                  client: str | None) -> WeeklyReview:
    """The week's builder, judged now, with its headline parts filled from the caches."""
    with st.spinner("Computing the week..."):   # shown only when it takes a while
        return _filled(frames, settings, week, team, client, now(settings), store_key())


def drill(review: WeeklyReview, *parts: str) -> list:
    """Drill-down parts of the review, cached, computed only when asked for."""
    values = [_drill(review, review.cache_key, part) for part in parts]
    review.__dict__.update(zip(parts, values))
    return values


_warm_lock = threading.Lock()
_warmed: set[tuple] = set()   # the jobs this server process has started


def warm_other_teams(frames, settings: dict, review: WeeklyReview, teams: list[str],
                     parts: tuple[str, ...] = ()) -> threading.Thread | None:
    """Start computing, in a background thread, the headline parts and the drill-down
    ``parts`` of every other team (and of the whole desk) for the review's week and client.
    Once per week, client, instant and store version in this server process; returns the
    thread, or None when that was done already. The thread only fills caches: it draws
    nothing, and a team it has not reached yet is computed by the page as before."""
    store, week = review.store, review.week   # the run's own store version, not read again
    job = (store, week, review.client, review.at, tuple(parts))
    with _warm_lock:
        if job in _warmed:
            return None
        if len(_warmed) > 512:   # a long-running server: forget the oldest weeks
            _warmed.clear()
        _warmed.add(job)
    # The likeliest pick first: the whole desk, then the teams with the most aged tickets.
    aged = review.aged_by_team.iloc[:, -1] if review.aged_by_team.shape[1] else pd.Series()
    ranked = sorted(teams, key=lambda t: (-int(aged.get(t, 0)), t))
    others = [t for t in [None, *ranked] if t != review.team]
    thread = threading.Thread(target=_warm, name="cadence-warm-teams", daemon=True,
                              args=(frames, settings, week, review.client, review.at, store,
                                    others, parts))
    thread.start()
    return thread


def _warm(frames, settings, week, client, at, store, teams, parts) -> None:
    for team in teams:
        try:
            review = _filled(frames, settings, week, team, client, at, store)
            for part in parts:
                _drill(review, review.cache_key, part)
        except Exception:   # a guess ahead of time must never reach a viewer
            LOG.warning("Computing the weekly review of %s ahead failed; the page computes "
                        "it when asked", team or "the desk", exc_info=True)
            return
