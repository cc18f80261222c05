"""Who may open what: roles, each page's access rule, and who sees money.

Each page calls ``page_setup(...)`` first: it applies the page's rule itself, so a page
opened directly (without app.py having run) still checks the viewer's role.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

ROLES = ("owner", "manager", "technician")
# Margins, costs and rates are the owner's; technicians see operational pages only.
PAGE_ROLES = {
    "weekly": ("owner", "manager", "technician"),
    "margins": ("owner",),
    "tiers": ("owner", "manager"),
    "qbr": ("owner", "manager"),
    "data": ("owner", "manager"),
    "settings": ("owner", "manager"),
    "today": ("owner", "manager", "technician"),
}
MONEY_ROLES = ("owner",)
# Shipped with the app: a page icon named by a font (":material/...") makes every
# viewer's browser fetch it from a font CDN, and an offline install shows none.
ICON = str(Path(__file__).with_name("cadence.png"))
WHOSE = {("owner",): "the owner's page", ("owner", "manager"): "a page for owners and managers",
         ("owner", "manager", "technician"): "a page for everyone"}
# Who records reviews and settles their actions; technicians read their own team's.
REVIEW_EDITORS = ("owner", "manager")


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


def _through_app() -> None:
    """Run app.py's navigation, also for the first page a restarted server is asked for.

    Until some session has run app.py (whose ``st.navigation`` switches the server to its
    pages), Streamlit serves a direct link such as /today?tv=1 from the ``pages/`` folder
    alone: file names in the sidebar, every page listed, no wall screen. A page that finds
    itself run that way switches the server over and runs again, through app.py."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:   # a Streamlit without it: nothing to switch
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_setup(page: str, title: str) -> str:
    """Title, role check for this page (stops the script when not allowed); the role."""
    _through_app()
    # Wide layout also when the page is run on its own (app.py sets the same).
    st.set_page_config(page_title=f"{title} · Cadence", page_icon=ICON, layout="wide")
    role = current_role()
    if role is None:
        st.title("Cadence")
        st.info("Sign in to see your service review.")
        if st.button("Sign in", type="primary"):
            st.login()
        st.stop()
    if role not in PAGE_ROLES[page]:
        st.title(title)
        st.warning(f"{title} is {WHOSE[PAGE_ROLES[page]]}; you are signed in as {role}. "
                   "Ask the owner if you need it.", icon=":material/lock:")
        st.stop()
    st.title(title)
    return role


def can_see_money(role: str) -> bool:
    return role in MONEY_ROLES


def may_open(role: str | None, page: str) -> bool:
    return role is not None and role in PAGE_ROLES[page]


def can_edit_reviews(role: str) -> bool:
    return role in REVIEW_EDITORS


def current_user() -> str:
    """The viewer's name, as reviews record it and as the technicians table lists a
    technician. With OIDC: ``[cadence.names]`` in the secrets (email -> name), else the
    name the identity provider gives, else the email. Without it: CADENCE_USER, else the
    operating system's user name."""
    if "user_override" in st.session_state:  # tests set this
        return st.session_state["user_override"]
    if auth_configured():
        email = st.user.get("email", "") or ""
        names = dict(st.secrets.get("cadence", {}).get("names", {}))
        return names.get(email) or st.user.get("name") or email
    import getpass

    try:
        return os.environ.get("CADENCE_USER", "").strip() or getpass.getuser()
    except (KeyError, OSError):   # no user name in this environment
        return "local user"
