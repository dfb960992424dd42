"""SQL text (pure code) for the planning and valuation aggregates (issue 15).

`segment_sums_sql`: one row per resolved (source, source_type, organization) and segment of
the timeline, where the segments are cut at given days: every window whose bounds are cuts
(a fiscal year, a trailing 12 months, the 60 quiet days of the dormant rule) is then an exact
sum of segments. `quality_sql` / `quality_days_sql`: source quality's sums per partner key (or
type) and payer, and its referrals per key and days to evaluation. `cohort_sql`: referrals
and revenue per (type, referral month, first and last month of the episode).
`group_months_sql`: referrals per month of a few resolved groups (a stress scenario's).
"""

from __future__ import annotations

from collections.abc import Sequence

from analytics.schema import PARTNER_TYPES, SOURCE_TYPES, UNKNOWN_SOURCE

_DAY = "CAST(referral_date - DATE '1970-01-01' AS BIGINT)"
_MONTH = "(year(referral_date) * 12 + month(referral_date) - 1)"


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
        "ELSE list_extract(CAST(? AS INTEGER[]), CAST(d - ? + 1 AS INTEGER)) END"
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
        GROUP BY ALL
    """
    return sql, params


def _encoded_rows(where: str, relation: str, level: str) -> tuple[str, list, list]:
    """The rows CTE with periods.encode's cleaning in SQL: `kind` (unknown types and nameless
    partners are "unknown"), `partner`, `name` (the partner key at `level`). Returns the SQL
    and the parameters before and after the WHERE clause's own (none after)."""
    partner_types = sorted(PARTNER_TYPES)
    sql = f"""
        typed AS (
            SELECT *,
                CASE
                    WHEN source_type IS NULL OR NOT list_contains(?, source_type) THEN 'unknown'
                    WHEN list_contains(?, source_type) AND coalesce(source, ?) = ?
                        THEN 'unknown'
                    ELSE source_type
                END AS kind
            FROM {relation} AS referrals {where}
        ),
        rows AS (
            SELECT *,
                list_contains(?, kind) AS partner,
                CASE WHEN ? = 'organization' AND list_contains(?, kind)
                        AND organization IS NOT NULL
                     THEN organization ELSE coalesce(source, ?) END AS name
            FROM typed
        )
    """
    before = [list(SOURCE_TYPES), partner_types, UNKNOWN_SOURCE, UNKNOWN_SOURCE]
    after = [partner_types, level, partner_types, UNKNOWN_SOURCE]
    return sql, before, after


def _grouping(by: str) -> tuple[str, str]:
    # Per partner key: partner rows only; per type: every row, grouped by its cleaned type.
    if by == "source_type":
        return "kind", "TRUE"
    return "name", "partner"


def quality_sql(where: str, relation: str, level: str, by: str) -> tuple[str, list, list]:
    """Source quality's sums over the period's kept rows (partner rows per partner key, every
    row per type), one scan with GROUPING SETS: `set` 0 per group (referrals, payments and
    charges with a missing amount as 0 and how many rows carry one, arrived, known, visits,
    untimed arrivals), 1 per (group, type), 2 per (group, payer), 3 per (group, days from
    referral to evaluation). Parameters: before the WHERE's, after them, then the period's
    first and last dates."""
    rows, before, after = _encoded_rows(where, relation, level)
    group, keep = _grouping(by)
    sql = f"""
        WITH {rows},
        kept AS (
            SELECT {group} AS grp, kind, coalesce(payer, ?) AS payer, count, payments,
                charges, visits, (eval_date IS NOT NULL OR arrived) AS came,
                CASE WHEN eval_date >= referral_date
                     THEN CAST(eval_date - referral_date AS BIGINT) END AS days
            FROM rows
            WHERE {keep} AND referral_date BETWEEN ? AND ?
        )
        SELECT
            CASE WHEN grouping(kind) = 0 THEN 1 WHEN grouping(payer) = 0 THEN 2
                 WHEN grouping(days) = 0 THEN 3 ELSE 0 END AS set,
            grp, kind, payer, days,
            CAST(sum(count) AS BIGINT) AS referrals,
            fsum(coalesce(payments, 0.0)) AS payments,
            fsum(coalesce(charges, 0.0)) AS charges,
            count(payments) AS paid,
            count(charges) AS charged,
            CAST(sum(CASE WHEN came THEN count ELSE 0 END) AS BIGINT) AS arrived,
            CAST(sum(CASE WHEN came IS NOT NULL THEN count ELSE 0 END) AS BIGINT) AS known,
            fsum(visits) AS visits,
            count(visits) AS visit_rows,
            CAST(sum(CASE WHEN came AND days IS NULL THEN count ELSE 0 END) AS BIGINT)
                AS untimed
        FROM kept
        GROUP BY GROUPING SETS ((grp), (grp, kind), (grp, payer), (grp, days))
    """
    return sql, before, after


def cohort_sql(where: str, relation: str) -> tuple[str, list, list]:
    """Per (cleaned type, referral month, first and last month of the episode) of the
    period: referrals, payments and charges (a missing amount as 0) and how many rows carry
    one; months as year * 12 + month - 1. The episode starts at the evaluation month (the
    referral month when it is missing or earlier) and ends at the discharge month (the start
    when missing or earlier). Parameters as quality_sql's, without the payer label."""
    rows, before, after = _encoded_rows(where, relation, "partner")
    sql = f"""
        WITH {rows},
        months AS (
            SELECT kind, count, payments, charges, ref, dis,
                CASE WHEN ev >= ref THEN ev ELSE ref END AS first
            FROM (
                SELECT kind, count, payments, charges, {_MONTH} AS ref,
                    year(eval_date) * 12 + month(eval_date) - 1 AS ev,
                    year(discharge_date) * 12 + month(discharge_date) - 1 AS dis
                FROM rows
                WHERE referral_date BETWEEN ? AND ?
            )
        )
        SELECT kind, ref, first, CASE WHEN dis >= first THEN dis ELSE first END AS last,
            CAST(sum(count) AS BIGINT) AS referrals,
            fsum(coalesce(payments, 0.0)) AS payments,
            fsum(coalesce(charges, 0.0)) AS charges,
            count(payments) AS paid,
            count(charges) AS charged
        FROM months
        GROUP BY ALL
        ORDER BY ALL
    """
    return sql, before, after


def group_months_sql(where: str, relation: str) -> str:
    """Rows per (resolved source, type, organization, month) of the rows whose source is in
    a list (the parameter after the WHERE clause's own)."""
    joiner = "AND" if where else "WHERE"
    return f"""
        SELECT source, source_type, organization, {_MONTH} AS month, count(*) AS rows
        FROM {relation} AS referrals {where} {joiner} list_contains(?, source)
        GROUP BY ALL
    """
