"""One export file in, canonical rows out: detect, map, parse, derive, store.

``plan_file`` does everything short of writing (the dashboard's preview uses it) and
``import_file`` stores the plan in one transaction. Every data row ends up stored or in
the rejected list with a reason; a file that cannot be used raises ``ImportRefused``
before anything is written.
"""
from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import counts, fields, normalise, parse, store
from .errors import ImportRefused, UnknownColumns
from .mapping import user_presets
from .presets import PRESETS, Preset, norm
from .read import Limits, RawTable, read_table
from .settings import SettingsError
from .settings import load as load_settings

DATE_ORDER_HELP = ("set date_order = \"day_first\" or \"month_first\" under [import] in "
                   "the settings file (--config), or re-export with ISO dates (2026-03-04)")


@dataclass
class Plan:
    file_name: str
    sha256: str
    preset: Preset
    table: RawTable
    mapping: dict[str, list[str]]          # field -> headers that feed it, in order
    rows: pd.DataFrame                     # stored columns + _row
    rejected: pd.DataFrame                 # row_number, reason, raw
    notes: list[str] = field(default_factory=list)

    @property
    def vendor(self) -> str:
        return self.preset.vendor

    @property
    def kind(self) -> str:
        return self.preset.kind

    @property
    def rows_read(self) -> int:
        return len(self.table.cells)


@dataclass
class FileResult:
    file_name: str
    vendor: str
    kind: str
    rows_read: int
    rows_stored: int
    rows_rejected: int
    import_id: int
    notes: list[str]
    rejected: pd.DataFrame
    records_stored: int | None = None

    def summary(self) -> str:
        """The command line's line (scripts read it): vendor, kind, rows read, stored,
        rejected; when the file repeats records (an audit log), what the rows were."""
        versions = self.rows_stored - (self.records_stored or self.rows_stored)
        split = (f" ({counts.records(self.kind, self.records_stored)}, "
                 f"{counts.plural(versions, 'earlier version')} kept for history)"
                 if versions else "")
        return (f"{self.file_name}: {self.vendor} {self.kind.replace('_', ' ')}, "
                f"{self.rows_read} rows read, {self.rows_stored} stored{split}, "
                f"{self.rows_rejected} rejected (import #{self.import_id})")

    def description(self) -> str:
        return counts.imported(self.kind, self.rows_read, self.records_stored,
                               self.rows_stored, self.rows_rejected)


def all_presets(settings: dict, problems: list[str] | None = None) -> list[Preset]:
    """The built-in presets and the settings' mappings; a mapping that can't be used
    raises SettingsError, or with ``problems`` given is left out and described there."""
    return list(PRESETS) + user_presets(settings, problems)


def candidates(presets: list[Preset], vendor: str | None, kind: str | None) -> list[Preset]:
    kind = {"time": "time_entries", "surveys": "csat", "csat_responses": "csat"}.get(
        kind or "", kind)
    chosen = [p for p in presets if (vendor is None or p.vendor == vendor.lower())
              and (kind is None or p.kind == kind)]
    if not chosen:
        known = sorted({p.vendor for p in presets})
        raise ImportRefused(
            f"no preset for vendor '{vendor}' and kind '{kind}'; vendors are "
            f"{', '.join(known)} and kinds {', '.join(fields.KINDS)}.")
    return chosen


def _alias_set(preset: Preset) -> set[str]:
    return {norm(a) for aliases in preset.columns.values() for a in aliases}


def _signature_met(preset: Preset, normed: set[str]) -> bool:
    return all(any(norm(alt) in normed for alt in group.split("|"))
               for group in preset.signature)


def detect(headers: list[str], presets: list[Preset], file_name: str,
           forced: bool = False) -> Preset:
    """The preset whose signature the headers carry and which maps most columns."""
    normed = {norm(h) for h in headers}
    scored = sorted(((len(normed & _alias_set(p)), p) for p in presets
                     if forced or _signature_met(p, normed)), key=lambda sp: -sp[0])
    if forced and (not scored or scored[0][0] == 0):
        wanted = ", ".join(a[0] for a in list(presets[0].columns.values())[:5])
        raise UnknownColumns(
            f"{file_name}: the columns ({', '.join(headers[:6])}) are not those of a "
            f"{presets[0].name} export (expected columns such as {wanted}); check "
            "--vendor and --kind.")
    if not scored or scored[0][0] == 0:
        close = near_miss(normed, presets)
        if close is not None:
            raise UnknownColumns(f"{file_name}: {close}")
        raise UnknownColumns(
            f"{file_name}: the columns ({', '.join(headers[:6])}{'...' if len(headers) > 6 else ''}) "
            "do not match a known export of ConnectWise, Autotask, HaloPSA, Syncro or "
            "ServiceNow; pass --vendor and --kind, or describe the columns in a "
            "[mappings] section of the settings file.")
    best = [p for score, p in scored if score == scored[0][0]]
    users = [p for p in best if p.options.get("user")]
    if len(users) == 1:  # a user's own mapping for these columns wins a tie with a preset
        return users[0]
    if len(scored) > 1 and scored[1][0] == scored[0][0] and \
            scored[1][1].vendor != scored[0][1].vendor:
        a, b = scored[0][1], scored[1][1]
        raise ImportRefused(f"{file_name}: the columns fit both {a.name} and {b.name}; "
                            f"pass --vendor {a.vendor} or --vendor {b.vendor}.")
    return scored[0][1]


def _merged_groups(groups: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Groups of alternative headers, those sharing a header merged into one (a preset's
    signature often names a required field's column again)."""
    merged: list[list[str]] = []
    for group in groups:
        keys = {norm(a) for a in group}
        for existing in merged:
            if keys & {norm(a) for a in existing}:
                existing.extend(a for a in group if norm(a) not in
                                {norm(b) for b in existing})
                break
        else:
            merged.append(list(group))
    return [tuple(g) for g in merged]


def required_columns(preset: Preset) -> list[tuple[str, ...]]:
    """The columns a file must have to be read with ``preset``, each as its alternatives:
    the signature's and the required fields' (for a mapping, those are the same)."""
    groups = [tuple(g.split("|")) for g in preset.signature]
    groups += [preset.columns[f] for f in fields.REQUIRED[preset.kind] if f in preset.columns]
    return _merged_groups(groups)


def near_miss(normed: set[str], presets: list[Preset]) -> str | None:
    """For a file no preset's signature fits: the sentence naming the preset or mapping it
    is closest to and the columns it lacks, when at least half of that one's required
    columns and half of all its columns (three or more) are in the file; else None."""
    best = None
    for preset in presets:
        required = required_columns(preset)
        lacking = [g for g in required if not any(norm(a) in normed for a in g)]
        every = _merged_groups(list(preset.columns.values()))
        found = sum(any(norm(a) in normed for a in g) for g in every)
        if not lacking or 2 * len(lacking) > len(required) or found < 3 or \
                2 * found < len(every):
            continue
        closeness = (1 - len(lacking) / len(required)) + found / len(every)
        if best is None or closeness > best[0]:
            best = (closeness, preset, lacking, found, len(every))
    if best is None:
        return None
    _, preset, lacking, found, total = best
    names = " and ".join(repr(g[0]) for g in lacking)
    verb = "is" if len(lacking) == 1 else "are"
    if preset.options.get("user"):
        return (f"the columns look like those of your mapping '{preset.vendor}' "
                f"({preset.kind.replace('_', ' ')}; {found} of its {total} columns are here) "
                f"but {names} {verb} missing; add {'it' if len(lacking) == 1 else 'them'} "
                f"to the export, or change [mappings.{preset.vendor}] in the settings to "
                "the name this file uses.")
    return (f"the columns look like a {preset.vendor} {preset.kind.replace('_', ' ')} "
            f"export ({found} of its {total} columns are here) but {names} {verb} "
            f"missing; add {'it' if len(lacking) == 1 else 'them'} to the export, or "
            "describe the columns in a [mappings] section of the settings file.")


def plan_file(path: str | Path, vendor: str | None = None, kind: str | None = None,
              settings: dict | None = None, data: bytes | None = None,
              file_name: str | None = None) -> Plan:
    settings = settings or load_settings()
    path = Path(path)
    name = file_name or path.name
    pool = candidates(all_presets(settings), vendor, kind)
    aliases = set().union(*(_alias_set(p) for p in pool))
    table = read_table(path, lambda row: sum(1 for c in row if norm(c) in aliases),
                       data=data, file_name=name, limits=Limits.from_settings(settings))
    if data is None:
        data = path.read_bytes()
    preset = detect(table.original_headers, pool, name, forced=bool(vendor and kind))
    if table.cells.empty:
        raise ImportRefused(f"{name}: the file has a header row but no data rows; "
                            "export it again with the date range that holds your data.")
    mapping = map_columns(table, preset)
    rows, rejected, notes = build_rows(table, preset, mapping, settings)
    return Plan(name, hashlib.sha256(data).hexdigest(), preset, table, mapping, rows,
                rejected, table.notes + _mapping_notes(preset, mapping) + notes)


def _mapping_notes(preset: Preset, mapping: dict[str, list[str]]) -> list[str]:
    """What a user mapping read differently from how it was written: field names taken as
    another field, and its columns this file doesn't have (those fields stay empty)."""
    if not preset.options.get("user"):
        return []
    notes = list(preset.options.get("read_as", ()))
    absent = [aliases[0] for fld, aliases in preset.columns.items() if fld not in mapping]
    if absent:
        notes.append(f"mapping {preset.vendor}: this file has no column "
                     f"{', '.join(repr(a) for a in absent)}; "
                     f"{'that field is' if len(absent) == 1 else 'those fields are'} "
                     "left empty")
    return notes


def map_columns(table: RawTable, preset: Preset) -> dict[str, list[str]]:
    """field -> the file's headers that feed it, best alias first."""
    mapping: dict[str, list[str]] = {}
    normed = [norm(h) for h in table.original_headers]
    for fld, aliases in preset.columns.items():
        found = []
        for alias in aliases:
            for i, h in enumerate(normed):
                if h == norm(alias) and table.headers[i] not in found:
                    found.append(table.headers[i])
        if found:
            mapping[fld] = found
    missing = [f for f in fields.REQUIRED[preset.kind] if f not in mapping]
    if missing:
        f = missing[0]
        raise UnknownColumns(
            f"{table.file_name}: no column for {f.replace('_', ' ')} (a {preset.name} "
            f"export names it {' or '.join(repr(a) for a in preset.columns.get(f, ()))}); "
            "add the column to the export or map it in the settings' [mappings].")
    return mapping


# ---------------------------------------------------------------------------- rows
def build_rows(table: RawTable, preset: Preset, mapping: dict[str, list[str]],
               settings: dict) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    kind = preset.kind
    types = fields.FIELDS[kind]
    cells = table.cells
    by_header = {h: cells[i] for i, h in enumerate(table.headers)}
    problems = pd.Series("", index=cells.index, dtype=object)
    notes: list[str] = []
    out = pd.DataFrame(index=cells.index)

    def add_problem(bad_text: pd.Series, header: str) -> None:
        has = bad_text.ne("")
        if has.any():
            msg = f"column '{header}': " + bad_text[has]
            problems[has] = problems[has].where(problems[has].eq(""),
                                                problems[has] + "; ") + msg

    if table.short_rows is not None:
        short = table.short_rows.notna().to_numpy()
        problems[short] = ("the row has " + table.short_rows[short].astype(int).astype(str)
                           + f" of {len(table.headers)} columns; the file may be cut short "
                           "- export it again").to_numpy()
    max_chars = int(settings["import"].get("max_cell_chars", 32_767))
    for i, header in enumerate(table.headers):
        huge = cells[i].str.len() > max_chars
        if huge.any():
            add_problem(pd.Series(np.where(
                huge, "a cell of " + cells[i].str.len().astype(str) + " characters, over "
                f"the {max_chars:,} limit", ""), index=cells.index, dtype=object), header)

    date_orders = _decide_date_orders(table, mapping, types, settings)
    for fld, headers in mapping.items():
        ftype = types[fld]
        value = None
        for header in headers:  # several columns for one field: first non-empty wins
            parsed, bad = _parse(by_header[header], ftype, header, preset, fld,
                                 date_orders.get(header), settings)
            add_problem(bad, header)
            if fld in PAST_ONLY:
                add_problem(_implausible_dates(parsed), header)
            value = parsed if value is None else value.where(value.notna(), parsed)
        out[fld] = value
    for fld in types:
        if fld not in out:
            out[fld] = _empty_column(types[fld], cells.index)

    derive = {"tickets": _derive_tickets, "time_entries": _derive_time,
              "agreements": _derive_agreements, "csat": _derive_csat}.get(kind)
    if derive:
        for fld, text in derive(out, preset, settings, notes):
            has = text.ne("")
            text = f"column '{mapping.get(fld, [fld])[0]}': " + text
            problems[has] = problems[has].where(problems[has].eq(""),
                                                problems[has] + "; ") + text[has]

    for fld in fields.REQUIRED[kind]:
        missing = out[fld].isna() & problems.eq("")
        header = mapping[fld][0]
        problems[missing] = f"column '{header}' is empty; this row needs a {fld.replace('_', ' ')}"

    key = fields.KEY[kind]
    key_from = preset.options.get("key_from")
    if key not in mapping and key_from and all(f in mapping for f in key_from):
        parts = out[list(key_from)]
        composite = parts.astype(str).agg("/".join, axis=1) if len(parts) < 2 else \
            parts[key_from[0]].astype(str).str.cat(
                [parts[f].astype(str) for f in key_from[1:]], sep="/")
        out[key] = composite.where(parts.notna().all(axis=1))
        if out[key].isna().any():
            out[key] = out[key].fillna(_stable_ids(out, kind))
    elif key not in mapping or out[key].isna().all():
        out[key] = _stable_ids(out, kind)
    elif out[key].isna().any():
        missing = out[key].isna() & problems.eq("")
        problems[missing] = f"column '{mapping[key][0]}' is empty; every row needs an id"

    if "source_system" in fields.STORED[kind]:
        out["source_system"] = preset.options.get("source_system", preset.vendor)
    out["_row"] = table.row_numbers
    bad = problems.ne("")
    raw = cells[bad].copy()
    raw.columns = table.headers
    rejected = pd.DataFrame({
        "row_number": table.row_numbers[bad].astype(int),
        "reason": problems[bad],
        "raw": [json.dumps(r, ensure_ascii=False) for r in raw.to_dict("records")],
    })
    stored_cols = [c for c in fields.STORED[kind] if c != "import_id"] + ["_row"]
    return out.loc[~bad, stored_cols].reset_index(drop=True), \
        rejected.reset_index(drop=True), notes


# Things that have happened: a date before 1990 or after tomorrow is a typo or a
# placeholder, not data (due dates and agreement ends may lie in the future).
PAST_ONLY = {"created_at", "first_response_at", "resolved_at", "closed_at", "updated_at",
             "work_date", "entered_at", "responded_at"}
EARLIEST_PLAUSIBLE = pd.Timestamp("1990-01-01")


def _implausible_dates(values: pd.Series) -> pd.Series:
    latest = pd.Timestamp.now().normalize() + pd.Timedelta(days=2)
    early, late = values < EARLIEST_PLAUSIBLE, values >= latest
    text = values.dt.strftime("%Y-%m-%d")
    out = pd.Series("", index=values.index, dtype=object)
    out[early] = "'" + text[early] + "' is before 1990; check the year"
    out[late] = "'" + text[late] + "' is in the future; check the year"
    return out


def _empty_column(ftype: str, index) -> pd.Series:
    if ftype in ("datetime", "date"):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    if ftype in ("hours", "money", "int"):
        return pd.Series(np.nan, index=index, dtype="float64")
    if ftype == "bool":
        return pd.Series(pd.NA, index=index, dtype="boolean")
    return pd.Series(None, index=index, dtype=object)


def _parse(text: pd.Series, ftype: str, header: str, preset: Preset, fld: str,
           order: str | None, settings: dict) -> tuple[pd.Series, pd.Series]:
    words = preset.values.get(fld)
    if ftype in ("datetime", "date"):
        return parse.parse_datetimes(text, order,
                                     settings["timezone"] if ftype == "datetime" else None)
    if ftype == "hours":
        return parse.parse_hours(text, header)
    if ftype == "money":
        return parse.parse_money(text)
    if ftype == "int":
        return parse.parse_int(text)
    if ftype == "bool":
        return parse.parse_bool(text, words)
    return parse.parse_text(text), pd.Series("", index=text.index, dtype=object)


def _decide_date_orders(table: RawTable, mapping, types, settings) -> dict[str, str | None]:
    """Day-first or month-first per date column: from the column's own values, else from
    the file's other date columns, else from the settings; refuse when nothing decides."""
    date_headers = [h for f, hs in mapping.items() if types[f] in ("datetime", "date")
                    for h in hs]
    by_header = {h: table.cells[i] for i, h in enumerate(table.headers)}
    evidence = {h: parse.date_order_evidence(by_header[h]) for h in date_headers}
    for h, ev in evidence.items():
        if ev == "conflict":
            raise ImportRefused(
                f"{table.file_name}, column '{h}': some dates are day-first (31/01) and "
                "others month-first (01/31); re-export the column in one format.")
    decided = {ev for ev in evidence.values() if ev}
    configured = settings["import"]["date_order"]
    orders = {}
    for h, ev in evidence.items():
        if ev:
            orders[h] = ev
        elif configured != "auto":
            orders[h] = configured
        elif len(decided) == 1:
            orders[h] = next(iter(decided))
        elif len(ambiguous := parse.ambiguous_dates(by_header[h])):
            sample = ambiguous.iloc[0]
            raise ImportRefused(
                f"{table.file_name}, column '{h}': dates like '{sample.strip()}' could be "
                f"day-first or month-first and no value settles it; {DATE_ORDER_HELP}.")
        else:
            orders[h] = None
    return orders


def _stable_ids(out: pd.DataFrame, kind: str) -> pd.Series:
    """An id for rows the export gives none: a hash of the row's canonical values, with
    a counter for identical rows so two equal entries stay two."""
    cols = [c for c in fields.HASH_FIELDS.get(kind, ()) if c in out] or list(out.columns)
    hashes = pd.util.hash_pandas_object(out[cols], index=False)
    nth = hashes.groupby(hashes.to_numpy()).cumcount()
    digest = hashes.astype(str).astype(object)
    repeat = nth > 0
    digest[repeat] = digest[repeat] + "-" + (nth[repeat] + 1).astype(str)
    return digest


# GLPI and other web help desks join several technicians (or groups) of one ticket with an
# HTML line break in their exports; stored as a plain list, "Ana Reis, Rui Lima".
_HTML_BREAK = r"\s*<br\s*/?>\s*"


def _derive_tickets(out: pd.DataFrame, preset: Preset, settings: dict, notes: list[str]):
    for col in ("assignee", "team"):
        text = out[col].astype(object)
        joined = text.str.contains("<br", case=False, regex=False, na=False)
        if joined.any():
            out.loc[joined, col] = text[joined].str.replace(
                _HTML_BREAK, ", ", regex=True, case=False).str.strip(", ")
    out["priority"] = normalise.priority(out["priority_raw"], settings.get("priority_map"))
    out["status_class"] = normalise.status_class(out["status"], preset.values.get(
        "status_class"), settings.get("status"))
    # The PSA's own "SLA on hold" flag (HaloPSA `onhold`) makes an open ticket waiting
    # whatever its status word says; a done ticket stays done.
    held = out["_sla_hold"].fillna(False).astype(bool) & out["status_class"].eq("open")
    out.loc[held, "status_class"] = "waiting"
    _note_unknown_words(out, notes)
    # A closed ticket exported without a close time (ServiceNow lists that only carry
    # `state`): its last update is the best record of when it was done.
    finished = out["status_class"].isin(["resolved", "closed", "cancelled"]) & \
        out["resolved_at"].isna() & out["closed_at"].isna() & out["updated_at"].notna()
    if finished.any():
        out.loc[finished, "closed_at"] = out.loc[finished, "updated_at"]
        notes.append(f"{int(finished.sum())} done ticket(s) had no resolved or closed time; "
                     "their last update time was used")
    return [(col, pd.Series(np.where(out[col].notna() & (out[col] < 0),
                                     f"{col.replace('_', ' ')} is negative", ""),
                            index=out.index, dtype=object))
            for col in ("reopen_count", "escalation_count")]


def _note_unknown_words(out: pd.DataFrame, notes: list[str]) -> None:
    """Say so when the priority or status words are not understood: a help desk exported
    in another language (GLPI's `Média`, `Solucionado`) needs the settings' word maps,
    and without them every ticket would count as open with no priority."""
    raw = out["priority_raw"]
    unknown = raw[raw.notna() & out["priority"].isna()].unique()
    if len(unknown):
        notes.append(f"priority {_some(unknown)} {'is' if len(unknown) == 1 else 'are'} not "
                     "P1..P5 words; map them under [priority] in the settings "
                     "(\"Média\" = \"P3\")")
    words = out.loc[out["status"].notna(), "status"].unique()
    if len(words) > 1 and out.loc[out["status"].notna(), "status_class"].eq("open").all():
        notes.append(f"every status ({_some(words)}) was read as open; name the ones that "
                     "mean waiting, resolved, closed or cancelled under [status] in the "
                     "settings (\"Fechado\" = \"closed\")")


def _some(words, shown: int = 5) -> str:
    listed = ", ".join(repr(str(w)) for w in list(words)[:shown])
    return listed + (f" and {len(words) - shown} more" if len(words) > shown else "")


def _derive_time(out: pd.DataFrame, preset: Preset, settings: dict, notes: list[str]):
    if out["hours"].isna().any() and out["_work_end"].notna().any():
        span = (out["_work_end"] - out["work_date"]).dt.total_seconds() / 3600
        out["hours"] = out["hours"].where(out["hours"].notna(), span)
    billable = out["billable"].astype("boolean")
    billable = billable.fillna(~out["_non_billable"].astype("boolean"))
    billable = billable.fillna(out["hours_billed"].gt(0).where(out["hours_billed"].notna()))
    out["billable"] = billable.fillna(False)
    out["work_date"] = out["work_date"].dt.normalize()
    hours = out["hours"]
    worked = np.select([hours < 0, hours > 24],
                       ["hours worked is negative",
                        "more than 24 hours in one time entry; split it"], default="")
    billed = np.where(out["hours_billed"] < 0, "hours billed is negative", "")
    return [("hours", pd.Series(worked, index=out.index, dtype=object)),
            ("hours_billed", pd.Series(billed, index=out.index, dtype=object))]


def _derive_agreements(out: pd.DataFrame, preset: Preset, settings: dict, notes: list[str]):
    default_type = preset.options.get("default_type")
    if default_type:
        out["type"] = out["type"].where(out["type"].notna(), default_type)
    out["type"] = normalise.agreement_type(out["type"])
    months = normalise.cycle_months(out["_billing_cycle"]).astype(float)
    span = preset.options.get("included_cycle") == "span"
    if span:  # the amount and the hours cover the agreement's own dates
        months = normalise.months_spanned(out["start_date"], out["end_date"])
    if out["_bill_amount"].isna().all() and out["_block_hourly_rate"].notna().any():
        out["_bill_amount"] = out["_included_per_cycle"] * out["_block_hourly_rate"]
    if out["monthly_revenue"].isna().all():
        out["monthly_revenue"] = out["_bill_amount"] / months
    if out["monthly_cost"].isna().all():
        out["monthly_cost"] = out["_cost_per_cycle"] / months
    unknown = months.isna()
    ends_early = out["end_date"].notna() & out["start_date"].notna() & \
        (out["end_date"] < out["start_date"])
    dates = pd.Series(np.where(ends_early, "end date is before start date", ""),
                      index=out.index, dtype=object)
    if span:
        cycle = pd.Series("", index=out.index, dtype=object)
        dates[unknown] = ("a block needs its start and end dates to spread its hours and "
                          "price over the months it covers")
    else:
        cycle = ("billing cycle '" + out["_billing_cycle"].fillna("").astype(str) +
                 "' is not Monthly, Quarterly, Semi-Annual or Annual").where(unknown, "")
    hours, hour_cycle = _derive_included_hours(out, months)
    for col in ("start_date", "end_date"):
        out[col] = out[col].dt.normalize()
    return [("_billing_cycle", cycle), ("_included_per_cycle", hours),
            ("_included_cycle", hour_cycle), ("end_date", dates)]


def _derive_included_hours(out: pd.DataFrame, months: pd.Series
                           ) -> tuple[pd.Series, pd.Series]:
    """``included_hours`` a month (SPEC, agreements): the hours of the agreement's limit
    divided by the months of its cycle (the limit's own cycle where the export has one,
    else the billing cycle). Empty when the limit counts no hours (ConnectWise
    applicationUnits Amount or Incidents), when the agreement has no limit
    (applicationUnlimitedFlag) or no hours; a mapped ``included_hours`` is kept as it is.
    Returns the reasons a row is rejected (for the hours, for their cycle), if any."""
    per_cycle = out["_included_per_cycle"]
    units = out["_included_units"].fillna("").astype(str).map(norm)
    counts_hours = units.isin(["", "hours", "hour", "hrs"])
    unlimited = out["_included_unlimited"].fillna(False).astype(bool)
    has_cycle = out["_included_cycle"].notna()
    cycle = normalise.included_cycle_months(out["_included_cycle"]).where(has_cycle, months)
    applies = per_cycle.notna() & counts_hours & ~unlimited & (per_cycle > 0)
    if out["included_hours"].isna().all():
        out["included_hours"] = (per_cycle / cycle).where(applies)
    negative = (per_cycle < 0) | (out["included_hours"] < 0)
    hours = pd.Series(np.where(negative, "included hours are negative", ""),
                      index=out.index, dtype=object)
    bad_cycle = applies & has_cycle & cycle.isna()
    return hours, ("cycle '" + out["_included_cycle"].fillna("").astype(str) + "' of the "
                   "hour limit is not a month, quarter, year or week").where(bad_cycle, "")


def _derive_csat(out: pd.DataFrame, preset: Preset, settings: dict, notes: list[str]):
    """The scale (SPEC KPI 3): declared by the preset or the mapping (``csat_scale``),
    else the settings' ``[csat] scale``, raised by the file's values when they need a
    larger one (never lowered). A value outside a declared scale rejects its row."""
    declared = preset.options.get("csat_scale", preset.options.get("scale"))
    words = preset.values.get("rating")
    setting = normalise.scale_name(settings["csat"]["scale"])
    if declared is not None:
        scale = normalise.scale_name(declared)
        source = "mapping" if preset.options.get("user") else "preset"
        where = f"the {scale} scale that the {preset.vendor} {source} declares"
    else:
        scale = normalise.file_scale(out["score_raw"], setting)
        source = "settings"
        where = f"the {scale} scale ([csat] scale in the settings)"
        if scale not in (setting, "labels"):
            where = f"the {scale} scale (the file's scores go above the settings' {setting})"
            notes.append(f"the scores go above the {setting} scale of the settings ([csat] "
                         f"scale), so the file is read on the {scale} scale")
    out["scale"] = scale
    out["scale_source"] = source
    out["rating"] = normalise.csat_rating(out["score_raw"], scale, words)
    bad = out["score_raw"].notna() & out["rating"].isna()
    reason = "score '" + out["score_raw"].fillna("").astype(str) + f"' is not on {where}"
    return [("score_raw", reason.where(bad, ""))]


# ---------------------------------------------------------------------------- store
def import_file(engine, path: str | Path, vendor: str | None = None, kind: str | None = None,
                settings: dict | None = None, data: bytes | None = None,
                file_name: str | None = None) -> FileResult:
    plan = plan_file(path, vendor, kind, settings, data, file_name)
    return store_plan(engine, plan)


def store_plan(engine, plan: Plan) -> FileResult:
    record = store.ImportRecord(plan.file_name, plan.sha256, plan.vendor, plan.kind,
                                plan.rows["source_system"].iloc[0]
                                if "source_system" in plan.rows and len(plan.rows)
                                else plan.preset.options.get("source_system", plan.vendor))
    result = store.write_import(engine, record, plan.rows, plan.rejected, plan.rows_read)
    return FileResult(plan.file_name, plan.vendor, plan.kind, plan.rows_read,
                      result.rows_stored, result.rows_rejected, result.import_id,
                      plan.notes, plan.rejected, result.records_stored)


def import_files(engine, paths: list, vendor: str | None = None, kind: str | None = None,
                 settings: dict | None = None):
    """Import several files, yielding ``(path, FileResult, ImportRefused or
    SettingsError)`` in order (a SettingsError: a mapping in the settings can't be used).
    The next file is read and parsed on a second thread while this one is written, so a
    two-core machine does both at once (parsing is mostly Arrow and NumPy work and SQLite
    releases the GIL while it writes); only one plan waits ahead, bounding memory."""
    settings = settings or load_settings()

    def plan(path):
        # Errors come back as results, so the caller reports them in file order like any
        # other outcome; raised here, they would reach it from `.result()` unannounced.
        try:
            return plan_file(path, vendor, kind, settings)
        except (ImportRefused, SettingsError) as refused:
            return refused

    with ThreadPoolExecutor(max_workers=1) as pool:
        upcoming = pool.submit(plan, paths[0]) if paths else None
        for i, path in enumerate(paths):
            current = upcoming.result()
            upcoming = pool.submit(plan, paths[i + 1]) if i + 1 < len(paths) else None
            if isinstance(current, (ImportRefused, SettingsError)):
                yield path, current
            else:
                yield path, store_plan(engine, current)
