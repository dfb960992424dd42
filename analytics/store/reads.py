"""Reading a store: referral rows, the period's per-source sums and the history's window
sums (DuckDB GROUP BYs), uploads, activities and per-source profiles, decisions applied."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.schema import ACTIVITY_COLUMNS, REFERRAL_COLUMNS
from analytics.store.aggregates import WindowDays, history_groups_sql, months_present_sql
from analytics.store.connection import StoreBase
from analytics.store.sql import RESOLVED_ACTIVITIES, referral_where, source_table_sql

# What the metric functions read of a referral row.
METRIC_COLUMNS: tuple[str, ...] = (
    "referral_date",
    "source",
    "source_type",
    "organization",
    "clinic",
    "eval_date",
    "arrived",
    "visits",
    "charges",
    "payments",
    "count",
)

_DATE_COLUMNS = ("referral_date", "eval_date", "discharge_date", "activity_date")


class ReadsMixin(StoreBase):
    """Everything pages, metrics and reports read of a store."""

    def is_empty(self) -> bool:
        """True when no referral has been loaded yet."""
        return not self._query("SELECT 1 FROM referrals LIMIT 1")

    def uploads(self) -> pd.DataFrame:
        """The upload history, newest first."""
        return self._frame(
            """SELECT upload_id, kind, file_name, sheet, uploaded_at, rows_loaded, rows_rejected,
                      referrals, period_start, period_end, clinics, mapping, quality, sheets,
                      warnings
               FROM uploads ORDER BY upload_id DESC"""
        )

    def clinics(self) -> list[str]:
        """Every clinic with referrals, sorted."""
        return [r[0] for r in self._query("SELECT DISTINCT clinic FROM referrals ORDER BY 1")]

    def date_bounds(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First and last referral dates in the store."""
        lo, hi = self._query("SELECT min(referral_date), max(referral_date) FROM referrals")[0]
        return lo, hi

    def referrals(
        self, filters: Filters | None = None, columns: tuple[str, ...] = REFERRAL_COLUMNS
    ) -> pd.DataFrame:
        """Canonical referral rows for the filters (all history when no period is set).

        `columns` narrows what is read (METRIC_COLUMNS is all the metrics need): patient keys
        and case IDs are most of a large store's bytes.
        """
        unknown = set(columns) - set(REFERRAL_COLUMNS)
        if unknown:
            raise ValueError(f"Not referral columns: {', '.join(sorted(unknown))}.")
        where, params = referral_where(filters or Filters())
        cols = ", ".join(columns)
        frame = self._frame(f"SELECT {cols} FROM {self._referrals()} AS referrals {where}", params)
        return _canonical(frame, columns)

    def activity_rows(self, filters: Filters | None = None) -> pd.DataFrame:
        """Outreach activities in the filter's period, partners as logged (the identity
        package's `activities_of` reads outreach names as referral sources)."""
        filters = filters or Filters()
        clauses, params = [], []
        if filters.start:
            clauses.append("activity_date >= ?")
            params.append(filters.start)
        if filters.end:
            clauses.append("activity_date <= ?")
            params.append(filters.end)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        cols = ", ".join(ACTIVITY_COLUMNS)
        return _canonical(
            self._frame(f"SELECT {cols} FROM {RESOLVED_ACTIVITIES} AS activities {where}", params),
            ACTIVITY_COLUMNS,
        )

    def referral_sources(self) -> set[str]:
        """Every source name referrals are read under (decisions applied)."""
        rows = self._query(
            """SELECT DISTINCT coalesce(m.canonical, sp.source, x.source)
               FROM (SELECT DISTINCT source, source_name FROM main.referrals) x
               LEFT JOIN spelling_map sp ON sp.spelling = x.source_name
               LEFT JOIN source_map m ON m.source = coalesce(sp.source, x.source)"""
        )
        return {r[0] for r in rows}

    def period_sources(
        self, filters: Filters
    ) -> tuple[pd.DataFrame, pd.Timestamp | None, pd.Timestamp | None]:
        """The period's per-(source, type) sums, aggregated in DuckDB, and its first/last days.

        The columns are periods.SOURCE_TABLE_COLUMNS with the same cleaning rules as
        periods.encode (unknown types, nameless partners, organization roll-up), so metrics
        built from it equal those built from the rows in pandas.
        """
        where, params = referral_where(filters)
        sql, before, after = source_table_sql(where, filters.level, self._referrals())
        frame = self._frame(sql, before + params + after)
        for col in ("first_referral", "last_referral"):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        for col in ("referrals", "arrived", "known", "visit_referrals"):
            frame[col] = frame[col].astype("int64")
        for col in ("payments", "charges", "visits"):
            frame[col] = frame[col].astype("float64")
        frame["source"] = frame["source"].astype("str")
        frame["source_type"] = frame["source_type"].astype("str")
        lo, hi = self._query(
            f"SELECT min(referral_date), max(referral_date) FROM {self._referrals()} AS referrals "
            f"{where}",
            params,
        )[0]
        start = pd.Timestamp(filters.start) if filters.start else (pd.Timestamp(lo) if lo else None)
        end = pd.Timestamp(filters.end) if filters.end else (pd.Timestamp(hi) if hi else None)
        return frame, start, end

    def history_groups(self, filters: Filters, days: WindowDays) -> pd.DataFrame:
        """Per resolved (source, type, organization): the window sums up to `days.end` that
        analytics.metrics.windows reads (its GROUP_COLUMNS), one GROUP BY in DuckDB.

        The filters' clinics and source types apply; their start does not (history)."""
        end = pd.Timestamp(np.datetime64(days.end, "D")).date()
        where, params = referral_where(filters.with_period(None, end))
        sql, after = history_groups_sql(where, self._referrals(), days)
        frame = self._frame(sql, params + after)
        for col in ("source", "source_type", "organization"):
            frame[col] = frame[col].astype("str")
        return frame

    def months_present(self, filters: Filters, start: object, end: object) -> int:
        """How many calendar months from `start` to `end` hold a referral (the filters'
        clinics and source types applied)."""
        where, params = referral_where(filters.with_period(start, end))
        return int(self._query(months_present_sql(where, self._referrals()), params)[0][0])

    def counts(self) -> dict[str, int]:
        """Rows per table, for status lines and tests."""
        out = {}
        for table in ("uploads", "referrals", "activities", "source_aliases", "column_mappings"):
            out[table] = self._query(f"SELECT count(*) FROM {table}")[0][0]
        return out

    def source_profiles(self) -> pd.DataFrame:
        """One row per source as reads see it, with what identity matching weighs.

        Columns: source, source_type (the type of most of its referrals), referrals, npis
        (valid ones), clinics, payers, organization, spellings (raw names), members
        (ingest-time sources read as it), first_referral, last_referral. Lists are tuples.
        """
        frame = self._frame(
            f"""SELECT source,
                    sum(count) AS referrals,
                    array_agg(DISTINCT npi ORDER BY npi) FILTER (WHERE npi_valid) AS npis,
                    array_agg(DISTINCT clinic ORDER BY clinic) FILTER (WHERE clinic IS NOT NULL)
                        AS clinics,
                    array_agg(DISTINCT payer ORDER BY payer) FILTER (WHERE payer IS NOT NULL)
                        AS payers,
                    min(organization) AS organization,
                    array_agg(DISTINCT source_name ORDER BY source_name)
                        FILTER (WHERE source_name IS NOT NULL) AS spellings,
                    array_agg(DISTINCT ingest_source ORDER BY ingest_source) AS members,
                    min(referral_date) AS first_referral,
                    max(referral_date) AS last_referral
                FROM {self._referrals()} AS referrals
                GROUP BY source ORDER BY source"""
        )
        types = self._query(
            f"""SELECT source, (array_agg(source_type ORDER BY n DESC, source_type))[1] FROM (
                    SELECT source, source_type, sum(count) AS n
                    FROM {self._referrals()} AS referrals GROUP BY 1, 2
                ) AS typed GROUP BY source"""
        )
        by_source = dict(types)
        frame.insert(1, "source_type", [by_source.get(s, "unknown") for s in frame["source"]])
        frame["referrals"] = frame["referrals"].astype("int64")
        for col in ("npis", "clinics", "payers", "spellings", "members"):
            frame[col] = [tuple(v) if v is not None else () for v in frame[col]]
        return frame


def _canonical(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Give store frames the dtypes of the canonical schema, whatever DuckDB returned."""
    for col in columns:
        if col not in frame:
            continue
        if col in _DATE_COLUMNS:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        elif col == "arrived":
            frame[col] = frame[col].astype("boolean")
        elif col == "npi_valid":
            frame[col] = frame[col].fillna(False).astype(bool)
        elif col in ("count", "upload_id"):
            frame[col] = frame[col].astype("int64")
        elif col in ("visits", "charges", "payments", "cost"):
            frame[col] = frame[col].astype("float64")
        else:
            frame[col] = frame[col].astype("str")
    return frame
