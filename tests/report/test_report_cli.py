"""`python -m analytics report`: the three formats from the command line, and every error as
one sentence with exit status 2."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from analytics import charts
from tests.browser import chromium_or_skip
from tests.conftest import ROOT
from tests.reports import PRACTICE, logo_png, sample_db, workdir


def report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", "report", "--db", str(sample_db()), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_workbook_from_the_command_line(tmp_path):
    out = tmp_path / "northside.xlsx"
    proc = report(
        "--out",
        str(out),
        "--start",
        "2025-11-01",
        "--end",
        "2026-10-31",
        "--practice",
        PRACTICE,
        "--clinic",
        "Northside",
        "--margin",
        "35",
    )
    assert proc.returncode == 0, proc.stderr
    book = openpyxl.load_workbook(out)
    cover = {r[0]: r[1] for r in book["Cover"].iter_rows(values_only=True) if r and r[0]}
    assert PRACTICE in cover and cover["Clinics"] == "Northside"
    stress = {r[0]: r[1] for r in book["Stress test"].iter_rows(min_row=5, values_only=True)}
    assert stress["Contribution margin"] == pytest.approx(0.35)


@pytest.mark.parametrize("suffix", ["pdf", "pptx"])
def test_pdf_and_deck_from_the_command_line(tmp_path, suffix):
    if not charts.png_available():
        chromium_or_skip()
    logo = workdir() / "logo.png"
    logo.write_bytes(logo_png())
    out = tmp_path / f"northside.{suffix}"
    proc = report(
        "--out",
        str(out),
        "--practice",
        PRACTICE,
        "--logo",
        str(logo),
        "--level",
        "organization",
        "--basis",
        "revenue",
    )
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF") if suffix == "pdf" else zipfile.is_zipfile(io.BytesIO(data))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.docx"], "does not end in .xlsx, .pdf or .pptx"),
        (["--out", "x.xlsx", "--logo", "/no/such/logo.png"], "cannot be read"),
        (["--out", "x.xlsx", "--start", "2026-05-01", "--end", "2026-01-01"], "swap them"),
        (["--out", "x.xlsx", "--clinic", "Nowhere"], "No referrals in the period"),
        (["--out", "x.xlsx", "--start", "2001-01-01", "--end", "2001-12-31"], "No referrals"),
    ],
)
def test_errors_are_one_sentence_and_exit_2(tmp_path, args, message):
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    proc = report(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_logo_that_is_not_an_image(tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_text("not an image")
    proc = report("--out", str(tmp_path / "x.xlsx"), "--logo", str(fake))
    assert proc.returncode == 2 and "not a PNG or JPEG" in proc.stderr


def test_an_empty_store(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics",
            "report",
            "--db",
            str(tmp_path / "new.duckdb"),
            "--out",
            str(tmp_path / "x.xlsx"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "holds no referrals yet" in proc.stderr
