"""The Data page's column-mapping editor: field <- header, saved as a user mapping in the
settings ([mappings.NAME]) and then chosen as the file's vendor, so the page previews the
file again through it. Used to fix the mapping of a file a preset read, and to confirm
the mapping guessed for a file nothing reads (``data_helpers.draft_mapping``)."""
from __future__ import annotations

import streamlit as st

from loaders import settings as settings_mod
from pages._lib import data_helpers as helpers

ERROR_KEY = "mapping_error"


def _save(engine, saved_settings, key, wkey, kind, edited, mapping, preset):
    state = st.session_state
    try:
        name = state[f"n_{wkey}"].strip().lower()
        helpers.save_user_mapping(engine, saved_settings, name,
                                  helpers.user_mapping(kind, edited, mapping, preset))
    except settings_mod.SettingsError as bad:
        state[ERROR_KEY] = str(bad)
        return
    state[f"v_{key}"], state[f"k_{key}"] = name, kind
    st.cache_data.clear()


def mapping_editor(engine, saved_settings, key, kind, headers, mapping=None, preset=None,
                   default="my_export", guess=None):
    """The editor of file ``key`` (its vendor and kind boxes are ``v_key``/``k_key``);
    with ``guess`` it starts from the guessed columns and says what each came from."""
    wkey = key if guess is None else f"{key}_{kind}"  # another kind: a new, unedited draft
    start = mapping or {f: [h] for f, h in (guess.columns if guess else {}).items()}
    edited = st.data_editor(
        helpers.editor_frame(kind, start, guess.reasons if guess else None),
        key=f"m_{wkey}", hide_index=True, column_config={
            "field": st.column_config.TextColumn(disabled=True),
            "header": st.column_config.SelectboxColumn(options=helpers.header_options(headers)),
            helpers.GUESSED_FROM: st.column_config.TextColumn(disabled=True)})
    st.text_input("Save as mapping", value=default, key=f"n_{wkey}")
    st.button("Save mapping and preview again", key=f"s_{wkey}", on_click=_save,
              args=(engine, saved_settings, key, wkey, kind, edited, mapping, preset))
    st.caption("Saved in the settings; `python -m loaders import` without --config then "
               "reads such files too.")


def draft_editor(engine, saved_settings, key, upload, kind) -> None:
    """For a file whose columns nothing reads: the editor with each field's column
    guessed from the column names and values, for the user to confirm or change."""
    draft = helpers.draft_mapping(upload.getvalue(), upload.name, kind)
    if isinstance(draft, str):
        return  # unreadable: the refusal above already says why
    guess, headers = draft
    st.markdown(f"**Map its columns as {guess.kind.replace('_', ' ')}**")
    st.caption("Each field's column is guessed from the column names and values: check "
               "them, change what is wrong, and save. Choose another kind above to map it "
               "as something else.")
    mapping_editor(engine, saved_settings, key, guess.kind, headers, guess=guess,
                   default=helpers.default_mapping_name(upload.name))
