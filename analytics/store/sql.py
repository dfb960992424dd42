"""The store's SQL as pure code: schema, the resolved-referrals relation, WHERE clauses and
the period aggregation, each returned as text (and parameters) for analytics.store to run."""

from __future__ import annotations

from analytics.filters import Filters
from analytics.schema import PARTNER_TYPES, SOURCE_TYPES, UNKNOWN_SOURCE

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS upload_ids START 1;
CREATE TABLE IF NOT EXISTS uploads (
    upload_id INTEGER PRIMARY KEY,
    kind VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    file_hash VARCHAR NOT NULL,
    sheet VARCHAR,
    uploaded_at TIMESTAMP NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    referrals INTEGER,
    period_start DATE,
    period_end DATE,
    clinics VARCHAR,
    mapping VARCHAR,
    quality VARCHAR
);
CREATE TABLE IF NOT EXISTS referrals (
    referral_date DATE NOT NULL,
    source_name VARCHAR,
    source VARCHAR NOT NULL,
    source_type VARCHAR NOT NULL,
    organization VARCHAR,
    npi VARCHAR,
    npi_valid BOOLEAN,
    clinic VARCHAR,
    payer VARCHAR,
    -- A keyed hash is random by design: analysing it for compression cost 0.2 s per million
    -- rows at every upload for a third off its size; stored as it is.
    patient_key VARCHAR USING COMPRESSION uncompressed,
    case_id VARCHAR,
    eval_date DATE,
    arrived BOOLEAN,
    visits DOUBLE,
    charges DOUBLE,
    payments DOUBLE,
    discharge_date DATE,
    count INTEGER NOT NULL DEFAULT 1,
    upload_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS activities (
    activity_date DATE NOT NULL,
    partner_name VARCHAR,
    partner VARCHAR NOT NULL,
    activity_type VARCHAR,
    cost DOUBLE,
    staff VARCHAR,
    notes VARCHAR,
    upload_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS source_aliases (
    key VARCHAR, npi VARCHAR, source VARCHAR NOT NULL, source_type VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS column_mappings (
    signature VARCHAR PRIMARY KEY, kind VARCHAR, mapping VARCHAR, saved_at TIMESTAMP
);
CREATE SEQUENCE IF NOT EXISTS decision_ids START 1;
CREATE TABLE IF NOT EXISTS source_decisions (
    decision_id INTEGER PRIMARY KEY,
    action VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    canonical VARCHAR,
    source_type VARCHAR,
    organization VARCHAR,
    decided_at TIMESTAMP NOT NULL,
    note VARCHAR
);
CREATE TABLE IF NOT EXISTS rejected_suggestions (
    a VARCHAR NOT NULL, b VARCHAR NOT NULL, decided_at TIMESTAMP NOT NULL, PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS source_map (
    source VARCHAR PRIMARY KEY, canonical VARCHAR NOT NULL, source_type VARCHAR,
    organization VARCHAR
);
CREATE TABLE IF NOT EXISTS spelling_map (spelling VARCHAR PRIMARY KEY, source VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS organization_votes (
    source VARCHAR, source_name VARCHAR, organization VARCHAR, referrals BIGINT
);
-- Added after the first stores were written: the sheets an upload read (JSON list) and its
-- verdict's warnings (JSON list of sentences).
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS sheets VARCHAR;
ALTER TABLE uploads ADD COLUMN IF NOT EXISTS warnings VARCHAR;
-- The owner's settings per partner (issue 17): relationships the owner handles personally,
-- and the expected referrals per month; and store-wide settings such as the fiscal year.
CREATE TABLE IF NOT EXISTS partner_flags (
    partner VARCHAR PRIMARY KEY, owner_managed BOOLEAN NOT NULL, set_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS partner_targets (
    partner VARCHAR PRIMARY KEY, monthly_target DOUBLE NOT NULL, origin VARCHAR NOT NULL,
    set_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
-- The referrals summed per stored source, type, calendar month (its first day, in days since
-- 1970-01-01) and whether visits were recorded: kept up to date by every write
-- (analytics.store.month_sums), read by the app's pages instead of every row.
CREATE TABLE IF NOT EXISTS month_sums (
    source VARCHAR NOT NULL, source_type VARCHAR NOT NULL,
    month BIGINT NOT NULL, no_visits BOOLEAN NOT NULL, first_day BIGINT NOT NULL,
    last_day BIGINT NOT NULL, row_count BIGINT NOT NULL, referrals BIGINT NOT NULL,
    payments DOUBLE, charges DOUBLE, visits DOUBLE, arrived BIGINT NOT NULL,
    known BIGINT NOT NULL
);
"""

# Referrals as every read sees them: the owner's decisions applied (a spelling moved, a source
# merged, renamed or retyped), and each partner's organisation the one the owner set, else the
# one most of its referrals name (organization_votes: the referrals per source, spelling and
# organisation, counted on every write). The stored source_name and source stay untouched.
_RESOLVE_JOINS = """
    LEFT JOIN spelling_map sp ON sp.spelling = x.source_name
    LEFT JOIN source_map m ON m.source = coalesce(sp.source, x.source)
"""
_RESOLVED_SOURCE = "coalesce(m.canonical, sp.source, x.source)"


_REFERRAL_ROW = """x.referral_date, x.source_name, {source} AS source,
        coalesce({decided_type}, x.source_type) AS source_type,
        CASE WHEN {decided_organization} = '' THEN NULL
             ELSE coalesce({decided_organization}, u.usual) END AS organization,
        x.npi, x.npi_valid, x.clinic, x.payer, x.patient_key, x.case_id, x.eval_date,
        x.arrived, x.visits, x.charges, x.payments, x.discharge_date, x.count, x.upload_id,
        x.source AS ingest_source"""


def resolved_referrals(
    decisions: bool = True,
    table: str = "main.referrals",
    columns: str = _REFERRAL_ROW,
    *,
    resolve_rows: bool = True,
    stored_among: bool = False,
) -> str:
    """The referrals relation every read selects from (a parenthesised subquery).

    Without decisions in the store the joins are left out: the same rows, read faster.
    `table` and `columns` resolve another table of stored sources (`columns` names the
    resolved {source}, {decided_type} and {decided_organization}); with `resolve_rows`
    False its rows are taken as no decision names them (their organisation is still the one
    most referrals of the resolved source name): the month sums' untouched sources
    (analytics.store.pages_sql.month_sums_sql). With `stored_among`, only the rows whose
    *stored* source is in a list (its one parameter): a filter the scan applies before any
    join (one partner's rows, Store.partner_rows).
    """
    narrow = "WHERE x.source = ANY(?)" if stored_among else ""
    votes_joins, votes_source = (
        (_RESOLVE_JOINS, _RESOLVED_SOURCE) if decisions else ("", "x.source")
    )
    resolve = decisions and resolve_rows
    joins, source = (_RESOLVE_JOINS, _RESOLVED_SOURCE) if resolve else ("", "x.source")
    decided_type = "m.source_type" if resolve else "NULL"
    decided_organization = "m.organization" if resolve else "NULL"
    row = columns.format(
        source=source, decided_type=decided_type, decided_organization=decided_organization
    )
    return f"""(
    WITH usual_organization AS (
        SELECT resolved_source, (array_agg(organization ORDER BY n DESC, organization))[1] AS usual
        FROM (
            SELECT {votes_source} AS resolved_source, x.organization, sum(x.referrals) AS n
            FROM organization_votes x {votes_joins}
            GROUP BY 1, 2
        ) AS votes
        GROUP BY resolved_source
    )
    SELECT
        {row}
    FROM {table} x {joins}
    LEFT JOIN usual_organization u ON u.resolved_source = {source}
    {narrow}
)"""


RESOLVED_REFERRALS = resolved_referrals()
UNDECIDED_REFERRALS = resolved_referrals(decisions=False)
RESOLVED_ACTIVITIES = """(
    SELECT a.activity_date, a.partner_name,
        coalesce(m.canonical, sp.source, a.partner) AS partner,
        a.activity_type, a.cost, a.staff, a.notes, a.upload_id
    FROM main.activities a
    LEFT JOIN spelling_map sp ON sp.spelling = a.partner_name
    LEFT JOIN source_map m ON m.source = coalesce(sp.source, a.partner)
)"""


def referral_where(filters: Filters) -> tuple[str, list]:
    """The WHERE clause and parameters for a Filters value (pure: tested without a store)."""
    clauses: list[str] = []
    params: list = []
    if filters.start:
        clauses.append("referral_date >= ?")
        params.append(filters.start)
    if filters.end:
        clauses.append("referral_date <= ?")
        params.append(filters.end)
    if filters.clinics:
        clauses.append("clinic = ANY(?)")
        params.append(list(filters.clinics))
    if filters.source_types:
        clauses.append("source_type = ANY(?)")
        params.append(list(filters.source_types))
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def source_table_sql(
    where: str, level: str, relation: str = RESOLVED_REFERRALS
) -> tuple[str, list, list]:
    """GROUP BY (partner key, cleaned type) with the sums periods.source_table_of makes.

    Returns the SQL and the parameters that go before and after the WHERE clause's own.
    `relation` is the referrals as reads see them (Store._referrals()).
    """
    partner_types = sorted(PARTNER_TYPES)
    sql = f"""
        WITH rows AS (
            SELECT
                coalesce(source, ?) AS name,
                CASE
                    WHEN NOT source_type = ANY(?) OR source_type IS NULL THEN 'unknown'
                    WHEN source_type = ANY(?) AND coalesce(source, ?) = ?
                        THEN 'unknown'
                    ELSE source_type
                END AS kind,
                organization, count, payments, charges, visits, referral_date,
                (eval_date IS NOT NULL OR arrived) AS came
            FROM {relation} AS referrals {where}
        )
        SELECT
            CASE WHEN ? = 'organization' AND kind = ANY(?) AND organization IS NOT NULL
                 THEN organization ELSE name END AS source,
            kind AS source_type,
            sum(count) AS referrals,
            sum(payments) AS payments,
            sum(charges) AS charges,
            sum(CASE WHEN came THEN count ELSE 0 END) AS arrived,
            sum(CASE WHEN came IS NOT NULL THEN count ELSE 0 END) AS known,
            sum(visits) AS visits,
            sum(CASE WHEN visits IS NOT NULL THEN count ELSE 0 END) AS visit_referrals,
            min(referral_date) AS first_referral,
            max(referral_date) AS last_referral
        FROM rows
        GROUP BY 1, 2
        ORDER BY source, source_type
    """
    head = [UNKNOWN_SOURCE, list(SOURCE_TYPES), partner_types, UNKNOWN_SOURCE, UNKNOWN_SOURCE]
    return sql, head, [level, partner_types]


UPLOAD_COLUMNS = (
    "upload_id, kind, file_name, file_hash, sheet, uploaded_at, rows_loaded, rows_rejected, "
    "referrals, period_start, period_end, clinics, mapping, quality, sheets, warnings"
)


def overlap_where(
    start: object,
    end: object,
    month_start: object,
    clinics: list[str],
    upload_ids: list[int],
    unassigned: str,
) -> tuple[str, list]:
    """Stored referrals an upload would count again: in its period (summary rows, dated on the
    first, by their month), of its clinics; unassigned rows only from uploads that covered
    those clinics or the whole practice. No clinics: a practice-wide upload, every clinic."""
    dates = "(referral_date BETWEEN ? AND ? OR (count > 1 AND referral_date BETWEEN ? AND ?))"
    params: list = [start, end, month_start, end]
    if not clinics:
        return dates, params
    where = f"{dates} AND (clinic = ANY(?) OR (clinic = ? AND upload_id = ANY(?)))"
    return where, [*params, clinics, unassigned, upload_ids]
