"""Date columns: every export's date spellings, Excel serials and the day/month order."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.cells import (
    arrow_text,
    cast_long_text,
    distinct_values,
    extract,
    ints,
    spread,
)
from analytics.ingest.cleaning import present_sample
from analytics.ingest.refusals import CODE_EARLY, CODE_FINE, CODE_LATE, CODE_NOT_DATE

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

# Deliberate blanks in a date column.
_NO_DATE = r"(?i)^(?:-+|–|—|n/?a|n\.a\.|none|null|nil)?$"

_MIN_DATE = np.datetime64("1990-01-01", "D")
_MAX_DATE = np.datetime64("2100-12-31", "D")
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_MIN_SERIAL = int((_MIN_DATE - _EXCEL_EPOCH).astype(int))
_MAX_SERIAL = int((_MAX_DATE - _EXCEL_EPOCH).astype(int))

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
        hit, groups = extract(lower.take(pa.array(todo)), pattern)
        at = todo[hit]
        todo = np.delete(todo, hit)
        return at, groups

    at, g = take(_ISO)
    out[at] = _ymd(ints(g["y"]), ints(g["m"]), ints(g["d"]))
    at, g = take(_SLASH)
    a, b, y = ints(g["a"]), ints(g["b"]), _full_year(ints(g["y"]))
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
        out[at] = _ymd(_full_year(ints(g["y"])), _month_number(g["mon"]), ints(g["d"]))
    for pattern in (_NAME_MONTH, _NAME_MONTH_SHORT):
        at, g = take(pattern)
        out[at] = _ymd(_full_year(ints(g["y"])), _month_number(g["mon"]), np.ones(len(at)))
    for pattern in (_NUM_MONTH_YM, _NUM_MONTH_MY):
        at, g = take(pattern)
        out[at] = _ymd(ints(g["y"]), ints(g["m"]), np.ones(len(at)))
    at, g = take(_NUMBER)
    out[at] = _from_numbers(pc.cast(g["n"], pa.float64()).to_numpy(zero_copy_only=False))
    return out, convention


def _iso_dates(values: pd.Series) -> tuple[pd.Series, np.ndarray | None] | None:
    """Fast path for a CSV column of ISO dates ("2025-03-14") or times ("2025-03-14 09:30")."""
    days = cast_long_text(values, pa.date32())
    if days is None:
        # Nearly every timestamp is distinct: the per-value path would parse them all.
        days = cast_long_text(values, pa.timestamp("us"))
    if days is None:
        return None
    return _iso_rows(values, days)


def _iso_rows(values: pd.Series, days: pa.ChunkedArray) -> tuple[pd.Series, np.ndarray | None]:
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
    problems[days < _MIN_DATE] = CODE_EARLY
    problems[days > _MAX_DATE] = CODE_LATE
    return problems


class DateColumn(NamedTuple):
    """A parsed date column: dates, how slash dates were read, and which cells were refused."""

    dates: pd.Series  # datetime64[ns] at midnight; NaT when blank or refused
    convention: str  # DAY_FIRST, MONTH_FIRST, ...
    problems: np.ndarray | None  # per row: index into PROBLEMS; None when no cell was refused


def iso_reading(values: pd.Series) -> pa.DataType | None:
    """The type read_dates casts this column to on its fast path (long, ISO dates or times
    only), else None (the full parser reads it)."""
    for to in (pa.date32(), pa.timestamp("us")):
        if cast_long_text(values, to) is not None:
            return to
    return None


def read_iso(values: pd.Series, to: pa.DataType) -> DateColumn:
    """Cells read as the fast path reads them, cast to the type of a column they are part of
    (a streamed chunk of a file whose whole column takes the fast path): every cell casts."""
    dates, problems = _iso_rows(values, pc.cast(arrow_text(values), to))
    return DateColumn(dates, NO_SLASH_DATES, problems)


def read_dates(values: pd.Series) -> DateColumn:
    """Parse a date column; non-blank cells that give no date in 1990-2100 are coded."""
    iso = _iso_dates(values)
    if iso is not None:
        return DateColumn(iso[0], NO_SLASH_DATES, iso[1])
    u = distinct_values(values)
    days = np.full(u.size, np.datetime64("NaT", "D"))
    text_days, convention = _dates_from_text(u.text)
    days[u.text_at] = text_days
    days[u.number_at] = _from_numbers(u.numbers)
    days[u.datetime_at] = u.datetimes
    problems = np.where(np.isnat(days), CODE_NOT_DATE, CODE_FINE).astype(np.int8)
    blank = pc.match_substring_regex(u.text, _NO_DATE).to_numpy(zero_copy_only=False)
    problems[u.text_at[blank]] = CODE_FINE
    problems = _date_range_problems(days, problems)
    days[problems > 0] = np.datetime64("NaT", "D")
    rows = spread(u.codes, days, np.datetime64("NaT", "D")).astype("datetime64[ns]")
    refused = spread(u.codes, problems, np.int8(CODE_FINE)) if problems.any() else None
    series = pd.Series(rows, index=values.index, name=values.name)
    return DateColumn(series, convention, refused)


def parse_dates_report(values: pd.Series) -> tuple[pd.Series, str]:
    """Parse a date column and say how its slash dates were read (DAY_FIRST, MONTH_FIRST...)."""
    column = read_dates(values)
    return column.dates, column.convention


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse a date column to datetime64[ns] at midnight, NaT for missing or unparseable."""
    return parse_dates_report(values)[0]


def looks_like_dates(values: pd.Series) -> float:
    """Share (0..1) of sampled non-blank values that parse as dates."""
    sample = present_sample(values)
    return float(parse_dates(sample).notna().mean()) if len(sample) else 0.0
