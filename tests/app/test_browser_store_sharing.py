"""The monthly command-line load while the dashboard is open in a browser (issue 13, finding 4).

Before: the running app held DuckDB's lock from its first page view on, so `ingest` exited 1
with an 18-line traceback. Now the app holds the store only while a page runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import ROOT, browser_page, chromium_or_skip, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
HEADER = "Referral Date,Referring Provider,Referral Type,Clinic\n"


def ingest(path: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", "ingest", str(path), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def referrals_tile(page) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text("Referrals", exact=True)
    )
    return metric.first.get_by_test_id("stMetricValue").inner_text()


def test_cli_load_while_the_dashboard_is_open(tmp_path: Path):
    chromium = chromium_or_skip()
    db = tmp_path / "open.duckdb"
    march = tmp_path / "march.csv"
    march.write_text(HEADER + "03/03/2025,Dr A,Physician,North\n")
    assert ingest(march, db).returncode == 0
    april = tmp_path / "april.csv"
    april.write_text(HEADER + "".join(f"04/0{d}/2025,Dr B,Physician,North\n" for d in (1, 2)))
    with streamlit_server(db) as url, browser_page(chromium) as page:
        page.goto(url)
        page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
        wait_idle(page)
        assert referrals_tile(page) == "1"
        loaded = ingest(april, db)
        assert loaded.returncode == 0 and loaded.stderr == "", loaded.stderr
        assert "2 rows loaded" in loaded.stdout
        page.reload()
        page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
        wait_idle(page)
        assert referrals_tile(page) == "3"
