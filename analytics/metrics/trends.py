"""Monthly series (referrals, revenue, HHI, mix, partners), new partners, period-on-period change.

These read the whole history (filtered to the same clinics and source types as the period):
trailing windows and "first referral ever" need the months before the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.comparison import previous_of
from analytics.metrics.concentration import concentration_of
from analytics.metrics.periods import (
    TYPE_NAMES,
    Encoded,
    day_bounds,
    dominant_type_codes,
    encode,
    revenue_basis,
    revenue_of,
    tables_of,
)
from analytics.schema import SOURCE_TYPES

__all__ = [
    "MONTHLY_COLUMNS",
    "TRAILING_MONTHS",
    "first_referral_days",
    "monthly_series",
    "monthly_series_of",
    "new_partners",
    "new_partners_of",
    "period_comparison",
    "period_comparison_of",
    "previous_period",
]

TRAILING_MONTHS = 12
MONTHLY_COLUMNS: tuple[str, ...] = (
    "month",
    "referrals",
    "revenue",
    "hhi",
    "hhi_12m",
    "partners_active",
    "new_partners",
    *(f"share_{t}" for t in SOURCE_TYPES),
)


def _date(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(day, "D"))


def _month_starts(first: pd.Timestamp, months: int) -> np.ndarray:
    """Day numbers of the first days of `months` + 1 consecutive months from `first`."""
    starts = pd.date_range(first, periods=months + 1, freq="MS")
    return starts.to_numpy().astype("datetime64[D]").astype("int64")


def _hhi(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """HHI per row of a (month x partner) matrix against each month's all-source total."""
    with np.errstate(divide="ignore", invalid="ignore"):
        hhi = 10_000 * (values**2).sum(axis=1) / totals.astype("float64") ** 2
    return np.where(totals > 0, hhi, np.nan)


def first_referral_days(encoded: Encoded, end: int) -> np.ndarray:
    """Per key code: the day of its first partner referral up to `end` (int64 max if none)."""
    first = np.full(encoded.partners, np.iinfo("int64").max)
    upto = encoded.partner & (encoded.day <= end)
    np.minimum.at(first, encoded.key[upto], encoded.day[upto])
    return first


def monthly_series_of(encoded: Encoded, filters: Filters) -> pd.DataFrame:
    """`monthly_series` from encoded history."""
    start, end = day_bounds(encoded, filters)
    if start is None or end is None or start > end:
        return pd.DataFrame({c: [] for c in MONTHLY_COLUMNS})
    first_month = _date(start).to_period("M").to_timestamp()
    window_month = first_month - pd.DateOffset(months=TRAILING_MONTHS - 1)
    last_month = _date(end).to_period("M").to_timestamp()
    months = 12 * (last_month.year - window_month.year) + last_month.month - window_month.month + 1
    starts = _month_starts(window_month, months)
    rows = encoded.take((encoded.day >= starts[0]) & (encoded.day <= end))
    # Month of each row by lookup (one entry per day of the window): cheaper than a search.
    month_of_day = np.repeat(np.arange(months), np.diff(starts))
    month = month_of_day[rows.day - starts[0]]
    in_period = rows.day >= start
    basis = revenue_basis(rows.payments[in_period], rows.charges[in_period])
    revenue = revenue_of(rows.payments, rows.charges, basis)
    value = revenue if filters.basis == "revenue" else rows.count.astype("float64")
    width = encoded.partners
    cells = month[rows.partner] * width + rows.key[rows.partner]

    def matrix(weights: np.ndarray) -> np.ndarray:
        flat = np.bincount(cells, weights=weights[rows.partner], minlength=months * width)
        return flat.reshape(months, width)

    def by_month(weights: np.ndarray) -> np.ndarray:
        return np.bincount(month, weights=weights, minlength=months)

    # Trailing windows use whole months; each month's own figures count the period only.
    cumulative = np.cumsum(np.vstack([np.zeros((1, width)), matrix(value)]), axis=0)
    cumulative_totals = np.concatenate([[0.0], np.cumsum(by_month(value))])
    lag = np.maximum(np.arange(months) + 1 - TRAILING_MONTHS, 0)
    hhi_12m = _hhi(cumulative[1:] - cumulative[lag], cumulative_totals[1:] - cumulative_totals[lag])
    period_value = np.where(in_period, value, 0.0)
    period_count = np.where(in_period, rows.count, 0).astype("float64")
    referrals = by_month(period_count)
    type_counts = np.bincount(
        month * len(SOURCE_TYPES) + rows.type,
        weights=period_count,
        minlength=months * len(SOURCE_TYPES),
    ).reshape(months, len(SOURCE_TYPES))
    first = first_referral_days(encoded, end)
    first = first[(first >= start) & (first <= end)]
    new = np.bincount(np.searchsorted(starts, first, side="right") - 1, minlength=months)

    period = slice(TRAILING_MONTHS - 1, months)
    series = pd.DataFrame(
        {
            "month": pd.date_range(first_month, periods=months - TRAILING_MONTHS + 1, freq="MS"),
            "referrals": referrals[period].astype("int64"),
            "revenue": by_month(np.where(in_period, revenue, 0.0))[period],
            "hhi": _hhi(matrix(period_value), by_month(period_value))[period],
            "hhi_12m": hhi_12m[period],
            "partners_active": (matrix(period_count) > 0).sum(axis=1)[period].astype("int64"),
            "new_partners": new[period].astype("int64"),
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = type_counts[period] / referrals[period, None]
    for i, source_type in enumerate(SOURCE_TYPES):
        series[f"share_{source_type}"] = shares[:, i]
    return series


def monthly_series(history: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """One row per calendar month of the period (columns MONTHLY_COLUMNS).

    hhi is the month's own; hhi_12m the trailing 12 months' (fewer where the data starts
    later); both on the filters' basis with non-partners in the denominator. revenue uses the
    period's basis (payments, else charges). share_<type> is the month's mix (NaN if empty).
    """
    return monthly_series_of(encode(history, filters.level), filters)


def new_partners_of(encoded: Encoded, filters: Filters) -> pd.DataFrame:
    """`new_partners` from encoded history."""
    columns = ["partner", "type", "first_referral", "referrals"]
    start, end = day_bounds(encoded, filters)
    if start is None or end is None:
        return pd.DataFrame({c: [] for c in columns})
    first = first_referral_days(encoded, end)
    new = np.flatnonzero((first >= start) & (first <= end))
    period_rows = encoded.partner & (encoded.day >= start) & (encoded.day <= end)
    referrals = np.bincount(
        encoded.key[period_rows], weights=encoded.count[period_rows], minlength=encoded.partners
    )
    types = dominant_type_codes(encoded, period_rows)
    table = pd.DataFrame(
        {
            "partner": pd.Series(encoded.names[new], dtype="str"),
            "type": pd.Series(TYPE_NAMES[types[new]], dtype="str"),
            "first_referral": first[new].astype("datetime64[D]").astype("datetime64[ns]"),
            "referrals": referrals[new].astype("int64"),
        }
    )
    return table.sort_values(["first_referral", "partner"], kind="stable").reset_index(drop=True)


def new_partners(history: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Partners whose first referral ever falls in the period, earliest first: partner, type,
    first_referral, referrals (in the period)."""
    return new_partners_of(encode(history, filters.level), filters)


def previous_period(filters: Filters, start: pd.Timestamp, end: pd.Timestamp) -> Filters:
    """The same filters over the period before: the previous calendar month(s) or quarter
    when the period starts on a 1st, else the equally long run of days before `start`."""
    return filters.with_period(*previous_of(start.date(), end.date()))


def period_comparison_of(encoded: Encoded, filters: Filters) -> dict:
    """`period_comparison` from encoded history."""
    start, end = day_bounds(encoded, filters)
    keys = ("referrals", "revenue", "hhi", "partners")
    if start is None or end is None:
        return {"current": dict.fromkeys(keys), "previous": dict.fromkeys(keys)} | {
            "change": dict.fromkeys(keys)
        }
    current = filters.with_period(_date(start).date(), _date(end).date())
    figures = {}
    for label, period in (
        ("current", current),
        ("previous", previous_period(filters, _date(start), _date(end))),
    ):
        tables = tables_of(encoded, period)
        figures[label] = {
            "referrals": tables.referrals,
            "revenue": tables.revenue,
            "hhi": concentration_of(tables)["hhi"],
            "partners": len(tables.partners),
        }
    change = {}
    for key in keys:
        now, then = figures["current"][key], figures["previous"][key]
        change[key] = (now - then) / then if now is not None and then else None
    return {**figures, "change": change}


def period_comparison(history: pd.DataFrame, filters: Filters) -> dict:
    """Referrals, revenue, hhi and partners of the period and of the equally long period
    before it, with the fractional change (None where the earlier figure is 0 or missing)."""
    return period_comparison_of(encode(history, filters.level), filters)
