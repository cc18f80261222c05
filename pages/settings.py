"""Settings: the spec's settings, edited and saved in the store (loaders.settings.save),
where the command lines read them too when run without --config; a download of the same values
as a TOML file for --config.

Technician costs are the owner's: an edited hourly cost that differs from the imported
technicians table is saved as an override in [labor.hourly_cost] (a cost set back to the
table's value drops the override). Weekly capacity is shown but not editable here: the KPIs
read it from the technicians table only, so it changes by importing the technicians CSV.
"""
from __future__ import annotations

import copy

import streamlit as st

from loaders import settings as settings_mod
from pages._lib import settings_sections as sections
from pages._lib.access import can_see_money, page_setup
from pages._lib.store_cache import filter_options, get_engine, store_key

role = page_setup("settings", "Settings")
engine = get_engine()
saved = settings_mod.load_effective(engine)
new = copy.deepcopy(saved)

with st.form("settings"):
    sections.sla_and_targets(new["sla"])
    sections.tiers_csat_and_words(new, filter_options(*store_key())["clients"])
    logo_file, drop_logo = sections.qbr_cover(new)
    if can_see_money(role):
        sections.costs_and_rates(engine, new["labor"])
    submitted = st.form_submit_button("Save settings", type="primary")

if submitted:
    try:
        logo = None if drop_logo or logo_file is None else logo_file.getvalue()
        problem = logo is not None and settings_mod.logo_problem(logo, logo_file.name)
        if problem:
            raise settings_mod.SettingsError(problem + " Nothing was saved.")
        settings_mod.save(engine, new)
        if logo is not None or drop_logo:
            settings_mod.save_logo(engine, logo)
        saved = new
        st.cache_data.clear()
        st.success("Saved. The dashboard and the command line (without --config) now use "
                   "these settings.")
    except settings_mod.SettingsError as bad:
        st.error(str(bad))
st.download_button("Download settings.toml (for --config)", settings_mod.to_text(saved),
                   "settings.toml", "application/toml")
