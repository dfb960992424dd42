"""A command-line load killed at a random point leaves the store exactly before or after
(issue 13, finding 12): `kill -9` ten times during a 60,000-row ingest."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.conftest import ROOT

KILLS = 10
ROWS = 60_000


def fingerprint(db: Path) -> tuple:
    """Every table's rows and a hash of their content: equal only for the same store."""
    con = duckdb.connect(str(db))  # read-write: replays a write-ahead log left by the kill
    try:
        return tuple(
            con.execute(sql).fetchall()[0]
            for sql in (
                "SELECT count(*), sum(hash(upload_id, file_hash, rows_loaded)) FROM uploads",
                "SELECT count(*), sum(hash(referral_date, source_name, patient_key, clinic))"
                " FROM referrals",
                "SELECT count(*), sum(hash(key, npi, source)) FROM source_aliases",
                "SELECT value FROM meta WHERE key = 'version'",
            )
        )
    finally:
        con.close()


def ingest(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analytics", "ingest", str(path), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_killed_load_leaves_the_store_before_or_after(tmp_path: Path):
    rng = random.Random(13)
    header = "Referral Date,Referring Provider,Referral Type,Clinic,MRN,Total Payments\n"
    first = tmp_path / "first.csv"
    # Another clinic: the big file must add to the store, not overlap what it holds.
    first.write_text(header + "01/02/2025,Dr A,Physician,South,1,10.00\n")
    big = tmp_path / "big.csv"
    big.write_text(
        header
        + "".join(
            f"{1 + i % 12:02d}/{1 + i % 28:02d}/2025,Dr {i % 40},Physician,North,{i % 9000},"
            f"{i % 500}.25\n"
            for i in range(ROWS)
        )
    )
    base = tmp_path / "base.duckdb"
    assert ingest(first, base).wait(timeout=120) == 0
    before = fingerprint(base)
    done = tmp_path / "done.duckdb"
    shutil.copy(base, done)
    started = time.monotonic()
    assert ingest(big, done).wait(timeout=300) == 0
    full = time.monotonic() - started
    after = fingerprint(done)
    assert after != before
    outcomes = {"before": 0, "after": 0}
    killed_running = 0
    for i in range(KILLS):
        db = tmp_path / f"kill{i}.duckdb"
        shutil.copy(base, db)
        proc = ingest(big, db)
        time.sleep(rng.uniform(0.3, full * 1.05))
        if proc.poll() is None:
            killed_running += 1
        proc.kill()
        proc.wait(timeout=30)
        state = fingerprint(db)
        assert state in (before, after), f"kill {i}: the store is neither before nor after"
        outcomes["before" if state == before else "after"] += 1
    print(f"\ncrash test: {KILLS} kills, {killed_running} while running, {outcomes}")
    assert killed_running >= KILLS // 2
    # The store a kill left behind still loads the file completely.
    assert ingest(big, tmp_path / "kill0.duckdb").wait(timeout=300) == 0
    assert fingerprint(tmp_path / "kill0.duckdb")[:3] == after[:3]
