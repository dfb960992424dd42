"""Alerts on partners cooling off: `declining` (a Poisson test) and `dormant` (gone quiet).

Both read the whole history (they need the months before the period) and end at the period
end: filters.end, or the last referral in the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import pdtr  # the Poisson CDF; scipy.stats costs ~1 s to import

from analytics.filters import Filters
from analytics.periods import (
    TYPE_NAMES,
    Encoded,
    day_bounds,
    dominant_type_codes,
    encode,
    to_day,
)

__all__ = [
    "DECLINING_COLUMNS",
    "DORMANT_COLUMNS",
    "declining",
    "declining_of",
    "dormant",
    "dormant_of",
]

RECENT_DAYS = 90
EARLIER_DAYS = 365
MIN_EARLIER_DAYS = 180
MIN_EXPECTED = 5.0
MAX_P_VALUE = 0.05
MIN_DROP = 0.30

QUIET_DAYS = 60
REGULAR_MONTHS = 6
REGULAR_PER_MONTH = 1

DECLINING_COLUMNS = ("name", "type", "earlier_rate_per_90d", "last_90d", "drop", "p_value")
DORMANT_COLUMNS = ("name", "type", "last_referral", "monthly_avg", "base_share")


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def declining_of(encoded: Encoded, end: int | None) -> pd.DataFrame:
    """`declining` from encoded history ending on day `end` (see `declining`)."""
    if end is None or not encoded.partner.any():
        return _empty(DECLINING_COLUMNS)
    recent_start = end - RECENT_DAYS + 1
    cap = recent_start - EARLIER_DAYS
    size = encoded.partners
    upto = encoded.partner & (encoded.day <= end)
    key, day, count = encoded.key[upto], encoded.day[upto], encoded.count[upto]
    earlier_rows = (day >= cap) & (day < recent_start)
    recent_rows = day >= recent_start
    earlier = np.bincount(key[earlier_rows], weights=count[earlier_rows], minlength=size)
    recent = np.bincount(key[recent_rows], weights=count[recent_rows], minlength=size)
    first = np.full(size, np.iinfo("int64").max)
    np.minimum.at(first, key, day)
    # The earlier rate runs from the latest of: a year before the last 90 days, the first day
    # of the data, the partner's first referral.
    exposure_start = np.maximum(first, max(cap, encoded.first_day()))
    earlier_days = (recent_start - exposure_start).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = earlier * RECENT_DAYS / earlier_days
    testable = (earlier_days >= MIN_EARLIER_DAYS) & (expected >= MIN_EXPECTED)
    p_value = np.ones(size)
    p_value[testable] = pdtr(recent[testable], expected[testable])
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = 1 - recent / expected
    flagged = np.flatnonzero(testable & (p_value < MAX_P_VALUE) & (drop >= MIN_DROP))
    types = dominant_type_codes(encoded, upto)
    table = pd.DataFrame(
        {
            "name": pd.Series(encoded.names[flagged], dtype="str"),
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


def _quiet_windows(end: int) -> tuple[int, int]:
    """(base_start, quiet_start) days: the 6 months before the last 60 days, and those 60 days."""
    quiet_start = end - QUIET_DAYS + 1
    base_start = pd.Timestamp(np.datetime64(quiet_start, "D")) - pd.DateOffset(
        months=REGULAR_MONTHS
    )
    return to_day(base_start), quiet_start


def dormant_of(encoded: Encoded, end: int | None) -> pd.DataFrame:
    """`dormant` from encoded history ending on day `end` (see `dormant`)."""
    if end is None or not len(encoded.day):
        return _empty(DORMANT_COLUMNS)
    base_start, quiet_start = _quiet_windows(end)
    in_base = (encoded.day >= base_start) & (encoded.day < quiet_start)
    base_total = int(encoded.count[in_base].sum())
    size = encoded.partners
    base_rows = in_base & encoded.partner
    quiet_rows = (encoded.day >= quiet_start) & (encoded.day <= end) & encoded.partner
    base = np.bincount(encoded.key[base_rows], weights=encoded.count[base_rows], minlength=size)
    quiet = np.bincount(encoded.key[quiet_rows], weights=encoded.count[quiet_rows], minlength=size)
    found = np.flatnonzero((quiet == 0) & (base >= REGULAR_PER_MONTH * REGULAR_MONTHS))
    last = np.full(size, np.iinfo("int64").min)
    np.maximum.at(last, encoded.key[base_rows], encoded.day[base_rows])
    types = dominant_type_codes(encoded, base_rows)
    table = pd.DataFrame(
        {
            "name": pd.Series(encoded.names[found], dtype="str"),
            "type": pd.Series(TYPE_NAMES[types[found]], dtype="str"),
            "last_referral": last[found].astype("datetime64[D]").astype("datetime64[ns]"),
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
