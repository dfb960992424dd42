"""Number columns in any locale: amounts and counts, the decimal separator decided per column."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.cells import arrow_text, cast_long_text, distinct_values, extract, spread
from analytics.ingest.cleaning import present_sample
from analytics.ingest.refusals import (
    CODE_FINE,
    CODE_INF,
    CODE_NAN,
    CODE_NEGATIVE,
    CODE_OVER,
    CODE_OVER_COUNT,
    CODE_UNDER,
    MAX_AMOUNT,
    MAX_COUNT,
)

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
    problems = np.full(len(text), CODE_NAN, dtype=np.int8)
    if len(text) == 0:
        return out, problems, NO_DECIMALS
    lower = pc.replace_substring_regex(pc.utf8_lower(text), r"[’ʼ‘`´]", "'")
    blank = pc.match_substring_regex(lower, _PLACEHOLDER).to_numpy(zero_copy_only=False)
    problems[blank] = CODE_FINE
    problems[pc.match_substring_regex(lower, _NON_FINITE).to_numpy(zero_copy_only=False)] = CODE_INF
    at, g = extract(lower, _MONEY)
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
    problems[at] = np.where(
        np.isnan(amount), CODE_NAN, np.where(np.isinf(amount), CODE_INF, CODE_FINE)
    )
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
    cast = cast_long_text(values, pa.float64())
    if cast is None:
        return None
    convention = _plain_convention(arrow_text(values))
    if convention is None:
        return None  # thousands or decimals: the full parser decides
    return _from_cast(values, cast, convention)


def _from_cast(values: pd.Series, cast: pa.ChunkedArray, convention: str) -> NumberColumn:
    numbers = cast.to_numpy().copy()
    problems = None
    refused = ~np.isfinite(numbers)
    if refused.any():  # blanks, or "nan" and "inf", which Arrow casts
        refused &= ~cast.is_null().to_numpy(zero_copy_only=False)
        numbers[refused] = np.nan
        problems = np.where(refused, CODE_INF, CODE_FINE).astype(np.int8) if refused.any() else None
    series = pd.Series(numbers, index=values.index, name=values.name, dtype=np.float64)
    return NumberColumn(series, convention, problems)


def plain_reading(values: pd.Series) -> str | None:
    """The decimal convention when read_numbers takes the fast path for this column (long,
    plain numbers only), else None (the full parser reads it)."""
    if cast_long_text(values, pa.float64()) is None:
        return None
    return _plain_convention(arrow_text(values))


def read_plain(values: pd.Series, convention: str) -> NumberColumn:
    """Cells read as the fast path reads them, with the convention of a column they are part
    of (a streamed chunk of a file whose whole column takes the fast path): every cell casts."""
    return _from_cast(values, pc.cast(arrow_text(values), pa.float64()), convention)


def read_numbers(values: pd.Series) -> NumberColumn:
    """Parse a number column in any locale; refused cells are NaN and coded in problems."""
    plain = _plain_numbers(values)
    if plain is not None:
        return plain
    u = distinct_values(values)
    amounts = np.full(u.size, np.nan)
    problems = np.full(u.size, CODE_NAN, dtype=np.int8)  # booleans, dates, other objects
    amounts[u.text_at], problems[u.text_at], convention = _numbers_from_text(u.text)
    finite = np.isfinite(u.numbers)
    amounts[u.number_at] = np.where(finite, u.numbers, np.nan)
    problems[u.number_at] = np.where(finite, CODE_FINE, CODE_INF)
    rows = spread(u.codes, amounts, np.nan)
    series = pd.Series(rows, index=values.index, name=values.name, dtype=np.float64)
    refused = spread(u.codes, problems, np.int8(CODE_FINE)) if problems.any() else None
    return NumberColumn(series, convention, refused)


def _refuse(column: NumberColumn, refused: np.ndarray, code: int) -> NumberColumn:
    """Set the refused rows to NaN and record why (earlier reasons stay)."""
    if not refused.any():
        return column
    problems = column.problems
    problems = np.zeros(len(refused), dtype=np.int8) if problems is None else problems.copy()
    problems[refused & (problems == CODE_FINE)] = code
    numbers = column.numbers.mask(refused)
    return NumberColumn(numbers, column.convention, problems)


def read_money(
    values: pd.Series, per: pd.Series | None = None, parsed: NumberColumn | None = None
) -> NumberColumn:
    """Amounts in any locale, refusing the unreadable, non-finite and beyond MAX_AMOUNT.

    `per` is the number of referrals each row stands for (summary rows): the cap scales.
    `parsed` is the column as read_numbers reads it, when the caller has it already.
    """
    column = parsed if parsed is not None else read_numbers(values)
    cap = MAX_AMOUNT * (1.0 if per is None else per.to_numpy(dtype=np.float64, na_value=1.0))
    amounts = column.numbers.to_numpy()
    column = _refuse(column, amounts > cap, CODE_OVER)
    return _refuse(column, amounts < -cap, CODE_UNDER)


def read_counts(values: pd.Series, parsed: NumberColumn | None = None) -> NumberColumn:
    """Counts in any locale, refusing the unreadable, non-finite, negative and over MAX_COUNT
    (`parsed`: the column as read_numbers reads it, when the caller has it already)."""
    column = parsed if parsed is not None else read_numbers(values)
    counts = column.numbers.to_numpy()
    column = _refuse(column, counts < 0, CODE_NEGATIVE)
    return _refuse(column, counts > MAX_COUNT, CODE_OVER_COUNT)


def parse_money(values: pd.Series) -> pd.Series:
    """Parse amounts like "$1,234.50", "1.234,50 €", "(120.00)" to float64; NaN if unreadable.

    Never infinite; no cap (read_money applies MAX_AMOUNT and says which cells it refused).
    """
    return read_numbers(values).numbers


def parse_counts(values: pd.Series) -> pd.Series:
    """Parse counts like "12", 12.0, "1,204" to float64; NaN when blank, negative or absurd."""
    return read_counts(values).numbers


def looks_like_money(values: pd.Series) -> float:
    """Share (0..1) of sampled non-blank values that parse as amounts."""
    sample = present_sample(values)
    return float(parse_money(sample).notna().mean()) if len(sample) else 0.0
