"""Cell value parsing: one table of hand-written cases per parser."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.ingest import values

NaT = pd.NaT


def one(parse, value):
    """Parse a single cell through the column parser (as it would arrive in a column)."""
    return parse(pd.Series([value], dtype=object)).iloc[0]


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-01-05", "2025-01-05"),
        ("2025-01-05 00:00:00", "2025-01-05"),
        ("2025-01-05T10:00", "2025-01-05"),
        ("2025-01-05T10:00:00.000Z", "2025-01-05"),
        ("2025/01/05", "2025-01-05"),
        ("1/5/2025", "2025-01-05"),
        ("01/05/2025", "2025-01-05"),
        ("1/5/25", "2025-01-05"),
        ("01-05-2025", "2025-01-05"),
        ("1/5/2025 3:45 PM", "2025-01-05"),
        ("Jan 5, 2025", "2025-01-05"),
        ("January 5, 2025", "2025-01-05"),
        ("Sept 5, 2025", "2025-09-05"),
        ("5 Jan 2025", "2025-01-05"),
        ("05-Jan-2025", "2025-01-05"),
        ("05-Jan-25", "2025-01-05"),
        ("Sunday, January 5, 2025", "2025-01-05"),
        ("  1/5/2025  ", "2025-01-05"),
        ("Apr 2025", "2025-04-01"),
        ("April 2025", "2025-04-01"),
        ("Apr-25", "2025-04-01"),
        ("2025-04", "2025-04-01"),
        ("04/2025", "2025-04-01"),
        ("4/2025", "2025-04-01"),
        ("20250105", "2025-01-05"),
        # Excel serials, 1900 system: 45658 is 2025-01-01; a time of day is dropped.
        (45658, "2025-01-01"),
        (45658.75, "2025-01-01"),
        ("45658", "2025-01-01"),
        (np.int64(45658), "2025-01-01"),
        (dt.datetime(2025, 1, 5, 10, 30), "2025-01-05"),
        (dt.date(2025, 1, 5), "2025-01-05"),
        (pd.Timestamp("2025-01-05 23:59"), "2025-01-05"),
        (pd.Timestamp("2025-01-05 09:00", tz="US/Eastern"), "2025-01-05"),
        (np.datetime64("2025-01-05"), "2025-01-05"),
        ("1990-01-01", "1990-01-01"),
        ("2100-12-31", "2100-12-31"),
        # Times of day are dropped, the date kept; a single dotted cell is day first.
        ("2025-03-04 14:22:00", "2025-03-04"),
        ("2025-03-04T14:22:00", "2025-03-04"),
        ("2025-03-04T14:22:00+01:00", "2025-03-04"),
        ("3/4/2025 2:22 PM", "2025-03-04"),
        ("3/4/2025 14:22", "2025-03-04"),
        ("04.03.2025", "2025-03-04"),
        ("04.03.2025 14:22", "2025-03-04"),
        ("04.03.2025 14:22:05", "2025-03-04"),
        ("4.3.25", "2025-03-04"),
        # Impossible, out of range or not a date at all.
        ("2/30/2025", NaT),
        ("13/13/2025", NaT),
        ("2025-02-29", NaT),
        ("2024-02-29", "2024-02-29"),
        ("1989-12-31", NaT),
        ("2101-01-01", NaT),
        ("0205", NaT),
        (205, NaT),
        (2025, NaT),
        (dt.datetime(205, 1, 1), NaT),
        (1234567893.0, NaT),
        ("Smith, John MD", NaT),
        ("N/A", NaT),
        ("", NaT),
        (None, NaT),
        (math.nan, NaT),
        (True, NaT),
        (dt.time(10, 0), NaT),
    ],
)
def test_parse_dates_cells(cell, expected):
    got = one(values.parse_dates, cell)
    assert (got is NaT and expected is NaT) or got == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("column", "expected", "convention"),
    [
        # One cell with a first part > 12 makes the whole column day-first.
        (["03/04/2025", "25/04/2025"], ["2025-04-03", "2025-04-25"], values.DAY_FIRST),
        (["15/01/2025", "01/02/2025"], ["2025-01-15", "2025-02-01"], values.DAY_FIRST),
        # A second part > 12 confirms month-first.
        (["03/04/2025", "04/25/2025"], ["2025-03-04", "2025-04-25"], values.MONTH_FIRST),
        # Nothing decides: US exports, month-first.
        (["03/04/2025", "01/02/2025"], ["2025-03-04", "2025-01-02"], values.MONTH_FIRST_ASSUMED),
        # Both positions > 12: month-first, the day-first cell is unreadable.
        (["25/04/2025", "04/25/2025"], [None, "2025-04-25"], values.MONTH_FIRST_CONFLICTING),
        # An impossible cell is a typo, not evidence: the column stays day-first.
        (["03/04/2025", "25/04/2025", "13/13/2025"], ["2025-04-03", "2025-04-25", None],
         values.DAY_FIRST),
        (["2025-01-05", "Jan 6, 2025"], ["2025-01-05", "2025-01-06"], values.NO_SLASH_DATES),
        # Dotted dates are European: day first unless a cell says otherwise.
        (["04.03.2025", "05.03.2025 14:22"], ["2025-03-04", "2025-03-05"],
         values.DAY_FIRST_ASSUMED),
        (["04.03.2025", "25.03.2025"], ["2025-03-04", "2025-03-25"], values.DAY_FIRST),
        (["04.03.2025", "03.25.2025"], ["2025-04-03", "2025-03-25"], values.MONTH_FIRST),
        (["04.03.2025", "25.03.2025", "03.25.2025"], ["2025-03-04", "2025-03-25", None],
         values.DAY_FIRST_CONFLICTING),
        # Slashes outnumber dots: the US default holds.
        (["04/03/2025", "05/03/2025", "06.03.2025"], ["2025-04-03", "2025-05-03", "2025-06-03"],
         values.MONTH_FIRST_ASSUMED),
        # Month labels ("04/2025") are never day/month evidence.
        (["04/2025", "13/2025"], ["2025-04-01", None], values.NO_SLASH_DATES),
    ],
)  # fmt: skip
def test_parse_dates_column_convention(column, expected, convention):
    dates, chosen = values.parse_dates_report(pd.Series(column, dtype="str"))
    assert chosen == convention
    assert dates.tolist() == [pd.Timestamp(e) if e else NaT for e in expected]


# Non-blank cells that give no plausible date are coded, so the upload can say which.
@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("soon", values.NOT_A_DATE),
        ("2/30/2025", values.NOT_A_DATE),
        ("1850-01-01", values.NOT_A_DATE),
        ("1989-12-31", values.BEFORE_1990),
        ("2101-01-01", values.AFTER_2100),
        (dt.datetime(1980, 5, 1), values.BEFORE_1990),
        (1234567893.0, values.NOT_A_DATE),
        (True, values.NOT_A_DATE),
        ("", ""),
        ("-", ""),
        ("N/A", ""),
        (None, ""),
        ("3/4/2025", ""),
    ],
)
def test_read_dates_codes_refused_cells(cell, reason):
    got = values.read_dates(pd.Series(["1/2/2025", cell], dtype=object))
    codes = [0, 0] if got.problems is None else got.problems.tolist()
    assert [values.PROBLEMS[c] for c in codes] == ["", reason]
    assert got.dates.iloc[0] == pd.Timestamp("2025-01-02")
    assert pd.isna(got.dates.iloc[1]) or not reason


def test_read_dates_fast_path_codes_the_out_of_range_rows():
    cells = ["2016-11-01", None, "1980-01-01", "2101-01-01 10:00"] * 3_000
    fast = values.read_dates(pd.Series(cells, dtype="str"))
    slow = values.read_dates(pd.Series(cells, dtype=object))
    assert fast.dates.equals(slow.dates)
    assert fast.problems.tolist() == slow.problems.tolist()
    assert [values.PROBLEMS[c] for c in fast.problems[:4]] == [
        "",
        "",
        values.BEFORE_1990,
        values.AFTER_2100,
    ]


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["1/5/2025", None, "2025-01-06"], dtype="str", index=[10, 11, 12], name="d"),
        pd.Series(["1/5/2025", None, "2025-01-06"], dtype=object, index=[10, 11, 12], name="d"),
        pd.Series([45662.0, np.nan, 45663.0], index=[10, 11, 12], name="d"),
        pd.Series(pd.to_datetime(["2025-01-05 08:00", None, "2025-01-06 00:00"]),
                  index=[10, 11, 12], name="d"),
    ],
)  # fmt: skip
def test_parse_dates_keeps_shape_and_dtype(column):
    dates = values.parse_dates(column)
    assert dates.dtype == "datetime64[ns]"
    assert dates.index.tolist() == [10, 11, 12] and dates.name == "d"
    assert dates.tolist() == [pd.Timestamp("2025-01-05"), NaT, pd.Timestamp("2025-01-06")]


def test_parse_dates_empty_column():
    dates, convention = values.parse_dates_report(pd.Series([], dtype="str"))
    assert dates.dtype == "datetime64[ns]" and dates.empty
    assert convention == values.NO_SLASH_DATES


# --- money and counts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("$1,234.50", 1234.5),
        ("1234.50", 1234.5),
        ("1,234", 1234.0),
        ("$ 1,234", 1234.0),
        ("$1,234,567.89", 1234567.89),
        ("(120.00)", -120.0),
        ("($120.00)", -120.0),
        ("$(120.00)", -120.0),
        ("-$5", -5.0),
        ("$-5", -5.0),
        ("-5", -5.0),
        ("120.00-", -120.0),
        ("+5", 5.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("USD 10", 10.0),
        ("10 USD", 10.0),
        ("0", 0.0),
        (12, 12.0),
        (3.5, 3.5),
        (-7.25, -7.25),
        (np.float32(2.5), 2.5),
        ("", math.nan),
        ("   ", math.nan),
        ("-", math.nan),
        ("N/A", math.nan),
        ("n/a", math.nan),
        (None, math.nan),
        (math.nan, math.nan),
        (math.inf, math.nan),
        # One cell is its own column: a comma before two digits can only be decimal.
        ("1 234,50", 1234.5),
        ("1,23", 1.23),
        ("12 34", math.nan),
        ("1.234.56", math.nan),
        ("1,2,3", math.nan),
        ("0.500.000", math.nan),
        ("(120.00", math.nan),
        ("abc", math.nan),
        ("$", math.nan),
        (True, math.nan),
    ],
)
def test_parse_money(cell, expected):
    got = one(values.parse_money, cell)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12", 12.0),
        (12.0, 12.0),
        (12, 12.0),
        ("1,204", 1204.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("", math.nan),
        (None, math.nan),
        ("-3", math.nan),
        (-3, math.nan),
        ("(3)", math.nan),
        ("many", math.nan),
    ],
)
def test_parse_counts(cell, expected):
    got = one(values.parse_counts, cell)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


# Every locale a practice exports, one cell at a time (hand-computed values).
@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.234,50", 1234.5),
        ("1 234,50", 1234.5),
        ("1\u202f234,50", 1234.5),  # narrow no-break space (French)
        ("1\xa0234,50", 1234.5),  # no-break space
        ("1\u2009234,50", 1234.5),  # thin space
        ("1'234.50", 1234.5),  # Swiss
        ("1\u2019234.50", 1234.5),  # Swiss, typographic apostrophe
        ("-1.234,50", -1234.5),
        ("(1.234,50)", -1234.5),
        ("1.234,50-", -1234.5),
        ("1.234.567,89", 1234567.89),
        ("12,50 €", 12.5),
        ("12,50€", 12.5),
        ("€12,50", 12.5),
        ("€ -12,50", -12.5),
        ("-€12,50", -12.5),
        ("EUR 1.234,50", 1234.5),
        ("1.234,50 EUR", 1234.5),
        ("eur 1.234,50", 1234.5),
        ("CHF 1'234.50", 1234.5),
        ("1'234.50 CHF", 1234.5),
        ("CHF -1'234.50", -1234.5),
        ("£1,234.50", 1234.5),
        ("GBP 12.50", 12.5),
        ("12.50 GBP", 12.5),
        ("US$ 12.50", 12.5),
        ("Fr. 1'234.50", 1234.5),
        ("SFr. 12.50", 12.5),
        ("C$12.50", 12.5),
        ("AU$ 12.50", 12.5),
        ("12.50 CAD", 12.5),
        ("USD 1,234.50", 1234.5),
        ("1 234 567", 1234567.0),
        ("0,50", 0.5),
        (",5", 0.5),
    ],
)
def test_parse_money_locales(cell, expected):
    assert one(values.parse_money, cell) == pytest.approx(expected)


# A column's decimal separator is decided from all its cells, like its date order.
@pytest.mark.parametrize(
    ("column", "expected", "convention"),
    [
        # "1.234" alone could be 1.234 or 1234: a comma-then-2-digits cell decides.
        (["1.234", "12,50"], [1234.0, 12.5], values.DECIMAL_COMMA),
        # ... and so does a cell with two dots.
        (["1.234", "1.234.567"], [1234.0, 1234567.0], values.DECIMAL_COMMA),
        (["1.234", "1.5"], [1.234, 1.5], values.DECIMAL_POINT),
        (["1,234", "1,234,567"], [1234.0, 1234567.0], values.DECIMAL_POINT),
        (["1,234", "12,5"], [1.234, 12.5], values.DECIMAL_COMMA),
        (["1,234", "0.50"], [1234.0, 0.5], values.DECIMAL_POINT),
        (["1 234,50", "850", "1.234"], [1234.5, 850.0, 1234.0], values.DECIMAL_COMMA),
        (["1'234.50", "1'234"], [1234.5, 1234.0], values.DECIMAL_POINT),
        # Nothing tells: money has no third decimal, so the separator groups thousands.
        (["1.234", "2.500"], [1234.0, 2500.0], values.DECIMAL_COMMA_ASSUMED),
        (["1,234", "2,500"], [1234.0, 2500.0], values.DECIMAL_POINT_ASSUMED),
        (["1.234", "2,500", "3,000"], [1234.0, 2500.0, 3000.0], values.DECIMAL_POINT_ASSUMED),
        # Both conventions: each cell the one way it can be read, "1.234" as most cells are.
        (["12,50", "7,25", "3.5", "1.234"], [12.5, 7.25, 3.5, 1234.0], values.MIXED_DECIMALS),
        (["12.50", "7.25", "3,5", "1,234"], [12.5, 7.25, 3.5, 1234.0], values.MIXED_DECIMALS),
        (["12", "1 000", "$5"], [12.0, 1000.0, 5.0], values.NO_DECIMALS),
        ([12.5, 3.0], [12.5, 3.0], values.NO_DECIMALS),
    ],
)  # fmt: skip
def test_number_convention_per_column(column, expected, convention):
    got = values.read_numbers(pd.Series(column, dtype=object))
    assert got.convention == convention
    assert got.numbers.tolist() == pytest.approx(expected)
    assert got.problems is None


OVER = values.OVER_AMOUNT


# Refused cells are NaN and carry their reason; blanks and placeholders are not refused.
@pytest.mark.parametrize(
    ("cell", "money", "count"),
    [
        ("abc", values.NOT_A_NUMBER, values.NOT_A_NUMBER),
        ("12.50 dollars", values.NOT_A_NUMBER, values.NOT_A_NUMBER),
        ("(120.00", values.NOT_A_NUMBER, values.NOT_A_NUMBER),
        ("04.03.2025", values.NOT_A_NUMBER, values.NOT_A_NUMBER),
        ("#DIV/0!", values.NOT_A_NUMBER, values.NOT_A_NUMBER),
        (True, values.NOT_A_NUMBER, values.NOT_A_NUMBER),
        (dt.date(2025, 1, 1), values.NOT_A_NUMBER, values.NOT_A_NUMBER),
        ("NaN", values.NOT_FINITE, values.NOT_FINITE),
        ("inf", values.NOT_FINITE, values.NOT_FINITE),
        ("-Infinity", values.NOT_FINITE, values.NOT_FINITE),
        ("1e999", values.NOT_FINITE, values.NOT_FINITE),
        (math.inf, values.NOT_FINITE, values.NOT_FINITE),
        ("1e308", OVER, values.OVER_COUNT),
        (1e308, OVER, values.OVER_COUNT),
        ("1.000.000,01", OVER, values.OVER_COUNT),
        ("-1e308", values.UNDER_AMOUNT, values.NEGATIVE),
        ("-3", "", values.NEGATIVE),
        (-3, "", values.NEGATIVE),
        ("1.000.000", "", values.OVER_COUNT),
        ("100000", "", ""),
        ("100001", "", values.OVER_COUNT),
        ("", "", ""),
        ("   ", "", ""),
        ("-", "", ""),
        ("$ -", "", ""),
        ("€ –", "", ""),
        ("N/A", "", ""),
        ("n.a.", "", ""),
        (None, "", ""),
        (math.nan, "", ""),
    ],
)
def test_refused_cells_and_their_reasons(cell, money, count):
    for read, reason in ((values.read_money, money), (values.read_counts, count)):
        got = read(pd.Series(["12", cell, "3"], dtype=object))
        codes = [0, 0, 0] if got.problems is None else got.problems.tolist()
        assert [values.PROBLEMS[c] for c in codes] == ["", reason, ""]
        assert got.numbers.iloc[[0, 2]].tolist() == [12.0, 3.0]
        assert math.isnan(got.numbers.iloc[1]) or not reason


def test_money_cap_scales_with_the_referrals_a_summary_row_stands_for():
    cells = pd.Series(["900000", "1500000", "1500000", "-2500000"])
    per = pd.Series([1.0, 1.0, 2.0, 2.0])
    got = values.read_money(cells, per=per)
    assert got.numbers.fillna(0).tolist() == [900_000.0, 0.0, 1_500_000.0, 0.0]
    assert [values.PROBLEMS[c] for c in got.problems] == ["", OVER, "", values.UNDER_AMOUNT]


@pytest.mark.parametrize(
    ("label", "cells", "convention"),
    [
        ("plain", ["1503.34", "0.00", None, "12"], values.DECIMAL_POINT),
        ("whole", ["1503", "0", None, "12"], values.NO_DECIMALS),
        ("three decimals only", ["1.234", "0", None, "2.500"], values.DECIMAL_COMMA_ASSUMED),
        ("three decimals and a fourth", ["1.234", "2.5001"], values.DECIMAL_POINT),
        ("nan and inf text", ["1.5", "nan", "inf", "-inf", "1e999", None], values.DECIMAL_POINT),
        ("european", ["1.234,50", "12,50", None], values.DECIMAL_COMMA),
    ],
)
def test_long_csv_number_columns_read_as_cell_by_cell(label, cells, convention):
    """A long CSV column of plain numbers takes one Arrow cast; it must agree with the slow path."""
    cells = cells * 4_000
    fast = values.read_money(pd.Series(cells, dtype="str"))
    slow = values.read_money(pd.Series(cells, dtype=object))
    assert fast.convention == slow.convention == convention
    assert fast.numbers.equals(slow.numbers)
    assert (fast.problems is None) == (slow.problems is None)
    if fast.problems is not None:
        assert fast.problems.tolist() == slow.problems.tolist()


def test_money_and_counts_keep_shape():
    column = pd.Series(["$5", None, "(2)"], index=[7, 8, 9], name="Paid", dtype="str")
    money = values.parse_money(column)
    assert money.dtype == "float64" and money.index.tolist() == [7, 8, 9] and money.name == "Paid"
    assert money.fillna(0).tolist() == [5.0, 0.0, -2.0]
    assert values.parse_counts(column).isna().tolist() == [False, True, True]


# --- flags -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Y", True),
        ("y", True),
        ("Yes", True),
        (" YES ", True),
        ("True", True),
        ("T", True),
        ("1", True),
        ("X", True),
        ("x", True),
        ("Converted", True),
        ("Arrived", True),
        ("evaluated", True),
        ("N", False),
        ("No", False),
        ("FALSE", False),
        ("f", False),
        ("0", False),
        ("Not converted", False),
        ("Not  Converted", False),
        ("No show", False),
        ("No-Show", False),
        ("Cancelled", False),
        ("canceled", False),
        (True, True),
        (False, False),
        (np.bool_(True), True),
        (1, True),
        (0, False),
        (1.0, True),
        (0.0, False),
        (2, pd.NA),
        ("Maybe", pd.NA),
        ("Scheduled", pd.NA),
        ("", pd.NA),
        (None, pd.NA),
        (math.nan, pd.NA),
    ],
)
def test_parse_flags(cell, expected):
    got = one(values.parse_flags, cell)
    assert got is expected or got == expected
    assert (got is pd.NA) == (expected is pd.NA)


def test_parse_flags_dtype_and_bool_columns():
    flags = values.parse_flags(pd.Series([True, False, None], dtype="boolean", index=[3, 4, 5]))
    assert flags.dtype == "boolean" and flags.index.tolist() == [3, 4, 5]
    assert flags.tolist() == [True, False, pd.NA]
    assert values.parse_flags(pd.Series([1, 0, 1])).tolist() == [True, False, True]


# --- NPIs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),
        ("1245319599", True),
        ("1679576722", True),
        ("1003000126", True),
        ("1234567890", False),  # check digit should be 3
        ("1234567839", False),  # two digits swapped
        (" 1234567893 ", True),
        ("123456789", False),
        ("12345678930", False),
        ("123456789X", False),
        ("", False),
        ("１２３４５６７８９３", False),  # full-width digits are not ASCII digits
    ],
)
def test_npi_is_valid(npi, valid):
    assert values.npi_is_valid(npi) is valid


@pytest.mark.parametrize(
    ("cell", "text", "valid"),
    [
        ("1234567893", "1234567893", True),
        (1234567893.0, "1234567893", True),
        (1234567893, "1234567893", True),
        ("1234567893.0", "1234567893", True),
        ("123 456 7893", "1234567893", True),
        ("123-456-7893", "1234567893", True),
        ("  1234567893 ", "1234567893", True),
        ("1234567890", "1234567890", False),
        (1234567890.0, "1234567890", False),
        ("123-456-7890", "123-456-7890", False),  # invalid: the raw trimmed text
        ("  NPI  pending ", "NPI pending", False),
        (12345.5, "12345.5", False),
        ("", None, False),
        (None, None, False),
        (math.nan, None, False),
    ],
)
def test_normalize_npi(cell, text, valid):
    npi, ok = values.normalize_npi(pd.Series([cell], dtype=object))
    assert (npi.iloc[0] if npi.notna().iloc[0] else None) == text
    assert bool(ok.iloc[0]) is valid


def test_normalize_npi_shapes():
    column = pd.Series([1234567893.0, np.nan, 1234567890.0], index=[4, 5, 6], name="NPI")
    npi, ok = values.normalize_npi(column)
    assert npi.dtype == "str" and ok.dtype == bool
    assert npi.index.tolist() == [4, 5, 6] and ok.index.tolist() == [4, 5, 6]
    assert ok.tolist() == [True, False, False]


# --- text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  Smith,   John  MD ", "Smith, John MD"),
        ("Smith,\u00a0John", "Smith, John"),  # Excel's non-breaking space
        ("Line\nbreak\tand tab", "Line break and tab"),
        (12.0, "12"),
        (12.5, "12.5"),
        (1234, "1234"),
        (1234567893.0, "1234567893"),
        (np.int64(42), "42"),
        (-3.0, "-3"),
        ("007", "007"),  # text keeps its zeros; Excel ints already lost theirs
        (True, "True"),
        (dt.date(2025, 1, 5), "2025-01-05"),
        ("", None),
        ("   ", None),
        (None, None),
        (math.nan, None),
    ],
)
def test_clean_text(cell, expected):
    got = values.clean_text(pd.Series([cell], dtype=object))
    assert got.dtype == "str"
    assert (got.iloc[0] if got.notna().iloc[0] else None) == expected


def test_clean_text_str_column_keeps_index():
    column = pd.Series([" a ", None, "b  c"], index=["x", "y", "z"], dtype="str", name="n")
    got = values.clean_text(column)
    assert got.index.tolist() == ["x", "y", "z"] and got.name == "n"
    assert got.isna().tolist() == [False, True, False]
    assert got.dropna().tolist() == ["a", "b c"]


LONG_COLUMN_CELLS = [
    "  Smith,   John  MD ",
    "Smith,\u00a0John",
    "Line\nbreak\tand tab",
    "José  Muñoz",
    "\u2003Em space\u3000",
    "plain text",
    "",
    "   ",
    None,
]


@pytest.mark.parametrize(
    ("label", "make"),
    [
        ("clean ascii, few values", lambda i: ["Aetna", "Blue Cross", None][i % 3]),
        ("clean ascii, all distinct", lambda i: f"Case {i}"),
        ("messy, few values", lambda i: LONG_COLUMN_CELLS[i % len(LONG_COLUMN_CELLS)]),
        ("messy, all distinct", lambda i: f" {LONG_COLUMN_CELLS[i % 6]} {i}  "),
        ("clean except one cell", lambda i: "a\tb" if i == 11_999 else f"row {i}"),
        ("padded ascii only", lambda i: f" Case {i} " if i % 2 else f"Case {i}"),
        ("one blank-only cell", lambda i: "   " if i == 5 else f"Case {i}"),
        ("accent at the edge", lambda i: f"José {i}" if i % 3 else f"{i} Inés\u00a0"),
    ],
)
def test_clean_text_long_str_column_matches_cell_by_cell(label, make):
    """A long CSV column takes the Arrow paths; each must give what the per-value path gives."""
    cells = [make(i) for i in range(12_000)]
    long_column = pd.Series(cells, dtype="str")
    got = values.clean_text(long_column)
    expected = values.clean_text(pd.Series(cells, dtype=object))
    assert got.dtype == "str"
    assert got.isna().tolist() == expected.isna().tolist()
    assert got.dropna().tolist() == expected.dropna().tolist()


@pytest.mark.parametrize(
    ("label", "cells"),
    [
        ("iso", ["2016-11-01", "2020-02-29", None, "1980-01-01", "2101-01-01"]),
        ("iso with one us date", ["2016-11-01", "3/4/2020", None]),
        ("iso with a blank-padded cell", ["2016-11-01", " 2016-11-02", "2016-11-03"]),
        ("iso times", ["2016-11-01 14:22:00", "2016-11-02T08:00", None, "2101-01-01 00:00"]),
        ("dotted", ["04.03.2025", "05.03.2025 14:22", None]),
    ],
)
def test_long_csv_date_columns_read_as_cell_by_cell(label, cells):
    """A long CSV column of ISO dates takes one Arrow cast; it must agree with the slow path."""
    cells = cells * 4_000
    fast, fast_convention = values.parse_dates_report(pd.Series(cells, dtype="str"))
    slow, slow_convention = values.parse_dates_report(pd.Series(cells, dtype=object))
    assert fast.equals(slow) and fast_convention == slow_convention
    assert fast.dtype == "datetime64[ns]"


# --- detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "dates", "money"),
    [
        (["1/5/2025", "2/6/2025", "", None, "Jan 7, 2025"], 1.0, 0.0),
        (["1/5/2025", "soon", "2/6/2025", "later"], 0.5, 0.0),
        (["$1,234.50", "(12.00)", "", "N/A", "7"], 0.0, 0.75),
        (["Smith, John MD", "Google"], 0.0, 0.0),
        (["", None, "  "], 0.0, 0.0),
    ],
)
def test_looks_like(column, dates, money):
    column = pd.Series(column, dtype=object)
    assert values.looks_like_dates(column) == pytest.approx(dates)
    assert values.looks_like_money(column) == pytest.approx(money)


def test_looks_like_samples_big_columns():
    column = pd.Series(["1/5/2025"] * 3000 + ["x"] * 3000, dtype="str")
    assert 0.4 < values.looks_like_dates(column) < 0.6


# --- never a traceback, never a non-finite number ---------------------------------------

_NUMBERISH = st.text(alphabet="0123456789.,' -+()$€£eEinfaNCHFUSD\u00a0\u202f\u2019", max_size=14)
_CELLS = st.one_of(
    _NUMBERISH,
    st.text(max_size=20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.none(),
    st.dates(),
)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_CELLS, max_size=12))
def test_parsers_never_raise_and_never_return_non_finite(cells):
    column = pd.Series(cells, dtype=object)
    for parse in (values.parse_money, values.parse_counts):
        got = parse(column)
        assert got.dtype == "float64" and len(got) == len(cells)
        assert not np.isinf(got.to_numpy()).any()
    assert (values.parse_counts(column).dropna() >= 0).all()
    for read in (values.read_money, values.read_counts):
        got = read(column)
        if got.problems is not None:
            assert len(got.problems) == len(cells)
            assert got.numbers[got.problems > 0].isna().all()
    dates = values.parse_dates(column)
    assert dates.dtype == "datetime64[ns]" and len(dates) == len(cells)


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.one_of(_NUMBERISH, st.none()), min_size=1, max_size=6))
def test_long_text_columns_read_as_short_ones(cells):
    """The long-column fast paths agree with the per-value parsers on any text."""
    long = pd.Series(cells * (10_000 // len(cells) + 1), dtype="str")
    short = pd.Series(long.tolist(), dtype=object)
    fast, slow = values.read_money(long), values.read_money(short)
    assert fast.numbers.equals(slow.numbers) and fast.convention == slow.convention
    assert not np.isinf(fast.numbers.to_numpy()).any()
    assert values.parse_dates(long).equals(values.parse_dates(short))
