"""CSV quirks end in a load or one sentence, never a traceback (issue 13, finding 7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analytics import limits
from analytics.errors import IngestError
from analytics.ingest.readers import read_workbook
from tests.conftest import ROOT

HEADER = "Referral Date,Referring Provider,Referral Type,Clinic\n"
LAST = "03/04/2025,Dr B,Physician,North\n"


def ingest(path: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", "ingest", str(path), "--db", str(db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


LOADS = {
    "cr-in-quoted-cell": HEADER + '03/03/2025,"Dr A\rSmith",Physician,North\n' + LAST,
    "cr-in-quoted-header": '"Referral\rDate",Referring Provider,Referral Type,Clinic\n'
    + "03/03/2025,Dr A,Physician,North\n"
    + LAST,
    "field-over-128kb": HEADER + '03/03/2025,Dr A,Physician,"' + "n" * 200_000 + '"\n' + LAST,
    "field-over-128kb-in-title": '"' + "t" * 200_000 + '"\n' + HEADER + LAST + LAST,
}
REFUSED = {
    "100000-columns": (
        HEADER.strip() + "," + ",".join(f"c{i}" for i in range(100_000)) + "\n" + LAST,
        "q.csv has 100,004 columns, more than the 2,000 a report is read up to; export only "
        "the report's own columns and upload that.",
    ),
    "field-over-the-limit": (
        '"' + "t" * (limits.MAX_FIELD_BYTES + 10) + '"\n' + HEADER + LAST,
        "q.csv has a cell longer than 1,000,000 characters in its first rows, which no "
        "report column holds; export the report again as CSV or Excel.",
    ),
}


@pytest.mark.parametrize("text", LOADS.values(), ids=LOADS.keys())
def test_quirky_csv_loads(tmp_path: Path, text: str):
    path = tmp_path / "q.csv"
    path.write_bytes(text.encode())
    proc = ingest(path, tmp_path / "s.duckdb")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-800:]
    assert '"rows_loaded": 2' in proc.stdout


@pytest.mark.parametrize(("text", "sentence"), REFUSED.values(), ids=REFUSED.keys())
def test_quirky_csv_past_a_limit_is_one_sentence(tmp_path: Path, text: str, sentence: str):
    path = tmp_path / "q.csv"
    path.write_bytes(text.encode())
    proc = ingest(path, tmp_path / "s.duckdb")
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.strip() == sentence
    with pytest.raises(IngestError) as caught:
        read_workbook(text.encode(), "q.csv")
    assert str(caught.value) == sentence


def test_rows_past_the_limit_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 5)
    text = HEADER + LAST * 50
    with pytest.raises(IngestError, match=r"q\.csv has 51 lines, more than the 5 rows"):
        read_workbook(text.encode(), "q.csv")


# Found by the fuzzer (tests/ingest/test_fuzz_ingest.py): each was a traceback before.
FOUND = {
    "empty-header-row": (b'\n\n""', None),
    "quote-never-closed": (
        b'Referral Date,Referring Provider\n"',
        'q.csv has a quoted cell that never ends (a " without its closing "); open it in '
        "Excel, save it as CSV again, and upload that.",
    ),
    "bom-only": (b"\xfe\xff", "q.csv is empty; export the report again and upload that file."),
    "odd-utf16": (b"\xff\xfeA", None),
    "line-break-in-quoted-value": (
        b'Referral Date,Referring Provider\n"0\n0",Dr A\n',
        "None of the 1 rows in q.csv could be used ('0 0' is not a readable date",
    ),
    # A first row one field longer than the header: pandas made its first cell the index.
    "longer-first-row": (
        b"Referral Date,Referring Provider,Referral Type,Clinic,MRN,Total Payments,Visits\n"
        b",1/1/0000,,,,,,:",
        "None of the 1 rows in q.csv could be used (no date)",
    ),
    "longer-first-row-type": (
        b"Referral Date,Referring Provider,Referral Type,Clinic,MRN,Total Payments,Visits\n"
        b",,1/1/0000,,,,,:",
        "None of the 1 rows in q.csv could be used (no date)",
    ),
}


@pytest.mark.parametrize(("data", "sentence"), FOUND.values(), ids=FOUND.keys())
def test_fuzzer_findings_end_in_one_sentence(data: bytes, sentence: str | None):
    from analytics.ingest import IngestContext, prepare

    with pytest.raises(IngestError) as caught:
        prepare(data, "q.csv", IngestContext(salt=bytes(16)))
    message = str(caught.value)
    assert "\n" not in message
    if sentence:
        assert message.startswith(sentence)
