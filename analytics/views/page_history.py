"""The app's history as partners x months: what the pages read instead of every row.

The store sums the history per stored (source, type, organization) and calendar month
(`Store.bucket_groups`); the months where a page cuts a period mid-month (its start, the
day after its end, the comparison periods, the alert windows, the ROI page's touch
windows) are summed per day instead. Every cut then falls between buckets, so the page
functions, which filter and bin `periods.Encoded` rows by day, give exactly what they give
on the rows. A bucket is encoded as one row dated on its first day plus, when it spans
more than a day, an empty row (no referrals, no amounts) dated on its last: first and last
referral days stay exact too.

The partner page reads its own rows (`Store.partner_rows`, one WHERE), with two empty
rows on the history's first and last days so that "the data's first day" stays the
history's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.comparison import last_year_of, previous_of
from analytics.metrics.encoded import _ROW_FIELDS, Encoded, encode, encode_identity, to_day
from analytics.metrics.windows import window_days
from analytics.outreach.actions import THANK_DAYS
from analytics.outreach.touch_response import WINDOWS

__all__ = [
    "cut_days",
    "data_days",
    "detail_ranges",
    "detail_starts",
    "encode_buckets",
    "identity_frame",
    "page_encoding",
    "partner_encoding",
    "partner_sources",
    "touch_days",
    "with_days",
]


def _date(day: int) -> date:
    return np.datetime64(day, "D").astype(object)


def _month_start(day: int) -> int:
    return int(
        np.datetime64(day, "D").astype("datetime64[M]").astype("datetime64[D]").astype("int64")
    )


def _next_month(day: int) -> int:
    month = np.datetime64(day, "D").astype("datetime64[M]") + 1
    return int(month.astype("datetime64[D]").astype("int64"))


def data_days(months: pd.DataFrame) -> tuple[int | None, int | None]:
    """The history's first and last referral days, from its month sums."""
    if months.empty:
        return None, None
    return int(months["day"].min()), int(months["last"].max())


def _bounds(filters: Filters, first: int | None, last: int | None):
    start = to_day(pd.Timestamp(filters.start)) if filters.start else first
    end = to_day(pd.Timestamp(filters.end)) if filters.end else last
    return start, end


def cut_days(
    filters: Filters, first: int | None, last: int | None, touches: tuple[int, ...] = ()
) -> set[int]:
    """Every day a page of these filters splits the history at (a window starts on it or
    the day before it ends): the period, its comparison periods (previous, last year), the
    alert windows and the thank-you window at its end, and around each of `touches` (the
    days of the period's outreach touches) the response windows."""
    start, end = _bounds(filters, first, last)
    if start is None or end is None:
        return set()
    cuts = {start, end + 1}
    if start <= end:
        for then_start, then_end in (
            previous_of(_date(start), _date(end)),
            last_year_of(_date(start), _date(end)),
        ):
            cuts |= {to_day(pd.Timestamp(then_start)), to_day(pd.Timestamp(then_end)) + 1}
    days = window_days(end)
    cuts |= {
        days.earlier_start,
        days.recent_start,
        days.base_start,
        days.quiet_start,
        days.prior_year_start,
        days.year_start,
        end - THANK_DAYS + 1,
    }
    for day in touches:
        for w in WINDOWS:
            cuts |= {day - w, day, day + 1, day + w + 1}
    return cuts


def detail_ranges(
    cuts: set[int], first: int | None, last: int | None
) -> tuple[tuple[int, int], ...]:
    """The months holding a cut that is not a month's first day, as [first, stop) day
    ranges of consecutive months (only months the history reaches)."""
    if first is None or last is None:
        return ()
    months = sorted(
        {_month_start(c) for c in cuts if _month_start(c) != c and _month_start(first) <= c <= last}
    )
    ranges: list[list[int]] = []
    for month in months:
        if ranges and ranges[-1][1] == month:
            ranges[-1][1] = _next_month(month)
        else:
            ranges.append([month, _next_month(month)])
    return tuple((a, b) for a, b in ranges)


def detail_starts(cuts: set[int], ranges: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """The first days of the buckets inside `ranges`: every month's first day and every
    cut in them. A stretch from one to the day before the next holds no cut, so every window
    of the page holds all of it or none (as a month outside the ranges)."""
    starts: set[int] = set()
    for a, b in ranges:
        month = a
        while month < b:
            starts.add(month)
            month = _next_month(month)
        starts |= {c for c in cuts if a < c < b}
    return tuple(sorted(starts))


def with_days(
    months: Encoded, detail: Encoded | None, ranges: tuple[tuple[int, int], ...]
) -> Encoded:
    """The encoded month sums with the months of `ranges` replaced by the encoded day sums of
    those months (`detail`, whose every name is one of the month sums')."""
    if not ranges or detail is None:
        return months
    inside = np.zeros(len(months.day), dtype=bool)
    for a, b in ranges:
        inside |= (months.day >= a) & (months.day < b)
    keep = np.flatnonzero(~inside)
    codes = pd.Index(months.names).get_indexer(pd.Index(detail.names, dtype=object))
    names = months.names
    missing = codes < 0
    if missing.any():
        # Only when rows came between the two reads: their names are added, not dropped.
        codes[missing] = len(names) + np.arange(int(missing.sum()))
        names = np.concatenate([names, detail.names[missing]])
    arrays = {
        field: np.concatenate([getattr(months, field)[keep], getattr(detail, field)])
        for field in _ROW_FIELDS
        if field != "key"
    }
    key = np.concatenate([months.key[keep], codes[detail.key]])
    return replace(months, names=names, key=key, **arrays)


def encode_buckets(groups: pd.DataFrame, level: str) -> Encoded:
    """Encode bucket sums as rows: one per bucket on its first day, and an empty one on its
    last day where that differs (so maxima of days stay exact)."""
    names, key, types, partner = encode_identity(
        groups["source"], groups["source_type"], groups["organization"], level
    )
    day = groups["day"].to_numpy(dtype="int64")
    last = groups["last"].to_numpy(dtype="int64")
    # The empty rows on the buckets' last days: the same partner key and type, no sums.
    ends = np.flatnonzero(last != day)
    m = len(ends)
    zeros, nan = np.zeros(m, "int64"), np.full(m, np.nan)

    def sums(column: str, dtype: str, empty: np.ndarray) -> np.ndarray:
        return np.concatenate([groups[column].to_numpy(dtype=dtype), empty])

    return Encoded(
        names=names,
        key=np.concatenate([key, key[ends]]),
        type=np.concatenate([types, types[ends]]),
        partner=np.concatenate([partner, partner[ends]]),
        day=np.concatenate([day, last[ends]]),
        count=sums("count", "int64", zeros),
        payments=sums("payments", "float64", nan),
        charges=sums("charges", "float64", nan),
        arrived=sums("arrived", "int64", zeros),
        known=sums("known", "int64", zeros),
        visits=sums("visits", "float64", nan),
        # Days to evaluation are not summed: unknown for every bucket.
        eval_days=np.full(len(day) + m, np.nan),
    )


def identity_frame(months: pd.DataFrame) -> pd.DataFrame:
    """Source, type, organization and referrals of the month sums: what
    `outreach.organization_of` reads of a history (each source's usual practice group)."""
    return months[["source", "source_type", "organization", "count"]]


def touch_days(activities: pd.DataFrame, filters: Filters, first, last) -> tuple[int, ...]:
    """The distinct days of the outreach touches in the period (their response windows)."""
    start, end = _bounds(filters, first, last)
    if activities is None or activities.empty or start is None or end is None:
        return ()
    dates = activities["activity_date"].dropna().to_numpy(dtype="datetime64[ns]")
    days = np.unique(dates.astype("datetime64[D]").astype("int64"))
    return tuple(int(d) for d in days if start <= d <= end)


def partner_sources(months: pd.DataFrame, name: str) -> list[str] | None:
    """The stored sources of the month sums' groups whose source or organization is `name`:
    every row `Store.partner_rows` keeps has one of them (the sums hold every row of their
    scope, at every date). None when a group without a source names it as organization
    (`source = ANY(..)` would not keep its rows: read them all)."""
    source = months["source"]
    mine = (source == name).fillna(False) | (months["organization"] == name).fillna(False)
    mine = mine.to_numpy(dtype=bool)
    if source[mine].isna().any():
        return None
    return sorted(set(source[mine].astype(str)))


def partner_encoding(
    rows: pd.DataFrame, level: str, first: int | None, last: int | None
) -> tuple[pd.DataFrame, Encoded] | None:
    """One partner's rows (`Store.partner_rows`) and their encoding, with two empty rows
    on the history's first and last days; None when there are no rows."""
    if rows.empty or first is None or last is None:
        return None
    anchors = rows.iloc[[0, 0]].copy()
    for column in anchors.columns:
        if column == "referral_date":
            anchors[column] = (
                np.array([first, last]).astype("datetime64[D]").astype("datetime64[ns]")
            )
        elif column == "count":
            anchors[column] = 0
        elif column == "eval_date":
            anchors[column] = np.datetime64("NaT")
        elif pd.api.types.is_float_dtype(rows[column].dtype):
            anchors[column] = np.nan
        else:
            anchors[column] = pd.Series([None, None], index=anchors.index, dtype=rows[column].dtype)
    history = pd.concat([rows, anchors], ignore_index=True)
    return history, encode(history, level)


def page_encoding(store, filters: Filters, touches: tuple[int, ...] = ()) -> Encoded:
    """What the app caches for a page of these filters, read from `store` in one go (the
    app keeps the month sums per store version and reads only the day sums per period)."""
    scope = Filters(clinics=filters.clinics, source_types=filters.source_types)
    months = store.bucket_groups(scope, [])
    first, last = data_days(months)
    cuts = cut_days(filters, first, last, touches)
    ranges = detail_ranges(cuts, first, last)
    if not ranges:
        return encode_buckets(months, filters.level)
    starts = detail_starts(cuts, ranges)
    detail = store.bucket_groups(scope, list(ranges), only_ranges=True, starts=starts)
    return with_days(
        encode_buckets(months, filters.level), encode_buckets(detail, filters.level), ranges
    )
