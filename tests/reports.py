"""What the report tests share: the sample practice's report content and chart images, built
once per test run, a logo, and a practice whose partner names look like formulas."""

from __future__ import annotations

import atexit
import io
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from functools import cache
from pathlib import Path

from analytics.filters import Filters, preset_period
from analytics.identity import activities_of
from analytics.metrics.extended import EXTENDED_KEYS
from analytics.report.content import ReportContent, content_from_store, report_content
from analytics.store import Store
from tests.conftest import ROOT
from tests.frames import make_frame

PRACTICE = "Northside Physical Therapy"
MARGIN = 0.4
NOW = datetime(2026, 11, 2, 9, 30)
# Partner names an export may carry that a spreadsheet would run as formulas.
FORMULA_NAMES = (
    '=HYPERLINK("http://evil.example","Click")',
    "+1-2",
    "-3+4",
    "@SUM(A1:A2)",
    "\tTabbed",
    "\rReturned",
    "<b>Dr & Co</b>",
)


@cache
def workdir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="report_tests_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@cache
def sample_db() -> Path:
    """The bundled sample practice in a store of its own."""
    db = workdir() / "northside_pt.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "sample", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return db


def trailing_year() -> Filters:
    store = Store(sample_db())
    try:
        last = store.date_bounds()[1]
    finally:
        store.close()
    start, end = preset_period("Trailing 12 months", last)
    return Filters(start=start, end=end)


@cache
def logo_png() -> bytes:
    """A small two-colour logo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 72, 72), fill=(0, 114, 178))
    draw.rectangle((90, 30, 230, 50), fill=(31, 42, 51))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@cache
def sample_content(with_logo: bool = True) -> ReportContent:
    """The sample practice's report over the trailing 12 months, at a 40% margin."""
    store = Store(sample_db())
    try:
        return content_from_store(
            store,
            trailing_year(),
            practice_name=PRACTICE,
            logo=logo_png() if with_logo else None,
            margin=MARGIN,
            now=NOW,
        )
    finally:
        store.close()


@cache
def sample_images():
    """The report's charts as PNGs (one kaleido Chromium for all)."""
    from analytics.report.images import report_images

    return report_images(sample_content())


@cache
def cli_metrics() -> dict:
    """`metrics --json` of the same period, as the CLI prints it."""
    filters = trailing_year()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics",
            "metrics",
            "--db",
            str(sample_db()),
            "--start",
            filters.start.isoformat(),
            "--end",
            filters.end.isoformat(),
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # The reports carry metrics_summary's keys; metrics --json adds issue 17's after them.
    out = json.loads(proc.stdout)
    return {k: v for k, v in out.items() if k not in EXTENDED_KEYS}


@cache
def empty_activities():
    store = Store(workdir() / "empty.duckdb")
    try:
        return activities_of(store)
    finally:
        store.close()


@cache
def formula_content() -> ReportContent:
    """A practice whose partners are named like formulas, each sending a few referrals."""
    rows = [
        {
            "referral_date": f"2025-03-{i + 3:02d}",
            "source": name,
            "source_type": "physician",
            "count": 10 - i,
            "payments": 100.0 * (10 - i),
            "organization": "=Group()" if i < 2 else None,
        }
        for i, name in enumerate(FORMULA_NAMES)
    ]
    rows.append({"referral_date": "2025-03-20", "source": "Mom", "source_type": "patient"})
    return report_content(
        make_frame(rows),
        empty_activities(),
        Filters(),
        practice_name="=Practice()",
        store="formula.duckdb",
        margin=MARGIN,
        now=NOW,
    )
