"""The history's alert windows (declining, dormant, partners trend, ROI) read from a
`Segments` table's sums instead of rows: the same `HistoryWindows` the row path gives."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from analytics.metrics.periods import sum_by
from analytics.metrics.segments import _MAX, _MIN, Segments
from analytics.metrics.windows import HistoryWindows, window_days


class SegmentWindows(HistoryWindows):
    """HistoryWindows of segments, each field computed when first read (a valuation check
    reads a few of them, the ROI table others)."""

    def __init__(self, segments: Segments, level: str, end: int, drop) -> None:
        self._s, self._level, self._drop = segments, level, drop
        self.days = window_days(end)
        encoded = segments.at(level)
        self.names = encoded.names
        self._key, self._partner = segments.row_keys(level)
        self._size = encoded.partners

    def _rows(self, lo: int | None, hi: int | None, partner: bool = True) -> np.ndarray:
        """The row indices (partner rows only with `partner`) of the days from lo to hi."""
        rows = self._s.window(lo, hi, self._drop)
        if not partner:
            return rows
        if isinstance(rows, slice):
            return np.flatnonzero(self._partner[rows]) + rows.start
        return rows[self._partner[rows]]

    def _sums(self, rows: np.ndarray) -> np.ndarray:
        return sum_by(self._key[rows], self._s.referrals[rows], self._size)

    def _partners_in(self, rows: np.ndarray) -> int:
        return int(np.count_nonzero(np.bincount(self._key[rows], minlength=1)))

    @cached_property
    def _every(self) -> np.ndarray:
        return self._rows(None, None, partner=False)

    @cached_property
    def _upto(self) -> np.ndarray:
        return self._rows(None, self.days.end + 1, partner=False)

    @cached_property
    def _partner_upto(self) -> np.ndarray:
        return self._rows(None, self.days.end + 1)

    @cached_property
    def _base_rows(self) -> np.ndarray:
        return self._rows(self.days.base_start, self.days.quiet_start)

    @cached_property
    def data_first(self) -> int | None:
        firsts = self._s.firsts[self._every]
        return int(firsts.min()) if firsts.size else None

    @cached_property
    def any_rows(self) -> bool:
        return bool(self._s.firsts[self._every].size)

    @cached_property
    def any_partner(self) -> bool:
        return bool(self._partner[self._every].any())

    @cached_property
    def earlier(self) -> np.ndarray:
        return self._sums(self._rows(self.days.earlier_start, self.days.recent_start))

    @cached_property
    def recent(self) -> np.ndarray:
        return self._sums(self._rows(self.days.recent_start, self.days.end + 1))

    @cached_property
    def first(self) -> np.ndarray:
        rows = self._partner_upto
        first = np.full(self._size, _MAX)
        np.minimum.at(first, self._key[rows], self._s.firsts[rows])
        return first

    @cached_property
    def declining_types(self) -> np.ndarray:
        return self._s.dominant_types(self._level, self._partner_upto)

    @cached_property
    def base(self) -> np.ndarray:
        return self._sums(self._base_rows)

    @cached_property
    def quiet(self) -> np.ndarray:
        return self._sums(self._rows(self.days.quiet_start, self.days.end + 1))

    @cached_property
    def base_last(self) -> np.ndarray:
        rows = self._base_rows
        last = np.full(self._size, _MIN)
        np.maximum.at(last, self._key[rows], self._s.lasts[rows])
        return last

    @cached_property
    def dormant_types(self) -> np.ndarray:
        return self._s.dominant_types(self._level, self._base_rows)

    @cached_property
    def base_total(self) -> int:
        rows = self._rows(self.days.base_start, self.days.quiet_start, partner=False)
        return int(self._s.referrals[rows].sum())

    @cached_property
    def year_partners(self) -> int:
        return self._partners_in(self._rows(self.days.year_start, self.days.end + 1))

    @cached_property
    def prior_year_partners(self) -> int:
        return self._partners_in(self._rows(self.days.prior_year_start, self.days.year_start))

    @cached_property
    def types(self) -> np.ndarray:
        return self._s.dominant_types(self._level, self._upto)

    @cached_property
    def seen(self) -> np.ndarray:
        return np.bincount(self._key[self._upto], minlength=self._size) > 0
