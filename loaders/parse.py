"""Typed values from text cells, a whole column at a time.

Each parser takes a Series of text and returns the parsed Series plus a Series of problems
('' where the cell is fine) so that a bad cell rejects its row with a reason instead of
stopping the file. Dates decide day-first or month-first once per column from the data
(`13/02` can only be day-first) and never guess row by row.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NULL_WORDS = {"", "?", "null", "none", "n/a", "na", "nan", "#n/a", "-", "--", "nil"}
# Yes and no as help desks export them in their user's language (GLPI: Sim / Não).
TRUE_WORDS = {"true", "yes", "y", "1", "t", "x", "billable", "met",
              "sim", "si", "sí", "oui", "ja"}
FALSE_WORDS = {"false", "no", "n", "0", "f", "nonbillable", "not met",
               "não", "nao", "non", "nein"}

DAY_FIRST, MONTH_FIRST = "day_first", "month_first"

_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*([AaPp]\.?[Mm]\.?)?)?"
_NUMERIC_DATE = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})" + _TIME + r"\s*$"
_NAMED_MONTH = r"^(\d{1,2})[/ .\-]([A-Za-z]{3,9})\.?[/ .\-,]+(\d{4}|\d{2})" + _TIME + r"\s*$"
_YEAR_FIRST = r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})" + _TIME + r"\s*$"
_PROGRESS_LINES = r"\s*[\r\n]+\s*-?\d+(?:[.,]\d+)?\s*%\s*$"
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


_GROUP = re.compile(r"(?<!\\)\((?!\?)")


def extract(text: pd.Series, pattern: str) -> pd.DataFrame:
    """`Series.str.extract` done by Arrow's vectorised RE2 (faster on a million cells
    than pandas' Python regular expressions); groups that did not take part come back as NaN, like pandas'."""
    count = iter(range(100))
    named = _GROUP.sub(lambda _: f"(?P<g{next(count)}>", pattern)
    array = pa.array(text.astype("str"), type=pa.string(), from_pandas=True)
    found = pc.extract_regex(array, named)
    out = {}
    for i in range(len(found.type)):
        col = pc.struct_field(found, [i]).to_numpy(zero_copy_only=False)
        out[i] = pd.Series(col, index=text.index, dtype="str").replace("", np.nan)
    return pd.DataFrame(out, index=text.index)


def is_null(text: pd.Series) -> pd.Series:
    return text.str.strip().str.lower().isin(NULL_WORDS)


def _ok(index) -> pd.Series:
    return pd.Series("", index=index, dtype=object)


def _problems(bad: pd.Series, text: pd.Series, what: str) -> pd.Series:
    """'"abc" is not a date' for bad cells, '' elsewhere."""
    out = _ok(text.index)
    if bad.any():
        out[bad] = "'" + text[bad].str.slice(0, 40) + f"' is not {what}"
    return out


# ---------------------------------------------------------------------------- dates
def _date_text(text: pd.Series) -> pd.Series:
    """The date part of each cell. GLPI's SLA cells hold the due time and, on further
    lines, how much of it is used ("11-09-2025 08:08 \n\n 8%"): the first line is the
    date."""
    if text.str.contains("\n", regex=False).any():
        text = text.str.replace(_PROGRESS_LINES, "", regex=True)
    return text


def _numeric_date_parts(text: pd.Series) -> pd.DataFrame:
    """Day/month parts of the values written like 03/04/2026 (ISO columns skip the work)."""
    text = _date_text(text)
    # Matching a short prefix is several times cheaper than the whole cell.
    prefix = text.str.slice(0, 12).str.lstrip()
    candidates = text[prefix.str.match(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d")]
    return extract(candidates, _NUMERIC_DATE)


def date_order_evidence(text: pd.Series) -> str | None:
    """DAY_FIRST or MONTH_FIRST when the column's numeric dates settle it, None when every
    value fits both readings (or there are none), 'conflict' when they contradict."""
    parts = _numeric_date_parts(text)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    # A value with both parts over 12 is simply not a date; it settles nothing.
    day_first = bool(((first > 12) & (second <= 12)).any())
    month_first = bool(((second > 12) & (first <= 12)).any())
    if day_first and month_first:
        return "conflict"
    return DAY_FIRST if day_first else MONTH_FIRST if month_first else None


def ambiguous_dates(text: pd.Series) -> pd.Series:
    """The values that read as a date both day-first and month-first (03/04/2026)."""
    parts = _numeric_date_parts(text)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    both = (first <= 12) & (second <= 12) & (first >= 1) & (second >= 1)
    return _date_text(text).str.strip()[parts.index][both]


def parse_datetimes(text: pd.Series, order: str | None = None, timezone: str | None = "UTC"
                    ) -> tuple[pd.Series, pd.Series]:
    """Naive local datetimes; values with a UTC offset are converted to ``timezone`` (with
    ``timezone=None`` the offset is dropped and the written wall time kept).
    ``order`` is how to read `03/04/2026` (required when such values occur)."""
    text = _date_text(text).str.strip()
    null = text.str.lower().isin(NULL_WORDS)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    done = null.copy()

    # Cheap tests on short slices first: a million ISO timestamps is the common case.
    iso = ~done & text.str.slice(0, 10).str.match(r"\d{4}-\d{1,2}-\d{1,2}")
    if iso.any():
        tail = text.str.slice(-6)
        with_offset = iso & tail.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
        naive = iso & ~with_offset
        if naive.any():
            result[naive] = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
        if with_offset.any() and timezone is None:  # a calendar day: keep the wall time
            result[with_offset] = pd.to_datetime(
                text[with_offset].str.replace(r"\s*(?:Z|[+-]\d{2}:?\d{2})$", "", regex=True),
                format="ISO8601", errors="coerce")
        elif with_offset.any():
            aware = pd.to_datetime(text[with_offset], format="ISO8601", errors="coerce",
                                   utc=True)
            result[with_offset] = aware.dt.tz_convert(timezone).dt.tz_localize(None)
        done |= iso

    for pattern, builder in ((_NUMERIC_DATE, _numeric_parts), (_NAMED_MONTH, _named_parts),
                             (_YEAR_FIRST, _year_first_parts)):
        rest = ~done
        if not rest.any():
            break
        parts = extract(text[rest], pattern)
        matched = parts[0].notna()
        if not matched.any():
            continue
        parts = parts[matched]
        year, month, day = builder(parts, order)
        result[parts.index] = _assemble(year, month, day, parts)
        done[parts.index] = True

    bad = ~null & result.isna()
    # 1900-01-01 (and Excel's day zero) is how several PSAs write "no date".
    result = result.where(~(result.dt.year <= 1900))
    return result, _problems(bad, text, "a date")


def _numeric_parts(parts: pd.DataFrame, order: str | None):
    a = pd.to_numeric(parts[0])
    b = pd.to_numeric(parts[1])
    if order == DAY_FIRST:
        day, month = a, b
    else:  # the caller refuses an undecided ambiguous column before we get here
        day, month = b, a
    return _full_year(parts[2]), month, day


def _named_parts(parts: pd.DataFrame, order: str | None):
    month = parts[1].str.slice(0, 3).str.lower().map(_MONTHS)
    return _full_year(parts[2]), month, pd.to_numeric(parts[0])


def _year_first_parts(parts: pd.DataFrame, order: str | None):
    return pd.to_numeric(parts[0]), pd.to_numeric(parts[1]), pd.to_numeric(parts[2])


def _full_year(text: pd.Series) -> pd.Series:
    year = pd.to_numeric(text)
    return year.where(text.str.len() == 4, np.where(year < 70, 2000 + year, 1900 + year))


def _assemble(year, month, day, parts: pd.DataFrame) -> pd.Series:
    hour = pd.to_numeric(parts[3], errors="coerce").fillna(0)
    minute = pd.to_numeric(parts[4], errors="coerce").fillna(0)
    second = pd.to_numeric(parts[5], errors="coerce").fillna(0)
    ampm = parts[6].fillna("").str.lower().str.replace(".", "", regex=False)
    twelve = ampm.ne("")
    bad_clock = twelve & ((hour < 1) | (hour > 12))
    hour = hour.where(~twelve, (hour % 12) + np.where(ampm.eq("pm"), 12, 0))
    frame = pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour,
                          "minute": minute, "second": second}).astype("float64")
    out = pd.to_datetime(frame, errors="coerce")
    return out.where(~bad_clock)


# ---------------------------------------------------------------------------- numbers
def parse_hours(text: pd.Series, header: str = "") -> tuple[pd.Series, pd.Series]:
    """Decimal hours, `h:mm`, `hh:mm:ss`, or minutes when the header says so."""
    text = text.str.strip()
    null = is_null(text)
    value = pd.to_numeric(text, errors="coerce")  # plain decimals: the common case
    if "min" in header.lower():
        value = value / 60
    slow = value.isna() & ~null
    if not slow.any():
        return value, _ok(text.index)
    full, text = text, text[slow]
    clock = extract(text, r"^(-?)(\d+):(\d{1,2})(?::(\d{1,2}))?$")
    is_clock = clock[1].notna()
    if is_clock.any():
        c = clock[is_clock]
        hours = (pd.to_numeric(c[1]) + pd.to_numeric(c[2]) / 60
                 + pd.to_numeric(c[3]).fillna(0) / 3600)
        value[c.index] = hours.where(c[0].ne("-"), -hours)
    plain = ~is_clock
    if plain.any():
        number = _decimal(text[plain].str.replace(r"\s*(h|hrs?|hours?)$", "", regex=True))
        if "min" in header.lower():
            number = number / 60
        value[plain[plain].index] = number
    bad = slow & value.isna()
    return value, _problems(bad, full, "a number of hours")


def _decimal(text: pd.Series) -> pd.Series:
    """`1.5` and `1,5` are both one and a half; `1,234.5` and `1.234,5` both 1234.5."""
    fast = pd.to_numeric(text, errors="coerce")
    if fast.notna().all():
        return fast
    t = text.str.replace(r"[\s\u00a0']", "", regex=True)
    comma_decimal = t.str.contains(r",\d{1,2}$|\.\d{3},", regex=True) | \
        (t.str.contains(",", regex=False) & ~t.str.contains(".", regex=False)
         & ~t.str.match(r"^-?\d{1,3}(,\d{3})+$"))
    t = t.where(~comma_decimal, t.str.replace(".", "", regex=False)
                .str.replace(",", ".", regex=False))
    t = t.where(comma_decimal, t.str.replace(",", "", regex=False))
    return pd.to_numeric(t, errors="coerce")


def parse_money(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`$1,234.50`, `(1,234.50)` (negative), `1.234,50 €`, `-£12`, `USD 10`."""
    text = text.str.strip()
    null = is_null(text)
    fast = pd.to_numeric(text, errors="coerce")
    if (fast.notna() | null).all():
        return fast.where(~null), _ok(text.index)
    negative = text.str.match(r"^\(.*\)$") | text.str.match(r"^-|^[^\d]*-\d")
    bare = text.str.replace(r"[()\-+]|[A-Za-z]{3}\b|[$€£¥]", "", regex=True)
    value = _decimal(bare).abs()
    value = value.where(~negative, -value)
    bad = ~null & value.isna()
    return value, _problems(bad, text, "an amount of money")


def parse_int(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = text.str.strip()
    null = is_null(text)
    number = pd.to_numeric(text, errors="coerce")
    bad = ~null & (number.isna() | (number.round() != number))
    return number.where(~bad).astype("Int64"), _problems(bad, text, "a whole number")


def parse_bool(text: pd.Series, words: dict[str, object] | None = None
               ) -> tuple[pd.Series, pd.Series]:
    """Yes/no columns; ``words`` is a preset's own vocabulary (`In` / `Out` for SLA)."""
    key = text.str.strip().str.lower()
    null = key.isin(NULL_WORDS)
    mapping = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}
    for word, val in (words or {}).items():
        mapping[str(word).lower()] = val
    value = key.map(mapping)
    loose = value.isna() & ~null
    if loose.any():  # `Do Not Bill`, `do_not_bill` and `DoNotBill` are one word
        squeezed = key[loose].str.replace(r"[\s_\-]", "", regex=True).map(
            {k.replace(" ", ""): v for k, v in mapping.items()})
        value[loose] = squeezed
    bad = ~null & value.isna()
    return value.astype("boolean"), _problems(bad, text, "yes or no")


def parse_text(text: pd.Series) -> pd.Series:
    clean = text.str.strip()
    return clean.where(~clean.str.lower().isin(NULL_WORDS))
