"""What a page says when the store lacks what it needs: what is missing, which export
brings it, and where to import it. No chart is drawn without its data."""
from __future__ import annotations

import streamlit as st

from .access import current_role, may_open

BRINGS = {
    "tickets": "a ticket export (ConnectWise service tickets, Autotask tickets, HaloPSA "
               "tickets, Syncro tickets, a ServiceNow incident list, or your own mapping)",
    "agreements": "an agreements export (ConnectWise agreements, HaloPSA contracts, "
                  "Autotask contract blocks) for the recurring revenue",
    "time_entries": "a time-entry export (ConnectWise time entries, Autotask time "
                    "entries, HaloPSA actions) for the hours and labour",
    "clients": "a ticket export that names the client (company, account or customer)",
    "csat": "a survey export (Autotask surveys, HaloPSA feedback, ConnectWise survey "
            "results, SmileBack)",
}


def missing(what: str, needs: list[str], stop: bool = True) -> None:
    """Say that ``what`` needs the exports in ``needs`` (keys of ``BRINGS``), with a link
    to the Data page for the roles that may import; stop the page when ``stop``."""
    lines = "\n".join(f"- {BRINGS[n]}" for n in needs)
    role = current_role()
    where = ("" if may_open(role, "data")
             else "\n\nAsk an owner or a manager to import it.")
    st.info(f"{what} needs:\n{lines}{where}", icon=":material/upload_file:")
    if may_open(role, "data"):
        data_page_link()
    if stop:
        st.stop()


def data_page_link() -> None:
    """A link to the Data page (a page run on its own, without app.py's navigation, has no
    page list to link through: then a plain link to its address)."""
    from streamlit.errors import StreamlitPageNotFoundError

    try:
        st.page_link("pages/data.py", label="Import on the Data page",
                     icon=":material/upload_file:")
    except StreamlitPageNotFoundError:
        st.markdown("[Import on the Data page](/data)")
