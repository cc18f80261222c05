"""The Data page's logic, kept out of the layout so it can be tested without a browser:
preview an uploaded export, turn a plan into tables a person reads, draft a mapping for a
file nothing reads (columns guessed from their names and values), save a fixed or drafted
column mapping as a user mapping in the settings, import plans, and write rejected rows
as CSV.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pandas as pd

from loaders import counts, fields
from loaders import settings as settings_mod
from loaders.errors import ImportRefused, UnknownColumns
from loaders.guess import Guess, guess_mapping
from loaders.importer import FileResult, Plan, all_presets, plan_file, store_plan
from loaders.mapping import INTERNAL_OPTIONS, user_preset, user_presets
from loaders.read import RawTable, read_table

AUTO = "auto"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UNMAPPED = ""


class NeedsMapping(str):
    """The sentence refusing a file whose columns fit no preset or saved mapping: the page
    opens the mapping editor under it."""


def effective_settings(engine) -> tuple[dict, dict | None, list[str]]:
    """The settings for previews (the mappings that can't be used left out), the settings
    to save a new mapping into (None when the saved ones can't be read at all), and one
    sentence per problem, so a broken mapping is a message, not a broken page."""
    problems: list[str] = []
    try:
        saved = settings_mod.load_effective(engine)
    except settings_mod.SettingsError as bad:
        return settings_mod.load(), None, [f"{bad} Fix them on the Settings page."]
    usable = copy.deepcopy(saved)
    good = {p.vendor for p in user_presets(saved, problems)}
    usable["mappings"] = {k: v for k, v in (saved.get("mappings") or {}).items() if k in good}
    return usable, saved, [f"A saved mapping can't be used and is left out: {p} Save a "
                           "corrected one under the same name to replace it."
                           for p in problems]


def vendor_options(settings: dict) -> list[str]:
    return [AUTO, *sorted({p.vendor for p in all_presets(settings, [])})]


def kind_options() -> list[str]:
    return [AUTO, *fields.KINDS]


def preview(data: bytes, file_name: str, vendor: str = AUTO, kind: str = AUTO,
            settings: dict | None = None) -> Plan | str:
    """The plan for an uploaded file, or the one-sentence reason it can't be read."""
    settings = settings or settings_mod.load()
    try:
        return plan_file(Path(file_name), None if vendor in (AUTO, "", None) else vendor,
                         None if kind in (AUTO, "", None) else kind, settings,
                         data=data, file_name=file_name)
    except UnknownColumns as refused:
        return NeedsMapping(str(refused))
    except ImportRefused as refused:
        return str(refused)
    except settings_mod.SettingsError as bad:  # a saved user mapping that no longer fits
        return str(bad)


def mapping_frame(plan: Plan) -> pd.DataFrame:
    """field <- header(s), one row per mapped field, in the kind's field order."""
    return pd.DataFrame([{"field": f, "header": " | ".join(plan.mapping[f])}
                         for f in fields.FIELDS[plan.kind] if f in plan.mapping],
                        columns=["field", "header"])


def file_table(data: bytes, file_name: str) -> RawTable | str:
    """The table of a file no preset reads (its header: the first row of two or more
    cells), so a mapping can be drawn up for it; or the sentence saying why it can't be
    read."""
    try:
        return read_table(Path(file_name), lambda row: 0, data=data, file_name=file_name)
    except ImportRefused as refused:
        return str(refused)


def draft_mapping(data: bytes, file_name: str, kind: str = AUTO
                  ) -> tuple[Guess, list[str]] | str:
    """A mapping guessed from the file's column names and values, for ``kind`` or the kind
    that fits best, with the file's headers; or why the file can't be read."""
    table = file_table(data, file_name)
    if isinstance(table, str):
        return table
    return guess_mapping(table, None if kind in (AUTO, "", None) else kind), table.headers


def default_mapping_name(file_name: str) -> str:
    """`freshdesk` for "Freshdesk tickets 2026-03.csv": the first word of the file's name,
    unless it is a built-in vendor's."""
    words = re.findall(r"[a-z][a-z0-9]*", Path(file_name).stem.lower())
    name = words[0] if words else "my_export"
    return f"{name}_custom" if name in {p.vendor for p in all_presets({})} else name


GUESSED_FROM = "guessed from"


def editor_frame(kind: str, mapping: dict[str, list[str]],
                 reasons: dict[str, str] | None = None) -> pd.DataFrame:
    """Every field of the kind with the file header that feeds it ("" = none); with
    ``reasons``, what each guessed header was guessed from."""
    frame = pd.DataFrame({"field": list(fields.FIELDS[kind]),
                          "header": [mapping.get(f, [UNMAPPED])[0]
                                     for f in fields.FIELDS[kind]]})
    if reasons is not None:
        frame[GUESSED_FROM] = [reasons.get(f, "") for f in fields.FIELDS[kind]]
    return frame


def header_options(headers: list[str]) -> list[str]:
    return [UNMAPPED, *dict.fromkeys(headers)]


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def user_mapping(kind: str, edited: pd.DataFrame, mapping: dict | None = None,
                 preset=None) -> dict:
    """The ``[mappings.NAME]`` entry for an edited mapping. When it fixes a preset's file,
    the preset's value words and options come along and the source system stays the
    preset's, so rows keep their keys (a fixed HaloPSA file updates HaloPSA tickets, it
    doesn't duplicate them)."""
    mapping = mapping or {}
    columns = {}
    for fld, header in zip(edited["field"], edited["header"]):
        if isinstance(header, str) and header.strip():
            old = mapping.get(fld, [])
            columns[fld] = old if old and old[0] == header else header
    if mapping and columns == mapping:
        raise settings_mod.SettingsError(
            "The mapping is unchanged; pick the header for the field that is wrong first.")
    spec = {"kind": kind, "columns": columns}
    if preset is not None:
        options = {k: v for k, v in preset.options.items() if k not in INTERNAL_OPTIONS}
        spec = {**_plain(options), **spec,
                "source_system": preset.options.get("source_system", preset.vendor)}
        if preset.values:
            spec["values"] = _plain(preset.values)
    return spec


def save_user_mapping(engine, settings: dict, name: str, spec: dict) -> dict:
    """Store ``spec`` as ``settings["mappings"][name]``; the settings saved. Raises
    SettingsError with a plain sentence when the mapping or name can't be used."""
    name = name.strip().lower()
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise settings_mod.SettingsError(
            "Give the mapping a name of letters, digits, - or _ (e.g. 'halopsa_custom').")
    if name in {p.vendor for p in all_presets({})}:
        raise settings_mod.SettingsError(
            f"'{name}' is a built-in vendor; give the mapping a name of its own.")
    if settings is None:
        raise settings_mod.SettingsError(
            "The saved settings can't be read, so the mapping can't be added to them; fix "
            "them on the Settings page first.")
    user_preset(name, spec)  # plain errors for a missing required field or unknown kind
    new = copy.deepcopy(settings)
    new.setdefault("mappings", {})[name] = spec
    settings_mod.save(engine, new)
    return new


def import_plans(engine, plans: list[Plan], on_progress=None) -> list[FileResult]:
    results = []
    for i, plan in enumerate(plans):
        if on_progress:
            on_progress(i, plan)
        results.append(store_plan(engine, plan))
    if on_progress:
        on_progress(len(plans), None)
    return results


LABELS = {"field": "Cadence field", "header": "Column in the file",
          "row_number": "Row in the file", "reason": "Why it is rejected"}


def table_of(plan: Plan) -> str:
    """The store table a plan's rows go to (for their column labels)."""
    return fields.TABLE[plan.kind]


SUMMARY_COLUMNS = {"import": "Import", "file": "File", "source": "From",
                   "what": "What it brought", "imported": "Imported", "undone": "Undone"}


def summary_frame(results: list[FileResult]) -> pd.DataFrame:
    """The files just imported, said as the import history says them."""
    return pd.DataFrame([{"import": r.import_id, "file": r.file_name,
                          "source": f"{r.vendor} {r.kind.replace('_', ' ')}",
                          "what": r.description()} for r in results],
                        columns=["import", "file", "source", "what"])


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """The import history as a person reads it: newest first, what each file brought in
    the import's words (``loaders.counts``), when, and whether it was undone."""
    return pd.DataFrame({
        "import": history["import_id"].astype(int),
        "file": history["file_name"],
        "source": history["vendor"] + " " + history["kind"].str.replace("_", " "),
        "what": [counts.imported(k, int(r), None if pd.isna(n) else int(n), int(s), int(j))
                 for k, r, n, s, j in zip(history["kind"], history["rows_read"],
                                          history["records_stored"], history["rows_stored"],
                                          history["rows_rejected"])],   # one per import
        "imported": pd.to_datetime(history["imported_at"]),
        "undone": pd.to_datetime(history["undone_at"]),
    }, columns=list(SUMMARY_COLUMNS))


def undo_label(row) -> str:
    return (f"#{row.import_id} {row.file_name} ({row.vendor} {row.kind.replace('_', ' ')}: "
            f"{counts.records(row.kind, int(row.records_stored if pd.notna(row.records_stored) else row.rows_stored))})")


def rejected_table(rejected: pd.DataFrame) -> pd.DataFrame:
    """Row number and reason, then the row's own cells as the file had them."""
    cells = pd.DataFrame([json.loads(r) for r in rejected["raw"]], index=rejected.index)
    cells = cells.drop(columns=[c for c in ("row_number", "reason") if c in cells])
    return pd.concat([rejected[["row_number", "reason"]], cells], axis=1)


def neutralise(value):
    """A cell a spreadsheet would run as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def rejected_csv(rejected: pd.DataFrame) -> bytes:
    table = rejected_table(rejected)
    table.columns = [neutralise(str(c)) for c in table.columns]
    safe = table.astype(object).map(neutralise)
    return safe.to_csv(index=False).encode("utf-8-sig")
