"""What the history metrics read before a period end: per-key sums over fixed windows.

The declining and dormant alerts, the scorecard's partners trend and data coverage, and the
ROI table's partner types and practice groups never need the history's rows, only a few sums
per partner key over windows ending on the period's last day. `windows_of` computes them from
encoded rows (numpy), `windows_from_groups` from one SQL GROUP BY per (source, type,
organization) with FILTER clauses (analytics.store.aggregates): the same arrays either way, so
every metric built on them is identical whichever produced them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

import numpy as np
import pandas as pd

from analytics.metrics.periods import TYPE_NAMES, Encoded, dominant_type_codes, encode, to_day
from analytics.schema import PARTNER_TYPES
from analytics.store.aggregates import WindowDays

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


class HistoryWindows:
    """Per partner key (`names[k]`) sums over the windows of `days`, and a few totals.

    names, days; data_first (the history's first day), any_rows, any_partner (whether it
    has rows, partner rows); declining: earlier, recent, first (a key's first partner
    referral), declining_types; dormant: base, quiet, base_last, dormant_types, base_total
    (every referral in the base window); partners trend: year_partners,
    prior_year_partners; ROI: types and seen (every row up to the end). Partner arrays count
    partner-typed rows only.
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

    def __init__(self, **fields) -> None:
        self.__dict__.update(fields)


def _sums(key: np.ndarray, weights: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(key[mask], weights=weights[mask], minlength=size)


class _RowWindows(HistoryWindows):
    """The windows of encoded rows, each computed when first read (a page needs a few)."""

    def __init__(self, encoded: Encoded, end: int, data_first: int | None = None) -> None:
        self._rows = encoded
        self.days = window_days(end)
        self.names = encoded.names
        if data_first is not None:
            self.data_first = data_first

    def _window(self, lo: int, hi: int, partner: bool = True) -> np.ndarray:
        day = self._rows.day
        mask = (day >= lo) & (day < hi)
        return mask & self._rows.partner if partner else mask

    def _sum(self, mask: np.ndarray) -> np.ndarray:
        e = self._rows
        return _sums(e.key, e.count, mask, e.partners)

    @cached_property
    def _upto(self) -> np.ndarray:
        return self._rows.day <= self.days.end

    @cached_property
    def _partner_upto(self) -> np.ndarray:
        return self._rows.partner & self._upto

    @cached_property
    def data_first(self) -> int | None:
        return self._rows.first_day()

    @cached_property
    def any_rows(self) -> bool:
        return bool(len(self._rows.day))

    @cached_property
    def any_partner(self) -> bool:
        return bool(self._rows.partner.any())

    @cached_property
    def earlier(self) -> np.ndarray:
        return self._sum(self._window(self.days.earlier_start, self.days.recent_start))

    @cached_property
    def recent(self) -> np.ndarray:
        return self._sum(self._window(self.days.recent_start, self.days.end + 1))

    @cached_property
    def first(self) -> np.ndarray:
        e, rows = self._rows, self._partner_upto
        first = np.full(e.partners, _MAX)
        np.minimum.at(first, e.key[rows], e.day[rows])
        return first

    @cached_property
    def declining_types(self) -> np.ndarray:
        return dominant_type_codes(self._rows, self._partner_upto)

    @cached_property
    def _base_rows(self) -> np.ndarray:
        return self._window(self.days.base_start, self.days.quiet_start)

    @cached_property
    def base(self) -> np.ndarray:
        return self._sum(self._base_rows)

    @cached_property
    def quiet(self) -> np.ndarray:
        return self._sum(self._window(self.days.quiet_start, self.days.end + 1))

    @cached_property
    def base_last(self) -> np.ndarray:
        e, rows = self._rows, self._base_rows
        last = np.full(e.partners, _MIN)
        np.maximum.at(last, e.key[rows], e.day[rows])
        return last

    @cached_property
    def dormant_types(self) -> np.ndarray:
        return dominant_type_codes(self._rows, self._base_rows)

    @cached_property
    def base_total(self) -> int:
        every = self._window(self.days.base_start, self.days.quiet_start, partner=False)
        return int(self._rows.count[every].sum())

    @cached_property
    def year_partners(self) -> int:
        return self._partners_in(self._window(self.days.year_start, self.days.end + 1))

    @cached_property
    def prior_year_partners(self) -> int:
        return self._partners_in(self._window(self.days.prior_year_start, self.days.year_start))

    def _partners_in(self, rows: np.ndarray) -> int:
        """Distinct keys among the rows (a bincount: no sort, no hash)."""
        return int(np.count_nonzero(np.bincount(self._rows.key[rows], minlength=1)))

    @cached_property
    def types(self) -> np.ndarray:
        return dominant_type_codes(self._rows, self._upto)

    @cached_property
    def seen(self) -> np.ndarray:
        e = self._rows
        return np.bincount(e.key[self._upto], minlength=e.partners) > 0


def windows_of(encoded: Encoded, end: int, data_first: int | None = None) -> HistoryWindows:
    """The windows before day `end` from encoded rows (rows after `end` are left out); each
    sum is computed when first read. `data_first` overrides the history's first day when
    `encoded` is only some keys' rows (one partner's alerts need only its own rows)."""
    return _RowWindows(encoded, end, data_first)


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
