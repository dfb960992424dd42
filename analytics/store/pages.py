"""The aggregates the app's data pages read instead of rows (issue 15): partner x month sums
(days inside the ranges a page cuts mid-month), and one partner's own rows."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from analytics.store.connection import StoreBase
from analytics.store.pages_sql import (
    BUCKET_COLUMNS,
    MONTH_SUMS_ROW,
    bucket_groups_sql,
    month_sums_sql,
    partner_rows_where,
)
from analytics.store.reads import METRIC_COLUMNS, _canonical
from analytics.store.sql import RESOLVED_REFERRALS, referral_where, resolved_referrals


class PagesMixin(StoreBase):
    """Month sums for the pages, and one partner's rows."""

    def bucket_groups(
        self, scope: Filters, ranges: list[tuple[int, int]], *, only_ranges: bool = False
    ) -> pd.DataFrame:
        """Per stored (source, type, organization) and month, or day inside `ranges`
        ([first, stop) day numbers): the sums analytics.views.page_history encodes
        (BUCKET_COLUMNS).

        The scope's clinics and source types apply, every date; with `only_ranges` only the
        rows inside the ranges are read."""
        if not ranges and not scope.clinics and self.month_sums_ok():
            # The months every page starts from: summed by each write, not here.
            where, params = referral_where(Filters(source_types=scope.source_types))
            return _typed(self._frame(month_sums_sql(where, self._month_sums()), params))
        return self.summed_groups(scope, ranges, only_ranges=only_ranges)

    def summed_groups(
        self, scope: Filters, ranges: list[tuple[int, int]], *, only_ranges: bool = False
    ) -> pd.DataFrame:
        """`bucket_groups` summed from the referral rows (what the month sums table must
        equal; and any scope with clinics, or days)."""
        where, params = referral_where(
            Filters(clinics=scope.clinics, source_types=scope.source_types)
        )
        sql, after = bucket_groups_sql(where, self._referrals(), ranges, only_ranges=only_ranges)
        return _typed(self._frame(sql, params + after))

    def month_sums_ok(self) -> bool:
        """True when the month sums table holds every referral row (a write that went
        around the store's methods would leave it behind: then the rows are summed)."""
        return bool(
            self._query(
                "SELECT (SELECT count(*) FROM main.referrals) = "
                "(SELECT coalesce(sum(row_count), 0) FROM month_sums)"
            )[0][0]
        )

    def _month_sums(self) -> str:
        """The month sums relation reads select from: decisions applied (as _referrals)."""
        decided = self._referrals() == RESOLVED_REFERRALS
        return resolved_referrals(decided, table="month_sums", columns=MONTH_SUMS_ROW)

    def partner_rows(
        self, scope: Filters, name: str, columns: tuple[str, ...] = METRIC_COLUMNS
    ) -> pd.DataFrame:
        """The referral rows (every date, the scope's clinics and source types) whose source
        or organization is `name`: every row one partner key can be made of."""
        where, params = referral_where(
            Filters(clinics=scope.clinics, source_types=scope.source_types)
        )
        cols = ", ".join(columns)
        sql = f"SELECT {cols} FROM {self._referrals()} AS referrals {partner_rows_where(where)}"
        return _canonical(self._frame(sql, [*params, name, name]), columns)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """BUCKET_COLUMNS with the dtypes analytics.views.page_history reads."""
    for col in ("source", "source_type", "organization"):
        frame[col] = frame[col].astype("str")
    for col in ("bucket", "day", "last", "count", "arrived", "known"):
        frame[col] = frame[col].astype("int64")
    for col in ("payments", "charges", "visits"):
        frame[col] = frame[col].astype("float64")
    return frame[list(BUCKET_COLUMNS)]
