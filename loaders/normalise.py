"""Canonical values from a vendor's own words: priority, status class, agreement type,
billing cycle and CSAT rating. Vectorised over a column; vendor maps win over the rules."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .presets import norm


def by_unique(func):
    """Run a column rule once per distinct value: exports repeat a handful of priority,
    status and type words across a million rows."""
    def wrapper(column: pd.Series, *args, **kwargs) -> pd.Series:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        result = func(pd.Series(uniques, dtype=object), *args, **kwargs)
        return pd.Series(result.to_numpy(dtype=object)[codes], index=column.index,
                         dtype=object)
    wrapper.__doc__ = func.__doc__
    wrapper.__name__ = func.__name__
    return wrapper

# A known word wins over a digit, so Syncro's "0 Urgent" is P1 (spec, Priority
# normalisation). Order matters: the first rule that matches decides.
PRIORITY_WORDS = (
    (r"\b(?:critical|urgent|emergency)\b", "P1"),
    (r"\bhigh\b", "P2"),
    (r"\b(?:medium|normal|moderate)\b", "P3"),
    (r"\blow\b", "P4"),
    (r"\bplanning\b", "P5"),
)


@by_unique
def priority(raw: pd.Series, overrides: dict[str, str] | None = None) -> pd.Series:
    """`P1`..`P5`, or missing when neither a word, a digit nor a setting says which."""
    text = raw.fillna("").astype(str).str.strip()
    lower = text.str.lower()
    out = pd.Series(None, index=raw.index, dtype=object)
    for pattern, level in PRIORITY_WORDS:
        hit = out.isna() & lower.str.contains(pattern, regex=True)
        out[hit] = level
    digit = lower.str.extract(r"^\D*?([1-5])(?!\d)")[0]
    out = out.where(out.notna(), "P" + digit)
    if overrides:
        mapped = lower.map({str(k).strip().lower(): v for k, v in overrides.items()})
        out = mapped.where(mapped.notna(), out)
    return out.where(text.ne(""))


STATUS_CLASSES = ("open", "waiting", "resolved", "closed", "cancelled")
# SPEC: `waiting` is a status that names a wait, hold or pending state, `cancelled` a
# cancelled or void one, `resolved`/`closed` as named, anything else `open`. Whole words,
# so "Abandoned" is not "done" and "Stakeholder review" is not "hold". Order matters: the
# first rule that matches decides ("Resolved - awaiting confirmation" is resolved).
# "Scheduled" is not a wait: the MSP has planned the work and its clock runs
# (docs/DECISIONS.md, "Status classes").
_STATUS_RULES = (
    (r"\b(?:cancel+(?:ed|led)?|void(?:ed)?|abandoned|withdrawn|duplicate|merged)\b",
     "cancelled"),
    (r"\b(?:closed|complete[d]?|done)\b", "closed"),
    (r"\b(?:resolved|fixed|solved)\b", "resolved"),
    (r"\b(?:wait\w*|await\w*|pending|on[ -]?hold|hold|suspended|paused|deferred)\b",
     "waiting"),
)


@by_unique
def status_class(status: pd.Series, vendor_map: dict[str, object] | None = None,
                 settings_map: dict[str, object] | None = None) -> pd.Series:
    """The status class of each status word: the settings' ``[status]`` words first (the
    user knows their PSA's words best), then the preset's, then the keyword rules; any
    other word is ``open``."""
    lower = status.fillna("").astype(str).str.strip().str.lower()
    words = {str(k).strip().lower(): v for k, v in (vendor_map or {}).items()}
    words.update({str(k).strip().lower(): v for k, v in (settings_map or {}).items()})
    out = lower.map(words).astype(object)
    for pattern, cls in _STATUS_RULES:
        hit = out.isna() & lower.str.contains(pattern, regex=True)
        out[hit] = cls
    return out.fillna("open").astype(object)


_AGREEMENT_RULES = (
    (r"managed|msp|all.?inclusive|flat|per user|per device|recurring", "managed"),
    (r"block|retainer|prepaid|bank", "block"),
    (r"t\s*&\s*m|time.*material|hourly|break.?fix", "time_and_materials"),
    (r"project", "project"),
)


@by_unique
def agreement_type(raw: pd.Series) -> pd.Series:
    lower = raw.fillna("").astype(str).str.lower()
    out = pd.Series(None, index=raw.index, dtype=object)
    for pattern, kind in _AGREEMENT_RULES:
        hit = out.isna() & lower.str.contains(pattern, regex=True)
        out[hit] = kind
    return out.fillna("other")


# Months per billing cycle; revenue is normalised to one month (spec, agreements).
CYCLE_MONTHS = {
    "monthly": 1, "month": 1, "1": 1, "bimonthly": 2, "quarterly": 3, "quarter": 3,
    "3": 3, "semiannual": 6, "semiannually": 6, "halfyearly": 6, "biannual": 6, "6": 6,
    "annual": 12, "annually": 12, "yearly": 12, "year": 12, "12": 12,
}


@by_unique
def cycle_months(raw: pd.Series) -> pd.Series:
    """Months in a billing cycle; an empty cycle is taken as monthly, an unknown one NaN."""
    key = raw.fillna("").astype(str).map(norm)
    months = key.map(CYCLE_MONTHS)
    return months.where(key.ne(""), 1.0).astype(float)


# The cycle of an agreement's hour limit: a billing cycle, or one of ConnectWise's
# applicationCycle values (weeks: 52 a year, so a week is 12/52 of a month).
INCLUDED_CYCLE_MONTHS = {
    **CYCLE_MONTHS, "calendarmonth": 1, "calendarquarter": 3, "contractquarter": 3,
    "calendaryear": 12, "contractyear": 12, "calendarweek": 12 / 52,
    "contract2weeks": 12 / 26, "contract4weeks": 12 / 13,
}


@by_unique
def included_cycle_months(raw: pd.Series) -> pd.Series:
    """Months in the cycle of an hour limit; NaN for a cycle not known (an empty one is
    left to the caller)."""
    return raw.fillna("").astype(str).map(norm).map(INCLUDED_CYCLE_MONTHS).astype(float)


def months_spanned(start: pd.Series, end: pd.Series) -> pd.Series:
    """How many months an agreement's own dates cover, to the nearest month (at least 1):
    2026-01-01..2026-01-31 is 1, 2026-01-01..2026-12-31 is 12. NaN without both dates."""
    days = (end - start).dt.days + 1
    return (days / (365.25 / 12)).round().clip(lower=1)


# CSAT: labels a vendor exports instead of numbers (faces, thumbs).
RATING_WORDS = {
    "positive": "positive", "good": "positive", "great": "positive", "happy": "positive",
    "satisfied": "positive", "verysatisfied": "positive", "excellent": "positive",
    "thumbsup": "positive", "smile": "positive", ":)": "positive",
    "neutral": "neutral", "ok": "neutral", "okay": "neutral", "average": "neutral",
    "meh": "neutral", ":|": "neutral",
    "negative": "negative", "bad": "negative", "poor": "negative", "unhappy": "negative",
    "dissatisfied": "negative", "verydissatisfied": "negative", "thumbsdown": "negative",
    "sad": "negative", "frown": "negative", ":(": "negative",
}
SCALES = ("3-point", "5-point", "0-10", "labels")
# The numeric scales by their top score, smallest first; a scale's bottom is 1, or 0 for
# 0-10. The settings and mappings name a scale by its top (3, 5 or 10) or by its name.
SCALE_TOPS = {"3-point": 3, "5-point": 5, "0-10": 10}
SCALE_BOTTOMS = {"3-point": 1, "5-point": 1, "0-10": 0}
_BANDS = {
    "3-point": [(1, 1, "negative"), (2, 2, "neutral"), (3, 3, "positive")],
    "5-point": [(1, 2, "negative"), (3, 3, "neutral"), (4, 5, "positive")],
    "0-10": [(0, 6, "negative"), (7, 8, "neutral"), (9, 10, "positive")],
}


def scale_name(value: object) -> str | None:
    """``3``, ``"5"``, ``10``, ``"5-point"``, ``"0-10"`` -> the scale's name; None when the
    value names no scale."""
    text = str(value).strip().lower().replace(" ", "")
    by_top = {str(top): name for name, top in SCALE_TOPS.items()}
    if text in by_top:
        return by_top[text]
    return {"3-point": "3-point", "3point": "3-point", "5-point": "5-point",
            "5point": "5-point", "0-10": "0-10", "10-point": "0-10",
            "labels": "labels"}.get(text)


def _numbers(scores: pd.Series) -> pd.Series:
    return pd.to_numeric(scores, errors="coerce")


def file_scale(scores: pd.Series, setting: str) -> str:
    """The scale of a file whose preset or mapping declares none (SPEC KPI 3): the
    settings' scale, or a larger one when the file's values need it. A file's values never
    make the scale smaller: a bad week of 1-3 scores on a 5-point survey stays 5-point.
    The values that can tell are those from 0 to 10; a file with none (labels only) is on
    ``labels``."""
    numbers = _numbers(scores).dropna()
    numbers = numbers[(numbers >= 0) & (numbers <= 10)]
    if numbers.empty:
        return "labels"
    low, high = numbers.min(), numbers.max()
    need = next(name for name, top in SCALE_TOPS.items()
                if low >= SCALE_BOTTOMS[name] and high <= top)
    return max(setting, need, key=SCALE_TOPS.get)


def csat_rating(scores: pd.Series, scale: str,
                words: dict[str, object] | None = None) -> pd.Series:
    """positive / neutral / negative, or NaN for a value outside the scale. A word (a
    vendor's own label from ``words``, else a common one) is rated by the word; a number by
    its band. A number between two points (Autotask's Survey Rating averages a survey's
    1-5 answers) counts as the nearest point, halves rounding up: 3.5 is 4, positive."""
    text = scores.fillna("").astype(str).str.strip().str.lower()
    squeezed = text.str.replace(r"[\s_\-]", "", regex=True)
    by_word = pd.Series(None, index=scores.index, dtype=object)
    vendor = {str(k).strip().lower(): v for k, v in (words or {}).items()}
    for table in (vendor, RATING_WORDS):
        by_word = by_word.where(by_word.notna(), text.map(table))
        by_word = by_word.where(by_word.notna(), squeezed.map(table))
    number = _numbers(scores)
    bands = _BANDS.get(scale, [])
    inside = (number >= SCALE_BOTTOMS.get(scale, 0)) & (number <= SCALE_TOPS.get(scale, -1))
    point = np.floor(number + 0.5)
    conditions = [inside & (point >= lo) & (point <= hi) for lo, hi, _ in bands]
    by_number = pd.Series(np.select(conditions, [b[2] for b in bands], default=None)
                          if bands else None, index=scores.index, dtype=object)
    return by_word.where(by_word.notna(), by_number)
