"""The command line as scripts use it: `python -m analytics ...` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import HAND_LOG_CSV, ROOT


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ingest_json_then_duplicate(tmp_path: Path):
    db = tmp_path / "cli.duckdb"
    log = tmp_path / "log.csv"
    log.write_bytes(HAND_LOG_CSV.encode("cp1252"))
    first = cli("ingest", str(log), "--db", str(db), "--json")
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    assert set(result) >= {
        "file",
        "status",
        "rows_loaded",
        "rows_rejected",
        "rejections",
        "period",
        "mapping",
    }
    assert result["status"] == "loaded"
    assert result["rows_loaded"] == 3 and result["rows_rejected"] == 2
    assert result["rejections"][0]["row"] == 6
    assert result["period"] == {"start": "2025-03-07", "end": "2025-03-14"}
    assert result["mapping"]["referral_date"] == "Date Referred"
    again = json.loads(cli("ingest", str(log), "--db", str(db), "--json").stdout)
    assert again["status"] == "duplicate" and again["rows_loaded"] == 0


def test_unreadable_file_exits_2_with_one_sentence_and_no_change(tmp_path: Path):
    db = tmp_path / "cli.duckdb"
    good = tmp_path / "log.csv"
    good.write_bytes(HAND_LOG_CSV.encode("cp1252"))
    assert cli("ingest", str(good), "--db", str(db)).returncode == 0
    before = db.read_bytes()
    bad = tmp_path / "scan.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a sheet")
    proc = cli("ingest", str(bad), "--db", str(db))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "PDF" in lines[0]
    assert "Traceback" not in proc.stderr
    assert db.read_bytes() == before


def test_map_option_and_clinic(tmp_path: Path):
    db = tmp_path / "m.duckdb"
    f = tmp_path / "odd.csv"
    f.write_text("Seen,Doc\n2025-01-05,Smith John MD\n")
    proc = cli(
        "ingest",
        str(f),
        "--db",
        str(db),
        "--map",
        "referral_date=Seen",
        "--map",
        "source_name=Doc",
        "--clinic",
        "Westside",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["mapping"] == {"referral_date": "Seen", "source_name": "Doc"}
    bad = cli("ingest", str(f), "--db", str(db), "--map", "referral_date")
    assert bad.returncode == 2 and "FIELD=COLUMN" in bad.stderr


def test_sample_loads_the_bundled_practice(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    proc = cli("sample", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("rows loaded") == 4
    again = cli("sample", "--db", str(db), "--if-empty")
    assert "already holds referrals" in again.stdout
