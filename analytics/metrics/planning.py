"""Diligence, buyers' rules, targets, source quality and cohorts from DuckDB aggregates.

`planning_parts` reads, for a store and filters, one segment table (analytics.metrics.segments: the
history up to the period end per resolved group, cut at the fiscal years, the period, the
target months and the decline test's windows) and, when asked, source quality's and the
cohorts' sums; each metric is then the same function the row path uses, fed small tables.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.alerts import declining_from
from analytics.metrics.buyer_rules import buyer_rules_of
from analytics.metrics.cohorts import cohort_table_from
from analytics.metrics.diligence import Diligence, diligence_from, diligence_windows, months_loaded
from analytics.metrics.periods import PeriodTables, to_day
from analytics.metrics.segments import Segments, window_cuts
from analytics.metrics.source_quality import payer_mix_from, source_quality_from
from analytics.metrics.targets import (
    month_bounds,
    month_counts_from,
    on_target_from,
    proposed_targets_from,
    rag_from,
)

__all__ = ["PlanningParts", "planning_parts"]


def _stamp(day: int | None) -> pd.Timestamp | None:
    return None if day is None else pd.Timestamp(np.datetime64(day, "D"))


def _date(day: int | None):
    return None if day is None else _stamp(day).date()


@dataclass(frozen=True, eq=False)
class PlanningParts:
    """A store's aggregates for one filter choice, and the metrics read from them.

    `first`/`last`: the history's first and last days (up to the period end, under the
    filters' clinics and types); `start`/`stop`: the period's days (the filters' dates, else
    the history's); `segments` cut at everything the metrics below ask for."""

    store: object
    filters: Filters
    first: int | None
    last: int | None
    start: int | None
    stop: int | None
    segments: Segments
    fiscal_start: int

    @property
    def end(self) -> pd.Timestamp | None:
        """The period's last day (the month the targets judge holds it)."""
        return _stamp(self.stop)

    def _scope(self) -> Filters:
        return replace(self.filters, start=None)

    def period_tables(self, level: str) -> PeriodTables:
        """The period's tables counted at `level` (labelled with the filters at that level)."""
        return self.segments.tables(replace(self.filters, level=level), self.start, self.stop)

    def diligence(self, owner_managed: Collection[str] = ()) -> Diligence:
        """diligence_of of the history, in the fiscal year starting in `fiscal_start`."""
        segments = self.segments

        def tables_for(window: Filters, level: str) -> PeriodTables:
            # What the schedules read (ranked partners, types, totals), built in numpy.
            start, end = to_day(window.start), to_day(window.end)
            return segments.check_tables(window, start, end, level=level)

        return diligence_from(
            self.first,
            self.last,
            tables_for,
            segments.practice_groups,
            self.fiscal_start,
            owner_managed,
        )

    def months_loaded(self) -> int:
        return months_loaded(_stamp(self.first), _stamp(self.last))

    def buyer_rules(self) -> list[dict]:
        """buyer_rules_of the period (per partner and per organisation)."""
        return buyer_rules_of(
            self.period_tables("partner"),
            self.period_tables("organization"),
            self.segments.practice_groups(),
            self.months_loaded(),
        )

    @cached_property
    def _counts(self) -> pd.DataFrame:
        month, end, base = month_bounds(self.end)
        s = self.segments
        partners = s.partners
        every = s.rows_between(None, None) & partners.partner[s.group]
        return month_counts_from(
            partners.names,
            s.dominant_types("partner", every),
            s.key_sums("partner", month, end + 1),
            s.key_sums("partner", base, month),
        )

    def on_target(self, targets: Mapping[str, float]) -> pd.DataFrame:
        """targets.on_target_of at the period end."""
        return on_target_from(self._counts, self.end, targets)

    def rag(self) -> pd.DataFrame:
        """targets.rag_of at the period end."""
        windows = self.segments.windows("partner", self.stop)
        return rag_from(self._counts, self.end, set(declining_from(windows)["name"]))

    def proposed_targets(self) -> dict[str, float]:
        """targets.proposed_targets at the period end."""
        return proposed_targets_from(self._counts)

    def _period(self) -> Filters:
        return replace(self.filters, start=_date(self.start), end=_date(self.stop))

    def prefetch(self, pool: Executor) -> None:
        """Start the period's source-quality and cohort queries on `pool`: the database
        sums them on the other core while this thread computes the segment metrics."""
        period = self._period()
        self.__dict__["_pending"] = {
            "quality": pool.submit(self.store.quality_sums, period),
            "cohort": pool.submit(self.store.cohort_sums, period),
        }

    def _fetched(self, name: str, read):
        pending = self.__dict__.get("_pending", {})
        return pending.pop(name).result() if name in pending else read(self._period())

    @cached_property
    def _quality_sums(self):
        return self._fetched("quality", self.store.quality_sums)

    def source_quality(self, by: str = "source") -> pd.DataFrame:
        """source_quality_of the period, per partner ("source") or type ("source_type")."""
        return source_quality_from(self._quality_sums, by, self.filters.level)

    def payer_mix(self, by: str = "source") -> pd.DataFrame:
        """payer_mix_of the period."""
        return payer_mix_from(self._quality_sums, by, self.filters.level)

    def cohort_table(self) -> pd.DataFrame:
        """cohort_table_of the period."""
        return cohort_table_from(self._fetched("cohort", self.store.cohort_sums))


def planning_cuts(
    first: int | None, start: int | None, stop: int | None, last: int | None, fiscal_start: int
) -> list[int]:
    """Every day a window of PlanningParts starts or ends after (integer days)."""
    if first is None or stop is None:
        return []
    cuts = [start, stop + 1, *window_cuts(stop)]
    month, _, base = month_bounds(_stamp(stop))
    cuts += [month, base]
    for lo, hi in diligence_windows(first, last, fiscal_start):
        cuts += [to_day(lo), to_day(hi) + 1]
    return sorted({c for c in cuts if c is not None})


def planning_parts(store, filters: Filters, fiscal_start: int = 1) -> PlanningParts:
    """The aggregates of a store for the filters (the history up to the period end)."""
    scope = replace(filters, start=None)
    first, last = store.day_bounds(scope)
    start = to_day(filters.start) if filters.start else first
    stop = to_day(filters.end) if filters.end else last
    cuts = planning_cuts(first, start, stop, last, fiscal_start)
    segments = Segments(store.segment_sums(scope, cuts), cuts)
    return PlanningParts(store, filters, first, last, start, stop, segments, fiscal_start)
