"""The canonical fields of each kind of export and how each one is read, derived from the
store's declaration (``loaders.tables``).

A preset (``presets.py``) only says which header feeds which field; this module says what
the field is. Fields whose name starts with ``_`` are inputs to a derived column
(``_bill_amount`` and ``_billing_cycle`` become ``monthly_revenue``) and are not stored.
"""
from __future__ import annotations

from .tables import BY_KIND

KINDS = tuple(BY_KIND)

# The SQL table each kind lands in, and the column that identifies a row in it.
TABLE = {kind: t.name for kind, t in BY_KIND.items()}
KEY = {kind: t.key for kind, t in BY_KIND.items()}

# field -> type. Types: text, datetime, date (a calendar day: a UTC offset is dropped, not
# converted, so 2025-07-01T00:00:00Z stays the 1st of July), hours, money, bool, int.
FIELDS: dict[str, dict[str, str]] = {
    kind: {**{c.name: c.parse_type for c in t.columns if c.parse is not None}, **t.inputs}
    for kind, t in BY_KIND.items()}

# A row without these cannot be used at all, so it is rejected with the reason.
REQUIRED = {kind: t.required for kind, t in BY_KIND.items()}

# The stored columns of each table, in order (derived ones included).
STORED = {kind: t.names for kind, t in BY_KIND.items()}

# Fields an export with no id of its own is keyed on (a stable hash of these values).
HASH_FIELDS = {kind: t.hash_fields for kind, t in BY_KIND.items() if t.hash_fields}
