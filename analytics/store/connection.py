"""Opening one practice's DuckDB file for the length of an operation, and the few helpers
every part of the store shares (cursors, frames through Arrow, the version counter)."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analytics.errors import IngestError
from analytics.store import (
    arrow_pool,  # noqa: F401  (chooses the Arrow memory pool)
    month_sums,
)
from analytics.store import keys as store_keys
from analytics.store.secret import KEY_ENV
from analytics.store.sql import RESOLVED_REFERRALS, SCHEMA, UNDECIDED_REFERRALS

DEFAULT_DB = Path("data/referrals.duckdb")
ROW_GROUP_ROWS = 122_880  # DuckDB's rows per row group


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


class StoreBase:
    """One practice's DuckDB file, opened only while an operation runs (see `session`).

    DuckDB lets one process at a time open a file for writing, so a handle held for the life
    of the app would lock out the monthly command-line load. Every public method opens the
    file (waiting up to LOCK_WAIT_SECONDS for another process to let go) and closes it when
    the last operation in flight ends; `with store.session():` keeps it open across several.
    Thread-safe: one connection while open, a cursor per call.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, create: bool = True):
        self._setup(path, create)
        with self.session(), self._write_lock:
            cur = self._cursor()
            cur.execute(self._schema_sql())
            if not cur.execute("SELECT 1 FROM meta WHERE key = 'salt'").fetchall():
                cur.execute("INSERT INTO meta VALUES ('salt', ?)", [secrets.token_hex(16)])
                cur.execute("INSERT INTO meta VALUES ('version', '0')")
                store_keys.start_store(cur, self.path, self._secret)
            if not cur.execute("SELECT 1 FROM meta WHERE key = 'organization_votes'").fetchall():
                # A store written before organisations were counted per partner.
                count_organizations(cur)
                cur.execute("INSERT INTO meta VALUES ('organization_votes', '1')")
            if not cur.execute(
                "SELECT 1 FROM meta WHERE key = ?", [month_sums.MONTH_SUMS_META]
            ).fetchall():
                # A store written before the month sums were kept: built once, here.
                cur.execute("BEGIN TRANSACTION")
                try:
                    month_sums.rebuild(cur)
                    cur.execute("INSERT INTO meta VALUES (?, '1')", [month_sums.MONTH_SUMS_META])
                    cur.execute("COMMIT")
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise

    def _setup(self, path: str | os.PathLike | None, create: bool) -> None:
        """The engine's part of opening a store: where it is, its locks (DuckDB: a file)."""
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

    def _schema_sql(self) -> str:
        return SCHEMA

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
    def session(self) -> Iterator[StoreBase]:
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

    def _insert_arrow(self, cur: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
        """Append an Arrow table's rows to a table (its columns by name, in the caller's
        transaction): DuckDB reads the Arrow columns in place."""
        # As a reader, not the table: DuckDB keeps a registered table alive until the
        # transaction commits, so a file written in chunks would hold every chunk in memory.
        # Batches of one row group each: DuckDB's threads insert them side by side, in order.
        batches = rows.to_batches(max_chunksize=ROW_GROUP_ROWS)
        reader = pa.RecordBatchReader.from_batches(rows.schema, batches)
        cur.register("incoming", reader)
        try:
            cols = ", ".join(rows.column_names)
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming")
        finally:
            cur.unregister("incoming")

    def _sequence_next(self, cur: duckdb.DuckDBPyConnection, name: str) -> int:
        """The value a sequence gives next (for a backup; nothing is drawn from it)."""
        return int(
            cur.execute(
                "SELECT coalesce(last_value + 1, start_value) FROM duckdb_sequences() "
                "WHERE sequence_name = ?",
                [name],
            ).fetchall()[0][0]
        )

    def _set_sequence(self, cur: duckdb.DuckDBPyConnection, name: str, value: int) -> None:
        """Make a sequence give `value` next (restoring a backup)."""
        cur.execute(f"DROP SEQUENCE {name}")
        cur.execute(f"CREATE SEQUENCE {name} START {int(value)}")

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

    def version(self) -> int:
        """A counter bumped by every write: cached frames keyed by it go stale on change."""
        return int(self._query("SELECT value FROM meta WHERE key = 'version'")[0][0])


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _pandas_type(arrow_type: pa.DataType) -> object:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=float("nan"))
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def bump_version(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) WHERE key = 'version'"
    )


def count_organizations(cur: duckdb.DuckDBPyConnection) -> None:
    """Recount organization_votes from the referrals (inside the caller's transaction)."""
    cur.execute("DELETE FROM organization_votes")
    cur.execute(
        """INSERT INTO organization_votes
           SELECT source, source_name, organization, sum(count) FROM referrals
           WHERE organization IS NOT NULL GROUP BY 1, 2, 3"""
    )
