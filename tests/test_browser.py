"""End to end in headless Chromium: start the real app, upload an export, read the numbers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import (
    ARTIFACTS,
    ROOT,
    browser_page,
    chromium_or_skip,
    streamlit_server,
    wait_idle,
)

pytestmark = pytest.mark.browser
SAMPLE = ROOT / "sample_data" / "riverside_case_export.csv"


def expected_referrals(db: Path) -> int:
    proc = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)["referrals"]


def test_upload_then_overview_in_a_real_browser(tmp_path: Path):
    chromium = chromium_or_skip()
    ARTIFACTS.mkdir(exist_ok=True)
    db = tmp_path / "browser.duckdb"
    with streamlit_server(db) as url, browser_page(chromium) as page:
        page.goto(url)
        wait_idle(page)
        assert page.get_by_text("No referrals yet").is_visible()
        page.screenshot(path=str(ARTIFACTS / "01-empty-overview.png"), full_page=True)

        page.goto(f"{url}/upload")
        wait_idle(page)
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
            str(SAMPLE)
        )
        page.get_by_text("Data quality").wait_for(timeout=60_000)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "02-upload-mapping.png"), full_page=True)
        save = page.get_by_role("button", name=re.compile(r"^Save [\d,]+ rows"))
        rows = int(re.search(r"Save ([\d,]+) rows", save.inner_text()).group(1).replace(",", ""))
        save.click()
        page.get_by_text(re.compile(r"Saved [\d,]+ rows from riverside_case_export.csv")).wait_for(
            timeout=60_000
        )
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "03-upload-saved.png"), full_page=True)
        assert rows > 1000

        page.goto(url)
        wait_idle(page)
        # The sidebar defaults to the trailing 12 months; show everything to compare totals.
        page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="All data").click()
        wait_idle(page)
        tile = page.get_by_test_id("stMetric").filter(has_text="Referrals").first
        shown = int(tile.get_by_test_id("stMetricValue").inner_text().replace(",", ""))
        page.screenshot(path=str(ARTIFACTS / "04-overview.png"), full_page=True)
    assert shown == expected_referrals(db)
