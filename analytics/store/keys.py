"""Which key a store hashes patient identifiers with, and moving an old store onto the secret.

A store records its scheme in `meta.key_scheme`:
- absent (stores written before the secret): the salt alone, which sits in the file, so
  hashing every 7-digit MRN under it reverses every key. `python -m analytics keys migrate`
  moves such a store to the next scheme.
- "salt+secret" (migrated): each old key hashed again under the secret's key; new loads hash
  identifiers both ways in turn, so a patient keeps one key across the migration.
- "secret" (new stores): identifiers hashed once under the secret's key for this store.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analytics.errors import IngestError
from analytics.siphash import siphash_hex
from analytics.store.dialect import upsert
from analytics.store.secret import check_value, derive, key_file_for, load_secret

__all__ = ["hashing_key", "key_scheme", "migrate", "start_store"]

LEGACY, MIGRATED, SECRET = "salt", "salt+secret", "secret"


def _meta(cur: duckdb.DuckDBPyConnection, key: str) -> str | None:
    rows = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def _set(cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    cur.execute(upsert("meta", ("key", "value"), ("key",)), [key, value])


def key_scheme(cur: duckdb.DuckDBPyConnection) -> str:
    """The store's scheme: LEGACY, MIGRATED or SECRET."""
    return _meta(cur, "key_scheme") or LEGACY


def start_store(cur: duckdb.DuckDBPyConnection, store: Path, secret: bytes | None) -> None:
    """A new store's keys: under the secret from the first load (made if there is none)."""
    secret = secret or load_secret(store, create=True)
    _set(cur, "key_scheme", SECRET)
    _set(cur, "key_check", check_value(secret))


def _secret(cur: duckdb.DuckDBPyConnection, store: Path, given: bytes | None) -> bytes:
    secret = given or load_secret(store, create=False)
    if secret is None or check_value(secret) != _meta(cur, "key_check"):
        where = key_file_for(store)
        problem = "is missing" if secret is None else "is not the one this store was keyed with"
        raise IngestError(
            f"The patient-key file {where} {problem} (or REFERRALS_KEY differs); put the "
            f"original key back before loading into {store.name}, because a new key would "
            "count every returning patient as new."
        )
    return secret


def hashing_key(cur: duckdb.DuckDBPyConnection, store: Path, secret: bytes | None) -> bytes:
    """The bytes hash_identifiers takes for this store (16 per round)."""
    salt = bytes.fromhex(_meta(cur, "salt"))
    scheme = key_scheme(cur)
    if scheme == LEGACY:
        return salt
    derived = derive(_secret(cur, store, secret), salt)
    return salt + derived if scheme == MIGRATED else derived


def migrate(cur: duckdb.DuckDBPyConnection, store: Path, secret: bytes | None) -> int:
    """Re-key a LEGACY store's patients under the secret in one transaction; keys re-keyed."""
    if key_scheme(cur) != LEGACY:
        return 0
    secret = secret or load_secret(store, create=True)
    salt = bytes.fromhex(_meta(cur, "salt"))
    old = cur.sql(
        "SELECT DISTINCT patient_key FROM referrals WHERE patient_key IS NOT NULL"
    ).to_arrow_table()
    old_keys = pd.Series(old.column(0).to_pylist(), dtype="str")
    # Stored keys are lower-case hex already (nothing for the ingest's folding to change), so
    # hashing their bytes is exactly the second round of a two-round key.
    objects = pa.array(old_keys.to_numpy(), pa.large_binary()).to_numpy(zero_copy_only=False)
    new_keys = pd.Series(siphash_hex(objects, derive(secret, salt)), dtype="str")
    mapping = pa.table({"old": old_keys.to_numpy(), "new": new_keys.to_numpy()})
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.register("key_mapping", mapping)
        try:
            cur.execute(
                "UPDATE referrals SET patient_key = m.new FROM key_mapping m "
                "WHERE referrals.patient_key = m.old"
            )
        finally:
            cur.unregister("key_mapping")
        _set(cur, "key_scheme", MIGRATED)
        _set(cur, "key_check", check_value(secret))
        version = int(_meta(cur, "version") or 0)
        _set(cur, "version", str(version + 1))
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    return len(old_keys)
