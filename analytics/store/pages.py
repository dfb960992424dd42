"""The aggregates the app's data pages read instead of rows (issue 15): partner x month sums
(days inside the ranges a page cuts mid-month), and one partner's own rows."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analytics.filters import Filters
from analytics.store.connection import StoreBase
from analytics.store.pages_sql import (
    BUCKET_COLUMNS,
    MERGED_INTO_SQL,
    SPELLED_INTO_SQL,
    bucket_groups_sql,
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
        where, params = referral_where(
            Filters(clinics=scope.clinics, source_types=scope.source_types)
        )
        sql, after = bucket_groups_sql(where, self._referrals(), ranges, only_ranges=only_ranges)
        frame = self._frame(sql, params + after)
        for col in ("source", "source_type", "organization"):
            frame[col] = frame[col].astype("str")
        for col in ("bucket", "day", "last", "count", "arrived", "known"):
            frame[col] = frame[col].astype("int64")
        for col in ("payments", "charges", "visits"):
            frame[col] = frame[col].astype("float64")
        return frame[list(BUCKET_COLUMNS)]

    def partner_rows(
        self,
        scope: Filters,
        name: str,
        columns: tuple[str, ...] = METRIC_COLUMNS,
        sources: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The referral rows (every date, the scope's clinics and source types) whose source
        or organization is `name`: every row one partner key can be made of.

        `sources`, when given, must hold the (resolved) source of every such row (the month
        sums know them, analytics.views.page_history.partner_sources). The scan then reads
        only the rows stored under those sources or merged into them, before any join."""
        where, params = referral_where(
            Filters(clinics=scope.clinics, source_types=scope.source_types)
        )
        relation = self._referrals()
        decided = relation == RESOLVED_REFERRALS
        # An empty list would have no type: [name] reads no more rows than the WHERE keeps.
        stored = None if sources is None else self._stored_sources(list(sources) or [name], decided)
        before = []
        if stored is not None:
            relation, before = resolved_referrals(decided, stored_among=True), [stored]
        cols = ", ".join(columns)
        sql = f"SELECT {cols} FROM {relation} AS referrals {partner_rows_where(where)}"
        return _canonical(self._frame(sql, [*before, *params, name, name]), columns)

    def _stored_sources(self, sources: list[str], decided: bool) -> list[str] | None:
        """The stored sources of every row whose resolved source is in `sources`, or None
        when a spelling decision leads there (its rows are found by the resolved source)."""
        if not decided:
            return sources
        if self._query(SPELLED_INTO_SQL, [sources])[0][0]:
            return None
        merged = [row[0] for row in self._query(MERGED_INTO_SQL, [sources])]
        return sorted(set(sources) | set(merged))
