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
    MONTH_SUMS_ROW,
    SPELLED_INTO_SQL,
    bucket_groups_sql,
    month_sums_sql,
    partner_rows_where,
    touched_sources,
)
from analytics.store.reads import METRIC_COLUMNS, _canonical
from analytics.store.sql import RESOLVED_REFERRALS, referral_where, resolved_referrals


class PagesMixin(StoreBase):
    """Month sums for the pages, and one partner's rows."""

    def bucket_groups(
        self,
        scope: Filters,
        ranges: list[tuple[int, int]],
        *,
        only_ranges: bool = False,
        starts: tuple[int, ...] = (),
    ) -> pd.DataFrame:
        """Per resolved (source, type, organization) and month, or inside `ranges` ([first,
        stop) day numbers) day, or with `starts` stretch between two of them
        (pages_sql.bucket_groups_sql): the sums analytics.views.page_history encodes
        (BUCKET_COLUMNS).

        The scope's clinics and source types apply, every date; with `only_ranges` only the
        rows inside the ranges are read."""
        if not ranges and not only_ranges and not scope.clinics and self.month_sums_ok():
            # The months every page starts from: summed by each write, not here.
            return _typed(self._month_sums(scope))
        return self.summed_groups(scope, ranges, only_ranges=only_ranges, starts=starts)

    def summed_groups(
        self,
        scope: Filters,
        ranges: list[tuple[int, int]],
        *,
        only_ranges: bool = False,
        starts: tuple[int, ...] = (),
    ) -> pd.DataFrame:
        """`bucket_groups` summed from the referral rows (what the month sums table must
        equal; and any scope with clinics, or days)."""
        where, params = referral_where(
            Filters(clinics=scope.clinics, source_types=scope.source_types)
        )
        sql, after = bucket_groups_sql(
            where, self._referrals(), ranges, only_ranges=only_ranges, starts=starts
        )
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

    def _month_sums(self, scope: Filters) -> pd.DataFrame:
        """The month buckets from the month sums table, decisions applied (pages_sql)."""
        where, params = referral_where(Filters(source_types=scope.source_types))
        decided = self._referrals() == RESOLVED_REFERRALS
        kept = resolved_referrals(decided, "month_sums", MONTH_SUMS_ROW, resolve_rows=False)
        if not decided:
            sql, _ = month_sums_sql(where, kept, None, "")
            return self._frame(sql, params)
        spelled = bool(self._query("SELECT 1 FROM spelling_map LIMIT 1"))
        touched = touched_sources(spelled)
        kept_where = f"{where or 'WHERE TRUE'} AND source NOT IN ({touched})"
        rows_where = f"{where or 'WHERE TRUE'} AND ingest_source IN ({touched})"
        sql, twice = month_sums_sql(kept_where, kept, RESOLVED_REFERRALS, rows_where)
        return self._frame(sql, params + params if twice else params)

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


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """BUCKET_COLUMNS with the dtypes analytics.views.page_history reads."""
    for col in ("source", "source_type", "organization"):
        frame[col] = frame[col].astype("str")
    for col in ("bucket", "day", "last", "count", "arrived", "known"):
        frame[col] = frame[col].astype("int64")
    for col in ("payments", "charges", "visits"):
        frame[col] = frame[col].astype("float64")
    return frame[list(BUCKET_COLUMNS)]
