"""User column mappings for exports no preset knows, written in the settings file:

    [mappings.freshdesk]
    kind = "tickets"                       # tickets, time_entries, agreements, csat
    signature = ["Ticket ID", "Created time"]   # optional: headers that identify it
    [mappings.freshdesk.columns]
    ticket_id = "Ticket ID"
    created_at = "Created time"
    client = ["Company", "Account"]        # several aliases: the first non-empty wins

A survey export (kind = "csat") may say its scale: ``csat_scale = 5`` (or 3, 10, "5-point",
"0-10"); without it the settings' ``[csat] scale`` decides.

They become presets like the built-in ones, with the mapping's name as the vendor and
source system, so detection, parsing and storage treat them the same way.

Fields may be named the way people write them: `priority` is read as ``priority_raw``,
`company` as ``client`` (``vocabulary.FIELD_WORDS``); each such reading is said in the
notes of every file the mapping imports. Only the kind's required fields need a column
(tickets: ``ticket_id`` and ``created_at``), and only their columns must be in a file for
the mapping to recognise it: an export without some of the other mapped columns (a trial
account's, a narrower report) is still read, those fields left empty.
"""
from __future__ import annotations

import difflib

from . import fields, vocabulary
from .normalise import SCALES, scale_name
from .presets import Preset
from .settings import SettingsError

# Option keys Cadence adds to a user preset for its own use; never written back to the
# settings when a mapping is saved again.
INTERNAL_OPTIONS = ("user", "read_as")


def user_presets(settings: dict, problems: list[str] | None = None) -> list[Preset]:
    """The settings' mappings as presets. A mapping that can't be used raises
    SettingsError with one sentence, or, when ``problems`` is given, is left out and its
    sentence appended there (the dashboard goes on with the others)."""
    out = []
    for name, spec in (settings.get("mappings") or {}).items():
        try:
            out.append(user_preset(name, spec))
        except SettingsError as bad:
            if problems is None:
                raise
            problems.append(str(bad))
    return out


def user_preset(name: str, spec: object) -> Preset:
    where = f"mappings.{name}"
    if not isinstance(spec, dict):
        raise SettingsError(f"{where} must be a table with kind and columns, like "
                            f"[mappings.{name}] kind = \"tickets\".")
    kind = spec.get("kind")
    if kind not in fields.KINDS:
        raise SettingsError(f"{where}.kind must be one of {', '.join(fields.KINDS)}"
                            f"{'' if kind is None else f', not {kind!r}'}.")
    columns: dict[str, tuple[str, ...]] = {}
    named_by: dict[str, str] = {}
    read_as = []
    raw_columns = spec.get("columns") or {}
    if not isinstance(raw_columns, dict):
        raise SettingsError(f"{where}.columns must be a table of field = \"Header\" lines.")
    for written, aliases in raw_columns.items():
        fld = vocabulary.field_for_name(kind, written)
        if fld is None:
            raise SettingsError(f"{where}.columns: '{written}' is not a {kind} field"
                                f"{_did_you_mean(kind, written)}; use one of "
                                f"{', '.join(f for f in fields.FIELDS[kind])}.")
        if fld in named_by:
            raise SettingsError(f"{where}.columns: '{named_by[fld]}' and '{written}' both "
                                f"name the {fld} field; keep one.")
        if isinstance(aliases, str):
            aliases = (aliases,)
        if not isinstance(aliases, (list, tuple)) or not aliases or \
                not all(isinstance(a, str) and a.strip() for a in aliases):
            raise SettingsError(f"{where}.columns.{written} must be a column name or a "
                                "list of column names, like \"Created time\".")
        named_by[fld] = written
        columns[fld] = tuple(aliases)
        if fld != written:
            read_as.append(f"'{written}' as {fld}")
    missing = [f for f in fields.REQUIRED[kind] if f not in columns]
    if missing:
        raise SettingsError(f"{where}.columns must name a column for "
                            f"{' and '.join(missing)} (the fields every {kind} row needs).")
    # Only the required fields' columns identify the export, so a file lacking some of
    # the optional ones (a trial account's export) is still recognised.
    signature = tuple(spec.get("signature") or
                      ["|".join(columns[f]) for f in fields.REQUIRED[kind]])
    options = {k: v for k, v in spec.items()
               if k not in ("kind", "columns", "signature", "values", *INTERNAL_OPTIONS)}
    for key in ("csat_scale", "scale"):
        if key in options:
            declared = scale_name(options[key])
            if declared not in SCALES:
                raise SettingsError(f"{where}.{key} must be 3, 5 or 10 (the top score "
                                    f"of the survey) or \"labels\", not "
                                    f"{options[key]!r}.")
            options[key] = declared
    options["user"] = True  # detection prefers a user's mapping over a built-in tie
    if read_as:
        options["read_as"] = (f"mapping {name} read {', '.join(read_as)}",)
    values = spec.get("values") or {}
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise SettingsError(f"{where}.values must hold one table per field, like "
                            f"[mappings.{name}.values.sla_met] \"Sim\" = true.")
    values = {vocabulary.field_for_name(kind, f) or f: v for f, v in values.items()}
    return Preset(name, kind, signature, columns, values, options)


def _did_you_mean(kind: str, written: str) -> str:
    close = difflib.get_close_matches(vocabulary.key(written).replace(" ", "_"),
                                      list(fields.FIELDS[kind]), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
