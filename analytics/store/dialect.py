"""What differs between DuckDB and PostgreSQL, in one place, for the PostgreSQL store.

The store's SQL is written once, in SQL both engines run: `col = ANY(?)` for a list
parameter, `array_agg(...)` for lists, `(array_agg(x ORDER BY ...))[1]` for the first by an
order (over small grouped inputs only: on a million raw rows DuckDB's own `first()` is four
times faster, 0.4 s against 1.9 s), `GROUP BY 1, 2` for grouping by every plain column,
`FILTER (WHERE ...)`, `INSERT ... ON CONFLICT`, `date - date` for days. What cannot be
shared is here:
- `postgres_sql`: `?` placeholders become `%s` (psycopg's), literal `%` doubled, and the
  `main.` schema DuckDB names tables under is dropped (a practice's schema is the search path);
- `postgres_schema`: the schema's types (DOUBLE, DuckDB's column compression) and byte-order
  text collation, so text sorts and compares as in DuckDB whatever the server's locale;
- `PG_ARROW`: the Arrow type each PostgreSQL result type is read as (the types DuckDB hands
  Arrow for the same column), and `pg_column_type` the other way, for temporary tables;
- `upsert`: `INSERT ... ON CONFLICT (key) DO UPDATE`, the shared form of INSERT OR REPLACE.
A construct added later that the engines spell differently gets a function here (as
`upsert`), or a rewrite in `postgres_sql` when it is purely lexical.
"""

from __future__ import annotations

import re

import pyarrow as pa

__all__ = ["PG_ARROW", "pg_column_type", "postgres_schema", "postgres_sql", "upsert"]

# PostgreSQL type OIDs -> the Arrow type DuckDB gives the same column.
PG_ARROW: dict[int, pa.DataType] = {
    16: pa.bool_(),  # boolean
    20: pa.int64(),  # bigint
    21: pa.int16(),  # smallint
    23: pa.int32(),  # integer
    25: pa.string(),  # text
    1043: pa.string(),  # varchar
    700: pa.float32(),  # real
    701: pa.float64(),  # double precision
    1700: pa.float64(),  # numeric (sums of bigints; DuckDB's HUGEINT is cast by callers)
    1082: pa.date32(),  # date
    1114: pa.timestamp("us"),  # timestamp
    1184: pa.timestamp("us", tz="UTC"),  # timestamptz
}
# Array OIDs (text[], int[], ...): read row by row, as lists.
PG_ARRAYS = frozenset({1000, 1005, 1007, 1009, 1015, 1016, 1021, 1022, 1182, 1115})


def pg_column_type(arrow_type: pa.DataType) -> str:
    """The PostgreSQL column type a temporary table gets for an Arrow column."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return 'TEXT COLLATE "C"'
    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    if pa.types.is_integer(arrow_type):
        return "BIGINT"
    if pa.types.is_floating(arrow_type):
        return "DOUBLE PRECISION"
    if pa.types.is_date(arrow_type):
        return "DATE"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"
    if pa.types.is_null(arrow_type):
        return 'TEXT COLLATE "C"'
    raise TypeError(f"No PostgreSQL column type for Arrow {arrow_type}.")


_QUOTED = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
_MAIN = re.compile(r"\bmain\.")
# DuckDB's compensated float sum; PostgreSQL sums doubles as they come.
_FSUM = re.compile(r"\bfsum\(")


def postgres_sql(sql: str, has_params: bool) -> str:
    """DuckDB-style SQL text as psycopg sends it to PostgreSQL (quoted text left alone)."""
    parts = _QUOTED.split(sql)
    for i in range(0, len(parts), 2):  # even parts are outside quotes
        part = _FSUM.sub("sum(", _MAIN.sub("", parts[i]))
        if has_params:
            part = part.replace("%", "%%").replace("?", "%s")
        parts[i] = part
    return "".join(parts)


_TYPES = (
    (re.compile(r"\bVARCHAR\b"), 'TEXT COLLATE "C"'),
    (re.compile(r"\bDOUBLE\b"), "DOUBLE PRECISION"),
    (re.compile(r"\s+USING COMPRESSION \w+"), ""),
)


def postgres_schema(schema: str) -> str:
    """The DuckDB schema text (sql.SCHEMA) with PostgreSQL's types; comments dropped."""
    lines = [line for line in schema.splitlines() if not line.lstrip().startswith("--")]
    text = "\n".join(lines)
    for pattern, replacement in _TYPES:
        text = pattern.sub(replacement, text)
    return text


def upsert(table: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    """INSERT a row, or replace the row with the same key (both engines run it)."""
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (
        f"INSERT INTO {table} ({names}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
