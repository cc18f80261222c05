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
"""
from __future__ import annotations

from . import fields
from .normalise import SCALES, scale_name
from .presets import Preset
from .settings import SettingsError


def user_presets(settings: dict) -> list[Preset]:
    out = []
    for name, spec in (settings.get("mappings") or {}).items():
        where = f"mappings.{name}"
        kind = spec.get("kind")
        if kind not in fields.KINDS:
            raise SettingsError(f"{where}.kind must be one of {', '.join(fields.KINDS)}.")
        columns = {}
        for field, aliases in (spec.get("columns") or {}).items():
            if field not in fields.FIELDS[kind]:
                raise SettingsError(f"{where}.columns: '{field}' is not a {kind} field; "
                                    f"use one of {', '.join(fields.FIELDS[kind])}.")
            columns[field] = (aliases,) if isinstance(aliases, str) else tuple(aliases)
        missing = [f for f in fields.REQUIRED[kind] if f not in columns]
        if missing:
            raise SettingsError(f"{where}.columns must name a column for "
                                f"{', '.join(missing)}.")
        signature = tuple(spec.get("signature") or
                          ["|".join(a) for a in columns.values()])
        options = {k: v for k, v in spec.items() if k not in ("kind", "columns", "signature", "values")}
        for key in ("csat_scale", "scale"):
            if key in options:
                declared = scale_name(options[key])
                if declared not in SCALES:
                    raise SettingsError(f"{where}.{key} must be 3, 5 or 10 (the top score "
                                        f"of the survey) or \"labels\", not "
                                        f"{options[key]!r}.")
                options[key] = declared
        options["user"] = True  # detection prefers a user's mapping over a built-in tie
        out.append(Preset(name, kind, signature, columns, spec.get("values") or {}, options))
    return out
