"""Column helpers shared by the KPI modules: read a frame's column as a clean type.

The store hands back timestamps as datetimes or as ISO text (SQLite), and an empty table
as ``object`` columns, so every KPI reads its columns through these helpers.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


EARLIEST = pd.Timestamp("1900-01-01")
LATEST = pd.Timestamp("2100-01-01")


def datetimes(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` as naive ``datetime64[ns]``; missing column or unreadable cell → NaT;
    times before 1900 or after 2100 (placeholder dates) are clipped to those bounds."""
    if column not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    values = frame[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values.astype("object").where(values.notna(), None),
                                errors="coerce", format="ISO8601")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    # Placeholders such as 9999-12-31 ("never") fall outside what nanoseconds can hold:
    # keep them as far past / far future rather than failing or losing them.
    values = values.astype("datetime64[us]").clip(EARLIEST, LATEST)
    return values.astype("datetime64[ns]")


def texts(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` as stripped text (pandas' Arrow-backed ``str``) with blanks as
    missing (NaN)."""
    if column not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype="object")
    # Arrow-backed strings: strip and blank tests run vectorised (object dtype would run
    # them in Python, a second per million rows).
    values = frame[column].astype("str").str.strip()
    return values.where(values != "")


def numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` as float; missing column or unreadable cell → NaN."""
    if column not in frame:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def ns(values: pd.Series) -> np.ndarray:
    """Datetimes as int64 nanoseconds since the epoch; NaT becomes the int64 minimum."""
    return np.asarray(values.astype("datetime64[ns]")).view("int64")
