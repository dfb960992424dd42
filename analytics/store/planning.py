"""The planning and valuation aggregates a store answers in SQL (issue 15): per-segment sums
for any windows cut at chosen days, source quality's sums, cohorts, and month counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import pyarrow as pa

from analytics.filters import Filters
from analytics.store.connection import StoreBase
from analytics.store.pages_sql import MONTH_SUMS_ROW, touched_sources
from analytics.store.planning_sql import (
    NO_PAYER,
    cohort_sql,
    group_months_sql,
    month_rows_sql,
    month_segment_sums_sql,
    quality_sql,
    segment_sums_sql,
    split_months,
)
from analytics.store.sql import RESOLVED_REFERRALS, referral_where, resolved_referrals


class PlanningMixin(StoreBase):
    """Sums the valuation and planning pages and `metrics --json` read instead of rows."""

    def segment_sums(self, filters: Filters, cuts: Sequence[int]) -> pa.Table:
        """Per resolved (source, type, organization) and segment of the days cut at `cuts`
        (integer days, sorted, distinct): sums and first/last days, as Arrow for
        analytics.metrics.segments. The filters' clinics, source types and dates apply."""
        where, params = referral_where(filters)
        if not filters.clinics and self.month_sums_ok():
            # Whole months from the sums each write keeps; only split months' rows are read.
            lo = _day(filters.start)
            hi = None if filters.end is None else _day(filters.end) + 1
            split = split_months([*cuts, *(d for d in (lo, hi) if d is not None)])
            month_where, month_params = referral_where(Filters(source_types=filters.source_types))
            decided = self._referrals() == RESOLVED_REFERRALS
            touched = None
            if decided:
                # Sources a decision touches are summed from their rows, resolved (as the
                # pages' month buckets are: pages_sql.month_sums_sql).
                touched = touched_sources(bool(self._query("SELECT 1 FROM spelling_map LIMIT 1")))
            kept = resolved_referrals(decided, "month_sums", MONTH_SUMS_ROW, resolve_rows=False)
            sql, keep, after = month_segment_sums_sql(
                month_where, kept, where, self._referrals(), cuts, split, (lo, hi), touched
            )
            return (
                self._cursor()
                .sql(sql, params=month_params + keep + params + after)
                .to_arrow_table()
            )
        sql, after = segment_sums_sql(where, self._referrals(), cuts)
        return self._cursor().sql(sql, params=params + after or None).to_arrow_table()

    def day_bounds(self, filters: Filters) -> tuple[int | None, int | None]:
        """First and last referral days (since 1970-01-01) under the filters."""
        where, params = referral_where(filters)
        lo, hi = self._query(
            f"SELECT min(referral_date), max(referral_date) FROM {self._referrals()} "
            f"AS referrals {where}",
            params,
        )[0]
        return tuple(None if d is None else (d - date(1970, 1, 1)).days for d in (lo, hi))

    def quality_sums(self, filters: Filters) -> pa.Table:
        """Source quality's sums per resolved (source, type, organization) and payer, and per
        group and days to evaluation (planning_sql.quality_sql), as Arrow."""
        where, params = referral_where(filters)
        sql = quality_sql(where, self._referrals())
        return self._cursor().sql(sql, params=[NO_PAYER, *params]).to_arrow_table()

    def cohort_sums(self, filters: Filters) -> pd.DataFrame:
        """Referrals and money per (type, nameless, referral month, episode's first and last
        month) of the filters' rows (planning_sql.cohort_sql)."""
        where, params = referral_where(filters)
        sql, before = cohort_sql(where, self._referrals())
        return self._frame(sql, before + params)

    def month_rows(self, filters: Filters) -> pd.DataFrame:
        """Rows per month (year * 12 + month - 1) under the filters."""
        where, params = referral_where(filters)
        return self._frame(month_rows_sql(where, self._referrals()), params)

    def group_months(self, filters: Filters, sources: Sequence[str]) -> pd.DataFrame:
        """Rows per (resolved source, type, organization, month) of the named sources."""
        where, params = referral_where(filters)
        return self._frame(group_months_sql(where, self._referrals()), [*params, list(sources)])


def _day(value: date | None) -> int | None:
    return None if value is None else (value - date(1970, 1, 1)).days
