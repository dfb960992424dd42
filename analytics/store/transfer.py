"""Backup, restore and move of one practice's store, the same for DuckDB and PostgreSQL.

A backup is one zip file: `manifest.json` (format, tables, row counts, the id sequences) and
one Parquet file per table, read while the store's write lock is held (no load can commit in
between, on any server), so it is one consistent state. Restoring writes every table in one
transaction into an empty store of either engine; moving is a backup read into memory and
restored elsewhere. The patient-key secret is never in a backup: the salt and the secret's
check value travel in `meta`, so the moved practice's keys stay valid wherever the same
secret is (the key file or REFERRALS_KEY; docs/patient-keys.md).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analytics.errors import IngestError
from analytics.store import month_sums
from analytics.store.base import Store
from analytics.store.connection import bump_version

__all__ = ["FORMAT", "TABLES", "Snapshot", "backup", "read_backup", "restore", "snapshot"]

FORMAT = "referrals-store-backup/1"
# Every table of sql.SCHEMA (meta first: restore reads the version from it).
TABLES: tuple[str, ...] = (
    "meta",
    "uploads",
    "referrals",
    "activities",
    "source_aliases",
    "column_mappings",
    "source_decisions",
    "rejected_suggestions",
    "source_map",
    "spelling_map",
    "organization_votes",
    "partner_flags",
    "partner_targets",
    "settings",
)
SEQUENCES: tuple[str, ...] = ("upload_ids", "decision_ids")
# What makes a store not empty: restore never mixes two practices' rows.
_CONTENT = ("uploads", "referrals", "activities", "source_decisions", "partner_targets")


@dataclass(frozen=True)
class Snapshot:
    """Every table of one store at one moment, and the next value of each id sequence."""

    tables: dict[str, pa.Table]
    sequences: dict[str, int]

    def counts(self) -> dict[str, int]:
        return {name: table.num_rows for name, table in self.tables.items()}


def snapshot(store: Store) -> Snapshot:
    """Read every table under the write lock (one consistent state)."""
    with store.session(), store._write_lock:
        cur = store._cursor()
        tables = {
            name: cur.sql(f"SELECT * FROM {name}").to_arrow_table().combine_chunks()
            for name in TABLES
        }
        sequences = {name: store._sequence_next(cur, name) for name in SEQUENCES}
    return Snapshot(tables, sequences)


def backup(store: Store, out: str | Path) -> Snapshot:
    """Write the store to one zip file (written beside, then renamed: never half a file)."""
    taken = snapshot(store)
    out = Path(out)
    temp = out.with_name(f".{out.name}.partial")
    manifest = {"format": FORMAT, "counts": taken.counts(), "sequences": taken.sequences}
    with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
        for name, table in taken.tables.items():
            buffer = io.BytesIO()
            pq.write_table(table, buffer, compression="zstd")
            archive.writestr(f"{name}.parquet", buffer.getvalue())
    temp.replace(out)
    return taken


def read_backup(path: str | Path) -> Snapshot:
    """A backup file's tables, or one sentence on why it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise IngestError(f"{path} is a backup of another format; nothing restored.")
            tables = {
                name: pq.read_table(io.BytesIO(archive.read(f"{name}.parquet"))) for name in TABLES
            }
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(
            f"{path} is not a store backup made by `python -m analytics backup` "
            f"({type(exc).__name__}); nothing restored."
        ) from None
    taken = Snapshot(tables, {k: int(v) for k, v in manifest["sequences"].items()})
    if taken.counts() != manifest["counts"]:
        raise IngestError(f"{path} is incomplete (row counts differ); nothing restored.")
    return taken


def restore(taken: Snapshot, store: Store) -> None:
    """Write a snapshot into an empty store, every table in one transaction."""
    with store.session(), store._write_lock:
        cur = store._cursor()
        held = [t for t in _CONTENT if cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]]
        if held:
            raise IngestError(
                f"{store.path} already holds data ({', '.join(held)}); restore into a new "
                "store, or delete this one first."
            )
        version = int(cur.execute("SELECT value FROM meta WHERE key = 'version'").fetchall()[0][0])
        cur.execute("BEGIN TRANSACTION")
        try:
            for name in TABLES:
                cur.execute(f"DELETE FROM {name}")
                table = taken.tables[name]
                if table.num_rows:
                    store._insert_arrow(cur, name, table)
            # Derived, never in a backup: made from the restored referrals.
            month_sums.rebuild(cur)
            cur.execute("DELETE FROM meta WHERE key = ?", [month_sums.MONTH_SUMS_META])
            cur.execute("INSERT INTO meta VALUES (?, '1')", [month_sums.MONTH_SUMS_META])
            # Caches keyed by the version must not take the restored store for the old one.
            cur.execute(
                "UPDATE meta SET value = CAST(? AS VARCHAR) WHERE key = 'version'",
                [str(max(version, _version_of(taken)))],
            )
            bump_version(cur)
            for name, value in taken.sequences.items():
                store._set_sequence(cur, name, value)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise


def _version_of(taken: Snapshot) -> int:
    meta = taken.tables["meta"]
    meta = dict(zip(meta.column("key").to_pylist(), meta.column("value").to_pylist(), strict=True))
    return int(meta.get("version") or 0)


def move(source: Store, target: Store) -> Snapshot:
    """Copy a practice into another (empty) store; the source is left as it was."""
    taken = snapshot(source)
    restore(taken, target)
    return taken
