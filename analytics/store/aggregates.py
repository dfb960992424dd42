"""SQL text (pure code) for the aggregates the history metrics read instead of rows.

`history_groups_sql`: one row per resolved (source, source_type, organization) of the
history up to a day, with the window sums of analytics.metrics.windows as FILTER clauses;
`months_present_sql`: the months of a period that have any referral.
"""

from __future__ import annotations

from dataclasses import dataclass

_DAY = "CAST(referral_date - DATE '1970-01-01' AS BIGINT)"


def history_groups_sql(where: str, relation: str, days: WindowDays) -> tuple[str, list]:
    """The GROUP BY with FILTER clauses, and the parameters that follow the WHERE clause's.

    `where` must already hold the rows to day `days.end` (the windows run up to it)."""
    sql = f"""
        WITH r AS (
            SELECT source, source_type, organization, count, {_DAY} AS d
            FROM {relation} AS referrals {where}
        )
        SELECT
            source, source_type, organization,
            count(*) AS rows,
            CAST(sum(count) AS BIGINT) AS referrals,
            min(d) AS first_day,
            CAST(coalesce(sum(count) FILTER (WHERE d >= ? AND d < ?), 0) AS BIGINT) AS earlier,
            CAST(coalesce(sum(count) FILTER (WHERE d >= ?), 0) AS BIGINT) AS recent,
            CAST(coalesce(sum(count) FILTER (WHERE d >= ? AND d < ?), 0) AS BIGINT) AS base,
            count(*) FILTER (WHERE d >= ? AND d < ?) AS base_rows,
            CAST(coalesce(sum(count) FILTER (WHERE d >= ?), 0) AS BIGINT) AS quiet,
            coalesce(max(d) FILTER (WHERE d >= ? AND d < ?), 0) AS base_last,
            count(*) FILTER (WHERE d >= ?) AS year_rows,
            count(*) FILTER (WHERE d >= ? AND d < ?) AS prior_year_rows
        FROM r
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
    """
    params = [
        *(days.earlier_start, days.recent_start),
        days.recent_start,
        *(days.base_start, days.quiet_start),
        *(days.base_start, days.quiet_start),
        days.quiet_start,
        *(days.base_start, days.quiet_start),
        days.year_start,
        *(days.prior_year_start, days.year_start),
    ]
    return sql, params


def months_present_sql(where: str, relation: str) -> str:
    """Distinct months with a referral; `where` holds the period's rows."""
    return (
        "SELECT count(DISTINCT date_trunc('month', referral_date)) "
        f"FROM {relation} AS referrals {where}"
    )


@dataclass(frozen=True)
class WindowDays:
    """The window bounds (integer days, inclusive start, exclusive stop) before day `end`."""

    end: int
    earlier_start: int
    recent_start: int
    base_start: int
    quiet_start: int
    prior_year_start: int
    year_start: int
