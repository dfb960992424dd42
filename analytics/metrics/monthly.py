"""Calendar-month shapes the charts read: mix by type, physician share, partner series, won/lost.

Everything works on `periods.Encoded` history (the rows up to and past the period; only days
up to the period end are read) and returns frames with the owner's column names, ready to
chart and to download.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.encoded import IS_PARTNER_TYPE, IS_PHYSICIAN_TYPE
from analytics.metrics.periods import (
    Encoded,
    day_bounds,
    revenue_basis,
    revenue_of,
)
from analytics.metrics.trends import first_referral_days
from analytics.schema import SOURCE_TYPE_LABELS, SOURCE_TYPES

__all__ = [
    "GROUPS",
    "LOST_AFTER_DAYS",
    "WARM_UP_MONTHS",
    "group_shares_of",
    "last_referral_days",
    "month_grid",
    "months_of",
    "partner_months_of",
    "type_counts_of",
    "won_lost_of",
]

# A partner is lost in the month of its last referral once this many days pass without one.
LOST_AFTER_DAYS = 90
# The first months of an export count every partner as new: "won" starts after them.
WARM_UP_MONTHS = 3
GROUPS = ("Physicians & PAs/NPs", "Other partners", "Patients & other channels")


def month_grid(first_day: int, last_day: int) -> np.ndarray:
    """First days (day numbers) of each calendar month from first_day's through last_day's,
    plus the first day of the month after: months + 1 boundaries."""
    first = pd.Timestamp(np.datetime64(first_day, "D")).to_period("M").to_timestamp()
    last = pd.Timestamp(np.datetime64(last_day, "D")).to_period("M").to_timestamp()
    starts = pd.date_range(first, last + pd.offsets.MonthBegin(1), freq="MS")
    return starts.to_numpy().astype("datetime64[D]").astype("int64")


def months_of(grid: np.ndarray) -> pd.DatetimeIndex:
    """The month starts of a grid as timestamps (the last boundary left out)."""
    return pd.DatetimeIndex(grid[:-1].astype("datetime64[D]").astype("datetime64[ns]"))


def _month_index(days: np.ndarray, grid: np.ndarray) -> np.ndarray:
    return np.searchsorted(grid, days, side="right") - 1


def _period_rows(encoded: Encoded, filters: Filters) -> tuple[Encoded, np.ndarray, np.ndarray]:
    """The period's rows, the month grid of the period and each row's month."""
    start, end = day_bounds(encoded, filters)
    if start is None or end is None or start > end:
        grid = np.array([], dtype="int64")
        return encoded.take(np.zeros(len(encoded.day), dtype=bool)), grid, grid
    rows = encoded.take((encoded.day >= start) & (encoded.day <= end))
    grid = month_grid(start, end)
    return rows, grid, _month_index(rows.day, grid)


def type_counts_of(encoded: Encoded, filters: Filters) -> pd.DataFrame:
    """Referrals per month of the period by source type: Month, then one column per type label."""
    rows, grid, month = _period_rows(encoded, filters)
    months = max(len(grid) - 1, 0)
    width = len(SOURCE_TYPES)
    counts = np.bincount(
        month * width + rows.type, weights=rows.count, minlength=months * width
    ).reshape(months, width)
    table = pd.DataFrame(
        counts.astype("int64"), columns=[SOURCE_TYPE_LABELS[t] for t in SOURCE_TYPES]
    )
    table.insert(0, "Month", months_of(grid) if months else pd.DatetimeIndex([]))
    return table


def group_shares_of(encoded: Encoded, filters: Filters) -> pd.DataFrame:
    """Per month and group (physicians, other partners, channels): share of referrals and of
    revenue. Columns: Month, Group, Referrals, Revenue, Referral share, Revenue share."""
    rows, grid, month = _period_rows(encoded, filters)
    months = max(len(grid) - 1, 0)
    group = np.where(IS_PHYSICIAN_TYPE[rows.type], 0, np.where(IS_PARTNER_TYPE[rows.type], 1, 2))
    basis = revenue_basis(rows.payments, rows.charges)
    revenue = revenue_of(rows.payments, rows.charges, basis)
    cell = month * len(GROUPS) + group
    size = months * len(GROUPS)
    referrals = np.bincount(cell, weights=rows.count, minlength=size).reshape(months, -1)
    money = np.bincount(cell, weights=revenue, minlength=size).reshape(months, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        referral_share = referrals / referrals.sum(axis=1, keepdims=True)
        revenue_share = money / money.sum(axis=1, keepdims=True)
    return pd.DataFrame(
        {
            "Month": np.repeat(months_of(grid), len(GROUPS)) if months else [],
            "Group": np.tile(np.array(GROUPS, dtype=object), months),
            "Referrals": referrals.ravel().astype("int64"),
            "Revenue": money.ravel() if basis != "none" else np.nan,
            "Referral share": referral_share.ravel(),
            "Revenue share": revenue_share.ravel() if basis != "none" else np.nan,
        }
    ).astype({"Group": "str"})


def partner_months_of(
    encoded: Encoded, codes: np.ndarray, first_day: int, last_day: int
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Referrals per calendar month from first_day to last_day for the given key codes:
    (months, matrix of len(codes) x months)."""
    grid = month_grid(first_day, last_day)
    months = len(grid) - 1
    keep = encoded.partner & (encoded.day >= first_day) & (encoded.day <= last_day)
    position = np.full(encoded.partners, -1)
    position[codes] = np.arange(len(codes))
    row_position = position[encoded.key[keep]]
    chosen = row_position >= 0
    cell = row_position[chosen] * months + _month_index(encoded.day[keep][chosen], grid)
    counts = np.bincount(
        cell, weights=encoded.count[keep][chosen], minlength=len(codes) * months
    ).reshape(len(codes), months)
    return months_of(grid), counts.astype("int64")


def last_referral_days(encoded: Encoded, end: int) -> np.ndarray:
    """Per key code: the day of its last partner referral up to `end` (int64 min if none)."""
    last = np.full(encoded.partners, np.iinfo("int64").min)
    upto = encoded.partner & (encoded.day <= end)
    np.maximum.at(last, encoded.key[upto], encoded.day[upto])
    return last


def won_lost_of(encoded: Encoded, filters: Filters) -> pd.DataFrame:
    """Partners won and lost per month of the period: Month, Won, Lost.

    Won: the partner's first referral ever falls in the month. Lost: its last referral up to
    the period end falls in the month and none came in the LOST_AFTER_DAYS after. Months too
    recent to tell (less than LOST_AFTER_DAYS before the end) have no Lost figure, and the
    first WARM_UP_MONTHS months of the data no Won figure (every partner looks new there).
    """
    start, end = day_bounds(encoded, filters)
    if start is None or end is None or start > end or not len(encoded.day):
        return pd.DataFrame({"Month": pd.DatetimeIndex([]), "Won": [], "Lost": []})
    grid = month_grid(start, end)
    months = len(grid) - 1
    first = first_referral_days(encoded, end)
    last = last_referral_days(encoded, end)
    ever = first <= end
    won_days = first[ever & (first >= start)]
    lost_days = last[ever & (last >= start) & (last + LOST_AFTER_DAYS <= end)]
    won = np.bincount(_month_index(won_days, grid), minlength=months).astype("float64")
    lost = np.bincount(_month_index(lost_days, grid), minlength=months).astype("float64")
    month_ends = grid[1:] - 1
    lost[month_ends + LOST_AFTER_DAYS > end] = np.nan
    data_start = pd.Timestamp(np.datetime64(encoded.first_day(), "D")).to_period("M")
    warm_up_end = (data_start + WARM_UP_MONTHS).to_timestamp()
    won[months_of(grid) < warm_up_end] = np.nan
    return pd.DataFrame({"Month": months_of(grid), "Won": won, "Lost": lost})
