"""The history as sums per resolved group and segment: every window metric without the rows.

`Store.segment_sums(filters, cuts)` returns one row per resolved (source, source_type,
organization) and segment of the timeline, the segments cut at chosen days. A window whose
bounds are cuts (a fiscal year, a trailing 12 months, the dormant rule's 60 quiet days) is
then an exact sum of segments, and the period tables (`source_table`) and the history's window
sums (`windows`) come out equal to those periods.source_table_of and history_windows.windows_of
compute from rows. The groups are encoded once per level exactly as rows are (periods.encode).
A boolean mask over the groups (`drop`) leaves some out: a stress scenario's partners.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.filters import Filters
from analytics.history_windows import HistoryWindows, window_days
from analytics.periods import (
    TYPE_NAMES,
    Encoded,
    PeriodTables,
    dominant_type_codes,
    encode,
    tables_from_sources,
    to_day,
)
from analytics.schema import SOURCE_TYPES

__all__ = [
    "IDENTITY",
    "Segments",
    "encoded_groups",
    "identity_of",
    "month_starts",
    "window_cuts",
]

IDENTITY = ("source", "source_type", "organization")
_NUMBERS = (
    "segment",
    "rows",
    "referrals",
    "payments",
    "charges",
    "arrived",
    "known",
    "visits",
    "visit_referrals",
    "first_day",
    "last_day",
)
_MAX = np.iinfo("int64").max
_MIN = np.iinfo("int64").min
_WIDTH = len(SOURCE_TYPES)


def window_cuts(end: int) -> list[int]:
    """The cuts the history windows before day `end` need (history_windows.window_days)."""
    d = window_days(end)
    return [
        d.earlier_start,
        d.recent_start,
        d.base_start,
        d.quiet_start,
        d.prior_year_start,
        d.year_start,
        end + 1,
    ]


def month_starts(start: int, end: int) -> list[int]:
    """The first day of every month after the one holding day `start`, up to day `end`."""
    first = pd.Timestamp(np.datetime64(start, "D")).to_period("M") + 1
    last = pd.Timestamp(np.datetime64(end, "D")).to_period("M")
    if first > last:
        return []
    months = pd.period_range(first, last, freq="M").to_timestamp()
    return [to_day(m) for m in months]


def identity_of(table: pa.Table) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct (source, source_type, organization) and each row's index among them."""
    codes, uniques = [], []
    for name in IDENTITY:
        encoded = table.column(name).combine_chunks().dictionary_encode()
        index = encoded.indices.to_numpy(zero_copy_only=False)
        index = np.where(encoded.indices.is_null().to_numpy(zero_copy_only=False), -1, index)
        codes.append(index.astype("int64") + 1)
        uniques.append(np.asarray([*encoded.dictionary.to_pylist(), None], dtype=object))
    sizes = [len(u) for u in uniques]
    combined = (codes[0] * sizes[1] + codes[1]) * sizes[2] + codes[2]
    distinct, group = np.unique(combined, return_inverse=True)
    parts = (distinct // (sizes[1] * sizes[2]), (distinct // sizes[2]) % sizes[1])
    parts = (*parts, distinct % sizes[2])
    # Index 0 is a missing value: the appended None at position -1.
    frame = pd.DataFrame(
        {name: uniques[i][parts[i] - 1] for i, name in enumerate(IDENTITY)}, dtype=object
    )
    return frame, group.astype("int64")


def encoded_groups(groups: pd.DataFrame, level: str) -> Encoded:
    """The groups encoded as rows are (types cleaned, nameless partners, organization roll-up)."""
    n = len(groups)
    frame = pd.DataFrame(
        {
            "source": pd.Series(groups["source"], dtype="str"),
            "source_type": pd.Series(groups["source_type"], dtype="str"),
            "organization": pd.Series(groups["organization"], dtype="str"),
            "referral_date": pd.Series(np.zeros(n, dtype="datetime64[ns]")),
            "count": np.ones(n, dtype="int64"),
            "eval_date": pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")),
            "arrived": pd.Series([pd.NA] * n, dtype="boolean"),
            **{c: np.full(n, np.nan) for c in ("payments", "charges", "visits")},
        }
    )
    return encode(frame, level)


def _sum_by(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(groups, weights=values, minlength=size)


def _money_by(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum per group; NaN where no recorded amount (like SQL SUM and periods._money_by)."""
    present = ~np.isnan(values)
    sums = _sum_by(groups, np.where(present, values, 0.0), size)
    return np.where(_sum_by(groups, present.astype("float64"), size) > 0, sums, np.nan)


class Segments:
    """Sums per resolved group (`groups`, IDENTITY columns) and segment of the days cut at
    `cuts`: segment k holds the days from cuts[k - 1] (inclusive) to cuts[k] (exclusive),
    segment 0 every day before the first cut, segment len(cuts) every day from the last."""

    def __init__(self, table: pa.Table, cuts: Sequence[int]) -> None:
        self.cuts = np.asarray(sorted(set(int(c) for c in cuts)), dtype="int64")
        self.groups, self.group = identity_of(table)
        columns = {}
        for name in _NUMBERS:
            column = table.column(name).to_numpy(zero_copy_only=False)
            money = name in ("payments", "charges", "visits")
            # NULL (no amount recorded) reads as NaN.
            columns[name] = np.asarray(column, dtype="float64" if money else "int64")
        self.segment = columns["segment"]
        self.rows = columns["rows"]
        self.referrals = columns["referrals"]
        self.payments = columns["payments"]
        self.charges = columns["charges"]
        self.arrived = columns["arrived"]
        self.known = columns["known"]
        self.visits = columns["visits"]
        self.visit_referrals = columns["visit_referrals"]
        self.firsts = columns["first_day"]
        self.lasts = columns["last_day"]

    @cached_property
    def partners(self) -> Encoded:
        """The groups encoded per partner."""
        return encoded_groups(self.groups, "partner")

    @cached_property
    def organizations(self) -> Encoded:
        """The groups encoded per practice group."""
        return encoded_groups(self.groups, "organization")

    def at(self, level: str) -> Encoded:
        return self.organizations if level == "organization" else self.partners

    def practice_groups(self) -> frozenset[str]:
        """scorecard.Encodings.groups of the rows: the real practice groups' names."""
        from analytics.scorecard import Encodings

        return Encodings(self.partners, self.organizations).groups()

    # Rows (group x segment) of a window --------------------------------------------------

    def _cut(self, day: int | None, none: int) -> int:
        if day is None:
            return none
        i = int(np.searchsorted(self.cuts, day))
        if i == len(self.cuts) or self.cuts[i] != day:
            raise ValueError(f"Day {day} is not a cut of these segments.")
        return i

    def rows_between(self, lo: int | None, hi: int | None, drop=None) -> np.ndarray:
        """The rows of the days from `lo` (inclusive) to `hi` (exclusive), both cuts or None
        (unbounded); without the groups of the boolean mask `drop`."""
        first = self._cut(lo, -1) + 1
        last = self._cut(hi, len(self.cuts))
        rows = (self.segment >= first) & (self.segment <= last)
        if drop is not None:
            rows &= ~drop[self.group]
        return rows

    def first_day(self, drop=None) -> int | None:
        """The first day of the rows (None without any)."""
        rows = self.rows_between(None, None, drop)
        return int(self.firsts[rows].min()) if rows.any() else None

    def last_day(self, drop=None) -> int | None:
        """The last day of the rows (None without any)."""
        rows = self.rows_between(None, None, drop)
        return int(self.lasts[rows].max()) if rows.any() else None

    # What the metrics read --------------------------------------------------------------

    def source_table(self, level: str, lo: int | None, hi: int | None, drop=None) -> pd.DataFrame:
        """periods.source_table_of of the rows from day `lo` to `hi` (exclusive; cuts)."""
        rows = self.rows_between(lo, hi, drop)
        encoded = self.at(level)
        group = self.group[rows]
        size = encoded.partners * _WIDTH
        cell = encoded.key[group] * _WIDTH + encoded.type[group]
        present = np.flatnonzero(np.bincount(cell, minlength=size))
        first = np.full(size, _MAX)
        last = np.full(size, _MIN)
        np.minimum.at(first, cell, self.firsts[rows])
        np.maximum.at(last, cell, self.lasts[rows])

        def ints(values: np.ndarray) -> np.ndarray:
            return _sum_by(cell, values[rows], size)[present].astype("int64")

        def days(values: np.ndarray) -> np.ndarray:
            return values[present].astype("datetime64[D]").astype("datetime64[ns]")

        return pd.DataFrame(
            {
                "source": pd.Series(encoded.names[present // _WIDTH], dtype="str"),
                "source_type": pd.Series(TYPE_NAMES[present % _WIDTH], dtype="str"),
                "referrals": ints(self.referrals),
                "payments": _money_by(cell, self.payments[rows], size)[present],
                "charges": _money_by(cell, self.charges[rows], size)[present],
                "arrived": ints(self.arrived),
                "known": ints(self.known),
                "visits": _money_by(cell, self.visits[rows], size)[present],
                "visit_referrals": ints(self.visit_referrals),
                "first_referral": days(first),
                "last_referral": days(last),
            }
        )

    def tables(
        self,
        filters: Filters,
        start: int | None,
        end: int | None,
        drop=None,
        level: str | None = None,
    ) -> PeriodTables:
        """periods.tables_of for the days `start` to `end` (inclusive; start and end + 1 are
        cuts; None: no data), labelled with `filters`, counted at `level` (default: the
        filters')."""
        stop = None if end is None else end + 1
        sources = self.source_table(level or filters.level, start, stop, drop)
        return tables_from_sources(sources, filters, _stamp(start), _stamp(end))

    def key_sums(self, level: str, lo: int | None, hi: int | None, drop=None) -> np.ndarray:
        """Referrals per key (at `level`) of the partner rows from day `lo` to `hi`."""
        encoded = self.at(level)
        rows = self.rows_between(lo, hi, drop) & encoded.partner[self.group]
        key = encoded.key[self.group[rows]]
        return _sum_by(key, self.referrals[rows], encoded.partners)

    def dominant_types(self, level: str, rows: np.ndarray) -> np.ndarray:
        """Per key: the type of most of the referrals of the rows (a boolean mask)."""
        encoded = self.at(level)
        counted = replace(
            encoded,
            key=encoded.key[self.group],
            type=encoded.type[self.group],
            count=self.referrals,
        )
        return dominant_type_codes(counted, rows)

    def months_present(self, start: int, end: int, drop=None) -> int:
        """How many calendar months from day `start` to `end` hold a row (the month starts
        between them must be cuts)."""
        for day in [start, end + 1, *month_starts(start, end)]:
            self._cut(day, 0)
        rows = self.rows_between(start, end + 1, drop)
        lower = self.cuts[self.segment[rows] - 1]
        months = pd.DatetimeIndex(lower.astype("datetime64[D]")).to_period("M")
        return len(np.unique(months.asi8))

    def windows(self, level: str, end: int, drop=None) -> HistoryWindows:
        """history_windows.windows_of(rows, end) from the segments (window_cuts(end) cuts)."""
        days = window_days(end)
        encoded = self.at(level)
        every = self.rows_between(None, None, drop)
        upto = self.rows_between(None, end + 1, drop)
        group = self.group
        key = encoded.key[group]
        partner = encoded.partner[group]
        size = encoded.partners

        def window(lo: int, hi: int, partner_only: bool = True) -> np.ndarray:
            rows = self.rows_between(lo, hi, drop)
            return rows & partner if partner_only else rows

        def sums(rows: np.ndarray) -> np.ndarray:
            return _sum_by(key[rows], self.referrals[rows], size)

        def dominant(rows: np.ndarray) -> np.ndarray:
            return self.dominant_types(level, rows)

        def partners_in(rows: np.ndarray) -> int:
            return int(np.count_nonzero(np.bincount(key[rows], minlength=1)))

        firsts = self.firsts
        partner_upto = upto & partner
        first = np.full(size, _MAX)
        np.minimum.at(first, key[partner_upto], firsts[partner_upto])
        base_rows = window(days.base_start, days.quiet_start)
        last = np.full(size, _MIN)
        np.maximum.at(last, key[base_rows], self.lasts[base_rows])
        base_every = window(days.base_start, days.quiet_start, partner_only=False)
        return HistoryWindows(
            names=encoded.names,
            days=days,
            data_first=int(firsts[every].min()) if every.any() else None,
            any_rows=bool(every.any()),
            any_partner=bool((every & partner).any()),
            earlier=sums(window(days.earlier_start, days.recent_start)),
            recent=sums(window(days.recent_start, end + 1)),
            first=first,
            declining_types=dominant(partner_upto),
            base=sums(base_rows),
            quiet=sums(window(days.quiet_start, end + 1)),
            base_last=last,
            dormant_types=dominant(base_rows),
            base_total=int(self.referrals[base_every].sum()),
            year_partners=partners_in(window(days.year_start, end + 1)),
            prior_year_partners=partners_in(window(days.prior_year_start, days.year_start)),
            types=dominant(upto),
            seen=np.bincount(key[upto], minlength=size) > 0,
        )


def _stamp(day: int | None) -> pd.Timestamp | None:
    return None if day is None else pd.Timestamp(np.datetime64(day, "D"))
