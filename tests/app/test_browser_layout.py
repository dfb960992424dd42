"""In headless Chromium (findings 8 and 11 of issue 12): pages hold at 1024 px and on a
tablet (no figure, button or name cut short), a browser print is a clean handout, and a link
carries the practice and the filters to another session."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser import ROOT, browser_page, chromium_or_skip, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

# Elements whose text must show whole: tile figures and notes, buttons, multiselect chips.
CUT_SHORT = """() => {
  const cut = [];
  const pick = '[data-testid="stMetricValue"] div, [data-testid="stMetricDelta"] div, '
    + '[data-testid="stMain"] button p, [data-testid="stMain"] [data-baseweb="tag"] span';
  for (const e of document.querySelectorAll(pick)) {
    if (!e.offsetParent || !e.textContent.trim()) continue;
    if (e.scrollWidth > e.clientWidth + 1) cut.push(e.textContent.trim());
  }
  return cut;
}"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("layout") / "referrals.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "sample", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return db


def _open(page, url: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    page.get_by_test_id("stMetric").first.wait_for(timeout=90_000)
    wait_idle(page)


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (768, 1024)])
def test_nothing_is_cut_short_on_a_laptop_or_tablet(sample, width, height):
    chromium = chromium_or_skip()
    with streamlit_server(sample) as url, browser_page(chromium) as page:
        page.set_viewport_size({"width": width, "height": height})
        for path in ("", "roi", "valuation", "engagement", "concentration"):
            _open(page, url, path)
            assert page.evaluate(CUT_SHORT) == [], path


def test_a_browser_print_is_a_clean_handout(sample, tmp_path):
    chromium = chromium_or_skip()
    with streamlit_server(sample) as url, browser_page(chromium) as page:
        _open(page, url, "")
        page.emulate_media(media="print")
        assert page.get_by_test_id("stSidebar").evaluate("e => getComputedStyle(e).display") == (
            "none"
        )
        pdf = page.pdf(format="Letter", print_background=True)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    text = " ".join(pages)
    # The whole page, not the first screen of a scrolling box; no sidebar or buttons.
    assert len(pages) >= 2
    assert "Five things that need attention" in text and "Where new patients come from" in text
    assert "Count partners as" not in text and "Measure concentration by" not in text
    assert "CSV" not in text


def test_a_link_carries_practice_and_filters(sample):
    chromium = chromium_or_skip()
    with streamlit_server(sample) as url, browser_page(chromium) as page:
        _open(page, url, "")
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("combobox", name="Period").click()
        page.get_by_role("option", name="All data").click()
        wait_idle(page)
        sidebar.get_by_text("Revenue", exact=True).click()
        wait_idle(page)
        link = page.url
        shown = page.get_by_test_id("stMetricValue").first.inner_text()
        assert "practice=referrals" in link and "period_preset=All" in link, link
        assert "basis=Revenue" in link, link
        # Another session (a colleague opening the link) sees the same practice and filters.
        other = page.context.browser.new_page(viewport={"width": 1440, "height": 1000})
        other.goto(link)
        other.get_by_test_id("stMetric").first.wait_for(timeout=90_000)
        wait_idle(other)
        period = other.get_by_test_id("stSidebar").get_by_role("combobox", name="Period")
        assert period.input_value() == "All data"
        assert other.get_by_test_id("stSidebar").get_by_role("radio", name="Revenue").is_checked()
        assert other.get_by_test_id("stMetricValue").first.inner_text() == shown
