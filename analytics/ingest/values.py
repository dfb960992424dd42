"""Cell value parsing: dates, money, flags, counts, NPIs and text from Excel or CSV columns.

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

__all__ = [
    "AFTER_2100",
    "BEFORE_1990",
    "DAY_FIRST",
    "DAY_FIRST_ASSUMED",
    "DAY_FIRST_CONFLICTING",
    "DECIMAL_COMMA",
    "DECIMAL_COMMA_ASSUMED",
    "DECIMAL_POINT",
    "DECIMAL_POINT_ASSUMED",
    "MAX_AMOUNT",
    "MAX_COUNT",
    "MIXED_DECIMALS",
    "MONTH_FIRST",
    "MONTH_FIRST_ASSUMED",
    "MONTH_FIRST_CONFLICTING",
    "NEGATIVE",
    "NOT_A_DATE",
    "NOT_A_NUMBER",
    "NOT_FINITE",
    "NO_DECIMALS",
    "NO_SLASH_DATES",
    "OVER_AMOUNT",
    "OVER_COUNT",
    "PROBLEMS",
    "UNDER_AMOUNT",
    "DateColumn",
    "NumberColumn",
    "arrow_text",
    "clean_text",
    "looks_like_dates",
    "looks_like_money",
    "normalize_npi",
    "npi_is_valid",
    "parse_counts",
    "parse_dates",
    "parse_dates_report",
    "parse_flags",
    "parse_money",
    "read_counts",
    "read_dates",
    "read_money",
    "read_numbers",
    "text_bytes",
]

# How the slash dates of a column were read (second value of parse_dates_report).
DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
# Slash dates present but none with a part > 12: read as US month/day.
MONTH_FIRST_ASSUMED = "month-first (assumed)"
# Parts > 12 in both positions: read as month/day, the day/month cells become NaT.
MONTH_FIRST_CONFLICTING = "month-first (conflicting)"
# Mostly dotted dates (04.03.2025), none with a part > 12: read day/month as Europe writes them.
DAY_FIRST_ASSUMED = "day-first (assumed)"
# Mostly dotted dates with parts > 12 in both positions: day/month, month/day cells are NaT.
DAY_FIRST_CONFLICTING = "day-first (conflicting)"
NO_SLASH_DATES = "none"

# Sane caps: beyond them a cell is a typo or an attack (1e308 sums to inf), not a value.
MAX_AMOUNT = 1_000_000  # one referral's charges or payments, one activity's cost
MAX_COUNT = 100_000  # visits of one referral, referrals on one summary row
# Why a non-blank cell gave no value (NumberColumn/DateColumn.problems index this; 0 = fine).
NOT_A_NUMBER = "not a number"
NOT_FINITE = "not finite"
NEGATIVE = "negative"
OVER_AMOUNT = f"over {MAX_AMOUNT:,}"
UNDER_AMOUNT = f"under -{MAX_AMOUNT:,}"
OVER_COUNT = f"over {MAX_COUNT:,}"
NOT_A_DATE = "not a date"
BEFORE_1990 = "before 1990"
AFTER_2100 = "after 2100"
PROBLEMS = (
    "",
    NOT_A_NUMBER,
    NOT_FINITE,
    NEGATIVE,
    OVER_AMOUNT,
    UNDER_AMOUNT,
    OVER_COUNT,
    NOT_A_DATE,
    BEFORE_1990,
    AFTER_2100,
)
_FINE, _NAN, _INF, _NEG, _OVER, _UNDER, _OVER_COUNT, _NOT_DATE, _EARLY, _LATE = range(len(PROBLEMS))
# Deliberate blanks in a date column.
_NO_DATE = r"(?i)^(?:-+|–|—|n/?a|n\.a\.|none|null|nil)?$"

_MIN_DATE = np.datetime64("1990-01-01", "D")
_MAX_DATE = np.datetime64("2100-12-31", "D")
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_MIN_SERIAL = int((_MIN_DATE - _EXCEL_EPOCH).astype(int))
_MAX_SERIAL = int((_MAX_DATE - _EXCEL_EPOCH).astype(int))
_SAMPLE_SIZE = 1000

# RE2 (pyarrow) has no Unicode \s: Excel cells carry non-breaking and other odd spaces.
_SPACE_RUN = r"[\s\x{a0}\x{1680}\x{2000}-\x{200b}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]+"


# Shared empty defaults of _Uniques (never written to).
_NONE = np.array([], dtype=np.intp)
_NO_TEXT = pa.array([], type=pa.string())
_NO_FLOATS = np.array([], dtype=np.float64)
_NO_BOOLS = np.array([], dtype=bool)
_NO_DAYS = np.array([], dtype="datetime64[D]")
_NO_OBJECTS = np.array([], dtype=object)


class _Uniques(NamedTuple):
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


def _fold_text(text: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, _SPACE_RUN, " "))


def _uniques(values: pd.Series) -> _Uniques:
    """Factorize a column and sort its distinct values by kind."""
    dtype = values.dtype
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    size = len(uniq)
    every = np.arange(size)
    if pd.api.types.is_bool_dtype(dtype):
        return _Uniques(codes, size, bool_at=every, bools=np.asarray(uniq, dtype=bool))
    if pd.api.types.is_numeric_dtype(dtype):
        return _Uniques(codes, size, number_at=every, numbers=np.asarray(uniq, dtype=np.float64))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = pd.DatetimeIndex(uniq)
        if stamps.tz is not None:
            stamps = stamps.tz_localize(None)
        days = stamps.to_numpy().astype("datetime64[D]")
        return _Uniques(codes, size, datetime_at=every, datetimes=days)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        text = pa.array(uniq)
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        text = text.cast(pa.string())
        return _Uniques(codes, size, text_at=every, text=_fold_text(text))
    objects = np.asarray(uniq, dtype=object)
    types = np.frompyfunc(type, 1, 1)(objects).astype(object)
    names = {t: _kind_of(t) for t in set(types)}
    kinds = np.array([names[t] for t in types], dtype=object)
    at = {kind: np.flatnonzero(kinds == kind) for kind in ("text", "number", "bool", "datetime")}
    at["other"] = np.flatnonzero(kinds == "other")
    return _Uniques(
        codes,
        size,
        text_at=at["text"],
        text=_fold_text(pa.array(objects[at["text"]].tolist(), type=pa.string())),
        number_at=at["number"],
        numbers=objects[at["number"]].astype(np.float64),
        bool_at=at["bool"],
        bools=objects[at["bool"]].astype(bool),
        datetime_at=at["datetime"],
        datetimes=_to_days(objects[at["datetime"]]),
        other_at=at["other"],
        others=objects[at["other"]],
    )


def _spread(codes: np.ndarray, per_unique: np.ndarray, missing: object) -> np.ndarray:
    """Per-unique results to per-row results."""
    # The missing value goes last so that code -1 (numpy's last element) picks it.
    return np.append(per_unique, np.array([missing], dtype=per_unique.dtype))[codes]


def _text_rows(codes: np.ndarray, per_unique: np.ndarray, like: pd.Series) -> pd.Series:
    """Per-unique text (object array, None = missing) to a "str" Series shaped like `like`."""
    # pyarrow's take is several times faster than building "str" from a 1M-object array.
    # Large strings: take is five times faster than with 32-bit offsets.
    text = pa.array(np.append(per_unique, None), type=pa.large_string())
    rows = text.take(pa.array(np.where(codes < 0, len(per_unique), codes)))
    return pd.Series(rows, index=like.index, name=like.name, dtype="str")


def _extract(text: pa.Array, pattern: str) -> tuple[np.ndarray, dict[str, pa.Array]]:
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


def _ints(part: pa.Array) -> np.ndarray:
    """Digit strings (possibly empty) to int64, 0 for empty."""
    filled = pc.if_else(pc.equal(part, ""), "0", part)
    return pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False)


# --- dates -----------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_NAMES = pa.array(list(_MONTHS))
_MONTH_NUMBERS = np.array([0, *_MONTHS.values()], dtype=np.int64)

_TIME = (
    r"(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?)?"
    r"\s*(?:z|[+-]\d{2}:?\d{2})?"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ISO = rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$"
_SLASH = rf"^(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})[-/.](?P<y>\d{{4}}|\d{{2}}){_TIME}$"
_NAME_MDY = (
    rf"^{_WEEKDAY}(?P<mon>[a-z]{{3,9}})\.?[\s-]+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?[\s-]+"
    rf"(?P<y>\d{{4}}|\d{{2}}){_TIME}$"
)
_NAME_DMY = (
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?P<mon>[a-z]{{3,9}})\.?,?[\s-]+"
    rf"(?P<y>\d{{4}}|\d{{2}}){_TIME}$"
)
# Month labels of summaries: "Apr 2025", "April, 2025", Excel's "mmm-yy" ("Apr-25").
_NAME_MONTH = r"^(?P<mon>[a-z]{3,9})\.?,?[\s-]+(?P<y>\d{4})$"
_NAME_MONTH_SHORT = r"^(?P<mon>[a-z]{3})-(?P<y>\d{2})$"
_NUM_MONTH_YM = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"
_NUM_MONTH_MY = r"^(?P<m>\d{1,2})[-/](?P<y>\d{4})$"
_NUMBER = r"^(?P<n>\d+(?:\.\d+)?)$"


def _full_year(y: np.ndarray) -> np.ndarray:
    # Two-digit years pivot like strptime's %y: 00-68 -> 20xx, 69-99 -> 19xx.
    return np.where(y < 100, np.where(y <= 68, y + 2000, y + 1900), y)


def _ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Year, month, day arrays to datetime64[D]; NaT for impossible or out-of-range dates."""
    y, m, d = (np.asarray(a, dtype=np.int64) for a in (y, m, d))
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (y >= 1900) & (y <= 2200)
    months = np.where(ok, (y - 1970) * 12 + (m - 1), 0).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + np.where(ok, d - 1, 0)
    # Day 30 of February rolls into March: the month no longer matches.
    ok &= days.astype("datetime64[M]") == months
    return np.where(ok, days, np.datetime64("NaT", "D"))


def _month_number(names: pa.Array) -> np.ndarray:
    at = pc.index_in(names, value_set=_MONTH_NAMES).to_numpy(zero_copy_only=False)
    return _MONTH_NUMBERS[np.nan_to_num(at.astype(np.float64), nan=-1).astype(np.int64) + 1]


def _from_numbers(nums: np.ndarray) -> np.ndarray:
    """Excel serials (1900 system) and yyyymmdd integers to datetime64[D]."""
    out = np.full(len(nums), np.datetime64("NaT", "D"))
    # Beyond 1e12 nothing is a serial or yyyymmdd; such numbers would not fit an int64.
    finite = np.isfinite(nums) & (np.abs(nums) < 1e12)
    whole = np.floor(np.where(finite, nums, 0)).astype(np.int64)
    serial = finite & (whole >= _MIN_SERIAL) & (whole <= _MAX_SERIAL)
    out[serial] = _EXCEL_EPOCH + whole[serial]
    compact = finite & (nums == whole) & (whole >= 19000101) & (whole <= 22001231)
    c = whole[compact]
    out[compact] = _ymd(c // 10000, c // 100 % 100, c % 100)
    return out


def _dates_from_text(text: pa.Array) -> tuple[np.ndarray, str]:
    """Text to datetime64[D] and the slash convention chosen for the column."""
    out = np.full(len(text), np.datetime64("NaT", "D"))
    lower = pc.utf8_lower(text)
    todo = np.arange(len(text))

    def take(pattern: str) -> tuple[np.ndarray, dict[str, pa.Array]]:
        nonlocal todo
        hit, groups = _extract(lower.take(pa.array(todo)), pattern)
        at = todo[hit]
        todo = np.delete(todo, hit)
        return at, groups

    at, g = take(_ISO)
    out[at] = _ymd(_ints(g["y"]), _ints(g["m"]), _ints(g["d"]))
    at, g = take(_SLASH)
    a, b, y = _ints(g["a"]), _ints(g["b"]), _full_year(_ints(g["y"]))
    # Only cells readable one way are evidence: 13/13/2025 is a typo, not a convention.
    first_big = bool(((a > 12) & (a <= 31) & (b <= 12)).any())
    second_big = bool(((b > 12) & (b <= 31) & (a <= 12)).any())
    # US exports never write dates with dots; Europe (04.03.2025) always writes day first.
    dotted = 2 * int(pc.sum(pc.equal(g["sep"], ".")).as_py() or 0) > len(at)
    if len(at) == 0:
        convention = NO_SLASH_DATES
    elif first_big != second_big:
        convention = DAY_FIRST if first_big else MONTH_FIRST
    elif first_big:
        convention = DAY_FIRST_CONFLICTING if dotted else MONTH_FIRST_CONFLICTING
    else:
        convention = DAY_FIRST_ASSUMED if dotted else MONTH_FIRST_ASSUMED
    day_first = convention in (DAY_FIRST, DAY_FIRST_ASSUMED, DAY_FIRST_CONFLICTING)
    out[at] = _ymd(y, b, a) if day_first else _ymd(y, a, b)
    for pattern in (_NAME_MDY, _NAME_DMY):
        at, g = take(pattern)
        out[at] = _ymd(_full_year(_ints(g["y"])), _month_number(g["mon"]), _ints(g["d"]))
    for pattern in (_NAME_MONTH, _NAME_MONTH_SHORT):
        at, g = take(pattern)
        out[at] = _ymd(_full_year(_ints(g["y"])), _month_number(g["mon"]), np.ones(len(at)))
    for pattern in (_NUM_MONTH_YM, _NUM_MONTH_MY):
        at, g = take(pattern)
        out[at] = _ymd(_ints(g["y"]), _ints(g["m"]), np.ones(len(at)))
    at, g = take(_NUMBER)
    out[at] = _from_numbers(pc.cast(g["n"], pa.float64()).to_numpy(zero_copy_only=False))
    return out, convention


def arrow_text(values: pd.Series) -> pa.ChunkedArray:
    """A "str" column as the Arrow large strings pandas holds it in (no copy)."""
    return pa.chunked_array(pa.array(values.array)).cast(pa.large_string())


def _cast_long_text(values: pd.Series, to: pa.DataType) -> pa.ChunkedArray | None:
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


def _iso_dates(values: pd.Series) -> tuple[pd.Series, np.ndarray | None] | None:
    """Fast path for a CSV column of ISO dates ("2025-03-14") or times ("2025-03-14 09:30")."""
    days = _cast_long_text(values, pa.date32())
    if days is None:
        # Nearly every timestamp is distinct: the per-value path would parse them all.
        days = _cast_long_text(values, pa.timestamp("us"))
    if days is None:
        return None
    rows = days.to_numpy().astype("datetime64[D]")
    outside = (rows < _MIN_DATE) | (rows > _MAX_DATE)
    problems = None
    if outside.any():
        problems = _date_range_problems(rows, np.zeros(len(rows), dtype=np.int8))
        rows[outside] = np.datetime64("NaT", "D")
    series = pd.Series(rows.astype("datetime64[ns]"), index=values.index, name=values.name)
    return series, problems


def _date_range_problems(days: np.ndarray, problems: np.ndarray) -> np.ndarray:
    """Code the dates outside the plausible window (the caller sets them to NaT)."""
    problems[days < _MIN_DATE] = _EARLY
    problems[days > _MAX_DATE] = _LATE
    return problems


class DateColumn(NamedTuple):
    """A parsed date column: dates, how slash dates were read, and which cells were refused."""

    dates: pd.Series  # datetime64[ns] at midnight; NaT when blank or refused
    convention: str  # DAY_FIRST, MONTH_FIRST, ...
    problems: np.ndarray | None  # per row: index into PROBLEMS; None when no cell was refused


def read_dates(values: pd.Series) -> DateColumn:
    """Parse a date column; non-blank cells that give no date in 1990-2100 are coded."""
    iso = _iso_dates(values)
    if iso is not None:
        return DateColumn(iso[0], NO_SLASH_DATES, iso[1])
    u = _uniques(values)
    days = np.full(u.size, np.datetime64("NaT", "D"))
    text_days, convention = _dates_from_text(u.text)
    days[u.text_at] = text_days
    days[u.number_at] = _from_numbers(u.numbers)
    days[u.datetime_at] = u.datetimes
    problems = np.where(np.isnat(days), _NOT_DATE, _FINE).astype(np.int8)
    blank = pc.match_substring_regex(u.text, _NO_DATE).to_numpy(zero_copy_only=False)
    problems[u.text_at[blank]] = _FINE
    problems = _date_range_problems(days, problems)
    days[problems > 0] = np.datetime64("NaT", "D")
    rows = _spread(u.codes, days, np.datetime64("NaT", "D")).astype("datetime64[ns]")
    refused = _spread(u.codes, problems, np.int8(_FINE)) if problems.any() else None
    series = pd.Series(rows, index=values.index, name=values.name)
    return DateColumn(series, convention, refused)


def parse_dates_report(values: pd.Series) -> tuple[pd.Series, str]:
    """Parse a date column and say how its slash dates were read (DAY_FIRST, MONTH_FIRST...)."""
    column = read_dates(values)
    return column.dates, column.convention


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse a date column to datetime64[ns] at midnight, NaT for missing or unparseable."""
    return parse_dates_report(values)[0]


# --- money and counts ------------------------------------------------------------------

# How the numbers of a column were read (NumberColumn.convention), decided per column.
DECIMAL_POINT = "decimal point"
DECIMAL_COMMA = "decimal comma"
# No cell tells: only "1,234"-like (or "1.234"-like) cells, read as thousands.
DECIMAL_POINT_ASSUMED = "decimal point (assumed)"
DECIMAL_COMMA_ASSUMED = "decimal comma (assumed)"
# Cells of both conventions: each read the one way it can be, "1.234"-like ones as most are.
MIXED_DECIMALS = "mixed"
NO_DECIMALS = "none"  # whole numbers only, or no text: nothing to decide


class NumberColumn(NamedTuple):
    """A parsed number column: values, how they were read, and which cells were refused."""

    numbers: pd.Series  # float64; NaN when blank or refused
    convention: str  # DECIMAL_POINT, DECIMAL_COMMA, ...
    problems: np.ndarray | None  # per row: index into PROBLEMS; None when no cell was refused


_CUR = r"(?:us\$|ca?\$|au?\$|\$|€|£|chf|sfr\.?|fr\.|eur|usd|gbp|cad|aud)"
# Digits with single separators between them: "1.234,50", "1 234", "1'234.50", "5.".
_DIGITS = r"(?P<num>\d(?:[.,' ]?\d)*[.,]?|[.,]\d+)(?P<exp>e[-+]?\d+)?"
_MONEY = (
    rf"^(?P<lead>[-+])?\s*{_CUR}?\s*(?P<open>\()?\s*(?P<sign>[-+])?\s*{_CUR}?\s*"
    rf"(?P<sign2>[-+])?\s*{_DIGITS}\s*{_CUR}?\s*(?P<close>\))?\s*(?P<trail>-)?\s*{_CUR}?$"
)
# Deliberate blanks: dashes (Excel's accounting zero shows "$ -"), n/a, none.
_PLACEHOLDER = rf"^{_CUR}?\s*(?:-+|–|—|n/?a|n\.a\.|none|null|nil)?\s*{_CUR}?$"
_NON_FINITE = rf"^[-+]?\s*{_CUR}?\s*(?:nan|inf|infinity|∞)\s*{_CUR}?$"
# Thousands groups start with 1-9 and hold three digits; one separator kind per cell.
_POINT_GROUPS = "|".join(rf"[1-9]\d{{0,2}}(?:{sep}\d{{3}})+" for sep in (",", " ", "'"))
_COMMA_GROUPS = "|".join(rf"[1-9]\d{{0,2}}(?:{sep}\d{{3}})+" for sep in (r"\.", " ", "'"))
_POINT_FORM = rf"^(?:\d+|{_POINT_GROUPS})(?:\.\d*)?$|^\.\d+$"
_COMMA_FORM = rf"^(?:\d+|{_COMMA_GROUPS})(?:,\d*)?$|^,\d+$"
_NULL_TEXT = pa.scalar(None, pa.string())


def _as_floats(text: pa.Array, ok: np.ndarray) -> np.ndarray:
    """Cast the text where ok to float64; NaN elsewhere."""
    valid = pc.if_else(pa.array(ok), text, _NULL_TEXT)
    return pc.cast(valid, pa.float64()).to_numpy(zero_copy_only=False)


def _decimal_convention(point_only: int, comma_only: int, dots: int, commas: int) -> str:
    """The column's decimal separator from the cells only one reading fits."""
    if point_only and comma_only:
        return MIXED_DECIMALS
    if comma_only:
        return DECIMAL_COMMA
    if point_only:
        return DECIMAL_POINT
    if dots or commas:
        return DECIMAL_COMMA_ASSUMED if dots > commas else DECIMAL_POINT_ASSUMED
    return NO_DECIMALS


def _numbers_from_text(text: pa.Array) -> tuple[np.ndarray, np.ndarray, str]:
    """Folded text to numbers, problem codes and the column's decimal convention."""
    out = np.full(len(text), np.nan)
    problems = np.full(len(text), _NAN, dtype=np.int8)
    if len(text) == 0:
        return out, problems, NO_DECIMALS
    lower = pc.replace_substring_regex(pc.utf8_lower(text), r"[’ʼ‘`´]", "'")
    blank = pc.match_substring_regex(lower, _PLACEHOLDER).to_numpy(zero_copy_only=False)
    problems[blank] = _FINE
    problems[pc.match_substring_regex(lower, _NON_FINITE).to_numpy(zero_copy_only=False)] = _INF
    at, g = _extract(lower, _MONEY)
    num = g["num"]
    point_ok = pc.match_substring_regex(num, _POINT_FORM).to_numpy(zero_copy_only=False)
    comma_ok = pc.match_substring_regex(num, _COMMA_FORM).to_numpy(zero_copy_only=False)
    has_dot = pc.match_substring(num, ".").to_numpy(zero_copy_only=False)
    has_comma = pc.match_substring(num, ",").to_numpy(zero_copy_only=False)
    # "1.234" or "1,234": either reading fits, and they differ by a factor of 1000.
    ambiguous = point_ok & comma_ok & (has_dot | has_comma)
    point_only, comma_only = point_ok & ~comma_ok, comma_ok & ~point_ok
    convention = _decimal_convention(
        int(point_only.sum()),
        int(comma_only.sum()),
        int((ambiguous & has_dot).sum()),
        int((ambiguous & has_comma).sum()),
    )
    if convention == MIXED_DECIMALS:
        comma_wins = comma_only.sum() > point_only.sum()
        use_comma = comma_only | (ambiguous & comma_wins)
    elif convention == DECIMAL_COMMA:
        use_comma = comma_ok
    elif convention == DECIMAL_POINT:
        use_comma = np.zeros(len(num), dtype=bool)
    else:
        # Nothing tells: money has no third decimal, so the lone separator groups thousands.
        use_comma = comma_only | (ambiguous & has_dot)
    # The readings differ in which separator is the decimal one; ' and spaces only group.
    as_point = pc.replace_substring_regex(num, r"[,' ]", "")
    as_comma = pc.replace_substring(pc.replace_substring_regex(num, r"[.' ]", ""), ",", ".")
    use_point = point_ok & ~use_comma
    amount = np.where(
        use_comma,
        _as_floats(pc.binary_join_element_wise(as_comma, g["exp"], ""), use_comma),
        _as_floats(pc.binary_join_element_wise(as_point, g["exp"], ""), use_point),
    )
    opened = pc.equal(g["open"], "(").to_numpy(zero_copy_only=False)
    closed = pc.equal(g["close"], ")").to_numpy(zero_copy_only=False)
    negative = opened & closed
    for name in ("lead", "sign", "sign2", "trail"):
        negative |= pc.equal(g[name], "-").to_numpy(zero_copy_only=False)
    # An unbalanced parenthesis is a typo we cannot read with confidence.
    amount = np.where(opened == closed, amount, np.nan)
    problems[at] = np.where(np.isnan(amount), _NAN, np.where(np.isinf(amount), _INF, _FINE))
    amount[np.isinf(amount)] = np.nan  # "1e999"
    out[at] = np.where(negative, -amount, amount)
    return out, problems, convention


def _holds_dot(text: pa.ChunkedArray) -> bool:
    """Whether any cell holds a ".", from the raw bytes (a whole-number column in ~1 ms)."""
    for chunk in text.chunks:
        data = chunk.buffers()[2]
        if not len(chunk) or data is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
        start, end = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
        if (np.frombuffer(data, dtype=np.uint8)[start:end] == ord(".")).any():
            return True
    return False


def _point_evidence(text: pa.ChunkedArray) -> bool:
    """Whether a plain-number cell has a "." followed by other than three digits."""
    dot = pc.find_substring(text, ".").to_numpy(zero_copy_only=False)
    decimals = pc.binary_length(text).to_numpy(zero_copy_only=False) - dot - 1
    return bool(((dot >= 0) & (decimals != 3)).any())


def _plain_convention(text: pa.ChunkedArray) -> str | None:
    """How a column of plain numbers reads; None when every "." has three digits after it.

    Only such "1.234"-like cells leave the separator in doubt; a first slice nearly always
    settles it, and a whole-number column is told by one pass over its bytes.
    """
    if _point_evidence(text.slice(0, 10_000)):
        return DECIMAL_POINT
    if not _holds_dot(text):
        return NO_DECIMALS
    return DECIMAL_POINT if _point_evidence(text) else None


def _plain_numbers(values: pd.Series) -> NumberColumn | None:
    """Fast path for a long CSV column of plain numbers ("1503.34")."""
    cast = _cast_long_text(values, pa.float64())
    if cast is None:
        return None
    convention = _plain_convention(arrow_text(values))
    if convention is None:
        return None  # thousands or decimals: the full parser decides
    numbers = cast.to_numpy().copy()
    problems = None
    refused = ~np.isfinite(numbers)
    if refused.any():  # blanks, or "nan" and "inf", which Arrow casts
        refused &= ~cast.is_null().to_numpy(zero_copy_only=False)
        numbers[refused] = np.nan
        problems = np.where(refused, _INF, _FINE).astype(np.int8) if refused.any() else None
    series = pd.Series(numbers, index=values.index, name=values.name, dtype=np.float64)
    return NumberColumn(series, convention, problems)


def read_numbers(values: pd.Series) -> NumberColumn:
    """Parse a number column in any locale; refused cells are NaN and coded in problems."""
    plain = _plain_numbers(values)
    if plain is not None:
        return plain
    u = _uniques(values)
    amounts = np.full(u.size, np.nan)
    problems = np.full(u.size, _NAN, dtype=np.int8)  # booleans, dates, other objects
    amounts[u.text_at], problems[u.text_at], convention = _numbers_from_text(u.text)
    finite = np.isfinite(u.numbers)
    amounts[u.number_at] = np.where(finite, u.numbers, np.nan)
    problems[u.number_at] = np.where(finite, _FINE, _INF)
    rows = _spread(u.codes, amounts, np.nan)
    series = pd.Series(rows, index=values.index, name=values.name, dtype=np.float64)
    refused = _spread(u.codes, problems, np.int8(_FINE)) if problems.any() else None
    return NumberColumn(series, convention, refused)


def _refuse(column: NumberColumn, refused: np.ndarray, code: int) -> NumberColumn:
    """Set the refused rows to NaN and record why (earlier reasons stay)."""
    if not refused.any():
        return column
    problems = column.problems
    problems = np.zeros(len(refused), dtype=np.int8) if problems is None else problems.copy()
    problems[refused & (problems == _FINE)] = code
    numbers = column.numbers.mask(refused)
    return NumberColumn(numbers, column.convention, problems)


def read_money(values: pd.Series, per: pd.Series | None = None) -> NumberColumn:
    """Amounts in any locale, refusing the unreadable, non-finite and beyond MAX_AMOUNT.

    `per` is the number of referrals each row stands for (summary rows): the cap scales.
    """
    column = read_numbers(values)
    cap = MAX_AMOUNT * (1.0 if per is None else per.to_numpy(dtype=np.float64, na_value=1.0))
    amounts = column.numbers.to_numpy()
    column = _refuse(column, amounts > cap, _OVER)
    return _refuse(column, amounts < -cap, _UNDER)


def read_counts(values: pd.Series) -> NumberColumn:
    """Counts in any locale, refusing the unreadable, non-finite, negative and over MAX_COUNT."""
    column = read_numbers(values)
    counts = column.numbers.to_numpy()
    column = _refuse(column, counts < 0, _NEG)
    return _refuse(column, counts > MAX_COUNT, _OVER_COUNT)


def parse_money(values: pd.Series) -> pd.Series:
    """Parse amounts like "$1,234.50", "1.234,50 €", "(120.00)" to float64; NaN if unreadable.

    Never infinite; no cap (read_money applies MAX_AMOUNT and says which cells it refused).
    """
    return read_numbers(values).numbers


def parse_counts(values: pd.Series) -> pd.Series:
    """Parse counts like "12", 12.0, "1,204" to float64; NaN when blank, negative or absurd."""
    return read_counts(values).numbers


# --- flags -----------------------------------------------------------------------------

_TRUE_WORDS = (
    "y", "yes", "true", "t", "1", "1.0", "x", "✓", "✔", "converted", "arrived", "evaluated",
    "seen", "attended", "completed", "complete", "done", "showed", "eval completed",
)  # fmt: skip
_FALSE_WORDS = (
    "n", "no", "false", "f", "0", "0.0", "not converted", "unconverted", "no show", "no-show",
    "noshow", "cancelled", "canceled", "not arrived", "not evaluated", "not seen",
    "did not arrive", "did not show", "declined",
)  # fmt: skip
_FLAG_WORDS = pa.array([*_TRUE_WORDS, *_FALSE_WORDS])


def parse_flags(values: pd.Series) -> pd.Series:
    """Parse yes/no-like flags (Y/N, True/False, 1/0, X, Converted, No show...) to "boolean"."""
    u = _uniques(values)
    known = np.zeros(u.size, dtype=bool)
    truth = np.zeros(u.size, dtype=bool)
    at = pc.index_in(pc.utf8_lower(u.text), value_set=_FLAG_WORDS).to_numpy(zero_copy_only=False)
    at = np.nan_to_num(at.astype(np.float64), nan=-1).astype(np.int64)
    known[u.text_at] = at >= 0
    truth[u.text_at] = (at >= 0) & (at < len(_TRUE_WORDS))
    known[u.number_at] = (u.numbers == 0) | (u.numbers == 1)
    truth[u.number_at] = u.numbers == 1
    known[u.bool_at] = True
    truth[u.bool_at] = u.bools
    flags = pd.arrays.BooleanArray(_spread(u.codes, truth, False), ~_spread(u.codes, known, False))
    return pd.Series(flags, index=values.index, name=values.name)


# --- text and NPIs ---------------------------------------------------------------------


def _text_of_numbers(nums: np.ndarray) -> pa.Array:
    """Numbers as text, integral floats without ".0" (Excel turns IDs into floats)."""
    finite = np.isfinite(nums)
    integral = finite & (nums == np.round(nums)) & (np.abs(nums) < 2**53)
    as_int = pc.cast(pa.array(np.where(integral, nums, 0).astype(np.int64)), pa.string())
    as_float = pc.cast(pa.array(np.where(finite, nums, 0.0)), pa.string())
    text = pc.if_else(pa.array(integral), as_int, as_float)
    return pc.if_else(pa.array(finite), text, pa.scalar(None, pa.string()))


def _unique_text(u: _Uniques) -> np.ndarray:
    """Cleaned text for each distinct value (object array, None for missing)."""
    out = np.full(u.size, None, dtype=object)
    text = pc.if_else(pc.equal(u.text, ""), pa.scalar(None, pa.string()), u.text)
    out[u.text_at] = text.to_numpy(zero_copy_only=False)
    out[u.number_at] = _text_of_numbers(u.numbers).to_numpy(zero_copy_only=False)
    out[u.bool_at] = np.where(u.bools, "True", "False")
    out[u.datetime_at] = [None if np.isnat(d) else str(d) for d in u.datetimes]
    other = pa.array([str(o) for o in u.others], type=pa.string())
    out[u.other_at] = _fold_text(other).to_numpy(zero_copy_only=False)
    return out


class TextBytes(NamedTuple):
    """What the raw UTF-8 bytes of a text column hold, read without a regex pass."""

    ascii: bool
    edge_space: bool  # some value starts or ends with a space or control character
    odd_spacing: bool  # a tab, line break or other control character, or two spaces in a row
    unicode_space: bool  # bytes that may encode a non-breaking or other Unicode space


def text_bytes(text: pa.ChunkedArray) -> TextBytes:
    """Scan a string column's bytes with numpy: a few ms for a million cells.

    Two spaces in a row are looked for across the whole buffer, so "a " followed by " b"
    counts too: exact once no value has a space at its edges (trimmed text). Unicode spaces
    are U+00A0 (bytes C2 A0) or three-byte characters (lead byte E0-EF); accented Latin
    letters (C3 xx) are neither.
    """
    ascii, edge, odd, unicode_space = True, False, False, False
    for chunk in text.chunks:
        data = chunk.buffers()[2]
        if not len(chunk) or data is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        buffer = np.frombuffer(data, dtype=np.uint8)
        raw = buffer[offsets[0] : offsets[-1]]
        if not edge:
            starts, ends = offsets[:-1], offsets[1:]
            filled = ends > starts
            edge = bool(
                (buffer[starts[filled]] <= 0x20).any() or (buffer[ends[filled] - 1] <= 0x20).any()
            )
        if not odd:
            spaces = raw == 0x20
            odd = bool((raw < 0x20).any() or (spaces[1:] & spaces[:-1]).any())
        if (ascii or not unicode_space) and (raw >= 0x80).any():
            ascii = False
            three_byte = bool(((raw & 0xF0) == 0xE0).any())
            unicode_space = three_byte or bool(((raw[:-1] == 0xC2) & (raw[1:] == 0xA0)).any())
    return TextBytes(ascii, edge, odd, unicode_space)


def _clean_arrow_text(values: pd.Series) -> pd.Series:
    """clean_text for a long column already held as Arrow text (CSV): no per-value Python."""
    # Large strings throughout, as pandas holds them: no offset conversions, faster takes.
    text = arrow_text(values)
    found = text_bytes(text)
    if found.edge_space or not found.ascii:  # non-ASCII edges may be Unicode spaces
        text = pc.utf8_trim_whitespace(text)
        found = text_bytes(text)
    if found.odd_spacing or found.unicode_space:
        sample = text.slice(0, 20_000)
        if len(pc.unique(sample)) * 4 < len(sample):
            # Few distinct values ("Referring Provider"): fold each once, then spread.
            encoded = pc.dictionary_encode(text.combine_chunks())
            folded = _fold_text(encoded.dictionary).cast(pa.large_string())
            text = pa.chunked_array([folded.take(encoded.indices)])
        else:
            text = _fold_text(text)
    empty = pc.equal(pc.binary_length(text), 0)
    if pc.any(empty).as_py():  # cells of blanks only: missing, as the CSV's empty cells are
        text = pc.if_else(empty, pa.scalar(None, pa.large_string()), text)
    return pd.Series(text, index=values.index, name=values.name, dtype="str")


def clean_text(values: pd.Series) -> pd.Series:
    """Values as trimmed "str" text with whitespace runs folded; integral floats lose ".0"."""
    if isinstance(values.dtype, pd.StringDtype) and len(values) >= 10_000:
        return _clean_arrow_text(values)
    u = _uniques(values)
    text = _unique_text(u)
    return _text_rows(u.codes, text, values)


def _npi_check_ok(digits: np.ndarray) -> np.ndarray:
    """Luhn check over the prefix 80840 for rows of 10 digits (uint8 array n x 10)."""
    base = digits[:, :9].astype(np.int64)
    doubled = base[:, ::2] * 2  # positions 1, 3, 5, 7, 9: every other digit from the right
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    # 24 is the Luhn sum contributed by the prefix 80840.
    total = doubled.sum(axis=1) + base[:, 1::2].sum(axis=1) + 24
    return (10 - total % 10) % 10 == digits[:, 9]


def npi_is_valid(s: str) -> bool:
    """True when s (whitespace-trimmed) is 10 digits passing the NPI Luhn check."""
    s = s.strip()
    if len(s) != 10 or not s.isascii() or not s.isdigit():
        return False
    return bool(_npi_check_ok(np.frombuffer(s.encode("ascii"), dtype=np.uint8)[None, :] - 48)[0])


def normalize_npi(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """NPI text (10 digits when valid, else the trimmed raw text) and a valid flag per row."""
    u = _uniques(values)
    text = _unique_text(u)
    raw = pa.array(text, type=pa.string())
    compact = pc.replace_substring_regex(raw, r"[\s\-]", "")
    at, g = _extract(compact, r"^(?P<npi>\d{10})(?:\.0+)?$")
    valid = np.zeros(u.size, dtype=bool)
    if len(at):
        joined = "".join(g["npi"].to_pylist()).encode("ascii")
        digits = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 10) - 48
        ok = _npi_check_ok(digits)
        valid[at[ok]] = True
        text[at[ok]] = np.asarray(g["npi"].to_pylist(), dtype=object)[ok]
    flags = pd.Series(_spread(u.codes, valid, False), index=values.index, name=values.name)
    return _text_rows(u.codes, text, values), flags


# --- detection -------------------------------------------------------------------------


def _sample(values: pd.Series) -> pd.Series:
    """Up to _SAMPLE_SIZE non-blank values, drawn reproducibly."""
    present = pd.Series(values).dropna()
    if len(present) > _SAMPLE_SIZE:
        present = present.sample(_SAMPLE_SIZE, random_state=0)
    return present[clean_text(present).notna()]


def looks_like_dates(values: pd.Series) -> float:
    """Share (0..1) of sampled non-blank values that parse as dates."""
    sample = _sample(values)
    return float(parse_dates(sample).notna().mean()) if len(sample) else 0.0


def looks_like_money(values: pd.Series) -> float:
    """Share (0..1) of sampled non-blank values that parse as amounts."""
    sample = _sample(values)
    return float(parse_money(sample).notna().mean()) if len(sample) else 0.0
