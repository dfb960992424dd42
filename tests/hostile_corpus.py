"""The hostile-file corpus: each file of the issue-13 findings and their cousins, built in code.

Each entry: the file name, a builder, what it must end in ("loaded", or a sentence starting
the way given) and environment settings for the run. tests/ingest/test_hostile_corpus.py runs every
entry through the command line; `python -m tests.hostile_corpus` prints peak memory, time
and message per file (the table in the closing note of issue 13).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from tests.hostile import HEADER, ONE_REFERRAL, far_cell_xlsx, whitespace_bomb_xlsx, xlsx

ROOT = Path(__file__).resolve().parent.parent
CSV_HEADER = "Referral Date,Referring Provider,Referral Type,Clinic\n"
CSV_ROW = "03/04/2025,Dr B,Physician,North\n"


@dataclass(frozen=True)
class Entry:
    """One hostile file and what it must end in."""

    file_name: str
    build: Callable[[], bytes]
    expect: str  # "loaded", or the start of the one sentence
    env: dict[str, str] = field(default_factory=dict)


def _openpyxl_far_cell() -> bytes:
    book = openpyxl.Workbook()
    book.active["XFD1048576"] = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows_bomb() -> bytes:
    """5.2 million one-cell rows without row numbers: ~140 MB of XML in a ~150 KB file."""
    rows = b"<row><c><v>1</v></c></row>" * 5_200_000
    return _single_sheet(b"<sheetData>" + rows + b"</sheetData>")


def _single_sheet(sheet_data: bytes) -> bytes:
    template = xlsx({1: HEADER, 2: ONE_REFERRAL})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = body.index(b"<sheetData>")
                body = body[:start] + sheet_data + b"</worksheet>"
            dst.writestr(item.filename, body, zipfile.ZIP_DEFLATED, 9)
    return out.getvalue()


def _ods_repeat_bomb() -> bytes:
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    rows = (
        f"<table:table-row>{cell.format('Referral Date')}{cell.format('Referring Provider')}"
        '</table:table-row><table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16383"/>'
        '<table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Referrals">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
    return out.getvalue()


CORPUS: dict[str, Entry] = {
    "one cell at XFD1048576 (declared)": Entry(
        "tiny.xlsx",
        lambda: far_cell_xlsx(dimension="A1:XFD1048576"),
        "tiny.xlsx claims 17 billion cells",
    ),
    "one cell at XFD1048576 (openpyxl)": Entry(
        "tiny.xlsx", _openpyxl_far_cell, "tiny.xlsx claims 17 billion cells"
    ),
    "one cell at XFD1048576 (no dimension)": Entry(
        "tiny.xlsx", lambda: far_cell_xlsx(dimension=None), "tiny.xlsx needs more than"
    ),
    "5.2 million rows in 150 KB": Entry(
        "rows.xlsx", _rows_bomb, "Sheet 'Referrals' of rows.xlsx has 5,200,000 rows"
    ),
    "300 MB of whitespace (defaults: harmless)": Entry(
        "spaces.xlsx", lambda: whitespace_bomb_xlsx(300_000_000), "loaded"
    ),
    "300 MB of whitespace (limit 100 MB)": Entry(
        "spaces.xlsx",
        lambda: whitespace_bomb_xlsx(300_000_000),
        "spaces.xlsx says it unpacks to 0.3 GB",
        {"REFERRALS_MAX_UNZIPPED_BYTES": "100000000"},
    ),
    "ODS repeating a cell 17 billion times": Entry(
        "repeat.ods", _ods_repeat_bomb, "repeat.ods could not be opened as a workbook"
    ),
    "a PDF named .xlsx": Entry("scan.xlsx", lambda: b"%PDF-1.4 x", "scan.xlsx is a PDF"),
    "a truncated zip": Entry(
        "cut.xlsx",
        lambda: xlsx({1: HEADER, 2: ONE_REFERRAL})[:700],
        "cut.xlsx could not be opened as a workbook",
    ),
    "CR inside a quoted cell": Entry(
        "cr.csv", lambda: (CSV_HEADER + '03/03/2025,"Dr A\rSmith",Physician,N\n').encode(), "loaded"
    ),
    "a 200 KB field": Entry(
        "long.csv",
        lambda: (CSV_HEADER + '03/03/2025,Dr A,Physician,"' + "n" * 200_000 + '"\n').encode(),
        "loaded",
    ),
    "100,000 columns": Entry(
        "wide.csv",
        lambda: (
            CSV_HEADER.strip() + "," + ",".join(f"c{i}" for i in range(100_000)) + "\n" + CSV_ROW
        ).encode(),
        "wide.csv has 100,004 columns",
    ),
    "a quote never closed": Entry(
        "open.csv", lambda: (CSV_HEADER + '"').encode(), "open.csv has a quoted cell that never"
    ),
    "a byte-order mark and nothing else": Entry("bom.csv", lambda: b"\xfe\xff", "bom.csv is empty"),
}


def run(entry: Entry, folder: Path, *, built: bool = False) -> dict:
    """Ingest one corpus file in a fresh process; its outcome, time and peak memory."""
    path = folder / entry.file_name
    if not built:
        path.write_bytes(entry.build())
    db = folder / "corpus.duckdb"
    script = (
        "import json, resource, sys, time\n"
        "from analytics.cli import main\n"
        "started = time.perf_counter()\n"
        f"code = main(['ingest', {str(path)!r}, '--db', {str(db)!r}])\n"
        "peak = max(resource.getrusage(r).ru_maxrss for r in "
        "(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
        "print(json.dumps({'code': code, 'seconds': time.perf_counter() - started, "
        "'peak_mb': peak / 1024}), file=sys.stdout)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **entry.env},
    )
    measured = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout else {}
    return {
        "file_bytes": path.stat().st_size,
        "returncode": proc.returncode,
        "stderr": proc.stderr,
        "stdout": proc.stdout,
        **measured,
    }


def main() -> None:
    if sys.argv[1:2] == ["--build"]:  # in its own process: the builder's memory stays there
        entry = CORPUS[sys.argv[2]]
        (Path(sys.argv[3]) / entry.file_name).write_bytes(entry.build())
        return
    print(f"{'file':42s} {'size':>9s} {'time':>7s} {'peak':>8s}  message")
    for label, entry in CORPUS.items():
        with tempfile.TemporaryDirectory() as tmp:
            build = [sys.executable, "-m", "tests.hostile_corpus", "--build", label, tmp]
            subprocess.run(build, cwd=ROOT, check=True)
            started = time.perf_counter()
            result = run(entry, Path(tmp), built=True)
            wall = time.perf_counter() - started
        said = result["stderr"].strip() or result["stdout"].strip().splitlines()[0]
        said = said.replace(f"{tmp}/", "")
        print(
            f"{label:42s} {result['file_bytes']:>9,} {wall:6.2f}s "
            f"{result.get('peak_mb', 0):6.0f}MB  {said}"
        )


if __name__ == "__main__":
    main()
