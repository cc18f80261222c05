"""Sections of the Settings form (pages/settings.py), layout only: each draws its fields
inside the page's form and writes the values into ``new``, the settings about to be saved
(``loaders.settings`` checks and saves them)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from loaders import settings as settings_mod
from loaders import store

from .formats import column_config


def clock(text: str) -> dt.time:
    return dt.datetime.strptime(text, "%H:%M").time()


def tidy(value: float):
    return int(value) if float(value).is_integer() else float(value)


def word_map(col, label: str, words: dict, choices, key: str) -> dict:
    """An editable table of a PSA's own words -> Cadence's values."""
    table = pd.DataFrame({"word": list(words), "means": list(words.values())},
                         columns=["word", "means"]).astype(object)
    edited = col.data_editor(table, key=key, num_rows="dynamic", hide_index=True,
                             column_config={"word": st.column_config.TextColumn("Your word"),
                                            "means": st.column_config.SelectboxColumn(
                                 "Means", options=list(choices), required=True)})
    col.caption(f"{label}: your PSA's own words that Cadence doesn't know.")
    return {str(w).strip(): m for w, m in zip(edited["word"], edited["means"])
            if isinstance(w, str) and w.strip() and isinstance(m, str)}


def sla_and_targets(sla: dict) -> None:
    """The SLA clock (business days and hours, holidays), the review threshold, whether
    waiting tickets age, and the targets per priority."""
    st.subheader("SLA clock")
    sla["clock"] = st.radio("Clock", ["business", "24x7"], horizontal=True,
                            index=["business", "24x7"].index(sla["clock"]))
    sla["business_days"] = st.multiselect("Business days", settings_mod.DAYS,
                                          default=sla["business_days"])
    start, end = st.columns(2)
    hours = (start.time_input("Day starts", clock(sla["business_hours"][0])),
             end.time_input("Day ends", clock(sla["business_hours"][1])))
    sla["business_hours"] = [t.strftime("%H:%M") for t in hours]
    sla["holidays_country"] = st.text_input(
        "Public holidays of (country code)", sla["holidays_country"],
        help="e.g. US or GB; empty: no public holidays").strip().upper()
    sla["review_threshold"] = int(st.number_input(
        "Review threshold (aged tickets per team)", min_value=1, step=1,
        value=int(sla["review_threshold"])))
    sla["age_waiting"] = st.checkbox(
        "Age tickets waiting on the customer or a vendor", value=bool(sla["age_waiting"]),
        help="Off: a waiting ticket's SLA clock is paused, as in the PSA, so it is not aged "
             "past SLA (its team still shows how many are waiting).")
    st.caption("Targets in hours per priority; 0 means no target.")
    for table, label in (("response_hours", "Response"),
                         ("resolution_hours", "Resolution")):
        cols = st.columns(len(settings_mod.PRIORITIES))
        targets = {p: cols[i].number_input(f"{label} {p}", min_value=0.0, step=0.5,
                                           value=float(sla[table].get(p, 0)))
                   for i, p in enumerate(settings_mod.PRIORITIES)}
        sla[table] = {p: tidy(v) for p, v in targets.items() if v > 0}


def tiers_csat_and_words(new: dict, clients: list[str]) -> None:
    """Tier window and threshold, the CSAT scale, internal clients, the PSA's own status
    and priority words, time zone and date order (``clients``: those in the store)."""
    st.subheader("Tiers, CSAT and your PSA's words")
    left, middle, right = st.columns(3)
    new["tiers"]["window_months"] = int(left.number_input(
        "Tier window (months)", min_value=1, max_value=24, step=1,
        value=int(new["tiers"]["window_months"])))
    new["tiers"]["effort_threshold"] = float(middle.number_input(
        "Effort threshold", min_value=1.0, max_value=10.0, step=0.05, format="%.2f",
        value=float(new["tiers"]["effort_threshold"]),
        help="A client is high-effort when its hours per dollar are this many times the "
             "portfolio's (1.2: 20 % more)."))
    scales = list(settings_mod.CSAT_SCALES)
    new["csat"]["scale"] = right.selectbox(
        "CSAT scale of numeric ratings", scales, index=scales.index(new["csat"]["scale"]),
        format_func=lambda n: settings_mod.CSAT_SCALES[n],
        help="For surveys whose vendor preset or mapping names no scale. Changing it "
             "re-rates the stored ratings that took their scale from here.")
    clients = sorted(set(clients) | set(new["labor"]["internal_clients"]))
    new["labor"]["internal_clients"] = st.multiselect(
        "Internal clients (your own company in the PSA)", clients,
        default=new["labor"]["internal_clients"],
        help="Time logged to these is internal, not client work, in utilisation.")
    words, prios = st.columns(2)
    new["status"] = word_map(words, "Status words", new["status"],
                             settings_mod.STATUS_CLASSES, "status_words")
    new["priority_map"] = word_map(prios, "Priority words", new["priority_map"],
                                   settings_mod.PRIORITIES, "priority_words")
    new["timezone"] = st.text_input("Time zone", new["timezone"],
                                    help="e.g. UTC or America/New_York").strip()
    orders = ["auto", "day_first", "month_first"]
    new["import"]["date_order"] = st.selectbox(
        "Date order when a file doesn't settle it (is 03/04/2026 the 3rd of April?)", orders,
        format_func={"auto": "refuse such a file", "day_first": "day first (3 April)",
                     "month_first": "month first (4 March)"}.get,
        index=orders.index(new["import"]["date_order"]), key="date_order")


def qbr_cover(new: dict):
    """The MSP's name and logo for the QBR PDF's cover: (the uploaded logo, remove it)."""
    st.subheader("QBR cover")
    left, right = st.columns(2)
    new["qbr"]["msp_name"] = left.text_input("Your company's name", new["qbr"]["msp_name"],
                                             max_chars=100).strip()
    logo_file = right.file_uploader("Logo (PNG or JPEG, at most 2 MB)", key="qbr_logo",
                                    help="Kept in the store; printed on the PDF's cover.")
    drop_logo = right.checkbox("Remove the logo", key="qbr_logo_remove")
    return logo_file, drop_logo


def costs_and_rates(engine, labor: dict) -> None:
    """The owner's: default cost and rate, and each technician's hourly cost (an edit that
    differs from the imported table is saved as an override)."""
    st.subheader("Costs and rates")
    left, right = st.columns(2)
    labor["default_hourly_cost"] = left.number_input(
        "Default hourly cost", min_value=0.0, step=1.0,
        value=float(labor["default_hourly_cost"]))
    labor["default_bill_rate"] = right.number_input(
        "Default bill rate", min_value=0.0, step=1.0,
        value=float(labor["default_bill_rate"]))
    techs = store.read_table(engine, "technicians")[
        ["name", "team", "hourly_cost", "weekly_capacity_hours"]].sort_values("name")
    imported = dict(zip(techs["name"], techs["hourly_cost"]))
    techs["hourly_cost"] = [labor["hourly_cost"].get(n, c) for n, c in imported.items()]
    edited = st.data_editor(techs, key="technicians", hide_index=True,
                            disabled=["name", "team", "weekly_capacity_hours"],
                            column_config=column_config(techs.columns, "technicians"))
    st.caption("Capacity comes from the technicians import.")
    for name, cost in zip(edited["name"], edited["hourly_cost"]):
        if cost == cost and cost != imported.get(name):  # not NaN, not the table's
            labor["hourly_cost"][name] = float(cost)
        else:
            labor["hourly_cost"].pop(name, None)
