"""The QBR page's cached parts (pages/qbr.py): the choices, the pack per client, quarter
and audience (``kpi.qbr``), and its workbook and PDF (``kpi.render``), each keyed on small
values."""
from __future__ import annotations

import io

import streamlit as st

from kpi import qbr
from kpi.render.pdf import to_pdf
from kpi.render.xlsx import to_workbook
from loaders import settings as settings_mod

from .store_cache import get_engine


@st.cache_data(show_spinner=False, max_entries=4)
def choices(_frames, _settings, key: tuple) -> tuple[list[str], list[str], str | None]:
    """Clients, quarters with data and the default quarter, per store version."""
    quarters = qbr.quarters_with_data(_frames)
    return (qbr.clients(_frames, _settings), quarters,
            qbr.default_quarter(_frames) if quarters else None)


@st.cache_data(show_spinner="Building the pack...", max_entries=32)
def pack_for(_frames, _settings, key: tuple) -> dict:
    """The pack of (store version, client, quarter, audience, with money)."""
    *_, client, quarter, audience, with_money = key
    pack = qbr.build_pack(_frames, client, quarter, _settings, audience)
    return pack if with_money else qbr.without_money(pack)


@st.cache_data(show_spinner=False, max_entries=16)
def files_for(_pack, _settings, key: tuple) -> tuple[bytes, bytes, str | None]:
    """The workbook and the PDF of that pack, and a word when the logo can't be used."""
    workbook, pdf = io.BytesIO(), io.BytesIO()
    try:
        logo, problem = settings_mod.logo(_settings, get_engine()), None
    except settings_mod.SettingsError as bad:
        logo, problem = None, f"The cover has no logo: {bad}"
    to_workbook(_pack, workbook)
    to_pdf(_pack, pdf, logo=logo)
    return workbook.getvalue(), pdf.getvalue(), problem
