"""The one module that talks to DuckDB: uploads, referrals, activities, aliases, mappings,
and the owner's identity decisions (applied to every read, never to the stored rows)."""

from __future__ import annotations

import functools
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import (
    arrow_pool,  # noqa: F401  (chooses the Arrow memory pool)
    store_keys,
)
from analytics.errors import IngestError
from analytics.filters import Filters
from analytics.history_windows import WindowDays
from analytics.identity_decisions import ACTIONS, DECISION_COLUMNS, replay
from analytics.identity_names import outreach_matches, partial_names
from analytics.ingest import IngestContext, Prepared
from analytics.key_secret import KEY_ENV
from analytics.schema import ACTIVITY_COLUMNS, REFERRAL_COLUMNS, SOURCE_TYPES, UNASSIGNED_CLINIC
from analytics.store_aggregates import history_groups_sql, months_present_sql
from analytics.store_aggregates_pages import BUCKET_COLUMNS, bucket_groups_sql, partner_rows_where
from analytics.store_sql import (
    RESOLVED_ACTIVITIES,
    RESOLVED_REFERRALS,
    SCHEMA,
    UNDECIDED_REFERRALS,
    UPLOAD_COLUMNS,
    overlap_where,
    referral_where,
    source_table_sql,
)

DEFAULT_DB = Path("data/referrals.duckdb")


def _seconds_setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= 0 else default


# How long an operation waits for another program (the dashboard, another load) to let go of
# the store file before it gives up with one sentence.
LOCK_WAIT_SECONDS = _seconds_setting("REFERRALS_LOCK_WAIT_SECONDS", 60.0)


class StoreUnavailable(IngestError):
    """The store file cannot be opened now: busy elsewhere, or gone; one sentence."""


class StoreBusy(StoreUnavailable):
    """Another process held the store past the wait."""


class StoreMissing(StoreUnavailable):
    """The store file was renamed or deleted since it was opened."""


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


@dataclass(frozen=True)
class SaveResult:
    """What writing one prepared file did."""

    status: str  # "loaded" | "duplicate" | "overlap" (not added: it would count rows twice)
    upload_id: int | None
    replaced_rows: int = 0
    overlap: dict | None = None


class Store:
    """One practice's DuckDB file, opened only while an operation runs (see `session`).

    DuckDB lets one process at a time open a file for writing, so a handle held for the life
    of the app would lock out the monthly command-line load. Every public method opens the
    file (waiting up to LOCK_WAIT_SECONDS for another process to let go) and closes it when
    the last operation in flight ends; `with store.session():` keeps it open across several.
    Thread-safe: one connection while open, a cursor per call.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, create: bool = True):
        self.path = Path(path or os.environ.get("REFERRALS_DB") or DEFAULT_DB)
        self._memory = str(self.path) == ":memory:"
        # A store in memory keeps its secret in memory too (unless REFERRALS_KEY is set).
        self._secret = (
            secrets.token_bytes(32) if self._memory and not os.environ.get(KEY_ENV) else None
        )
        if self._memory:
            self._keep = duckdb.connect(":memory:")
        elif create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Created once, at most: a store renamed or deleted later is reported, not re-created.
        self._create = create
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._open_lock = threading.Lock()
        self._write_lock = threading.Lock()
        with self.session(), self._write_lock:
            cur = self._cursor()
            cur.execute(SCHEMA)
            if not cur.execute("SELECT 1 FROM meta WHERE key = 'salt'").fetchall():
                cur.execute("INSERT INTO meta VALUES ('salt', ?)", [secrets.token_hex(16)])
                cur.execute("INSERT INTO meta VALUES ('version', '0')")
                store_keys.start_store(cur, self.path, self._secret)
            if not cur.execute("SELECT 1 FROM meta WHERE key = 'organization_votes'").fetchall():
                # A store written before organisations were counted per partner.
                _count_organizations(cur)
                cur.execute("INSERT INTO meta VALUES ('organization_votes', '1')")

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self._memory:
            return self._keep.cursor()
        if not self._create and not self.path.exists():
            raise StoreMissing(
                f"{self.path.name} is not in the data folder any more (renamed or deleted "
                "elsewhere); pick the practice again."
            )
        ext_dir = Path(os.environ.get("DUCKDB_EXTENSION_DIRECTORY", ".duckdb_extensions"))
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        pause = 0.05
        while True:
            try:
                con = duckdb.connect(
                    str(self.path), config={"extension_directory": str(ext_dir.resolve())}
                )
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise StoreUnavailable(
                        f"{self.path} cannot be opened as a store ({_first_line(exc)}); "
                        "check the path."
                    ) from None
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"{self.path.name} is in use by another program (the dashboard or "
                        f"another load) and stayed busy for {LOCK_WAIT_SECONDS:g} seconds; "
                        "try again when it finishes."
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
        self._create = False
        return con

    @contextmanager
    def session(self) -> Iterator[Store]:
        """Keep the file open until the block ends (operations inside share the connection)."""
        with self._open_lock:
            if self._con is None:
                self._con = self._connect()
            self._users += 1
        try:
            yield self
        finally:
            with self._open_lock:
                self._users -= 1
                if self._users == 0 and self._con is not None:
                    con, self._con = self._con, None
                    con.close()

    def close(self) -> None:
        """Release the file so another process can open it (it is released after each call
        anyway; this ends a session left open by mistake)."""
        with self._open_lock:
            if self._con is not None:
                self._con.close()
                self._con = None
                self._users = 0

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def _query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self._cursor().execute(sql, params or []).fetchall()

    def _referrals(self) -> str:
        """The referrals relation reads select from: decisions applied (joins only when any)."""
        decided = self._query(
            "SELECT EXISTS (SELECT 1 FROM source_map) OR EXISTS (SELECT 1 FROM spelling_map)"
        )[0][0]
        return RESOLVED_REFERRALS if decided else UNDECIDED_REFERRALS

    def _frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        # Through Arrow: ten times faster than .df() for a million rows of text columns.
        table = self._cursor().sql(sql, params=params or None).to_arrow_table()
        columns = []
        for field, column in zip(table.schema, table.columns, strict=True):
            if pa.types.is_date(field.type) or pa.types.is_timestamp(field.type):
                column = column.cast(pa.timestamp("ns"))
            columns.append(column)
        table = pa.Table.from_arrays(columns, names=table.column_names)
        return table.to_pandas(types_mapper=_pandas_type)

    # What the ingest needs ------------------------------------------------------------------

    def ingest_context(self) -> IngestContext:
        """Patient-hashing key, saved mappings and known aliases for the next upload."""
        salt = store_keys.hashing_key(self._cursor(), self.path, self._secret)
        saved = {
            sig: json.loads(mapping)
            for sig, mapping in self._query("SELECT signature, mapping FROM column_mappings")
        }
        aliases = self._frame("SELECT key, npi, source, source_type FROM source_aliases")
        return IngestContext(salt=salt, saved_mappings=saved, aliases=aliases)

    def migrate_keys(self) -> int:
        """Re-key an old store's patients under the secret kept outside it (store_keys)."""
        with self._write_lock:
            return store_keys.migrate(self._cursor(), self.path, self._secret)

    def key_scheme(self) -> str:
        """How this store's patient keys are made (store_keys.LEGACY/MIGRATED/SECRET)."""
        return store_keys.key_scheme(self._cursor())

    def version(self) -> int:
        """A counter bumped by every write: cached frames keyed by it go stale on change."""
        return int(self._query("SELECT value FROM meta WHERE key = 'version'")[0][0])

    def save_mapping(self, signature: str, kind: str, mapping: dict[str, str]) -> None:
        """Remember a confirmed mapping for this header layout."""
        with self._write_lock:
            self._cursor().execute(
                "INSERT OR REPLACE INTO column_mappings VALUES (?, ?, ?, ?)",
                [signature, kind, json.dumps(mapping, sort_keys=True), datetime.now()],
            )

    # Writing --------------------------------------------------------------------------------

    def find_upload(
        self, file_hash: str, kind: str, sheets: Sequence[str] | None = None
    ) -> int | None:
        """The upload that already holds these exact bytes (and the same sheets), if any."""
        rows = self._query(
            "SELECT upload_id, sheet, sheets FROM uploads WHERE file_hash = ? AND kind = ?",
            [file_hash, kind],
        )
        for upload_id, sheet, stored in rows:
            read = json.loads(stored) if stored else [sheet]
            if sheets is None or list(sheets) == read:
                return upload_id
        return None

    def _overlap_filter(self, prepared: Prepared) -> tuple[str, list] | None:
        start, end = prepared.period
        if prepared.kind != "referrals" or start is None:
            return None
        frame = prepared.frame
        if "count" in prepared.mapping and bool((frame["referral_date"].dt.day == 1).all()):
            end = (pd.Timestamp(end) + pd.offsets.MonthEnd(0)).date()  # a month's summary row
        clinics = [c for c in prepared.clinics if c != UNASSIGNED_CLINIC]
        ids = []
        for upload_id, stored in self._query(
            "SELECT upload_id, clinics FROM uploads WHERE kind = 'referrals'"
        ):
            covered = set(json.loads(stored or "[]"))
            if covered <= {UNASSIGNED_CLINIC} or covered & set(clinics):
                ids.append(int(upload_id))
        return overlap_where(start, end, start.replace(day=1), clinics, ids, UNASSIGNED_CLINIC)

    def overlap(self, prepared: Prepared) -> dict | None:
        """Referrals already stored that this upload would count again (its period, its
        clinics), or None: {referrals, start, end, clinics}."""
        found = self._overlap_filter(prepared)
        if found is None:
            return None
        where, params = found
        rows = self._query(
            f"""SELECT sum(count), min(referral_date), max(referral_date),
                       list(DISTINCT clinic ORDER BY clinic)
                FROM referrals WHERE {where}""",
            params,
        )
        referrals, first, last, clinics = rows[0]
        if not referrals:
            return None
        return {
            "referrals": int(referrals),
            "start": first.isoformat(),
            "end": last.isoformat(),
            "clinics": list(clinics or []),
        }

    def save(
        self,
        prepared: Prepared,
        *,
        replace: bool = False,
        remember_mapping: bool = False,
        allow_overlap: bool = False,
    ) -> SaveResult:
        """Write one prepared file in one transaction; the same bytes twice are a no-op, and an
        upload overlapping stored referrals is not added unless it replaces them (or the owner
        says these are other referrals)."""
        with self._write_lock:
            existing = self.find_upload(prepared.file_hash, prepared.kind, prepared.read_sheets)
            if existing is not None:
                return SaveResult("duplicate", existing)
            if not replace and not allow_overlap:
                overlap = self.overlap(prepared)
                if overlap is not None:
                    return SaveResult("overlap", None, overlap=overlap)
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                replaced = self._replace_period(cur, prepared) if replace else 0
                upload_id = self._insert(cur, prepared)
                if prepared.kind == "referrals":
                    _count_organizations(cur)
                if remember_mapping:
                    cur.execute(
                        "INSERT OR REPLACE INTO column_mappings VALUES (?, ?, ?, ?)",
                        [
                            prepared.signature,
                            prepared.kind,
                            json.dumps(prepared.mapping, sort_keys=True),
                            datetime.now(),
                        ],
                    )
                _bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return SaveResult("loaded", upload_id, replaced)

    def _insert(self, cur: duckdb.DuckDBPyConnection, prepared: Prepared) -> int:
        upload_id = cur.execute("SELECT nextval('upload_ids')").fetchall()[0][0]
        start, end = prepared.period
        referrals = int(prepared.frame["count"].sum()) if prepared.kind == "referrals" else None
        cur.execute(
            f"INSERT INTO uploads ({UPLOAD_COLUMNS}) VALUES ({', '.join('?' * 16)})",
            [
                upload_id,
                prepared.kind,
                prepared.file_name,
                prepared.file_hash,
                prepared.sheet,
                datetime.now(),
                prepared.rows_loaded,
                prepared.rows_rejected,
                referrals,
                start,
                end,
                json.dumps(list(prepared.clinics)),
                json.dumps(prepared.mapping, sort_keys=True),
                json.dumps(prepared.quality, default=str),
                json.dumps(list(prepared.read_sheets)),
                json.dumps(prepared.warnings),
            ],
        )
        # Arrow hands DuckDB the columns without a per-value conversion.
        incoming = _for_duckdb(
            pa.Table.from_pandas(prepared.frame.assign(upload_id=upload_id), preserve_index=False)
        )
        table, columns = (
            ("referrals", REFERRAL_COLUMNS)
            if prepared.kind == "referrals"
            else ("activities", ACTIVITY_COLUMNS)
        )
        cur.register("incoming", incoming)
        try:
            cols = ", ".join(columns)
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming")
        finally:
            cur.unregister("incoming")
        if not prepared.aliases.empty:
            cur.register("new_aliases", prepared.aliases)
            try:
                cur.execute(
                    """
                    INSERT INTO source_aliases
                    SELECT DISTINCT n.key, n.npi, n.source, n.source_type FROM new_aliases n
                    WHERE NOT EXISTS (
                        SELECT 1 FROM source_aliases a
                        WHERE a.key IS NOT DISTINCT FROM n.key
                          AND a.npi IS NOT DISTINCT FROM n.npi)
                    """
                )
            finally:
                cur.unregister("new_aliases")
        return upload_id

    def _replace_period(self, cur: duckdb.DuckDBPyConnection, prepared: Prepared) -> int:
        """Remove what a corrected export supersedes: what `overlap` finds for referrals, the
        period for an outreach log."""
        if prepared.kind == "referrals":
            found = self._overlap_filter(prepared)
            if found is None:
                return 0
            table, (where, params) = "referrals", found
        else:
            start, end = prepared.period
            table, where, params = "activities", "activity_date BETWEEN ? AND ?", [start, end]
        removed = cur.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchall()[0][
            0
        ]
        cur.execute(f"DELETE FROM {table} WHERE {where}", params)
        # Uploads with nothing left are gone from the history too.
        cur.execute(
            f"""DELETE FROM uploads WHERE kind = ? AND upload_id NOT IN
                (SELECT DISTINCT upload_id FROM {table})""",
            [prepared.kind],
        )
        return int(removed)

    def delete_upload(self, upload_id: int) -> int:
        """Remove one upload and every row it brought; returns the rows removed."""
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                removed = 0
                for table in ("referrals", "activities"):
                    removed += cur.execute(
                        f"SELECT count(*) FROM {table} WHERE upload_id = ?", [upload_id]
                    ).fetchall()[0][0]
                    cur.execute(f"DELETE FROM {table} WHERE upload_id = ?", [upload_id])
                cur.execute("DELETE FROM uploads WHERE upload_id = ?", [upload_id])
                _count_organizations(cur)
                _bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return int(removed)

    # Reading --------------------------------------------------------------------------------

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

    def activities(self, filters: Filters | None = None) -> pd.DataFrame:
        """Outreach activities in the filter's period."""
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
        frame = _canonical(
            self._frame(f"SELECT {cols} FROM {RESOLVED_ACTIVITIES} AS activities {where}", params),
            ACTIVITY_COLUMNS,
        )
        return self._match_outreach(frame)

    def _match_outreach(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Outreach names such as "Dr. Okafor" read as the only referral source they can be."""
        if frame.empty:
            return frame
        partial = partial_names(frame["partner"].dropna().unique().tolist())
        if not partial:
            return frame
        sources = self.referral_sources()
        matches = outreach_matches([p for p in partial if p not in sources], sources)
        if matches:
            frame["partner"] = frame["partner"].replace(matches).astype("str")
        return frame

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
        analytics.history_windows reads (its GROUP_COLUMNS), one GROUP BY in DuckDB.

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

    def bucket_groups(
        self, scope: Filters, ranges: list[tuple[int, int]], *, only_ranges: bool = False
    ) -> pd.DataFrame:
        """Per stored (source, type, organization) and month, or day inside `ranges`
        ([first, stop) day numbers): the sums analytics.page_history encodes (BUCKET_COLUMNS).

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

    def counts(self) -> dict[str, int]:
        """Rows per table, for status lines and tests."""
        out = {}
        for table in ("uploads", "referrals", "activities", "source_aliases", "column_mappings"):
            out[table] = self._query(f"SELECT count(*) FROM {table}")[0][0]
        return out

    # Identity decisions (analytics.identity builds them; reads above apply them) ----------------

    def decisions(self) -> pd.DataFrame:
        """The owner's identity decisions, newest first (identity_decisions.DECISION_COLUMNS)."""
        cols = ", ".join(DECISION_COLUMNS)
        frame = self._frame(f"SELECT {cols} FROM source_decisions ORDER BY decision_id DESC")
        frame["decision_id"] = frame["decision_id"].astype("int64")
        return frame

    def record_decisions(
        self,
        decisions: Sequence[Mapping[str, object]],
        rejected: Iterable[tuple[str, str]] = (),
    ) -> list[int]:
        """Add decisions (keys: action, source, canonical, source_type, organization, note)
        and pairs of different referrers in one transaction; every read reflects them at once.
        Returns the decisions' ids."""
        rows = [_decision_row(d) for d in decisions]
        pairs = _sorted_pairs(rejected)
        if not rows and not pairs:
            return []
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                ids = []
                now = datetime.now()
                for row in rows:
                    decision_id = cur.execute("SELECT nextval('decision_ids')").fetchall()[0][0]
                    cur.execute(
                        "INSERT INTO source_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [decision_id, *row[:5], now, row[5]],
                    )
                    ids.append(int(decision_id))
                for a, b in pairs:
                    cur.execute(
                        "INSERT OR IGNORE INTO rejected_suggestions VALUES (?, ?, ?)", [a, b, now]
                    )
                _rebuild_maps(cur)
                _bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return ids

    def undo_decisions(self, decision_ids: Iterable[int]) -> int:
        """Delete decisions (the rest replayed as if they had never been made); returns how many."""
        ids = sorted({int(i) for i in decision_ids})
        if not ids:
            return 0
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                found = cur.execute(
                    "SELECT count(*) FROM source_decisions WHERE list_contains(?, decision_id)",
                    [ids],
                ).fetchall()[0][0]
                cur.execute(
                    "DELETE FROM source_decisions WHERE list_contains(?, decision_id)", [ids]
                )
                _rebuild_maps(cur)
                _bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return int(found)

    def reject_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember that these pairs of sources are different referrers (never suggest them)."""
        self._write_pairs(pairs, "INSERT OR IGNORE INTO rejected_suggestions VALUES (?, ?, ?)")

    def forget_rejections(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Let these pairs be suggested again."""
        self._write_pairs(pairs, "DELETE FROM rejected_suggestions WHERE a = ? AND b = ?")

    def _write_pairs(self, pairs: Iterable[tuple[str, str]], sql: str) -> None:
        ordered = _sorted_pairs(pairs)
        if not ordered:
            return
        now = datetime.now()
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                for a, b in ordered:
                    cur.execute(sql, [a, b, now] if sql.startswith("INSERT") else [a, b])
                _bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def rejected_pairs(self) -> list[tuple[str, str]]:
        """Pairs of sources the owner said are different referrers, each sorted."""
        return [
            (a, b) for a, b in self._query("SELECT a, b FROM rejected_suggestions ORDER BY 1, 2")
        ]

    # The owner's partner settings (issue 17: owner-managed flags, targets, fiscal year) -------

    def owner_managed(self) -> frozenset[str]:
        """Partners the owner handles personally."""
        rows = self._query("SELECT partner FROM partner_flags WHERE owner_managed")
        return frozenset(r[0] for r in rows)

    def set_owner_managed(self, partners: Iterable[str], managed: bool = True) -> None:
        """Flag (or unflag) partners as handled personally by the owner."""
        now = datetime.now()
        with self._write_lock:
            cur = self._cursor()
            for partner in partners:
                cur.execute(
                    "INSERT OR REPLACE INTO partner_flags VALUES (?, ?, ?)",
                    [str(partner), bool(managed), now],
                )

    def targets(self) -> pd.DataFrame:
        """Expected referrals per month per partner: partner, monthly_target, origin, set_at."""
        frame = self._frame(
            "SELECT partner, monthly_target, origin, set_at FROM partner_targets ORDER BY partner"
        )
        return frame.astype({"partner": "str", "monthly_target": "float64", "origin": "str"})

    def set_targets(self, targets: Mapping[str, float | None], origin: str) -> None:
        """Set partners' monthly targets in one transaction; None removes a target."""
        now = datetime.now()
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                for partner, target in targets.items():
                    cur.execute("DELETE FROM partner_targets WHERE partner = ?", [str(partner)])
                    if target is not None:
                        cur.execute(
                            "INSERT INTO partner_targets VALUES (?, ?, ?, ?)",
                            [str(partner), float(target), origin, now],
                        )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    def setting(self, key: str) -> str | None:
        """A store-wide setting (e.g. fiscal_year_start), or None when never set."""
        rows = self._query("SELECT value FROM settings WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        """Keep a store-wide setting."""
        with self._write_lock:
            self._cursor().execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, value])

    def source_profiles(self) -> pd.DataFrame:
        """One row per source as reads see it, with what identity matching weighs.

        Columns: source, source_type (the type of most of its referrals), referrals, npis
        (valid ones), clinics, payers, organization, spellings (raw names), members
        (ingest-time sources read as it), first_referral, last_referral. Lists are tuples.
        """
        frame = self._frame(
            f"""SELECT source,
                    sum(count) AS referrals,
                    list(DISTINCT npi ORDER BY npi) FILTER (WHERE npi_valid) AS npis,
                    list(DISTINCT clinic ORDER BY clinic) FILTER (WHERE clinic IS NOT NULL)
                        AS clinics,
                    list(DISTINCT payer ORDER BY payer) FILTER (WHERE payer IS NOT NULL)
                        AS payers,
                    min(organization) AS organization,
                    list(DISTINCT source_name ORDER BY source_name)
                        FILTER (WHERE source_name IS NOT NULL) AS spellings,
                    list(DISTINCT ingest_source ORDER BY ingest_source) AS members,
                    min(referral_date) AS first_referral,
                    max(referral_date) AS last_referral
                FROM {self._referrals()} AS referrals
                GROUP BY source ORDER BY source"""
        )
        types = self._query(
            f"""SELECT source, first(source_type ORDER BY n DESC, source_type) FROM (
                    SELECT source, source_type, sum(count) AS n
                    FROM {self._referrals()} AS referrals GROUP BY ALL
                ) GROUP BY source"""
        )
        by_source = dict(types)
        frame.insert(1, "source_type", [by_source.get(s, "unknown") for s in frame["source"]])
        frame["referrals"] = frame["referrals"].astype("int64")
        for col in ("npis", "clinics", "payers", "spellings", "members"):
            frame[col] = [tuple(v) if v is not None else () for v in frame[col]]
        return frame


def _opened(method: Callable) -> Callable:
    @functools.wraps(method)
    def run(self: Store, *args, **kwargs):
        with self.session():
            return method(self, *args, **kwargs)

    return run


# Every operation opens the file for its own length (nested ones share the connection).
for _name, _method in list(vars(Store).items()):
    _skip = _name.startswith("__") or _name in ("session", "close", "_connect", "_cursor")
    if callable(_method) and not _skip:
        setattr(Store, _name, _opened(_method))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _for_duckdb(table: pa.Table) -> pa.Table:
    """Plain strings and day dates: the types of the tables, so the insert converts nothing."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_large_string(field.type):
            column = column.cast(pa.string())
        elif pa.types.is_timestamp(field.type) and field.name in _DATE_COLUMNS:
            column = column.cast(pa.date32())
        columns.append(column)
    # One chunk per column: chunks that straddle DuckDB row groups make the ordered insert
    # rewrite every row group at the next checkpoint (a second on close for 1M rows).
    return pa.Table.from_arrays(columns, names=table.column_names).combine_chunks()


def _pandas_type(arrow_type: pa.DataType) -> object:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=float("nan"))
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def _bump_version(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) WHERE key = 'version'"
    )


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


def _sorted_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted({(min(str(a), str(b)), max(str(a), str(b))) for a, b in pairs if a != b})


def _decision_row(decision: Mapping[str, object]) -> tuple:
    """(action, source, canonical, source_type, organization, note) of a valid decision."""

    def text(key: str) -> str | None:
        value = decision.get(key)
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        return str(value)

    action, source = text("action"), text("source")
    if action not in ACTIONS:
        raise ValueError(
            f"A decision's action must be one of {', '.join(ACTIONS)}, not {action!r}."
        )
    if not source:
        raise ValueError("A decision needs the source it is about.")
    source_type = text("source_type")
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise ValueError(f"{source_type!r} is not a source type; use one of {SOURCE_TYPES}.")
    canonical = text("canonical")
    if action in ("merge", "rename", "split") and not canonical:
        raise ValueError(f"A {action} decision needs the name to read {source!r} as.")
    return action, source, canonical, source_type, text("organization"), text("note")


def _count_organizations(cur: duckdb.DuckDBPyConnection) -> None:
    """Recount organization_votes from the referrals (inside the caller's transaction)."""
    cur.execute("DELETE FROM organization_votes")
    cur.execute(
        """INSERT INTO organization_votes
           SELECT source, source_name, organization, sum(count) FROM referrals
           WHERE organization IS NOT NULL GROUP BY ALL"""
    )


def _rebuild_maps(cur: duckdb.DuckDBPyConnection) -> None:
    """Replay the decision log into source_map and spelling_map (in the caller's transaction)."""
    log = cur.sql(f"SELECT {', '.join(DECISION_COLUMNS)} FROM source_decisions").to_df()
    replayed = replay(log)
    cur.execute("DELETE FROM source_map")
    cur.execute("DELETE FROM spelling_map")
    if len(replayed.source_map):
        cur.executemany(
            "INSERT INTO source_map VALUES (?, ?, ?, ?)",
            [list(r) for r in replayed.source_map.itertuples(index=False)],
        )
    if len(replayed.spelling_map):
        cur.executemany(
            "INSERT INTO spelling_map VALUES (?, ?)",
            [list(r) for r in replayed.spelling_map.itertuples(index=False)],
        )
