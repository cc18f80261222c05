"""Starting with your own data, on the Data page: while the store holds the bundled sample,
take the sample out or start from an empty store (one click, confirmed); a first import
into a sample store asks which, so a person's exports never land in the made-up MSP
unasked."""
from __future__ import annotations

import streamlit as st

from loaders import sample

WAYS = {"remove": "Take the sample out first, then import: your data alone",
        "empty": "Start from an empty store, then import (removes everything imported)",
        "add": "Add to the sample: your exports mixed with the made-up MSP"}
CONFIRM = {"remove": "Take the sample MSP out? Its imports are undone; any import of your "
                     "own stays.",
           "empty": "Empty the store? Every import, the sample's and any other, is removed; "
                    "settings you saved yourself stay."}


def clear(engine, way: str) -> str:
    """Carry out ``remove`` or ``empty``; what was done, in one sentence."""
    if way == "remove":
        n = sample.remove_sample(engine)
        return f"The sample is out: {n} sample imports undone."
    if way == "empty":
        removed = sample.start_empty(engine)
        return f"The store is empty: {sum(removed.values()):,} rows removed."
    return ""


def own_data_box(engine, held: str, on_done) -> None:
    """The offer, with its confirmation; ``on_done(message)`` after it is carried out."""
    state = st.session_state
    with st.container(border=True):
        st.markdown("**Start with your own data**")
        st.caption("This store holds the bundled sample MSP (made-up clients and tickets)"
                   + (" and imports of your own." if held == "mixed" else ".")
                   + " Take it out before your exports go in, so your numbers are yours.")
        left, right = st.columns(2)
        if left.button("Take the sample out", key="own_remove"):
            state["own_confirm"] = "remove"
        if right.button("Start from an empty store", key="own_empty"):
            state["own_confirm"] = "empty"
        way = state.get("own_confirm")
        if way:
            st.warning(CONFIRM[way])
            yes, no = st.columns(2)
            if yes.button("Yes, go ahead", type="primary", key="own_yes"):
                state.pop("own_confirm", None)
                on_done(clear(engine, way))
            no.button("Cancel", key="own_no", on_click=lambda: state.pop("own_confirm", None))


def first_import_way() -> str | None:
    """Where a first import into a sample store goes: the person chooses (None until
    they have)."""
    return st.radio("This store holds the sample MSP. Where should these exports go?",
                    list(WAYS), format_func=WAYS.get, key="first_import_way", index=None)
