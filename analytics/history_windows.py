"""What the history metrics read before a period end: per-key sums over fixed windows.

The declining and dormant alerts, the scorecard's partners trend and data coverage, and the
ROI table's partner types and practice groups never need the history's rows, only a few sums
per partner key over windows ending on the period's last day. `windows_of` computes them from
encoded rows (numpy), `windows_from_groups` from one SQL GROUP BY per (source, type,
organization) with FILTER clauses (analytics.store_aggregates): the same arrays either way, so
every metric built on them is identical whichever produced them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.periods import TYPE_NAMES, Encoded, dominant_type_codes, encode, to_day
from analytics.schema import PARTNER_TYPES

__all__ = [
    "GROUP_COLUMNS",
    "HistoryWindows",
    "WindowDays",
    "organizations_of_groups",
    "partner_types_from",
    "window_days",
    "windows_from_groups",
    "windows_of",
]

RECENT_DAYS = 90
EARLIER_DAYS = 365
QUIET_DAYS = 60
REGULAR_MONTHS = 6
TREND_MONTHS = 12
_MAX = np.iinfo("int64").max
_MIN = np.iinfo("int64").min

# One row per resolved (source, source_type, organization) of the history up to the end.
GROUP_COLUMNS: tuple[str, ...] = (
    "source",
    "source_type",
    "organization",
    "rows",
    "referrals",
    "first_day",
    "earlier",
    "recent",
    "base",
    "base_rows",
    "quiet",
    "base_last",
    "year_rows",
    "prior_year_rows",
)


@dataclass(frozen=True)
class WindowDays:
    """The window bounds (integer days, inclusive start, exclusive stop) before day `end`."""

    end: int
    earlier_start: int
    recent_start: int
    base_start: int
    quiet_start: int
    prior_year_start: int
    year_start: int


def window_days(end: int) -> WindowDays:
    """Declining: the 365 days before the last 90; dormant: the 6 months before the last 60;
    partners trend: the last 12 months and the 12 before them."""
    recent_start = end - RECENT_DAYS + 1
    quiet_start = end - QUIET_DAYS + 1
    base_start = pd.Timestamp(np.datetime64(quiet_start, "D")) - pd.DateOffset(
        months=REGULAR_MONTHS
    )
    end_stamp = pd.Timestamp(np.datetime64(end, "D"))
    year_start = end_stamp - pd.DateOffset(months=TREND_MONTHS) + pd.Timedelta(days=1)
    prior_year_start = year_start - pd.DateOffset(months=TREND_MONTHS)
    return WindowDays(
        end=end,
        earlier_start=recent_start - EARLIER_DAYS,
        recent_start=recent_start,
        base_start=to_day(base_start),
        quiet_start=quiet_start,
        prior_year_start=to_day(prior_year_start),
        year_start=to_day(year_start),
    )


@dataclass(frozen=True, eq=False)
class HistoryWindows:
    """Per partner key (`names[k]`) sums over the windows of `days`, and a few totals.

    Partner arrays count partner-typed rows only; `types` and `seen` count every row up to
    the end (ROI's type of a key); `data_first` is the history's first day, `any_rows` and
    `any_partner` whether it has rows (partner rows) at all.
    """

    names: np.ndarray
    days: WindowDays
    data_first: int | None
    any_rows: bool
    any_partner: bool
    earlier: np.ndarray
    recent: np.ndarray
    first: np.ndarray
    declining_types: np.ndarray
    base: np.ndarray
    quiet: np.ndarray
    base_last: np.ndarray
    dormant_types: np.ndarray
    base_total: int
    year_partners: int
    prior_year_partners: int
    types: np.ndarray
    seen: np.ndarray


def _sums(key: np.ndarray, weights: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(key[mask], weights=weights[mask], minlength=size)


def windows_of(encoded: Encoded, end: int) -> HistoryWindows:
    """The windows before day `end` from encoded rows (rows after `end` are left out)."""
    w = window_days(end)
    day, key, count, size = encoded.day, encoded.key, encoded.count, encoded.partners
    upto = day <= end
    partner_upto = encoded.partner & upto
    earlier_rows = partner_upto & (day >= w.earlier_start) & (day < w.recent_start)
    recent_rows = partner_upto & (day >= w.recent_start)
    in_base = (day >= w.base_start) & (day < w.quiet_start)
    base_rows = in_base & encoded.partner
    quiet_rows = encoded.partner & (day >= w.quiet_start) & upto
    first = np.full(size, _MAX)
    np.minimum.at(first, key[partner_upto], day[partner_upto])
    last = np.full(size, _MIN)
    np.maximum.at(last, key[base_rows], day[base_rows])
    year = partner_upto & (day >= w.year_start)
    prior = encoded.partner & (day >= w.prior_year_start) & (day < w.year_start)
    return HistoryWindows(
        names=encoded.names,
        days=w,
        data_first=encoded.first_day(),
        any_rows=bool(len(day)),
        any_partner=bool(encoded.partner.any()),
        earlier=_sums(key, count, earlier_rows, size),
        recent=_sums(key, count, recent_rows, size),
        first=first,
        declining_types=dominant_type_codes(encoded, partner_upto),
        base=_sums(key, count, base_rows, size),
        quiet=_sums(key, count, quiet_rows, size),
        base_last=last,
        dormant_types=dominant_type_codes(encoded, base_rows),
        base_total=int(count[in_base].sum()),
        year_partners=len(np.unique(key[year])),
        prior_year_partners=len(np.unique(key[prior])),
        types=dominant_type_codes(encoded, upto),
        seen=np.bincount(key[upto], minlength=size) > 0,
    )


def windows_from_groups(groups: pd.DataFrame, level: str, end: int) -> HistoryWindows:
    """The same windows from the store's per-(source, type, organization) sums (GROUP_COLUMNS).

    The groups hold only rows up to day `end`; their identity columns are encoded exactly as
    rows are (type cleaning, nameless partners, organization roll-up), then summed per key.
    """
    n = len(groups)
    frame = pd.DataFrame(
        {
            "source": groups["source"],
            "source_type": groups["source_type"],
            "organization": groups["organization"],
            "referral_date": pd.Series(np.zeros(n, dtype="datetime64[ns]")),
            "count": groups["referrals"].to_numpy(dtype="int64"),
            "eval_date": pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")),
            "arrived": pd.Series([pd.NA] * n, dtype="boolean"),
            **{c: np.full(n, np.nan) for c in ("payments", "charges", "visits")},
        }
    )
    encoded = encode(frame, level)
    key, size, partner = encoded.key, encoded.partners, encoded.partner
    every = np.ones(n, dtype=bool)

    def column(name: str) -> np.ndarray:
        return groups[name].to_numpy(dtype="int64")

    def weighted(weights: np.ndarray, mask: np.ndarray) -> np.ndarray:
        # The type of most of a key's referrals, each group weighted by its window's count.
        return dominant_type_codes(replace(encoded, count=weights), mask)

    first = np.full(size, _MAX)
    np.minimum.at(first, key[partner], column("first_day")[partner])
    base = column("base")
    last = np.full(size, _MIN)
    base_groups = partner & (column("base_rows") > 0)
    np.maximum.at(last, key[base_groups], column("base_last")[base_groups])
    firsts = column("first_day")
    return HistoryWindows(
        names=encoded.names,
        days=window_days(end),
        data_first=int(firsts.min()) if n else None,
        any_rows=bool(n),
        any_partner=bool(partner.any()),
        earlier=_sums(key, column("earlier"), partner, size),
        recent=_sums(key, column("recent"), partner, size),
        first=first,
        declining_types=weighted(column("referrals"), partner),
        base=_sums(key, base, partner, size),
        quiet=_sums(key, column("quiet"), partner, size),
        base_last=last,
        dormant_types=weighted(base, partner),
        base_total=int(base.sum()),
        year_partners=len(np.unique(key[partner & (column("year_rows") > 0)])),
        prior_year_partners=len(np.unique(key[partner & (column("prior_year_rows") > 0)])),
        types=weighted(column("referrals"), every),
        seen=np.bincount(key[column("rows") > 0], minlength=size) > 0,
    )


def organizations_of_groups(groups: pd.DataFrame) -> dict[str, str]:
    """outreach.organization_of from the groups: each partner source's most-named group."""
    rows = groups[groups["source_type"].isin(PARTNER_TYPES) & groups["organization"].notna()]
    if rows.empty:
        return {}
    counts = (
        rows.groupby(["source", "organization"], sort=True)["referrals"]
        .sum()
        .reset_index()
        .sort_values(["source", "referrals"], ascending=[True, False], kind="stable")
        .drop_duplicates("source")
    )
    return dict(zip(counts["source"].astype(str), counts["organization"].astype(str), strict=True))


def partner_types_from(windows: HistoryWindows) -> dict[str, str]:
    """outreach.partner_types_of from the windows: each key's type up to the end."""
    return {
        str(name): str(TYPE_NAMES[code])
        for name, code, ok in zip(windows.names, windows.types, windows.seen, strict=True)
        if ok
    }
