"""Patient keys the store alone cannot reverse (issue 13, finding 3).

Before: the salt sat in the store, and hashing all ten million 7-digit MRNs under it took
5.5 s and reversed every key. Now the key also needs a secret kept outside the store.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics.ingest.patient_keys import hash_identifiers
from analytics.store import Store
from tests.conftest import ROOT

MRN = "4417220"
HEADER = "Referral Date,Referring Provider,Referral Type,Clinic,MRN\n"


def export(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(f"{r}\n" for r in rows))
    return path


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REFERRALS_KEY")}
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
    )


def stored(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def salt_of(db: Path) -> bytes:
    return bytes.fromhex(stored(db, "SELECT value FROM meta WHERE key = 'salt'")[0][0])


def keys_of(db: Path) -> set[str]:
    return {r[0] for r in stored(db, "SELECT patient_key FROM referrals")}


def mrn_key(salt: bytes) -> str:
    return hash_identifiers(pd.Series([MRN]), salt).iloc[0]


def test_the_store_alone_cannot_reproduce_a_known_mrns_key(tmp_path: Path):
    office = tmp_path / "office"
    (office / "data").mkdir(parents=True)
    db = office / "data" / "practice.duckdb"
    first = export(tmp_path, "march.csv", [f"03/03/2025,Dr A,Physician,North,{MRN}"])
    assert cli("ingest", str(first), "--db", str(db)).returncode == 0
    key_file = office / "referrals.key"
    assert key_file.exists(), "the key file sits beside the data folder"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = key_file.read_text().strip()
    assert len(secret) == 64
    raw = b"".join(p.read_bytes() for p in (office / "data").iterdir())
    assert secret.encode() not in raw and bytes.fromhex(secret) not in raw
    (key,) = keys_of(db)
    # Whoever holds only the store has its salt: hashing the MRN under it misses the key.
    assert key != mrn_key(salt_of(db))
    # A copy on a laptop, without the key file: it cannot load more (keys would not match)...
    laptop = tmp_path / "laptop" / "data"
    laptop.mkdir(parents=True)
    shutil.copy(db, laptop / "practice.duckdb")
    again = cli(
        "ingest",
        str(export(tmp_path, "april.csv", [f"04/01/2025,Dr A,Physician,North,{MRN}"])),
        "--db",
        str(laptop / "practice.duckdb"),
    )
    lines = again.stderr.strip().splitlines()
    assert again.returncode == 2 and len(lines) == 1, again.stderr
    assert "patient-key file" in lines[0] and "is missing" in lines[0]
    assert not (tmp_path / "laptop" / "referrals.key").exists()
    assert keys_of(laptop / "practice.duckdb") == {key}
    # ... and with the key (or REFERRALS_KEY) a patient keeps one key across loads.
    assert cli("ingest", str(tmp_path / "april.csv"), "--db", str(db)).returncode == 0
    assert keys_of(db) == {key}


def test_an_environment_secret_keys_the_store_and_no_file_is_made(tmp_path: Path):
    db = tmp_path / "data" / "p.duckdb"
    rows = [f"03/03/2025,Dr A,Physician,North,{MRN}"]
    proc = cli(
        "ingest",
        str(export(tmp_path, "m.csv", rows)),
        "--db",
        str(db),
        REFERRALS_KEY="correct horse battery staple",
    )
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "referrals.key").exists()
    assert b"correct horse" not in db.read_bytes()
    wrong = cli(
        "ingest", str(export(tmp_path, "n.csv", rows)), "--db", str(db), REFERRALS_KEY="another"
    )
    assert wrong.returncode == 2 and "is not the one this store was keyed with" in wrong.stderr


@pytest.mark.duckdb_only  # an old store is a DuckDB file written by hand
def test_an_old_store_is_migrated_and_keeps_its_patients(tmp_path: Path):
    db = tmp_path / "data" / "old.duckdb"
    Store(db)
    # Made as stores were before the secret: no scheme recorded, the salt alone.
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM meta WHERE key IN ('key_scheme', 'key_check')")
    con.close()
    rows = [f"03/0{d}/2025,Dr A,Physician,North,{MRN}" for d in (3, 4)]
    rows.append("03/05/2025,Dr B,Physician,North,7654321")
    assert cli("ingest", str(export(tmp_path, "m.csv", rows)), "--db", str(db)).returncode == 0
    before = keys_of(db)
    assert mrn_key(salt_of(db)) in before  # reversible from the file alone
    status = cli("keys", "status", "--db", str(db))
    assert "can reverse them" in status.stdout
    migrated = cli("keys", "migrate", "--db", str(db))
    assert migrated.returncode == 0, migrated.stderr
    assert "2 patient keys re-keyed" in migrated.stdout
    after = keys_of(db)
    assert len(after) == 2 and not after & before
    assert mrn_key(salt_of(db)) not in after
    # The next month's load of the same patient finds the migrated key.
    april = export(tmp_path, "a.csv", [f"04/01/2025,Dr A,Physician,North,{MRN}"])
    assert cli("ingest", str(april), "--db", str(db)).returncode == 0
    assert keys_of(db) == after
    again = cli("keys", "migrate", "--db", str(db))
    assert "nothing changed" in again.stdout
