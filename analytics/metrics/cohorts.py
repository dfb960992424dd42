"""Referral cohorts: referrals grouped by the month they arrived, and the revenue they have
collected by each month since, per source type (what a referral of each type is worth).

Exports carry each referral's payments as one total, with no payment dates. A referral's
payments are therefore spread evenly over the months of its episode: from the month of its
evaluation (or of the referral, when no evaluation date is recorded) to the month of its
discharge; with no discharge date, all of it falls in that first month. Months after the
last loaded referral are not observed and are left blank, never projected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.periods import TYPE_NAMES, day_bounds, encode, revenue_basis, revenue_of
from analytics.schema import PARTNER_TYPES, SOURCE_TYPES

__all__ = ["HORIZON", "cohort_curve_of", "cohort_table_from", "cohort_table_of"]

HORIZON = 12
COLUMNS = [
    "Source type",
    "Month",
    "Months since referral",
    "Referrals",
    "Cumulative revenue",
    "Cumulative revenue per referral",
]


def _month_index(dates: pd.Series) -> np.ndarray:
    """Months since year 0 (year * 12 + month - 1); -1 where the date is missing."""
    values = dates.dt.year * 12 + dates.dt.month - 1
    return values.fillna(-1).to_numpy(dtype="int64")


def _spread(frame: pd.DataFrame, filters: Filters, horizon: int):
    """Per row: type name, referral month, count, and (row, month offset, amount) pieces."""
    encoded = encode(frame, filters.level)
    start, end = day_bounds(encoded, filters)
    keep = np.ones(len(encoded.day), dtype=bool)
    if start is not None and end is not None:
        keep = (encoded.day >= start) & (encoded.day <= end)
    basis = revenue_basis(encoded.payments[keep], encoded.charges[keep])
    revenue = revenue_of(encoded.payments, encoded.charges, basis)[keep]
    referral = _month_index(frame["referral_date"])[keep]
    evaluated = _month_index(frame["eval_date"])[keep]
    discharged = _month_index(frame["discharge_date"])[keep]
    first = np.where(evaluated >= referral, evaluated, referral)
    last = np.where(discharged >= first, discharged, first)
    pieces = _pieces(referral, first, last, revenue, horizon)
    return TYPE_NAMES[encoded.type[keep]], referral, encoded.count[keep], pieces, basis


def _pieces(referral, first, last, revenue, horizon: int):
    """(row, month offset, amount): each paying row's revenue spread evenly over the months
    from `first` to `last`, up to `horizon` months after the referral month."""
    months = last - first + 1
    paying = np.flatnonzero(revenue != 0)
    row = np.repeat(paying, months[paying])
    step = np.arange(len(row)) - np.repeat(
        np.cumsum(months[paying]) - months[paying], months[paying]
    )
    offset = first[row] - referral[row] + step
    amount = revenue[row] / months[row]
    inside = offset <= horizon
    return row[inside], offset[inside], amount[inside]


def cohort_table_of(frame: pd.DataFrame, filters: Filters, horizon: int = HORIZON) -> pd.DataFrame:
    """One row per (source type, arrival month, months since referral 0..horizon): Source type,
    Month (the cohort), Months since referral, Referrals, Cumulative revenue, Cumulative
    revenue per referral; blank where that month is after the last loaded referral."""
    return _cohort_table(*_spread(frame, filters, horizon), horizon)


def cohort_table_from(sums: pd.DataFrame, horizon: int = HORIZON) -> pd.DataFrame:
    """cohort_table_of from the store's sums per (source_type, nameless, referral month,
    episode's first and last month) of the period (Store.cohort_sums)."""
    paid, charged = int(sums["paid"].sum()), int(sums["charged"].sum())
    basis = "payments" if paid else "charges" if charged else "none"
    revenue = np.zeros(len(sums))
    if basis != "none":
        revenue = sums[basis].to_numpy(dtype="float64")
    referral, first, last = (sums[c].to_numpy(dtype="int64") for c in ("ref", "first", "last"))
    pieces = _pieces(referral, first, last, revenue, horizon)
    types = _kinds(sums["source_type"], sums["nameless"].to_numpy(dtype=bool))
    count = sums["referrals"].to_numpy(dtype="int64")
    return _cohort_table(types, referral, count, pieces, basis, horizon)


def _kinds(source_types: pd.Series, nameless: np.ndarray) -> np.ndarray:
    """Each row's cleaned type as periods.encode makes it (unknown types, nameless partners)."""
    kinds = source_types.where(source_types.isin(SOURCE_TYPES), "unknown").astype("str")
    kinds = kinds.where(~(kinds.isin(PARTNER_TYPES).to_numpy() & nameless), "unknown")
    return kinds.to_numpy(dtype=object)


def _cohort_table(types, referral, count, pieces, basis: str, horizon: int) -> pd.DataFrame:
    row, offset, amount = pieces
    if not len(referral):
        return pd.DataFrame(columns=COLUMNS)
    last_month = int(referral.max())
    cohorts = pd.DataFrame({"type": types, "month": referral, "count": count})
    sizes = cohorts.groupby(["type", "month"])["count"].sum()
    money = pd.DataFrame({"type": types[row], "month": referral[row], "k": offset, "x": amount})
    per_k = money.groupby(["type", "month", "k"])["x"].sum()
    grid = pd.MultiIndex.from_tuples(
        [(t, m, k) for (t, m) in sizes.index for k in range(horizon + 1)],
        names=["type", "month", "k"],
    )
    cumulative = per_k.reindex(grid, fill_value=0.0).groupby(level=["type", "month"]).cumsum()
    table = cumulative.rename("revenue").reset_index()
    table["referrals"] = sizes.reindex(
        pd.MultiIndex.from_arrays([table["type"], table["month"]])
    ).to_numpy()
    unseen = table["month"] + table["k"] > last_month
    if basis == "none":
        unseen[:] = True
    table.loc[unseen, "revenue"] = np.nan
    month = pd.to_datetime(
        {"year": table["month"] // 12, "month": table["month"] % 12 + 1, "day": 1}
    )
    return pd.DataFrame(
        {
            "Source type": table["type"].astype("str"),
            "Month": month.astype("datetime64[ns]"),
            "Months since referral": table["k"].astype("int64"),
            "Referrals": table["referrals"].astype("int64"),
            "Cumulative revenue": table["revenue"].astype("float64"),
            "Cumulative revenue per referral": (table["revenue"] / table["referrals"]).astype(
                "float64"
            ),
        },
        columns=COLUMNS,
    )


def cohort_curve_of(table: pd.DataFrame) -> pd.DataFrame:
    """What a referral of each type has brought in by each month since referral: Source type,
    Months since referral, Cohorts (observed that far), Referrals (in them), Revenue per
    referral (their cumulative revenue over their referrals)."""
    seen = table[table["Cumulative revenue"].notna()]
    grouped = seen.groupby(["Source type", "Months since referral"], sort=True)
    curve = grouped.agg(
        Cohorts=("Month", "size"),
        Referrals=("Referrals", "sum"),
        revenue=("Cumulative revenue", "sum"),
    ).reset_index()
    curve["Revenue per referral"] = curve["revenue"] / curve["Referrals"]
    return curve.drop(columns="revenue")
