"""Workbooks built to take the server down end in one sentence (issue 13, findings 1 and 2).

The old reader parsed in the app's own process: the 1.6 KB file with a cell at XFD1048576
made it allocate 512 GiB and abort (every session gone), and a zip bomb grew it by gigabytes.
The command-line cases run in a subprocess, so the old behaviour (an abort) fails the test
instead of killing pytest.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from analytics import limits
from analytics.errors import IngestError
from analytics.ingest.readers import read_workbook
from tests.conftest import ROOT
from tests.hostile import (
    HEADER,
    ONE_REFERRAL,
    cell,
    far_cell_xlsx,
    whitespace_bomb_xlsx,
    xlsx,
)


def ingest(path: Path, db: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", "ingest", str(path), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def one_sentence(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def openpyxl_far_cell() -> bytes:
    book = openpyxl.Workbook()
    book.active["XFD1048576"] = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "build",
    [
        lambda: far_cell_xlsx(dimension="A1:XFD1048576"),
        openpyxl_far_cell,  # openpyxl declares "XFD1048576:XFD1048576"
    ],
    ids=["hand-written", "openpyxl"],
)
def test_a_cell_at_xfd1048576_is_refused_by_its_declared_size(tmp_path: Path, build):
    path = tmp_path / "tiny.xlsx"
    path.write_bytes(build())
    assert len(path.read_bytes()) < 5_000
    started = time.perf_counter()
    message = one_sentence(ingest(path, tmp_path / "s.duckdb"))
    assert time.perf_counter() - started < 30
    assert "claims 17 billion cells" in message and "A1:XFD1048576" in message
    assert message.startswith("tiny.xlsx ")


def test_a_far_cell_without_a_dimension_ends_in_the_child_not_the_server(tmp_path: Path):
    # Nothing declared: the child process dies on its memory limit, this one says so.
    path = tmp_path / "nodim.xlsx"
    path.write_bytes(far_cell_xlsx(dimension=None))
    message = one_sentence(ingest(path, tmp_path / "s.duckdb"))
    assert "GB of memory" in message
    with pytest.raises(IngestError, match="GB of memory"):
        read_workbook(path.read_bytes(), "nodim.xlsx")


def test_a_zip_bomb_is_refused_by_what_it_says_it_unpacks_to(tmp_path: Path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(whitespace_bomb_xlsx(300_000_000))
    assert len(path.read_bytes()) < 1_000_000  # 300 MB in under 1 MB
    message = one_sentence(
        ingest(path, tmp_path / "s.duckdb", REFERRALS_MAX_UNZIPPED_BYTES="100_000_000")
    )
    assert "says it unpacks to 0.3 GB, more than the 0.1 GB" in message


def test_the_limits_are_settings_read_from_the_environment(tmp_path: Path):
    script = "from analytics import limits; print(limits.MAX_CELLS, limits.READ_CPU_SECONDS)"
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "REFERRALS_MAX_CELLS": "1_000", "REFERRALS_READ_CPU_SECONDS": "x"},
        check=True,
    )
    assert proc.stdout.split() == ["1000", str(300)]  # a typo keeps the default


def test_the_child_refuses_a_workbook_over_its_memory_limit(monkeypatch):
    # Dense from A1 to Z400000: 10.4 million cells, ~330 MB inside the reader.
    data = xlsx({1: HEADER, 2: ONE_REFERRAL, 400000: cell("Z400000", 1)})
    monkeypatch.setattr(limits, "READ_MEMORY_BYTES", 300_000_000)
    with pytest.raises(IngestError, match=r"wide\.xlsx needs more than 0\.3 GB of memory"):
        read_workbook(data, "wide.xlsx")
    monkeypatch.setattr(limits, "READ_MEMORY_BYTES", 6_000_000_000)
    monkeypatch.setattr(limits, "MAX_CELLS", 1_000_000)
    with pytest.raises(IngestError, match=r"holds 10 million cells counting from A1"):
        read_workbook(data, "wide.xlsx")


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("MAX_ROWS", 1, r"Sheet 'Referrals' of f\.xlsx has 2 rows, more than the 1 a report"),
        ("MAX_COLUMNS", 1, r"Sheet 'Referrals' of f\.xlsx has 2 columns, more than the 1 "),
        ("MAX_CELLS", 3, r"f\.xlsx claims 4 cells \(a sheet spans A1:B2\), more than the 3 "),
        ("READ_WALL_SECONDS", 0.01, r"f\.xlsx took too long to read"),
    ],
)
def test_each_limit_ends_in_its_sentence(monkeypatch, setting, value, message):
    monkeypatch.setattr(limits, setting, value)
    with pytest.raises(IngestError, match=message):
        read_workbook(xlsx({1: HEADER, 2: ONE_REFERRAL}, dimension="A1:B2"), "f.xlsx")


def test_a_workbook_within_the_limits_reads_as_before():
    book = read_workbook(xlsx({1: HEADER, 2: ONE_REFERRAL}, dimension="A1:B2"), "f.xlsx")
    grid = book.sheets["Referrals"]
    assert grid.head == [["Referral Date", "Referring Provider"], ["2025-03-03", "Smith, John MD"]]
    assert grid.body(0).values.tolist() == [["2025-03-03", "Smith, John MD"]]
