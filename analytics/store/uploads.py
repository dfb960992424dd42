"""Writing uploads: one prepared batch in one transaction (its rows, new aliases, the
confirmed mapping), the same bytes twice recognised, overlaps found before they double-count,
and an upload deleted with every row it brought."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.schema import ACTIVITY_COLUMNS, REFERRAL_COLUMNS, UNASSIGNED_CLINIC
from analytics.store import keys as store_keys
from analytics.store import month_sums
from analytics.store.batch import IngestContext, UploadBatch
from analytics.store.connection import StoreBase, bump_version, count_organizations
from analytics.store.dialect import upsert
from analytics.store.sql import UPLOAD_COLUMNS, overlap_where

_DATE_COLUMNS = ("referral_date", "eval_date", "discharge_date", "activity_date")
_SAVE_MAPPING = upsert(
    "column_mappings", ("signature", "kind", "mapping", "saved_at"), ("signature",)
)


@dataclass(frozen=True)
class SaveResult:
    """What writing one prepared file did."""

    status: str  # "loaded" | "duplicate" | "overlap" (not added: it would count rows twice)
    upload_id: int | None
    replaced_rows: int = 0
    overlap: dict | None = None


class UploadsMixin(StoreBase):
    """What the ingest needs from a store, and writing what it prepared."""

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

    def save_mapping(self, signature: str, kind: str, mapping: dict[str, str]) -> None:
        """Remember a confirmed mapping for this header layout."""
        with self._write_lock:
            self._cursor().execute(
                _SAVE_MAPPING,
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

    def _overlap_filter(self, batch: UploadBatch) -> tuple[str, list] | None:
        start, end = batch.period
        if batch.kind != "referrals" or start is None:
            return None
        if batch.monthly_totals:
            end = (pd.Timestamp(end) + pd.offsets.MonthEnd(0)).date()  # a month's summary row
        clinics = [c for c in batch.clinics if c != UNASSIGNED_CLINIC]
        ids = []
        for upload_id, stored in self._query(
            "SELECT upload_id, clinics FROM uploads WHERE kind = 'referrals'"
        ):
            covered = set(json.loads(stored or "[]"))
            if covered <= {UNASSIGNED_CLINIC} or covered & set(clinics):
                ids.append(int(upload_id))
        return overlap_where(start, end, start.replace(day=1), clinics, ids, UNASSIGNED_CLINIC)

    def overlap(self, batch: UploadBatch) -> dict | None:
        """Referrals already stored that this upload would count again (its period, its
        clinics), or None: {referrals, start, end, clinics}."""
        _check_batch(batch)
        found = self._overlap_filter(batch)
        if found is None:
            return None
        where, params = found
        rows = self._query(
            f"""SELECT sum(count), min(referral_date), max(referral_date),
                       array_agg(DISTINCT clinic ORDER BY clinic)
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
        batch: UploadBatch,
        *,
        replace: bool = False,
        remember_mapping: bool = False,
        allow_overlap: bool = False,
    ) -> SaveResult:
        """Write one prepared file in one transaction; the same bytes twice are a no-op, and an
        upload overlapping stored referrals is not added unless it replaces them (or the owner
        says these are other referrals)."""
        _check_batch(batch)
        with self._write_lock:
            existing = self.find_upload(batch.file_hash, batch.kind, batch.sheets)
            if existing is not None:
                return SaveResult("duplicate", existing)
            if not replace and not allow_overlap:
                overlap = self.overlap(batch)
                if overlap is not None:
                    return SaveResult("overlap", None, overlap=overlap)
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                replaced, gone = self._replace_period(cur, batch) if replace else (0, (None, None))
                upload_id = self._insert(cur, batch)
                if batch.kind == "referrals":
                    count_organizations(cur)
                    added = month_sums.upload_days(cur, "upload_id = ?", [upload_id])
                    month_sums.refresh_months(cur, *month_sums.span(gone, added))
                if remember_mapping:
                    cur.execute(
                        _SAVE_MAPPING,
                        [
                            batch.signature,
                            batch.kind,
                            json.dumps(batch.mapping, sort_keys=True),
                            datetime.now(),
                        ],
                    )
                bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return SaveResult("loaded", upload_id, replaced)

    def _insert(self, cur: duckdb.DuckDBPyConnection, batch: UploadBatch) -> int:
        upload_id = cur.execute("SELECT nextval('upload_ids')").fetchall()[0][0]
        start, end = batch.period
        cur.execute(
            f"INSERT INTO uploads ({UPLOAD_COLUMNS}) VALUES ({', '.join('?' * 16)})",
            [
                upload_id,
                batch.kind,
                batch.file_name,
                batch.file_hash,
                batch.sheet,
                datetime.now(),
                batch.rows_loaded,
                batch.rows_rejected,
                batch.referrals,
                start,
                end,
                json.dumps(list(batch.clinics)),
                json.dumps(batch.mapping, sort_keys=True),
                json.dumps(batch.quality, default=str),
                json.dumps(list(batch.sheets)),
                json.dumps(list(batch.warnings)),
            ],
        )
        table, columns = (
            ("referrals", REFERRAL_COLUMNS)
            if batch.kind == "referrals"
            else ("activities", ACTIVITY_COLUMNS)
        )
        # A streamed file arrives in chunks: each is inserted as it is read, inside this same
        # transaction, so a failure in any chunk leaves the store as it was.
        for rows in batch.chunks():
            rows = rows.append_column(
                "upload_id", pa.array(np.full(rows.num_rows, upload_id, dtype="int64"))
            )
            self._insert_arrow(cur, table, _for_duckdb(rows).select(list(columns)))
        if batch.aliases.num_rows:
            cur.register("new_aliases", batch.aliases)
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

    def _replace_period(self, cur: duckdb.DuckDBPyConnection, batch: UploadBatch) -> tuple:
        """Remove what a corrected export supersedes: what `overlap` finds for referrals, the
        period for an outreach log. Returns the rows removed and the first and last dates of
        the referrals removed (their month sums are recomputed)."""
        gone = (None, None)
        if batch.kind == "referrals":
            found = self._overlap_filter(batch)
            if found is None:
                return 0, gone
            table, (where, params) = "referrals", found
            gone = month_sums.upload_days(cur, where, params)
        else:
            start, end = batch.period
            table, where, params = "activities", "activity_date BETWEEN ? AND ?", [start, end]
        removed = cur.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchall()[0][
            0
        ]
        cur.execute(f"DELETE FROM {table} WHERE {where}", params)
        # Uploads with nothing left are gone from the history too.
        cur.execute(
            f"""DELETE FROM uploads WHERE kind = ? AND upload_id NOT IN
                (SELECT DISTINCT upload_id FROM {table})""",
            [batch.kind],
        )
        return int(removed), gone

    def delete_upload(self, upload_id: int) -> int:
        """Remove one upload and every row it brought; returns the rows removed."""
        with self._write_lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                removed = 0
                gone = month_sums.upload_days(cur, "upload_id = ?", [upload_id])
                for table in ("referrals", "activities"):
                    removed += cur.execute(
                        f"SELECT count(*) FROM {table} WHERE upload_id = ?", [upload_id]
                    ).fetchall()[0][0]
                    cur.execute(f"DELETE FROM {table} WHERE upload_id = ?", [upload_id])
                cur.execute("DELETE FROM uploads WHERE upload_id = ?", [upload_id])
                count_organizations(cur)
                month_sums.refresh_months(cur, *gone)
                bump_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return int(removed)


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


def _check_batch(batch: object) -> None:
    if not isinstance(batch, UploadBatch):
        raise TypeError(
            f"The store writes an UploadBatch, not {type(batch).__name__}; pass prepared.batch()."
        )
