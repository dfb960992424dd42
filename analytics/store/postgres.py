"""One practice's store in PostgreSQL: the same Store, its SQL run through psycopg.

The mixins (uploads, reads, decisions, settings) speak to a cursor as they do to DuckDB's;
`PgCursor` is that cursor over psycopg: `?` placeholders (dialect.postgres_sql), Arrow
tables registered as temporary tables (COPY), results read into Arrow through COPY ... TO
STDOUT as CSV (a million rows in a second, where fetching tuples takes several).

Writes are serialised per practice across every process and server: the write lock is the
thread lock and a PostgreSQL advisory lock on the practice, held on the writer's own
connection, so the duplicate and overlap checks a load makes before its transaction see
every load committed before it, and two servers loading at once both land, one after the
other. Reads never wait for a load (they see the last committed state).
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from decimal import Decimal

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg import sql as pgsql

from analytics.store import location as locations
from analytics.store.connection import (
    LOCK_WAIT_SECONDS,
    StoreBase,
    StoreBusy,
    StoreMissing,
    StoreUnavailable,
)
from analytics.store.dialect import (
    PG_ARRAYS,
    PG_ARROW,
    pg_column_type,
    postgres_schema,
    postgres_sql,
)
from analytics.store.location import PostgresLocation
from analytics.store.sql import SCHEMA

__all__ = ["PgCursor", "PostgresBase", "connect"]

_BATCH_ROWS = 200_000  # rows per CSV block sent to COPY


def connect(location: PostgresLocation, *, schema: bool = True) -> psycopg.Connection:
    """A connection to the practice's database (its schema first on the search path)."""
    options = f"-c search_path={location.schema}" if schema else ""
    try:
        return psycopg.connect(
            location.conninfo,
            autocommit=True,
            options=options + " -c DateStyle=ISO -c TimeZone=UTC",
            connect_timeout=10,
        )
    except psycopg.OperationalError as exc:
        raise StoreUnavailable(
            f"The PostgreSQL server at {location} cannot be reached ({_first_line(exc)}); "
            "check that it runs and the URL."
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _plain(value: object) -> object:
    """A parameter as psycopg adapts it (numpy and pandas scalars to Python's)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


class _Relation:
    """What DuckDB's `cursor.sql(...)` returns, as far as the store uses it."""

    def __init__(self, cursor: PgCursor, sql: str, params: list | None):
        self._cursor, self._sql, self._params = cursor, sql, params

    def to_arrow_table(self) -> pa.Table:
        return self._cursor.arrow(self._sql, self._params)

    def fetchall(self) -> list[tuple]:
        return self._cursor.execute(self._sql, self._params).fetchall()


class PgCursor:
    """A DuckDB-like cursor on a psycopg connection: execute/fetchall, executemany, sql(),
    register/unregister of Arrow tables."""

    def __init__(self, con: psycopg.Connection):
        self._con = con
        self._rows: list[tuple] = []

    def execute(self, sql: str, params: list | None = None) -> PgCursor:
        with self._con.cursor() as cur:
            if params:
                cur.execute(postgres_sql(sql, True), [_plain(p) for p in params])
            else:
                cur.execute(postgres_sql(sql, False))
            self._rows = cur.fetchall() if cur.description is not None else []
        return self

    def fetchall(self) -> list[tuple]:
        return [tuple(_python(v) for v in row) for row in self._rows]

    def executemany(self, sql: str, rows: list[list]) -> None:
        with self._con.cursor() as cur:
            cur.executemany(postgres_sql(sql, True), [[_plain(v) for v in row] for row in rows])

    def sql(self, sql: str, params: list | None = None) -> _Relation:
        return _Relation(self, sql, params)

    def arrow(self, sql: str, params: list | None = None) -> pa.Table:
        """A query's result as Arrow, typed as DuckDB would type it (dialect.PG_ARROW)."""
        text = postgres_sql(sql, bool(params))
        args = [_plain(p) for p in params] if params else None
        with self._con.cursor() as cur:
            cur.execute(f"SELECT * FROM ({text}) AS q LIMIT 0", args)
            names = [d.name for d in cur.description]
            oids = [d.type_code for d in cur.description]
            if any(oid in PG_ARRAYS or oid not in PG_ARROW for oid in oids):
                # Lists (and anything unusual) row by row: only small results have them.
                cur.execute(text, args)
                rows = cur.fetchall()
                columns = [[_python(row[i]) for row in rows] for i in range(len(names))]
                arrays = [
                    pa.array(col, type=PG_ARROW.get(oid)) if oid in PG_ARROW else pa.array(col)
                    for col, oid in zip(columns, oids, strict=True)
                ]
                return pa.Table.from_arrays(arrays, names=names)
            out = io.BytesIO()
            with cur.copy(f"COPY ({text}) TO STDOUT (FORMAT csv)", args) as copy:
                for block in copy:
                    out.write(block)
        types = [PG_ARROW[oid] for oid in oids]
        if out.tell() == 0:
            return pa.Table.from_arrays([pa.array([], type=t) for t in types], names=names)
        positional = [f"c{i}" for i in range(len(names))]
        out.seek(0)
        table = pacsv.read_csv(
            out,
            read_options=pacsv.ReadOptions(column_names=positional, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict(zip(positional, types, strict=True)),
                # CSV from PostgreSQL: NULL is an empty field, '' a quoted empty one.
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                true_values=["t"],
                false_values=["f"],
            ),
        )
        return table.rename_columns(names)

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table readable as `name` (a temporary table, filled by COPY)."""
        columns = pgsql.SQL(", ").join(
            pgsql.SQL("{} {}").format(pgsql.Identifier(f.name), pgsql.SQL(pg_column_type(f.type)))
            for f in table.schema
        )
        with self._con.cursor() as cur:
            cur.execute(pgsql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(pgsql.Identifier(name)))
            cur.execute(
                pgsql.SQL("CREATE TEMPORARY TABLE {} ({})").format(pgsql.Identifier(name), columns)
            )
        copy_in(self._con, name, table)

    def unregister(self, name: str) -> None:
        with self._con.cursor() as cur:
            cur.execute(pgsql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(pgsql.Identifier(name)))


def _python(value: object) -> object:
    # numeric comes back as Decimal: DuckDB hands such sums over as int or float.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def copy_in(con: psycopg.Connection, table: str, rows: pa.Table) -> None:
    """Append Arrow rows to a table through COPY (CSV blocks written by Arrow)."""
    target = pgsql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        pgsql.Identifier(table),
        pgsql.SQL(", ").join(pgsql.Identifier(c) for c in rows.column_names),
    )
    options = pacsv.WriteOptions(include_header=False)
    with con.cursor() as cur, cur.copy(target) as copy:
        for batch in rows.to_batches(max_chunksize=_BATCH_ROWS):
            block = io.BytesIO()
            pacsv.write_csv(_csv_ready(batch), block, options)
            copy.write(block.getbuffer())


def _csv_ready(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Columns as PostgreSQL reads them from CSV (timestamps to the microsecond)."""
    arrays = []
    for field, column in zip(batch.schema, batch.columns, strict=True):
        if pa.types.is_timestamp(field.type) and field.type.unit == "ns":
            column = column.cast(pa.timestamp("us"), safe=False)
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


class _WriteLock:
    """The thread lock and the practice's advisory lock, on a connection of the writer's own
    (every statement of the thread holding it runs there: see PostgresBase._cursor)."""

    def __init__(self, store: PostgresBase):
        self._store = store
        self._thread_lock = threading.Lock()
        self.owner: int | None = None
        self.con: psycopg.Connection | None = None

    def __enter__(self) -> _WriteLock:
        self._thread_lock.acquire()
        try:
            con = connect(self._store.location)
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            with con.cursor() as cur:
                while True:
                    cur.execute(
                        "SELECT pg_try_advisory_lock(hashtext(%s))", [_lock_key(self._store)]
                    )
                    if cur.fetchone()[0]:
                        break
                    if time.monotonic() >= deadline:
                        con.close()
                        raise StoreBusy(
                            f"{self._store.location.name} is being written by another program "
                            f"(a load on another server) and stayed busy for "
                            f"{LOCK_WAIT_SECONDS:g} seconds; try again when it finishes."
                        )
                    time.sleep(0.05)
        except BaseException:
            self._thread_lock.release()
            raise
        self.con, self.owner = con, threading.get_ident()
        return self

    def __exit__(self, *exc: object) -> None:
        con, self.con, self.owner = self.con, None, None
        try:
            con.close()  # ends the session: its advisory lock goes with it
        finally:
            self._thread_lock.release()


def _lock_key(store: PostgresBase) -> str:
    return f"referrals-store:{store.location.schema}"


class PostgresBase(StoreBase):
    """StoreBase for a practice kept in PostgreSQL (a schema per practice: location.py)."""

    def _setup(self, path: object, create: bool) -> None:
        self.location = PostgresLocation.parse(str(locations.resolve(path)))
        self.path = self.location
        self._memory = False
        self._secret = None
        self._create = create
        self._con: psycopg.Connection | None = None
        self._users = 0
        self._open_lock = threading.Lock()
        self._write_lock = _WriteLock(self)
        if create:
            # Two processes creating one practice at once: the second finds it made.
            with (
                connect(self.location, schema=False) as con,
                contextlib.suppress(psycopg.errors.UniqueViolation),
            ):
                con.execute(
                    pgsql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                        pgsql.Identifier(self.location.schema)
                    )
                )

    def _schema_sql(self) -> str:
        return postgres_schema(SCHEMA)

    def _connect(self) -> psycopg.Connection:
        con = connect(self.location)
        found = con.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", [self.location.schema]
        ).fetchall()
        if not found:
            con.close()
            raise StoreMissing(
                f"{self.location.name} is not on the PostgreSQL server any more (deleted "
                "elsewhere); pick the practice again."
            )
        return con

    def _cursor(self) -> PgCursor:
        lock = self._write_lock
        if lock.owner == threading.get_ident() and lock.con is not None:
            return PgCursor(lock.con)
        return PgCursor(self._con)

    def _sequence_next(self, cur: PgCursor, name: str) -> int:
        rows = cur.execute(
            f"SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {name}"
        ).fetchall()
        return int(rows[0][0])

    def _set_sequence(self, cur: PgCursor, name: str, value: int) -> None:
        cur.execute("SELECT setval(?, ?, false)", [name, int(value)])

    def _insert_arrow(self, cur: PgCursor, table: str, rows: pa.Table) -> None:
        copy_in(cur._con, table, rows)
