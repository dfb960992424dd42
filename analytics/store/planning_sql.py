"""SQL text (pure code) for the planning and valuation aggregates (issue 15).

`segment_sums_sql`: one row per resolved (source, source_type, organization) and segment of
the timeline, where the segments are cut at given days: every window whose bounds are cuts
(a fiscal year, a trailing 12 months, the 60 quiet days of the dormant rule) is then an exact
sum of segments. `quality_sql`: source quality's sums per resolved group and payer, and its
referrals per group and days to evaluation. `cohort_sql`: referrals and revenue per (type,
referral month, first and last month of the episode). Grouped by the stored columns: the
few groups are then encoded in Python exactly as rows are (periods.encode).
`group_months_sql`: referrals per month of a few resolved groups (a stress scenario's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from analytics.schema import UNKNOWN_SOURCE
from analytics.store.month_sums import month_start, next_month

_EPOCH = date(1970, 1, 1)

# What a blank payer is called in the payer mix (source quality).
NO_PAYER = "(no payer)"

_DAY = "CAST(referral_date - DATE '1970-01-01' AS BIGINT)"
_MONTH = (
    "(CAST(EXTRACT(YEAR FROM referral_date) * 12 + EXTRACT(MONTH FROM referral_date) - 1"
    " AS BIGINT))"
)


def _segment_expression(cuts: Sequence[int]) -> tuple[str, list]:
    """The segment of day `d`: how many cuts are at or before it (a lookup list per day)."""
    if not cuts:
        return "0", []
    first, last = cuts[0], cuts[-1]
    lookup, k = [], 0
    for day in range(first, last):
        while k < len(cuts) and cuts[k] <= day:
            k += 1
        lookup.append(k)
    sql = (
        "CASE WHEN d < ? THEN 0 WHEN d >= ? THEN ? "
        "ELSE (CAST(? AS INTEGER[]))[CAST(d - ? + 1 AS INTEGER)] END"
    )
    return sql, [first, last, len(cuts), lookup, first]


def segment_sums_sql(where: str, relation: str, cuts: Sequence[int]) -> tuple[str, list]:
    """Per resolved (source, source_type, organization) and segment (0..len(cuts)): rows,
    referrals, money, outcomes, visits and first/last day. Returns the SQL and the parameters
    that go after the WHERE clause's own. `cuts` are sorted distinct days."""
    segment, params = _segment_expression(list(cuts))
    sql = f"""
        WITH r AS (
            SELECT source, source_type, organization, count, payments, charges, visits,
                (eval_date IS NOT NULL OR arrived) AS came, {_DAY} AS d
            FROM {relation} AS referrals {where}
        )
        SELECT
            source, source_type, organization,
            {segment} AS segment,
            count(*) AS rows,
            CAST(sum(count) AS BIGINT) AS referrals,
            sum(payments) AS payments,
            sum(charges) AS charges,
            CAST(sum(CASE WHEN came THEN count ELSE 0 END) AS BIGINT) AS arrived,
            CAST(sum(CASE WHEN came IS NOT NULL THEN count ELSE 0 END) AS BIGINT) AS known,
            sum(visits) AS visits,
            CAST(sum(CASE WHEN visits IS NOT NULL THEN count ELSE 0 END) AS BIGINT)
                AS visit_referrals,
            min(d) AS first_day,
            max(d) AS last_day
        FROM r
        GROUP BY 1, 2, 3, 4
    """
    return sql, params


def split_months(days: Sequence[int]) -> list[tuple[int, int]]:
    """The months a day of `days` falls inside (not on their first day), as merged
    [first, stop) day ranges: the months whose rows a segment table must read one by one."""
    starts = sorted({_month_start(d) for d in days if d != _month_start(d)})
    ranges: list[tuple[int, int]] = []
    for start in starts:
        stop = _next_month(start)
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], stop)
        else:
            ranges.append((start, stop))
    return ranges


def _month_start(day: int) -> int:
    return (month_start(_EPOCH + timedelta(days=int(day))) - _EPOCH).days


def _next_month(start: int) -> int:
    return (next_month(_EPOCH + timedelta(days=int(start))) - _EPOCH).days


def _in_ranges(column: str, count: int) -> str:
    return " OR ".join(f"({column} >= ? AND {column} < ?)" for _ in range(count)) or "FALSE"


def month_segment_sums_sql(
    month_where: str,
    months: str,
    row_where: str,
    relation: str,
    cuts: Sequence[int],
    split: list[tuple[int, int]],
    bounds: tuple[int | None, int | None],
    touched: str | None = None,
) -> tuple[str, list, list]:
    """segment_sums_sql's table from the month sums (analytics.store.month_sums) for every
    whole month no cut splits, and from the rows for the months in `split` ([first, stop)
    day ranges, split_months). `months` is the month sums resolved, `month_where` a clause
    on its source_type; `row_where` the rows' full WHERE clause; `bounds` the first day and
    the day after the last the filters keep (None: unbounded), month starts or in `split`.
    `touched` (a parameterless subquery of stored sources, pages_sql.touched_sources): the
    sources a decision touches, read from their rows in every month instead.
    Returns the SQL and the parameters after month_where's and after row_where's."""
    segment, seg_params = _segment_expression(list(cuts))
    ranges = [day for pair in split for day in pair]
    lo, hi = bounds
    keep = [f"NOT ({_in_ranges('month', len(split))})"]
    read = f"({_in_ranges('referral_date', len(split))})"
    if touched is not None:
        keep.append(f"source NOT IN ({touched})")
        read = f"({read} OR ingest_source IN ({touched}))"
    keep_params: list = list(ranges)
    if lo is not None:
        keep.append("month >= ?")
        keep_params.append(lo)
    if hi is not None:
        keep.append("month < ?")
        keep_params.append(hi)
    joiner = "AND" if month_where else "WHERE"
    dates = [(_EPOCH + timedelta(days=d)) for d in ranges]
    row_joiner = "AND" if row_where else "WHERE"
    sql = f"""
        WITH m AS (
            SELECT source, source_type, organization, month AS d, row_count AS rows,
                referrals, payments, charges, arrived, known, visits,
                CASE WHEN no_visits THEN 0 ELSE referrals END AS visit_referrals,
                first_day, last_day
            FROM {months} AS sums {month_where} {joiner} {" AND ".join(keep)}
        ), r AS (
            SELECT source, source_type, organization, {_DAY} AS d, 1 AS rows,
                count AS referrals, payments, charges,
                CASE WHEN eval_date IS NOT NULL OR arrived THEN count ELSE 0 END AS arrived,
                CASE WHEN (eval_date IS NOT NULL OR arrived) IS NOT NULL THEN count ELSE 0 END
                    AS known,
                visits,
                CASE WHEN visits IS NOT NULL THEN count ELSE 0 END AS visit_referrals,
                {_DAY} AS first_day, {_DAY} AS last_day
            FROM {relation} AS referrals {row_where} {row_joiner} {read}
        ), parts AS (
            SELECT * FROM m UNION ALL SELECT * FROM r
        )
        SELECT
            source, source_type, organization,
            {segment} AS segment,
            CAST(sum(rows) AS BIGINT) AS rows,
            CAST(sum(referrals) AS BIGINT) AS referrals,
            sum(payments) AS payments,
            sum(charges) AS charges,
            CAST(sum(arrived) AS BIGINT) AS arrived,
            CAST(sum(known) AS BIGINT) AS known,
            sum(visits) AS visits,
            CAST(sum(visit_referrals) AS BIGINT) AS visit_referrals,
            min(first_day) AS first_day,
            max(last_day) AS last_day
        FROM parts
        GROUP BY 1, 2, 3, 4
    """
    return sql, keep_params, dates + seg_params


def quality_sql(where: str, relation: str) -> str:
    """Source quality's sums per resolved (source, source_type, organization), in one scan
    with GROUPING SETS: `set` 0 per payer (referrals, payments and charges with a missing
    amount as 0 and how many rows carry one, arrived, known, visits and the rows with some,
    arrivals without a usable evaluation date), 1 per days from referral to evaluation
    (referrals). Parameters after the WHERE clause's own: the no-payer label."""
    sql = f"""
        WITH kept AS (
            SELECT source, source_type, organization, coalesce(payer, ?) AS payer, count,
                payments, charges, visits, (eval_date IS NOT NULL OR arrived) AS came,
                CASE WHEN eval_date >= referral_date
                     THEN CAST(eval_date - referral_date AS BIGINT) END AS days
            FROM {relation} AS referrals {where}
        )
        SELECT
            CAST(grouping(payer) AS INTEGER) AS set,
            source, source_type, organization, payer, days,
            CAST(sum(count) AS BIGINT) AS referrals,
            fsum(coalesce(payments, 0.0)) AS payments,
            fsum(coalesce(charges, 0.0)) AS charges,
            count(payments) AS paid,
            count(charges) AS charged,
            CAST(sum(CASE WHEN came THEN count ELSE 0 END) AS BIGINT) AS arrived,
            CAST(sum(CASE WHEN came IS NOT NULL THEN count ELSE 0 END) AS BIGINT) AS known,
            fsum(coalesce(visits, 0.0)) AS visits,
            count(visits) AS visit_rows,
            CAST(sum(CASE WHEN came AND days IS NULL THEN count ELSE 0 END) AS BIGINT)
                AS untimed
        FROM kept
        GROUP BY GROUPING SETS (
            (source, source_type, organization, payer),
            (source, source_type, organization, days)
        )
    """
    return sql


def cohort_sql(where: str, relation: str) -> tuple[str, list]:
    """Per (source_type, nameless: the source is missing or "Unknown", referral month, first
    and last month of the episode): referrals, payments and charges (a missing amount as 0)
    and how many rows carry one; months as year * 12 + month - 1. The episode starts at the
    evaluation month (the referral month when it is missing or earlier) and ends at the
    discharge month (the start when missing or earlier). Parameters after the WHERE's."""
    sql = f"""
        WITH months AS (
            SELECT source_type, nameless, count, payments, charges, ref, dis,
                CASE WHEN ev >= ref THEN ev ELSE ref END AS first
            FROM (
                SELECT source_type, coalesce(source, ?) = ? AS nameless, count, payments,
                    charges, {_MONTH} AS ref,
                    CAST(EXTRACT(YEAR FROM eval_date) * 12 + EXTRACT(MONTH FROM eval_date) - 1
                        AS BIGINT) AS ev,
                    CAST(EXTRACT(YEAR FROM discharge_date) * 12
                        + EXTRACT(MONTH FROM discharge_date) - 1 AS BIGINT) AS dis
                FROM {relation} AS referrals {where}
            ) AS parts
        )
        SELECT source_type, nameless, ref, first,
            CASE WHEN dis >= first THEN dis ELSE first END AS last,
            CAST(sum(count) AS BIGINT) AS referrals,
            fsum(coalesce(payments, 0.0)) AS payments,
            fsum(coalesce(charges, 0.0)) AS charges,
            count(payments) AS paid,
            count(charges) AS charged
        FROM months
        GROUP BY 1, 2, 3, 4, 5
    """
    return sql, [UNKNOWN_SOURCE, UNKNOWN_SOURCE]


def group_months_sql(where: str, relation: str) -> str:
    """Rows per (resolved source, type, organization, month) of the rows whose source is in
    a list (the parameter after the WHERE clause's own)."""
    joiner = "AND" if where else "WHERE"
    return f"""
        SELECT source, source_type, organization, {_MONTH} AS month, count(*) AS rows
        FROM {relation} AS referrals {where} {joiner} source = ANY(?)
        GROUP BY 1, 2, 3, 4
    """


def month_rows_sql(where: str, relation: str) -> str:
    """Rows per month (year * 12 + month - 1) of the filtered rows."""
    return f"""
        SELECT {_MONTH} AS month, count(*) AS rows
        FROM {relation} AS referrals {where}
        GROUP BY 1
    """
