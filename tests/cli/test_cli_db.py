"""`--db` names a DuckDB store or a new .duckdb file, else one sentence (issue 13, finding 6).

Before: `--db last_month.csv` printed "1,865 rows loaded" and kept nothing (exit 0),
`--db ..` was a traceback and `--db ''` silently used the default store.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CSV = "Referral Date,Referring Provider,Referral Type,Clinic\n03/03/2025,Dr A,Physician,N\n"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    ("db", "sentence"),
    [
        (
            "export.csv",
            "--db export.csv is not a DuckDB store (it holds other data, left as it is); "
            "give a store file ending in .duckdb.",
        ),
        ("..", "--db .. is a folder; give a store file in it, such as ../referrals.duckdb."),
        ("", "--db is empty; give a store file such as data/referrals.duckdb."),
        (
            "new.db",
            "--db new.db does not exist, and a new store must end in .duckdb (such as new.duckdb).",
        ),
    ],
    ids=["existing-csv", "dotdot", "empty", "new-without-suffix"],
)
@pytest.mark.parametrize("command", ["ingest", "metrics"])
def test_db_that_is_not_a_store_is_one_sentence(tmp_path: Path, db, sentence, command):
    work = tmp_path / "work"
    work.mkdir()
    (work / "export.csv").write_text(CSV)
    args = ["ingest", "export.csv"] if command == "ingest" else ["metrics", "--json"]
    proc = cli(*args, "--db", db, cwd=work)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.strip() == sentence
    assert "Traceback" not in proc.stderr and "rows loaded" not in proc.stdout
    assert (work / "export.csv").read_text() == CSV  # left as it was
    assert not (work / "data").exists() and not list(tmp_path.rglob("*.duckdb"))


def test_a_new_duckdb_file_is_created_and_loaded(tmp_path: Path):
    (tmp_path / "export.csv").write_text(CSV)
    proc = cli("ingest", "export.csv", "--db", "fresh.duckdb", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 rows loaded" in proc.stdout
    again = cli("metrics", "--json", "--db", "fresh.duckdb", cwd=tmp_path)
    assert again.returncode == 0 and '"referrals": 1' in again.stdout
