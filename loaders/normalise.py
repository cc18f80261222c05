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
_STATUS_RULES = (
    (r"cancel|void|duplicate|merged", "cancelled"),
    (r"closed|complete|done", "closed"),
    (r"resolved|fixed|solved", "resolved"),
    (r"wait|pending|hold|awaiting|suspend|scheduled", "waiting"),
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


def csat_scale(scores: pd.Series, declared: str | None = None) -> str:
    """The scale of a score column: the mapping's word, else what the values span."""
    if declared:
        return declared
    numbers = pd.to_numeric(scores, errors="coerce").dropna()
    if numbers.empty:
        return "labels"
    low, high = numbers.min(), numbers.max()
    if low >= 1 and high <= 3:
        return "3-point"
    if low >= 1 and high <= 5:
        return "5-point"
    return "0-10"


def csat_rating(scores: pd.Series, scale: str) -> pd.Series:
    """positive / neutral / negative, or NaN for a value outside the scale."""
    number = pd.to_numeric(scores, errors="coerce")
    words = scores.fillna("").astype(str).str.strip().str.lower()
    by_word = words.map(RATING_WORDS)
    by_word = by_word.where(by_word.notna(), words.str.replace(r"[\s_\-]", "", regex=True)
                            .map(RATING_WORDS))
    if scale == "3-point":
        bands = [(1, 1, "negative"), (2, 2, "neutral"), (3, 3, "positive")]
    elif scale == "5-point":
        bands = [(1, 2, "negative"), (3, 3, "neutral"), (4, 5, "positive")]
    elif scale == "0-10":
        bands = [(0, 6, "negative"), (7, 8, "neutral"), (9, 10, "positive")]
    else:
        bands = []
    conditions = [(number >= lo) & (number <= hi) & (number.round() == number)
                  for lo, hi, _ in bands]
    by_number = pd.Series(np.select(conditions, [b[2] for b in bands], default=None)
                          if bands else None, index=scores.index, dtype=object)
    return by_word.where(by_word.notna(), by_number)
