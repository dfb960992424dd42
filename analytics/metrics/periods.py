"""The period's building blocks: rows encoded once (`metrics.encoded`, re-exported here),
and the small tables metrics read.

Two seams let a SQL engine take over the heavy lifting later:
- `Encoded`: referral rows as arrays (partner key and type codes, day, count, money,
  outcomes). Rows may be single referrals or sums per (source, type, day): every metric but
  the median days to evaluation only sums them.
- `source_table_of`: one row per (source, source_type) with sums. Whatever produces that
  table (pandas here, DuckDB later) feeds `tables_from_sources`, and every period metric is
  computed from the resulting small `PeriodTables`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.encoded import (
    TYPE_NAMES,
    Encoded,
    arrived_flags,
    day_bounds,
    encode,
    in_period,
    partner_key,
    revenue_basis,
    revenue_of,
    source_types,
    to_day,
)
from analytics.schema import PARTNER_TYPES, PHYSICIAN_TYPES, SOURCE_TYPES

__all__ = [
    "SOURCE_TABLE_COLUMNS",
    "TYPE_NAMES",
    "Encoded",
    "PeriodTables",
    "arrived_flags",
    "cents",
    "conversion_rate",
    "day_bounds",
    "dominant_type_codes",
    "encode",
    "in_period",
    "money_by",
    "partner_key",
    "partner_table",
    "period_tables",
    "revenue_basis",
    "revenue_of",
    "source_table",
    "source_table_of",
    "source_types",
    "sum_by",
    "tables_from_sources",
    "tables_of",
    "to_day",
]

SOURCE_TABLE_COLUMNS: tuple[str, ...] = (
    "source",
    "source_type",
    "referrals",
    "payments",
    "charges",
    "arrived",
    "known",
    "visits",
    "visit_referrals",
    "first_referral",
    "last_referral",
)


def sum_by(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum of `values` per group code (0..size-1)."""
    return np.bincount(groups, weights=values, minlength=size)


def money_by(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum per group; NaN where the group has no recorded amount (like SQL SUM)."""
    present = ~np.isnan(values)
    sums = sum_by(groups, np.where(present, values, 0.0), size)
    return np.where(sum_by(groups, present.astype("float64"), size) > 0, sums, np.nan)


def _days_to_dates(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[ns]")


def source_table_of(encoded: Encoded) -> pd.DataFrame:
    """One row per (source, source_type) of the encoded rows: counts, money and dates."""
    width = len(SOURCE_TYPES)
    size = encoded.partners * width
    cell = encoded.key * width + encoded.type
    count = encoded.count
    present = np.flatnonzero(np.bincount(cell, minlength=size))
    first = np.full(size, np.iinfo("int64").max)
    last = np.full(size, np.iinfo("int64").min)
    np.minimum.at(first, cell, encoded.day)
    np.maximum.at(last, cell, encoded.day)
    visit_referrals = count * ~np.isnan(encoded.visits)
    return pd.DataFrame(
        {
            "source": pd.Series(encoded.names[present // width], dtype="str"),
            "source_type": pd.Series(TYPE_NAMES[present % width], dtype="str"),
            "referrals": sum_by(cell, count, size)[present].astype("int64"),
            "payments": money_by(cell, encoded.payments, size)[present],
            "charges": money_by(cell, encoded.charges, size)[present],
            "arrived": sum_by(cell, encoded.arrived, size)[present].astype("int64"),
            "known": sum_by(cell, encoded.known, size)[present].astype("int64"),
            "visits": money_by(cell, encoded.visits, size)[present],
            "visit_referrals": sum_by(cell, visit_referrals, size)[present].astype("int64"),
            "first_referral": _days_to_dates(first[present]),
            "last_referral": _days_to_dates(last[present]),
        }
    )


def source_table(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """One row per (source, source_type) of the period (columns SOURCE_TABLE_COLUMNS)."""
    encoded = encode(frame, filters.level)
    return source_table_of(in_period(encoded, *day_bounds(encoded, filters)))


@dataclass(frozen=True, eq=False)
class PeriodTables:
    """The small tables and totals of one period that every period metric is computed from."""

    filters: Filters
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    sources: pd.DataFrame
    partners: pd.DataFrame
    types: pd.DataFrame
    referrals: int
    revenue: float | None
    revenue_basis: str
    arrived: int
    known: int


def tables_from_sources(
    sources: pd.DataFrame,
    filters: Filters,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> PeriodTables:
    """Build the period's tables from a source table (from pandas or from SQL)."""
    # Money to the cent: a float sum taken in another order (DuckDB's parallel SUM, the same
    # rows shuffled) differs in its last bit, which reordered partners tied on revenue.
    payments = cents(sources["payments"].to_numpy(dtype="float64"))
    charges = cents(sources["charges"].to_numpy(dtype="float64"))
    sources = sources.assign(payments=payments, charges=charges)
    basis = revenue_basis(payments, charges)
    sources = sources.assign(revenue=revenue_of(payments, charges, basis))
    referrals = int(sources["referrals"].sum())
    types = (
        sources.groupby("source_type")[["referrals", "revenue"]]
        .sum()
        .reindex(list(SOURCE_TYPES), fill_value=0)
    )
    types["revenue"] = cents(types["revenue"].to_numpy(dtype="float64"))
    types["referrals"] = types["referrals"].astype("int64")
    types.index.name = "source_type"
    return PeriodTables(
        filters=filters,
        start=start,
        end=end,
        sources=sources,
        partners=partner_table(sources, referrals),
        types=types,
        referrals=referrals,
        revenue=None if basis == "none" else float(cents(sources["revenue"].sum())),
        revenue_basis=basis,
        arrived=int(sources["arrived"].sum()),
        known=int(sources["known"].sum()),
    )


def cents(amounts):
    """Money sums rounded to the cent, so equal totals compare equal whatever the sum order."""
    return np.round(amounts, 2)


def partner_table(sources: pd.DataFrame, total_referrals: int) -> pd.DataFrame:
    """One row per partner, ranked by referrals (ties: revenue, then name), with its share."""
    rows = sources[sources["source_type"].isin(PARTNER_TYPES)]
    is_physician = rows["source_type"].isin(PHYSICIAN_TYPES)
    rows = rows.assign(
        physician_referrals=rows["referrals"].where(is_physician, 0),
        physician_revenue=rows["revenue"].where(is_physician, 0.0),
    )
    summed = [
        "referrals",
        "revenue",
        "payments",
        "charges",
        "arrived",
        "known",
        "visits",
        "visit_referrals",
        "physician_referrals",
        "physician_revenue",
    ]
    grouped = rows.groupby("source", sort=False)
    table = grouped[summed].sum(min_count=1)
    for column in ("revenue", "payments", "charges", "physician_revenue"):
        table[column] = cents(table[column].to_numpy(dtype="float64"))
    table["first_referral"] = grouped["first_referral"].min()
    table["last_referral"] = grouped["last_referral"].max()
    # A partner whose rows carry two types is shown under the type of most of its referrals.
    dominant = rows.sort_values("referrals", ascending=False, kind="stable")
    table["type"] = dominant.drop_duplicates("source").set_index("source")["source_type"]
    table = table.reset_index().rename(columns={"source": "partner"})
    for column in ("referrals", "arrived", "known", "visit_referrals", "physician_referrals"):
        table[column] = table[column].fillna(0).astype("int64")
    table["revenue"] = table["revenue"].fillna(0.0)
    table["physician_revenue"] = table["physician_revenue"].fillna(0.0)
    table["share"] = table["referrals"] / total_referrals if total_referrals else np.nan
    table = table.sort_values(
        ["referrals", "revenue", "partner"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    first = ["partner", "type", "referrals", "share", "revenue"]
    return table[first + [c for c in table.columns if c not in first]]


def _timestamp_of(day: int | None) -> pd.Timestamp | None:
    return None if day is None else pd.Timestamp(np.datetime64(day, "D"))


def tables_of(encoded: Encoded, filters: Filters) -> PeriodTables:
    """The period's tables from encoded rows (rows outside the period are left out).

    Remembered per encoding and filters (a page asks for the same period's tables several
    times: the valuation page, its scorecard, trend and scenarios); copies go out."""
    memo: dict = encoded.__dict__.get("_tables")
    if memo is None:
        memo = {}
        object.__setattr__(encoded, "_tables", memo)  # frozen: cached by hand
    if filters not in memo:
        if len(memo) >= 64:
            memo.clear()
        start, end = day_bounds(encoded, filters)
        sources = source_table_of(in_period(encoded, start, end))
        memo[filters] = tables_from_sources(
            sources, filters, _timestamp_of(start), _timestamp_of(end)
        )
    tables = memo[filters]
    return replace(
        tables,
        sources=tables.sources.copy(),
        partners=tables.partners.copy(),
        types=tables.types.copy(),
    )


def period_tables(frame: pd.DataFrame, filters: Filters) -> PeriodTables:
    """Aggregate a period's referral frame once into the tables every period metric reads."""
    return tables_of(encode(frame, filters.level), filters)


def conversion_rate(tables: PeriodTables) -> float | None:
    """Arrived / referrals over referrals whose outcome is known; None when none is known."""
    return tables.arrived / tables.known if tables.known else None


def dominant_type_codes(encoded: Encoded, mask: np.ndarray | None = None) -> np.ndarray:
    """Per key code: the type (index into SOURCE_TYPES) of most of its referrals under mask."""
    width = len(SOURCE_TYPES)
    keep = slice(None) if mask is None else mask
    counts = np.bincount(
        encoded.key[keep] * width + encoded.type[keep],
        weights=encoded.count[keep],
        minlength=encoded.partners * width,
    ).reshape(encoded.partners, width)
    return counts.argmax(axis=1)
