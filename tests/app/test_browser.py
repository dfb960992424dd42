"""End to end in headless Chromium: start the real app, upload an export, read the numbers on
every page, drill down from a chart, and save screenshots under test-artifacts/."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.formatting import count, pct
from tests.browser import (
    ARTIFACTS,
    ROOT,
    browser_page,
    chromium_or_skip,
    streamlit_server,
    wait_idle,
)
from tests.make_screenshots import capture

pytestmark = pytest.mark.browser
SAMPLE = ROOT / "sample_data" / "riverside_case_export.csv"


def metrics_json(db: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def tile(page, label: str) -> str:
    """The value shown on the metric tile with this label."""
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.first.get_by_test_id("stMetricValue").inner_text()


def open_from_sidebar(page, title: str) -> None:
    """Follow a sidebar link (the session, and so the filters, stay the same)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
    wait_idle(page)


def test_upload_then_every_page_in_a_real_browser(tmp_path: Path):
    chromium = chromium_or_skip()
    ARTIFACTS.mkdir(exist_ok=True)
    db = tmp_path / "browser.duckdb"
    shown: dict[str, str] = {}
    with streamlit_server(db) as url, browser_page(chromium) as page:
        page.goto(url)
        page.get_by_text("No referrals yet").wait_for(timeout=60_000)
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
        page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
        wait_idle(page)
        # The sidebar defaults to the trailing 12 months; show everything to compare totals.
        page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="All data").click()
        wait_idle(page)
        for label in ("Referrals", "Concentration (HHI)", "Largest partner"):
            shown[label] = tile(page, label)
        capture(page, ARTIFACTS / "04-overview.png")
        # Every chart and table downloads: the chart as PNG, its data and the tables as CSV.
        downloads = page.get_by_test_id("stDownloadButton")
        with page.expect_download(timeout=60_000) as csv_file:
            downloads.filter(has_text="CSV").last.click()
        sources_csv = Path(csv_file.value.path()).read_text(encoding="utf-8-sig")
        with page.expect_download(timeout=60_000) as png_file:
            downloads.filter(has_text="PNG").first.click()
        assert png_file.value.suggested_filename == "referrals_by_source.png"
        assert Path(png_file.value.path()).read_bytes().startswith(b"\x89PNG")

        open_from_sidebar(page, "Sources & concentration")
        period = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Period")
        assert period.input_value() == "All data"  # the sidebar filters are kept
        shown["concentration HHI"] = tile(page, "Concentration (HHI)")
        shown["Partners sending 80%"] = tile(page, "Partners sending 80%")
        capture(page, ARTIFACTS / "05-concentration.png")

        # Drill down: a click on the tallest bar of the Pareto chart opens that partner.
        page.locator(".js-plotly-plot").first.locator("g.point path").first.click(force=True)
        page.get_by_role("heading", name="Partner view", level=1).wait_for(timeout=60_000)
        page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
        wait_idle(page)
        partner = page.get_by_test_id("stMain").get_by_role("combobox", name="Partner")
        shown["drill-down partner"] = partner.input_value()
        shown["partner share"] = tile(page, "Share of referrals")
        capture(page, ARTIFACTS / "06-partner.png")

        open_from_sidebar(page, "Physician dependence")
        shown["Physician share"] = tile(page, "Physician share")
        capture(page, ARTIFACTS / "07-dependence.png")

        open_from_sidebar(page, "Trends & alerts")
        shown["Declining partners"] = tile(page, "Declining partners")
        shown["Dormant partners"] = tile(page, "Dormant partners")
        capture(page, ARTIFACTS / "08-trends.png")

    # The store is free again once the server is gone: read `metrics --json` for the same data.
    expected = metrics_json(db)
    c = expected["concentration"]
    assert shown["Referrals"] == count(expected["referrals"])
    assert shown["Concentration (HHI)"] == shown["concentration HHI"] == count(c["hhi"])
    assert shown["Largest partner"] == shown["partner share"] == pct(c["cr1"])
    assert shown["Partners sending 80%"] == f"{c['partners_for_80pct']} of {c['partners']}"
    top = expected["valuation"]["checks"][0]["sentence"]  # "The largest partner, X, sends..."
    assert f"The largest partner, {shown['drill-down partner']}, sends" in top
    sources = {row["Source"]: row for row in csv.DictReader(io.StringIO(sources_csv))}
    physicians = int(sources["Physician"]["Referrals"])
    assert abs(physicians - expected["mix"]["physician"] * expected["referrals"]) < 1
    dependence = expected["physician_dependence"]
    assert shown["Physician share"] == pct(dependence["physician_share"])
    assert shown["Declining partners"] == str(len(expected["alerts"]["declining"]))
    assert shown["Dormant partners"] == str(len(expected["alerts"]["dormant"]))
