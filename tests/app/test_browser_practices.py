"""End to end in headless Chromium with two practices in one data folder: every report and
download is the chosen practice's, never the one the server opened first."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from analytics import formatting as fmt
from analytics.store.practices import create_practice
from tests.app.test_browser import metrics_json
from tests.browser import ROOT, browser_page, chromium_or_skip, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
SECOND = ROOT / "sample_data" / "riverside_case_export.csv"
HARBOR = "Harbor Physical Therapy"


def _cli(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "analytics", *args], cwd=ROOT, check=True, capture_output=True
    )


def two_practices(folder: Path) -> tuple[Path, Path]:
    """The sample practice (the server's default store) and Harbor, a practice of its own."""
    folder.mkdir()
    default = folder / "referrals.duckdb"
    _cli("sample", "--db", str(default))
    harbor = create_practice(folder, HARBOR)
    _cli("ingest", str(SECOND), "--db", str(harbor))
    return default, harbor


def choose_all_data(page) -> None:
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Period").click()
    page.get_by_role("option", name="All data").click()
    wait_idle(page)


def open_harbor(page, url: str) -> None:
    """Open Harbor on the Practices page, as a consultant does."""
    page.goto(f"{url}/stores")
    wait_idle(page)
    # The one practice not open yet is Harbor: its card has the only Open button.
    page.get_by_test_id("stMain").get_by_role("button", name="Open", exact=True).click()
    page.get_by_text("Open now").wait_for()
    wait_idle(page)


def go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    wait_idle(page)


def download(page, label: str) -> bytes:
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).first
    with page.expect_download(timeout=180_000) as file:
        button.click()
    return Path(file.value.path()).read_bytes()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def deck_text(data: bytes) -> str:
    parts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
    return " ".join(" ".join(parts).split())


def workbook_figures(data: bytes) -> dict:
    ws = openpyxl.load_workbook(io.BytesIO(data))["Headline figures"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Figure")
    return {r[0]: r[1] for r in rows[header + 1 :] if r and r[0]}


def test_reports_of_the_second_practice_hold_its_numbers(tmp_path: Path):
    chromium = chromium_or_skip()
    default, harbor = two_practices(tmp_path / "data")
    with streamlit_server(default) as url, browser_page(chromium) as page:
        open_harbor(page, url)
        go(page, "Valuation readiness")
        choose_all_data(page)
        page.get_by_test_id("stDownloadButton").filter(has_text="Workbook").wait_for()
        files = {
            kind: download(page, label)
            for kind, label in (("xlsx", "Workbook"), ("pdf", "PDF report"), ("pptx", "Slide deck"))
        }
    expected = metrics_json(harbor)
    other = metrics_json(default)
    assert expected["referrals"] != other["referrals"]  # two practices, two sets of numbers
    c = expected["concentration"]
    top = expected["physician_dependence"]["key_referrers"][0]
    figures = workbook_figures(files["xlsx"])
    assert figures["Referrals"] == expected["referrals"]
    assert figures["Largest partner"] == pytest.approx(c["cr1"], abs=5e-5)
    for kind in ("pdf", "pptx"):
        text = pdf_text(files[kind]) if kind == "pdf" else deck_text(files[kind])
        assert HARBOR in text, kind
        assert fmt.count(expected["referrals"]) in text, kind
        assert fmt.pct(c["cr1"]) in text, kind
        assert fmt.count(other["referrals"]) not in text, kind
        if kind == "pdf":
            assert top["name"] in text
    # A download built outside the session logs this (and falls back to the default store).
    assert "missing ScriptRunContext" not in (default.parent / "streamlit.log").read_text()
