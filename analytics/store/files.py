"""What `--db` may name: an existing DuckDB store, or a new file ending in .duckdb.

Before this check, `--db` pointing at last month's CSV printed "1,865 rows loaded" and kept
nothing, `--db ..` ended in a traceback and `--db ''` quietly used the default store.
"""

from __future__ import annotations

import os
from pathlib import Path

from analytics.errors import IngestError
from analytics.store import DEFAULT_DB, Store
from analytics.store.location import PostgresLocation, is_postgres

__all__ = ["STORE_SUFFIX", "checked_store_path", "open_cli_store"]

STORE_SUFFIX = ".duckdb"
_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def checked_store_path(db: str | None) -> Path | str:
    """The store file `--db` names (else $REFERRALS_DB, else the default), or one sentence;
    a postgresql:// URL is returned as it is, once it names a practice (location.py)."""
    given = db if db is not None else os.environ.get("REFERRALS_DB") or str(DEFAULT_DB)
    if not given.strip():
        raise IngestError("--db is empty; give a store file such as data/referrals.duckdb.")
    if is_postgres(given):
        PostgresLocation.parse(given)  # one sentence when the practice name is wrong
        return given
    path = Path(given)
    if path.is_dir() or given.endswith(("/", os.sep)) or path.name in ("", ".", ".."):
        raise IngestError(
            f"--db {given} is a folder; give a store file in it, such as "
            f"{path / 'referrals.duckdb'}."
        )
    if path.exists():
        try:
            with path.open("rb") as stream:
                head = stream.read(12)
        except OSError as exc:
            raise IngestError(f"--db {given} cannot be read ({exc.strerror}).") from None
        if head[8:12] != _MAGIC and not (head == b"" and path.suffix == STORE_SUFFIX):
            raise IngestError(
                f"--db {given} is not a DuckDB store (it holds other data, left as it is); "
                f"give a store file ending in {STORE_SUFFIX}."
            )
        return path
    if path.suffix != STORE_SUFFIX:
        raise IngestError(
            f"--db {given} does not exist, and a new store must end in {STORE_SUFFIX} "
            f"(such as {path.with_suffix(STORE_SUFFIX)})."
        )
    return path


def open_cli_store(db: str | None) -> Store:
    """The store the command line works on, after checking what `--db` names."""
    return Store(checked_store_path(db))
