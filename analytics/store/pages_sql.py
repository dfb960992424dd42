"""SQL text (pure code) for the aggregates the app's pages read instead of rows.

`bucket_groups_sql`: one row per stored (source, source_type, organization), bucket and
whether visits were recorded, with the sums `periods.Encoded` holds and the first and last
day of the bucket. A bucket is a calendar month, or a single day inside the date ranges
given (the months where a page cuts a period mid-month); `periods.encode` then cleans the
identity columns exactly as it cleans rows (analytics.views.page_history).
"""

from __future__ import annotations

_DAY = "CAST(referral_date - DATE '1970-01-01' AS BIGINT)"
_MONTH = f"{_DAY} - CAST(EXTRACT(DAY FROM referral_date) AS BIGINT) + 1"

BUCKET_COLUMNS: tuple[str, ...] = (
    "source",
    "source_type",
    "organization",
    "bucket",
    "day",
    "last",
    "count",
    "payments",
    "charges",
    "visits",
    "arrived",
    "known",
)


def _ranges_clause(ranges: list[tuple[int, int]]) -> tuple[str, list]:
    """`d` inside any of the [first, stop) day ranges, and its parameters."""
    if not ranges:
        return "FALSE", []
    clause = " OR ".join("(d >= ? AND d < ?)" for _ in ranges)
    return f"({clause})", [day for pair in ranges for day in pair]


def bucket_groups_sql(
    where: str, relation: str, ranges: list[tuple[int, int]], *, only_ranges: bool = False
) -> tuple[str, list]:
    """The GROUP BY, and the parameters that follow the WHERE clause's.

    Days inside `ranges` ([first, stop) day numbers) are their own buckets, every other day
    falls in its month's; with `only_ranges` the rows outside the ranges are left out.
    Grouping by whether visits were recorded keeps `visit_referrals` exact (a bucket's
    visits are either all recorded or all missing)."""
    inside, params = _ranges_clause(ranges)
    keep = f"WHERE {inside}" if only_ranges else ""
    sql = f"""
        WITH r AS (
            SELECT source, source_type, organization, count, payments, charges, visits,
                {_DAY} AS d, {_MONTH} AS m, (eval_date IS NOT NULL OR arrived) AS came
            FROM {relation} AS referrals {where}
        )
        SELECT
            source, source_type, organization,
            CASE WHEN {inside} THEN d ELSE m END AS bucket,
            visits IS NULL AS no_visits,
            min(d) AS day,
            max(d) AS last,
            CAST(sum(count) AS BIGINT) AS count,
            sum(payments) AS payments,
            sum(charges) AS charges,
            sum(visits) AS visits,
            CAST(coalesce(sum(count) FILTER (WHERE came), 0) AS BIGINT) AS arrived,
            CAST(coalesce(sum(count) FILTER (WHERE came IS NOT NULL), 0) AS BIGINT)
                AS known
        FROM r {keep}
        GROUP BY 1, 2, 3, 4, 5
    """
    return sql, params + (params if only_ranges else [])


def partner_rows_where(where: str) -> str:
    """`where` narrowed to the rows a partner key can be made of: its source's, or its
    organization's (the key at the organization level)."""
    narrow = "(source = ? OR organization = ?)"
    return f"{where} AND {narrow}" if where else f"WHERE {narrow}"


# Stored sources whose rows resolve to one of some sources (a parameter) by a merge or rename.
MERGED_INTO_SQL = "SELECT source FROM source_map WHERE canonical = ANY(?)"
# Spellings moved to a source that resolves to one of them: their rows' stored source can be
# anything, so those rows cannot be found by their stored source.
SPELLED_INTO_SQL = """
    SELECT count(*) FROM spelling_map sp LEFT JOIN source_map m ON m.source = sp.source
    WHERE coalesce(m.canonical, sp.source) = ANY(?)
"""
