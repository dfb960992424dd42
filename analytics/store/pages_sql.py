"""SQL text (pure code) for the aggregates the app's pages read instead of rows.

`bucket_groups_sql`: one row per stored (source, source_type, organization), bucket and
whether visits were recorded, with the sums `periods.Encoded` holds and the first and last
day of the bucket. A bucket is a calendar month, or a single day inside the date ranges
given (the months where a page cuts a period mid-month); `periods.encode` then cleans the
identity columns exactly as it cleans rows (analytics.views.page_history).
"""

from __future__ import annotations

from datetime import date, timedelta

_EPOCH = date(1970, 1, 1)

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


def _date(day: int) -> date:
    return _EPOCH + timedelta(days=int(day))


def _ranges_clause(ranges: list[tuple[int, int]]) -> tuple[str, list]:
    """`d` inside any of the [first, stop) day ranges, and its parameters."""
    if not ranges:
        return "FALSE", []
    clause = " OR ".join("(d >= ? AND d < ?)" for _ in ranges)
    return f"({clause})", [day for pair in ranges for day in pair]


def _segment_clause(starts: tuple[int, ...]) -> tuple[str, list]:
    """The last of `starts` on or before day `d` (d itself before the first), and its
    parameters."""
    if not starts:
        return "d", []
    ordered = sorted(starts, reverse=True)
    cases = " ".join("WHEN d >= ? THEN ?" for _ in ordered)
    return f"CASE {cases} ELSE d END", [day for start in ordered for day in (start, start)]


def bucket_groups_sql(
    where: str,
    relation: str,
    ranges: list[tuple[int, int]],
    *,
    only_ranges: bool = False,
    starts: tuple[int, ...] = (),
) -> tuple[str, list]:
    """The GROUP BY, and the parameters that follow the WHERE clause's.

    Days inside `ranges` ([first, stop) day numbers) are their own buckets, or with
    `starts` (days inside the ranges, each range's first among them) the stretch from one
    start to the day before the next is one; every other day falls in its month's; with
    `only_ranges` the rows outside the ranges are left out. Grouping by whether visits were
    recorded keeps `visit_referrals` exact (a bucket's visits are either all recorded or
    all missing)."""
    inside, params = _ranges_clause(ranges)
    segment, segment_params = _segment_clause(starts)
    keep = f"WHERE {inside}" if only_ranges else ""
    dates, bounds = "", []
    if only_ranges and ranges:
        # The same rows, named by date so the scan skips the row groups outside the ranges.
        clause = " OR ".join("(referral_date >= ? AND referral_date < ?)" for _ in ranges)
        dates = f"{'AND' if where else 'WHERE'} ({clause})"
        bounds = [_date(day) for pair in ranges for day in pair]
    sql = f"""
        WITH r AS (
            SELECT source, source_type, organization, count, payments, charges, visits,
                {_DAY} AS d, {_MONTH} AS m, (eval_date IS NOT NULL OR arrived) AS came
            FROM {relation} AS referrals {where} {dates}
        )
        SELECT
            source, source_type, organization,
            CASE WHEN {inside} THEN {segment} ELSE m END AS bucket,
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
    return sql, bounds + params + segment_params + (params if only_ranges else [])


# The month sums table (analytics.store.month_sums) as sql.resolved_referrals reads it.
MONTH_SUMS_ROW = """{source} AS source, coalesce({decided_type}, x.source_type) AS source_type,
        CASE WHEN {decided_organization} = '' THEN NULL
             ELSE coalesce({decided_organization}, u.usual) END AS organization,
        x.month, x.no_visits, x.first_day, x.last_day, x.referrals, x.payments, x.charges,
        x.visits, x.arrived, x.known, x.row_count"""


def touched_sources(spelled: bool) -> str:
    """The stored sources a decision may read as another, or another as: the sources and
    names of source_map, the sources spellings are split into, and (`spelled`: when
    spelling_map has rows) the sources of the rows a split spelling is in. A row of any
    other source is read as itself, so its month sums need no decision applied."""
    parts = [
        "SELECT source FROM source_map",
        "SELECT canonical FROM source_map",
        "SELECT source FROM spelling_map",
    ]
    if spelled:
        parts.append(
            "SELECT source FROM main.referrals "
            "WHERE source_name IN (SELECT spelling FROM spelling_map)"
        )
    return " UNION ".join(parts)


def month_sums_sql(
    where: str, kept: str, decided: str | None, decided_where: str
) -> tuple[str, bool]:
    """The month buckets of `bucket_groups_sql` (no ranges) from the month sums table.

    `kept` is the table as sql.resolved_referrals reads it without resolving its rows, and
    `where` a clause on its source_type (clinics are not in the table). With decisions in
    the store, `decided` is the resolved referrals and `decided_where` its WHERE clause:
    the sources a decision touches (`touched_sources`, a parameterless subquery) are left
    out of the table's part and summed from their rows, resolved, instead; the two parts
    share no name (every name a touched row is read as is itself touched).
    Returns the SQL, and whether the WHERE parameters are needed twice (once per part)."""
    sums = f"""
        SELECT
            source, source_type, organization, month AS bucket, no_visits,
            first_day AS day, last_day AS last, referrals AS count, payments, charges,
            visits, arrived, known
        FROM {kept} AS sums {where}
    """
    if decided is None:
        return sums, False
    rows, _ = bucket_groups_sql(decided_where, decided, [])
    return f"{sums} UNION ALL SELECT * FROM ({rows}) AS summed", True


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
