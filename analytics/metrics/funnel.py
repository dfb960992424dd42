"""The referral funnel: referrals -> arrived (evaluated) -> visits, overall and by source."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.periods import (
    TYPE_NAMES,
    Encoded,
    PeriodTables,
    conversion_rate,
    day_bounds,
    encode,
    in_period,
    tables_of,
)
from analytics.schema import SOURCE_TYPES

__all__ = [
    "FUNNEL_BY",
    "funnel",
    "funnel_of",
    "funnel_table",
    "funnel_table_of",
    "median_days_of",
]

FUNNEL_BY = ("source_type", "source")


def _medians(groups: np.ndarray, days: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Median of `days` per group code, each day repeated `weights` times; NaN where none."""
    keep = ~np.isnan(days)
    groups, days, weights = groups[keep], days[keep].astype("int64"), weights[keep]
    medians = np.full(size, np.nan)
    if len(days) == 0:
        return medians
    span = int(days.max()) + 1
    # One sort of (group, days) packed in an int64: each group's days come out in order.
    ordered = np.sort(np.repeat(groups * span + days, weights))
    totals = np.bincount(groups, weights=weights, minlength=size).astype("int64")
    starts = np.cumsum(totals) - totals
    present = totals > 0
    low = ordered[(starts + (totals - 1) // 2)[present]] % span
    high = ordered[(starts + totals // 2)[present]] % span
    medians[present] = (low + high) / 2
    return medians


def median_days_of(encoded: Encoded, by: str | None = None) -> np.ndarray:
    """Median days to evaluation: overall (one value), per type code or per key code."""
    if by is None:
        groups, size = np.zeros(len(encoded.day), dtype="int64"), 1
    elif by == "source_type":
        groups, size = encoded.type.astype("int64"), len(SOURCE_TYPES)
    else:
        groups, size = encoded.key, encoded.partners
    return _medians(groups, encoded.eval_days, encoded.count, size)


def _rates(table: pd.DataFrame, tables: PeriodTables) -> pd.DataFrame:
    has_visits = bool(tables.sources["visit_referrals"].sum())
    referrals = table["referrals"].where(table["referrals"] > 0)
    return table.assign(
        conversion_rate=table["arrived"] / table["known"].where(table["known"] > 0),
        visits_per_referral=table["visits"].fillna(0) / referrals if has_visits else np.nan,
        revenue_per_referral=(
            table["revenue"] / referrals if tables.revenue_basis != "none" else np.nan
        ),
    )


def funnel_of(tables: PeriodTables, median_days: float | None = None) -> dict:
    """The period's funnel from its tables (median_days comes from row data)."""
    sources = tables.sources
    has_visits = bool(sources["visit_referrals"].sum())
    visits = float(sources["visits"].sum()) if has_visits else None
    referrals = tables.referrals
    return {
        "referrals": referrals,
        "outcome_known": tables.known,
        "arrived": tables.arrived if tables.known else None,
        "conversion_rate": conversion_rate(tables),
        "visits": visits,
        "visits_per_referral": visits / referrals if visits is not None and referrals else None,
        "revenue": tables.revenue,
        "revenue_per_referral": tables.revenue / referrals
        if tables.revenue is not None and referrals
        else None,
        "median_days_to_eval": median_days,
    }


def funnel(frame: pd.DataFrame, filters: Filters) -> dict:
    """Referrals, outcome_known, arrived, conversion_rate, visits, revenue, median days to eval.

    Rates use referrals whose outcome is known; per-referral values divide by all referrals.
    """
    encoded = encode(frame, filters.level)
    tables = tables_of(encoded, filters)
    median = median_days_of(in_period(encoded, *day_bounds(encoded, filters)))[0]
    return funnel_of(tables, None if np.isnan(median) else float(median))


def funnel_table_of(
    encoded: Encoded, tables: PeriodTables, by: str = "source_type"
) -> pd.DataFrame:
    """`funnel_table` from the period's encoded rows and tables."""
    if by not in FUNNEL_BY:
        raise ValueError(f"by must be one of {', '.join(FUNNEL_BY)}, not {by!r}.")
    summed = ["referrals", "known", "arrived", "visits", "revenue"]
    table = tables.sources.groupby(by, sort=False)[summed].sum(min_count=1)
    counts = ["referrals", "known", "arrived"]
    table[counts] = table[counts].fillna(0).astype("int64")
    medians = median_days_of(encoded, by)
    if by == "source_type":
        table = table.reindex([t for t in SOURCE_TYPES if t in table.index])
        names = TYPE_NAMES
    else:
        table = table.sort_values("referrals", ascending=False, kind="stable")
        dominant = tables.sources.sort_values("referrals", ascending=False, kind="stable")
        types = dominant.drop_duplicates("source").set_index("source")["source_type"]
        table.insert(0, "source_type", types)
        names = encoded.names
    table = _rates(table, tables)
    by_name = pd.Series(medians, index=pd.Index(names, dtype="str"))
    table["median_days_to_eval"] = by_name.reindex(table.index)
    return table.reset_index()


def funnel_table(frame: pd.DataFrame, filters: Filters, by: str = "source_type") -> pd.DataFrame:
    """The funnel per source_type (schema order) or per source (most referrals first):
    referrals, known, arrived, visits, revenue, conversion_rate, visits_per_referral,
    revenue_per_referral, median_days_to_eval."""
    encoded = encode(frame, filters.level)
    tables = tables_of(encoded, filters)
    return funnel_table_of(in_period(encoded, *day_bounds(encoded, filters)), tables, by)
