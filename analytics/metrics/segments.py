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
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.filters import Filters
from analytics.metrics.encoded import IS_PARTNER_TYPE
from analytics.metrics.group_identity import IDENTITY, encoded_groups, identity_of
from analytics.metrics.periods import (
    SOURCE_TABLE_COLUMNS,
    TYPE_NAMES,
    Encoded,
    PeriodTables,
    cents,
    money_by,
    revenue_basis,
    revenue_of,
    sum_by,
    tables_from_sources,
    to_day,
)
from analytics.metrics.windows import HistoryWindows, window_days
from analytics.schema import SOURCE_TYPES

__all__ = [
    "IDENTITY",
    "Segments",
    "encoded_groups",
    "identity_of",
    "month_starts",
    "window_cuts",
]

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


class Segments:
    """Sums per resolved group (`groups`, IDENTITY columns) and segment of the days cut at
    `cuts`: segment k holds the days from cuts[k - 1] (inclusive) to cuts[k] (exclusive),
    segment 0 every day before the first cut, segment len(cuts) every day from the last."""

    def __init__(self, table: pa.Table, cuts: Sequence[int]) -> None:
        self.cuts = np.asarray(sorted(set(int(c) for c in cuts)), dtype="int64")
        self.groups, group = identity_of(table)
        columns = {}
        for name in _NUMBERS:
            column = table.column(name).to_numpy(zero_copy_only=False)
            money = name in ("payments", "charges", "visits")
            # NULL (no amount recorded) reads as NaN.
            columns[name] = np.asarray(column, dtype="float64" if money else "int64")
        # Rows in segment order: a window's rows are then one slice (a view, no mask over
        # every row), which is what the trend's 24 window passes read.
        order = np.argsort(columns["segment"], kind="stable")
        self.group = group[order]
        columns = {name: values[order] for name, values in columns.items()}
        self.segment = columns["segment"]
        # Where each segment's rows start (segment k: _starts[k] to _starts[k + 1]).
        self._starts = np.searchsorted(self.segment, np.arange(len(self.cuts) + 2))
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

    def practice_groups(self, rows: np.ndarray | None = None) -> frozenset[str]:
        """scorecard.Encodings.groups of the rows (all, or those of a boolean mask): the real
        practice groups' names."""
        from analytics.metrics.scorecard import Encodings

        if rows is None:
            return Encodings(self.partners, self.organizations).groups()
        present = np.zeros(len(self.groups), dtype=bool)
        present[self.group[rows]] = True
        return Encodings(self.partners.take(present), self.organizations.take(present)).groups()

    # Rows (group x segment) of a window --------------------------------------------------

    def _cut(self, day: int | None, none: int) -> int:
        if day is None:
            return none
        i = int(np.searchsorted(self.cuts, day))
        if i == len(self.cuts) or self.cuts[i] != day:
            raise ValueError(f"Day {day} is not a cut of these segments.")
        return i

    def has_cuts(self, days: Sequence[int]) -> bool:
        """Whether every one of `days` is a cut (a window between them is a sum of segments)."""
        return bool(np.isin(np.asarray(days, dtype="int64"), self.cuts).all())

    def group_sums(self, hi: int | None) -> pd.DataFrame:
        """The identity columns and referrals of every group holding a row before day `hi`
        (a cut, or None for all): what Store.history_groups counts as `referrals`."""
        rows = self.rows_between(None, hi)
        referrals = sum_by(self.group[rows], self.referrals[rows], len(self.groups))
        seen = np.bincount(self.group[rows], minlength=len(self.groups)) > 0
        frame = self.groups.loc[seen].reset_index(drop=True)
        return frame.assign(referrals=referrals[seen].astype("int64"))

    def span(self, lo: int | None, hi: int | None) -> slice:
        """The rows of the days from `lo` (inclusive) to `hi` (exclusive), both cuts or None
        (unbounded), as a slice (the rows are in segment order)."""
        first = self._cut(lo, -1) + 1
        last = self._cut(hi, len(self.cuts))
        return slice(int(self._starts[first]), int(self._starts[last + 1]))

    def rows_between(self, lo: int | None, hi: int | None, drop=None) -> np.ndarray:
        """The rows of the days from `lo` (inclusive) to `hi` (exclusive), both cuts or None
        (unbounded), as a boolean mask; without the groups of the boolean mask `drop`."""
        rows = np.zeros(len(self.segment), dtype=bool)
        rows[self.span(lo, hi)] = True
        if drop is not None:
            rows &= ~drop[self.group]
        return rows

    def window(self, lo: int | None, hi: int | None, drop=None) -> slice | np.ndarray:
        """What indexes the rows from `lo` to `hi` (see rows_between): a slice without
        `drop` (a view of each column), else the kept rows' positions."""
        rows = self.span(lo, hi)
        if drop is None:
            return rows
        return np.flatnonzero(~drop[self.group[rows]]) + rows.start

    def first_day(self, drop=None) -> int | None:
        """The first day of the rows (None without any)."""
        firsts = self.firsts[self.window(None, None, drop)]
        return int(firsts.min()) if firsts.size else None

    def last_day(self, drop=None) -> int | None:
        """The last day of the rows (None without any)."""
        lasts = self.lasts[self.window(None, None, drop)]
        return int(lasts.max()) if lasts.size else None

    # What the metrics read --------------------------------------------------------------

    def source_table(self, level: str, lo: int | None, hi: int | None, drop=None) -> pd.DataFrame:
        """periods.source_table_of of the rows from day `lo` to `hi` (exclusive; cuts)."""
        rows = self.window(lo, hi, drop)
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
            return sum_by(cell, values[rows], size)[present].astype("int64")

        def days(values: np.ndarray) -> np.ndarray:
            return values[present].astype("datetime64[D]").astype("datetime64[ns]")

        return pd.DataFrame(
            {
                "source": pd.Series(encoded.names[present // _WIDTH], dtype="str"),
                "source_type": pd.Series(TYPE_NAMES[present % _WIDTH], dtype="str"),
                "referrals": ints(self.referrals),
                "payments": money_by(cell, self.payments[rows], size)[present],
                "charges": money_by(cell, self.charges[rows], size)[present],
                "arrived": ints(self.arrived),
                "known": ints(self.known),
                "visits": money_by(cell, self.visits[rows], size)[present],
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

    def check_tables(
        self,
        filters: Filters,
        start: int | None,
        end: int | None,
        drop=None,
        level: str | None = None,
    ) -> PeriodTables:
        """`tables` with only what valuation.valuation_checks_from reads, built in numpy (a
        trend reads 24 of them): `partners` holds partner, type, referrals, share and revenue,
        ranked as periods.partner_table ranks; `sources` is left empty."""
        level = level or filters.level
        encoded = self.at(level)
        stop = None if end is None else end + 1
        rows = self.window(start, stop, drop)
        size = encoded.partners * _WIDTH
        cell = self._cells(level)[rows]
        present = np.flatnonzero(np.bincount(cell, minlength=size))
        referrals = sum_by(cell, self.referrals[rows], size)[present].astype("int64")
        payments = cents(money_by(cell, self.payments[rows], size)[present])
        charges = cents(money_by(cell, self.charges[rows], size)[present])
        basis = revenue_basis(payments, charges)
        revenue = revenue_of(payments, charges, basis)
        kind, key = present % _WIDTH, present // _WIDTH
        total = int(referrals.sum())
        types = pd.DataFrame(
            {
                "referrals": np.bincount(kind, weights=referrals, minlength=_WIDTH).astype("int64"),
                "revenue": cents(np.bincount(kind, weights=revenue, minlength=_WIDTH)),
            },
            index=pd.Index(list(SOURCE_TYPES), name="source_type"),
        )
        partner = IS_PARTNER_TYPE[kind]
        size = encoded.partners
        by_key = np.bincount(key[partner], weights=referrals[partner], minlength=size)
        money = cents(np.bincount(key[partner], weights=revenue[partner], minlength=size))
        keys = np.unique(key[partner])
        # The type of most referrals (ties: the first type, as the sources come in type order).
        order = np.lexsort((kind[partner], -referrals[partner], key[partner]))
        firsts = np.unique(key[partner][order], return_index=True)[1]
        dominant = np.empty(size, dtype="int64")
        dominant[key[partner][order][firsts]] = kind[partner][order][firsts]
        ranked = keys[np.lexsort((self._name_ranks(level)[keys], -money[keys], -by_key[keys]))]
        counts = by_key[ranked].astype("int64")
        partners = pd.DataFrame(
            {
                # Object columns: no conversion to Arrow strings, 24 times a trend.
                "partner": pd.Series(encoded.names[ranked], dtype=object),
                "type": pd.Series(TYPE_NAMES[dominant[ranked]], dtype=object),
                "referrals": counts,
                "share": counts / total if total else np.nan,
                "revenue": money[ranked],
            }
        )
        return PeriodTables(
            filters=filters,
            start=_stamp(start),
            end=_stamp(end),
            sources=pd.DataFrame(columns=[*SOURCE_TABLE_COLUMNS, "revenue"]),
            partners=partners,
            types=types,
            referrals=total,
            revenue=None if basis == "none" else float(cents(revenue.sum())),
            revenue_basis=basis,
            arrived=int(sum_by(cell, self.arrived[rows], size * _WIDTH).sum()),
            known=int(sum_by(cell, self.known[rows], size * _WIDTH).sum()),
        )

    def _name_ranks(self, level: str) -> np.ndarray:
        """Each key's place when the names are sorted (names are distinct), computed once."""
        ranks = self.__dict__.setdefault("_rank_memo", {})
        if level not in ranks:
            names = self.at(level).names
            order = sorted(range(len(names)), key=lambda k: str(names[k]))
            rank = np.empty(len(names), dtype="int64")
            rank[order] = np.arange(len(names))
            ranks[level] = rank
        return ranks[level]

    def row_keys(self, level: str) -> tuple[np.ndarray, np.ndarray]:
        """Each row's key at `level` and whether it is a partner's, computed once per level."""
        memo = self.__dict__.setdefault("_key_memo", {})
        if level not in memo:
            encoded = self.at(level)
            memo[level] = (encoded.key[self.group], encoded.partner[self.group])
        return memo[level]

    def _cells(self, level: str) -> np.ndarray:
        """Each row's (key, type) cell at `level`, computed once per level."""
        cells = self.__dict__.setdefault("_cell_memo", {})
        if level not in cells:
            encoded = self.at(level)
            cells[level] = encoded.key[self.group] * _WIDTH + encoded.type[self.group]
        return cells[level]

    def key_sums(self, level: str, lo: int | None, hi: int | None, drop=None) -> np.ndarray:
        """Referrals per key (at `level`) of the partner rows from day `lo` to `hi`."""
        keys, partner = self.row_keys(level)
        rows = self.window(lo, hi, drop)
        kept = partner[rows]
        return sum_by(keys[rows][kept], self.referrals[rows][kept], self.at(level).partners)

    def dominant_types(self, level: str, rows: np.ndarray | slice) -> np.ndarray:
        """Per key: the type of most of the referrals of the rows (a boolean mask or a
        slice): periods.dominant_type_codes of the groups' (key, type) cells."""
        size = self.at(level).partners
        counts = np.bincount(
            self._cells(level)[rows], weights=self.referrals[rows], minlength=size * _WIDTH
        )
        return counts.reshape(size, _WIDTH).argmax(axis=1)

    def months_present(self, start: int, end: int, drop=None) -> int:
        """How many calendar months from day `start` to `end` hold a row (the month starts
        between them must be cuts)."""
        for day in [start, end + 1, *month_starts(start, end)]:
            self._cut(day, 0)
        rows = self.window(start, end + 1, drop)
        lower = self.cuts[self.segment[rows] - 1]
        return len(np.unique(lower.astype("datetime64[D]").astype("datetime64[M]")))

    def windows(self, level: str, end: int, drop=None) -> HistoryWindows:
        """history_windows.windows_of(rows, end) from the segments (window_cuts(end) cuts);
        each sum is computed when first read."""
        from analytics.metrics.segment_windows import SegmentWindows  # it reads Segments

        return SegmentWindows(self, level, end, drop)


def _stamp(day: int | None) -> pd.Timestamp | None:
    return None if day is None else pd.Timestamp(np.datetime64(day, "D"))
