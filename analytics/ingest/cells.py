"""A column's distinct values, grouped by Python type and spread back to its rows.

Every parser works on the distinct values of a column (``pd.factorize``), parses those with
pyarrow compute kernels and maps the results back, so a 1,000,000-row column costs about as
much as its few thousand distinct values plus one factorize and one take.
"""

from __future__ import annotations

import datetime as dt
import numbers
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# RE2 (pyarrow) has no Unicode \s: Excel cells carry non-breaking and other odd spaces.
_SPACE_RUN = r"[\s\x{a0}\x{1680}\x{2000}-\x{200b}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]+"


# Shared empty defaults of Uniques (never written to).
_NONE = np.array([], dtype=np.intp)
_NO_TEXT = pa.array([], type=pa.string())
_NO_FLOATS = np.array([], dtype=np.float64)
_NO_BOOLS = np.array([], dtype=bool)
_NO_DAYS = np.array([], dtype="datetime64[D]")
_NO_OBJECTS = np.array([], dtype=object)


class Uniques(NamedTuple):
    """A column split into row codes and its distinct values grouped by Python type."""

    codes: np.ndarray  # per row: index into the distinct values, -1 for missing
    size: int
    text_at: np.ndarray = _NONE
    text: pa.Array = _NO_TEXT  # trimmed, whitespace folded
    number_at: np.ndarray = _NONE
    numbers: np.ndarray = _NO_FLOATS
    bool_at: np.ndarray = _NONE
    bools: np.ndarray = _NO_BOOLS
    datetime_at: np.ndarray = _NONE
    datetimes: np.ndarray = _NO_DAYS
    other_at: np.ndarray = _NONE
    others: np.ndarray = _NO_OBJECTS  # e.g. datetime.time, Decimal


def _kind_of(t: type) -> str:
    if issubclass(t, str):
        return "text"
    if issubclass(t, bool | np.bool_):
        return "bool"
    if issubclass(t, numbers.Real):
        return "number"
    if issubclass(t, dt.date | np.datetime64):
        return "datetime"
    return "other"


def _to_days(objects: np.ndarray) -> np.ndarray:
    """Datetime-like objects to datetime64[D]; NaT where not convertible."""
    if len(objects) == 0:
        return _NO_DAYS
    try:
        stamps = pd.to_datetime(pd.Series(objects, dtype=object), errors="coerce")
    except (TypeError, ValueError):
        # Mixed time zones refuse the vectorised path; one by one only for such columns.
        naive = [
            pd.Timestamp(o).tz_localize(None) if getattr(o, "tzinfo", None) else o for o in objects
        ]
        stamps = pd.to_datetime(pd.Series(naive, dtype=object), errors="coerce")
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    return stamps.to_numpy().astype("datetime64[D]")


def fold_text(text: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, _SPACE_RUN, " "))


def distinct_values(values: pd.Series) -> Uniques:
    """Factorize a column and sort its distinct values by kind."""
    dtype = values.dtype
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    size = len(uniq)
    every = np.arange(size)
    if pd.api.types.is_bool_dtype(dtype):
        return Uniques(codes, size, bool_at=every, bools=np.asarray(uniq, dtype=bool))
    if pd.api.types.is_numeric_dtype(dtype):
        return Uniques(codes, size, number_at=every, numbers=np.asarray(uniq, dtype=np.float64))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = pd.DatetimeIndex(uniq)
        if stamps.tz is not None:
            stamps = stamps.tz_localize(None)
        days = stamps.to_numpy().astype("datetime64[D]")
        return Uniques(codes, size, datetime_at=every, datetimes=days)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        text = pa.array(uniq)
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        text = text.cast(pa.string())
        return Uniques(codes, size, text_at=every, text=fold_text(text))
    objects = np.asarray(uniq, dtype=object)
    types = np.frompyfunc(type, 1, 1)(objects).astype(object)
    names = {t: _kind_of(t) for t in set(types)}
    kinds = np.array([names[t] for t in types], dtype=object)
    at = {kind: np.flatnonzero(kinds == kind) for kind in ("text", "number", "bool", "datetime")}
    at["other"] = np.flatnonzero(kinds == "other")
    return Uniques(
        codes,
        size,
        text_at=at["text"],
        text=fold_text(pa.array(objects[at["text"]].tolist(), type=pa.string())),
        number_at=at["number"],
        numbers=objects[at["number"]].astype(np.float64),
        bool_at=at["bool"],
        bools=objects[at["bool"]].astype(bool),
        datetime_at=at["datetime"],
        datetimes=_to_days(objects[at["datetime"]]),
        other_at=at["other"],
        others=objects[at["other"]],
    )


def spread(codes: np.ndarray, per_unique: np.ndarray, missing: object) -> np.ndarray:
    """Per-unique results to per-row results."""
    # The missing value goes last so that code -1 (numpy's last element) picks it.
    return np.append(per_unique, np.array([missing], dtype=per_unique.dtype))[codes]


def text_rows(codes: np.ndarray, per_unique: np.ndarray, like: pd.Series) -> pd.Series:
    """Per-unique text (object array, None = missing) to a "str" Series shaped like `like`."""
    # pyarrow's take is several times faster than building "str" from a 1M-object array.
    # Large strings: take is five times faster than with 32-bit offsets.
    text = pa.array(np.append(per_unique, None), type=pa.large_string())
    rows = text.take(pa.array(np.where(codes < 0, len(per_unique), codes)))
    return pd.Series(rows, index=like.index, name=like.name, dtype="str")


def extract(text: pa.Array, pattern: str) -> tuple[np.ndarray, dict[str, pa.Array]]:
    """Positions of the values matching pattern and their named groups (strings)."""
    found = pc.extract_regex(text, pattern)
    hit = np.asarray(found.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    at = np.flatnonzero(hit)
    mask = pa.array(hit)
    groups = {
        found.type.field(i).name: pc.array_filter(found.field(i), mask)
        for i in range(found.type.num_fields)
    }
    return at, groups


def ints(part: pa.Array) -> np.ndarray:
    """Digit strings (possibly empty) to int64, 0 for empty."""
    filled = pc.if_else(pc.equal(part, ""), "0", part)
    return pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False)


def arrow_text(values: pd.Series) -> pa.ChunkedArray:
    """A "str" column as the Arrow large strings pandas holds it in (no copy)."""
    return pa.chunked_array(pa.array(values.array)).cast(pa.large_string())


def cast_long_text(values: pd.Series, to: pa.DataType) -> pa.ChunkedArray | None:
    """A long CSV text column cast in one Arrow pass; None when it is not text or a cell fails.

    The fast path of the parsers below: every cell in the one plain form Arrow reads (ISO
    dates, plain numbers), no distinct values needed. Anything else takes the full parser.
    """
    if not isinstance(values.dtype, pd.StringDtype) or len(values) < 10_000:
        return None
    try:
        return pc.cast(arrow_text(values), to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
