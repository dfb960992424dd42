"""Alerts on partners cooling off: `declining` (a Poisson test) and `dormant` (gone quiet).

Both read the whole history (they need the months before the period) and end at the period
end: filters.end, or the last referral in the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import pdtr  # the Poisson CDF; scipy.stats costs ~1 s to import

from analytics.filters import Filters
from analytics.metrics.periods import TYPE_NAMES, Encoded, day_bounds, encode
from analytics.metrics.windows import (
    EARLIER_DAYS,
    QUIET_DAYS,
    RECENT_DAYS,
    REGULAR_MONTHS,
    HistoryWindows,
    windows_of,
)

__all__ = [
    "DECLINING_COLUMNS",
    "DORMANT_COLUMNS",
    "EARLIER_DAYS",
    "QUIET_DAYS",
    "RECENT_DAYS",
    "REGULAR_MONTHS",
    "declining",
    "declining_from",
    "declining_of",
    "dormant",
    "dormant_from",
    "dormant_of",
]

MIN_EARLIER_DAYS = 180
MIN_EXPECTED = 5.0
MAX_P_VALUE = 0.05
MIN_DROP = 0.30

REGULAR_PER_MONTH = 1

DECLINING_COLUMNS = ("name", "type", "earlier_rate_per_90d", "last_90d", "drop", "p_value")
DORMANT_COLUMNS = ("name", "type", "last_referral", "monthly_avg", "base_share")


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def _remembered(encoded: Encoded, kind: str, end: int, build) -> pd.DataFrame:
    """An alert table of an encoding, computed once per end day.

    The app keeps one encoding per store version, and most periods end on the same day, so
    the overview, trends, engagement and partner pages and every period change share it.
    Copies go out: a caller may change its table."""
    memo: dict = encoded.__dict__.get("_alerts")
    if memo is None:
        memo = {}
        object.__setattr__(encoded, "_alerts", memo)  # frozen: cached by hand
    key = (kind, end)
    if key not in memo:
        if len(memo) >= 64:
            memo.clear()
        memo[key] = build()
    return memo[key].copy()


def declining_of(encoded: Encoded, end: int | None) -> pd.DataFrame:
    """`declining` from encoded history ending on day `end` (see `declining`)."""
    if end is None or not encoded.partner.any():
        return _empty(DECLINING_COLUMNS)
    return _remembered(encoded, "declining", end, lambda: declining_from(windows_of(encoded, end)))


def declining_from(windows: HistoryWindows) -> pd.DataFrame:
    """`declining` from the history's window sums (numpy or SQL, analytics.metrics.windows)."""
    if not windows.any_partner:
        return _empty(DECLINING_COLUMNS)
    earlier, recent = windows.earlier, windows.recent
    recent_start = windows.days.recent_start
    # The earlier rate runs from the latest of: a year before the last 90 days, the first day
    # of the data, the partner's first referral.
    exposure_start = np.maximum(windows.first, max(windows.days.earlier_start, windows.data_first))
    earlier_days = (recent_start - exposure_start).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = earlier * RECENT_DAYS / earlier_days
    testable = (earlier_days >= MIN_EARLIER_DAYS) & (expected >= MIN_EXPECTED)
    p_value = np.ones(len(windows.names))
    p_value[testable] = pdtr(recent[testable], expected[testable])
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = 1 - recent / expected
    flagged = np.flatnonzero(testable & (p_value < MAX_P_VALUE) & (drop >= MIN_DROP))
    types = windows.declining_types
    table = pd.DataFrame(
        {
            "name": pd.Series(windows.names[flagged], dtype="str"),
            "type": pd.Series(TYPE_NAMES[types[flagged]], dtype="str"),
            "earlier_rate_per_90d": expected[flagged],
            "last_90d": recent[flagged].astype("int64"),
            "drop": drop[flagged],
            "p_value": p_value[flagged],
        }
    )
    return table.sort_values(
        ["p_value", "drop", "name"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)


def declining(history: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Partners whose last 90 days fall well below their own earlier rate (surest first).

    Earlier rate: referrals per day over the 365 days before the last 90, or since the later of
    the data's first day and the partner's first referral when that is shorter; at least 180
    days of it and an expected 90-day count of 5 or more. Flagged when P(X <= last_90d) < 0.05
    for X ~ Poisson(expected) and the drop, 1 - last_90d / expected, is 30% or more.
    Columns: name, type, earlier_rate_per_90d, last_90d, drop, p_value.
    """
    encoded = encode(history, filters.level)
    return declining_of(encoded, day_bounds(encoded, filters)[1])


def dormant_of(encoded: Encoded, end: int | None) -> pd.DataFrame:
    """`dormant` from encoded history ending on day `end` (see `dormant`)."""
    if end is None or not len(encoded.day):
        return _empty(DORMANT_COLUMNS)
    return _remembered(encoded, "dormant", end, lambda: dormant_from(windows_of(encoded, end)))


def dormant_from(windows: HistoryWindows) -> pd.DataFrame:
    """`dormant` from the history's window sums (numpy or SQL, analytics.metrics.windows)."""
    if not windows.any_rows:
        return _empty(DORMANT_COLUMNS)
    base, quiet, base_total = windows.base, windows.quiet, windows.base_total
    found = np.flatnonzero((quiet == 0) & (base >= REGULAR_PER_MONTH * REGULAR_MONTHS))
    types = windows.dormant_types
    table = pd.DataFrame(
        {
            "name": pd.Series(windows.names[found], dtype="str"),
            "type": pd.Series(TYPE_NAMES[types[found]], dtype="str"),
            "last_referral": windows.base_last[found]
            .astype("datetime64[D]")
            .astype("datetime64[ns]"),
            "monthly_avg": base[found] / REGULAR_MONTHS,
            "base_share": base[found] / base_total if base_total else np.nan,
        }
    )
    return table.sort_values(
        ["monthly_avg", "name"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def dormant(history: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Partners with no referral in the 60 days to the period end who averaged >= 1 a month in
    the 6 months before. Columns: name, type, last_referral, monthly_avg, and base_share (their
    share of all referrals in those 6 months, for the valuation check)."""
    encoded = encode(history, filters.level)
    return dormant_of(encoded, day_bounds(encoded, filters)[1])
