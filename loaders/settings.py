"""Settings in the spec's TOML format, merged over the defaults, checked with plain errors.

The loaders use ``timezone``, ``[import]``, ``[priority_map]`` and ``[mappings.*]``; the
KPI engine reads the rest. Every key is listed, with what it does, in docs/SETTINGS.md.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULTS: dict = {
    "timezone": "UTC",
    "sla": {
        "clock": "business",
        "business_days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
        "business_hours": ["08:00", "17:00"],
        "holidays_country": "",
        "review_threshold": 4,
        # A ticket waiting on the customer or a vendor has its SLA clock paused in the PSA:
        # not aged past SLA unless this is true (SPEC KPI 2).
        "age_waiting": False,
        "response_hours": {"P1": 1, "P2": 2, "P3": 4, "P4": 8},
        "resolution_hours": {"P1": 4, "P2": 8, "P3": 24, "P4": 72, "P5": 240},
    },
    "labor": {"default_hourly_cost": 45.0, "default_bill_rate": 125.0, "hourly_cost": {},
              # the MSP's own company in the PSA: its time is not client work (utilisation)
              "internal_clients": []},
    # A client is high-effort when its effort index is above the threshold (SPEC KPI 5).
    "tiers": {"window_months": 3, "effort_threshold": 1.2},
    # The scale of numeric CSAT ratings whose preset or mapping names none: 3, 5 or 10.
    "csat": {"scale": 5},
    "status": {},         # a PSA's own status words -> open, waiting, resolved, closed, cancelled
    # How to read 03/04/2026 when no value in the file settles it: "auto" refuses such a
    # file, "day_first" or "month_first" decide for every file.
    "import": {"date_order": "auto",
               # Limits that keep one bad file from swapping the machine to death.
               "max_file_mb": 250, "max_rows": 5_000_000, "max_cell_chars": 32_767},
    "priority_map": {},   # a PSA's own priority words -> P1..P5 (also read as [priority])
    "mappings": {},       # user presets for other exports, see loaders/mapping.py
}


class SettingsError(ValueError):
    pass


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


CSAT_SCALES = {3: "3-point", 5: "5-point", 10: "0-10"}
STATUS_CLASSES = ("open", "waiting", "resolved", "closed", "cancelled")


def _aliases(raw: dict) -> dict:
    """``[priority]`` is read as ``priority_map`` (both are written; the spec's name wins
    a tie)."""
    raw = dict(raw)
    if isinstance(raw.get("priority"), dict):
        raw["priority_map"] = {**raw.get("priority_map", {}), **raw.pop("priority")}
    return raw


def load(path: str | Path | None = None) -> dict:
    if path is None:
        return copy.deepcopy(DEFAULTS)
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found; check the --config path.") \
            from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc}); fix the line it names.") \
            from None
    return validate(_merge(DEFAULTS, _aliases(raw)), str(path))


_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def validate(settings: dict, where: str = "settings") -> dict:
    problems = []
    try:
        ZoneInfo(str(settings["timezone"]))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone '{settings['timezone']}' is not a time zone name "
                        "such as 'UTC' or 'America/New_York'")
    sla = settings["sla"]
    if sla["clock"] not in ("business", "24x7"):
        problems.append(f"sla.clock must be \"business\" or \"24x7\", not '{sla['clock']}'")
    for day in sla["business_days"]:
        if day not in DAYS:
            problems.append(f"sla.business_days: '{day}' is not one of {', '.join(DAYS)}")
    hours = sla["business_hours"]
    if len(hours) != 2 or not all(_CLOCK.match(str(h)) for h in hours):
        problems.append("sla.business_hours must be two times of day like "
                        "[\"08:00\", \"17:00\"]")
    elif hours[0] >= hours[1]:
        problems.append("sla.business_hours: the day must end after it starts")
    for table in ("response_hours", "resolution_hours"):
        for key, value in sla[table].items():
            if key not in PRIORITIES:
                problems.append(f"sla.{table}: unknown priority '{key}' (use P1..P5)")
            elif not isinstance(value, (int, float)) or value <= 0:
                problems.append(f"sla.{table}.{key} must be a positive number of hours")
    threshold = sla["review_threshold"]
    if not isinstance(threshold, int) or threshold < 1:
        problems.append("sla.review_threshold must be a whole number of at least 1")
    if not isinstance(sla["age_waiting"], bool):
        problems.append("sla.age_waiting must be true or false")
    for key in ("default_hourly_cost", "default_bill_rate"):
        value = settings["labor"][key]
        if not isinstance(value, (int, float)) or value < 0:
            problems.append(f"labor.{key} must be a number of at least 0")
    for name, value in settings["labor"]["hourly_cost"].items():
        if not isinstance(value, (int, float)) or value < 0:
            problems.append(f"labor.hourly_cost.\"{name}\" must be a number of at least 0")
    internal = settings["labor"]["internal_clients"]
    if not isinstance(internal, list) or not all(isinstance(c, str) for c in internal):
        problems.append("labor.internal_clients must be a list of client names, like "
                        "[\"Northwind Managed IT\"]")
    window = settings["tiers"]["window_months"]
    if not isinstance(window, int) or not 1 <= window <= 24:
        problems.append("tiers.window_months must be a whole number from 1 to 24")
    effort = settings["tiers"]["effort_threshold"]
    if isinstance(effort, bool) or not isinstance(effort, (int, float)) or not 1 <= effort <= 10:
        problems.append("tiers.effort_threshold must be a number from 1 to 10 (1.2: 20 % "
                        "above the portfolio's hours per dollar)")
    if settings["csat"]["scale"] not in CSAT_SCALES or isinstance(settings["csat"]["scale"],
                                                                   bool):
        problems.append("csat.scale must be 3, 5 or 10 (the highest score of the survey)")
    for word, cls in settings["status"].items():
        if cls not in STATUS_CLASSES:
            problems.append(f"status.\"{word}\" must map to one of {', '.join(STATUS_CLASSES)}")
    if settings["import"]["date_order"] not in ("auto", "day_first", "month_first"):
        problems.append("import.date_order must be \"auto\", \"day_first\" or \"month_first\"")
    for key in ("max_file_mb", "max_rows", "max_cell_chars"):
        value = settings["import"].get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"import.{key} must be a whole number of at least 1")
    for raw, level in settings["priority_map"].items():
        if level not in PRIORITIES:
            problems.append(f"priority_map.\"{raw}\" must map to one of P1..P5")
    if problems:
        raise SettingsError(f"{where}: " + "; ".join(problems) + ".")
    return settings


STORE_KEY = "default"


def from_text(text: str, where: str = "settings") -> dict:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{where}: not valid TOML ({exc}); fix the line it names.") \
            from None
    return validate(_merge(DEFAULTS, _aliases(raw)), where)


def to_text(settings: dict) -> str:
    import tomli_w

    return tomli_w.dumps(validate(copy.deepcopy(settings)))


def saved_text(engine) -> str | None:
    """The TOML the dashboard saved in the store (None: nothing saved)."""
    from sqlalchemy import select

    from .store.schema import app_settings
    with engine.connect() as conn:
        return conn.execute(select(app_settings.c.toml).where(
            app_settings.c.name == STORE_KEY)).scalar_one_or_none()


def load_effective(engine=None, path: str | Path | None = None) -> dict:
    """The settings in force: the --config file when one is given, else what the
    dashboard saved in the store, else the defaults."""
    if path is not None:
        return load(path)
    if engine is not None:
        text = saved_text(engine)
        if text:
            return from_text(text, "settings saved in the store")
    return copy.deepcopy(DEFAULTS)


def save(engine, settings: dict) -> int:
    """Validate and store the settings, and re-rate the stored CSAT responses whose scale
    came from ``[csat] scale`` when it changed (one transaction). Returns the responses
    re-rated."""
    from sqlalchemy import delete, insert

    from .store.schema import app_settings
    from .store.write import rerate_csat
    text = to_text(settings)
    with engine.begin() as conn:
        conn.execute(delete(app_settings).where(app_settings.c.name == STORE_KEY))
        conn.execute(insert(app_settings).values(
            name=STORE_KEY, toml=text, updated_at=dt.datetime.now().replace(microsecond=0)))
        return rerate_csat(conn, settings["csat"]["scale"])
