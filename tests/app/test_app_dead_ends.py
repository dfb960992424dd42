"""Dead ends and loose ends (finding 9 of issue 12): the printable list is labelled as the
download it is, the logo uploader takes what a profile keeps, reports print the practice's
name and how current the data is, and the action list says when its data is weeks old."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime

import openpyxl
import pytest
from pypdf import PdfReader

from analytics.report.content import content_from_store
from analytics.report.workbook import workbook_bytes
from analytics.store import Store
from analytics.views.freshness import stale_note
from tests import reports
from tests.app.test_app_roi import build_sample_db, open_page
from tests.conftest import ROOT
from tests.reports import trailing_year


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    """The sample practice with its outreach log, in a store of its own."""
    return build_sample_db(tmp_path_factory.mktemp("dead_ends"))


def test_stale_note():
    last = date(2026, 10, 31)
    assert stale_note(last, date(2026, 11, 14)) is None  # two weeks: a monthly export's lag
    assert stale_note(last, date(2026, 12, 4)) == (
        "The data ends Oct 31, 2026, 34 days (4 weeks) before Dec 4, 2026: upload the latest "
        "export before acting on it."
    )


def _content(now: datetime, **options):
    store = Store(reports.sample_db())
    try:
        return content_from_store(store, trailing_year(), now=now, **options)
    finally:
        store.close()


def test_the_workbook_cover_names_the_practice_and_how_old_the_data_is():
    content = _content(datetime(2026, 12, 4, 9, 0), practice_name="Harbor Physical Therapy")
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes(content)))["Cover"]
    cells = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert cells["Practice"] == "Harbor Physical Therapy"
    assert cells["Data through"] == "Oct 31, 2026"
    assert "Store" not in cells
    text = " ".join(str(v) for r in ws.iter_rows(values_only=True) for v in r if v)
    assert ".duckdb" not in text
    assert content.stale_note and "34 days" in content.stale_note
    fresh = _content(datetime(2026, 11, 2, 9, 0))
    assert fresh.stale_note is None


def test_the_pdf_cover_and_action_list_say_how_old_the_data_is():
    from analytics import charts

    if not charts.png_available():
        pytest.skip("The PDF needs Chromium for its charts.")
    from analytics.report.images import report_images
    from analytics.report.pdf import pdf_bytes

    content = _content(datetime(2026, 12, 4, 9, 0), practice_name="Harbor Physical Therapy")
    pages = [
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(pdf_bytes(content, report_images(content)))).pages
    ]
    assert "Harbor Physical Therapy" in pages[0] and "Data through Oct 31, 2026" in pages[0]
    assert "34 days (4 weeks) before Dec 4, 2026" in pages[0]
    assert "northside_pt" not in " ".join(pages) and ".duckdb" not in " ".join(pages)
    action_page = next(p for p in pages if "Week ending" in p)
    assert "(data through oct 31, 2026)" in action_page.lower()
    assert "34 days" in action_page


def test_the_cli_report_is_titled_with_the_practice_name(tmp_path):
    out = tmp_path / "report.xlsx"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics",
            "report",
            "--db",
            str(reports.sample_db()),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    ws = openpyxl.load_workbook(out)["Cover"]
    text = [str(v) for r in ws.iter_rows(values_only=True) for v in r if v]
    assert "Sample practice (demo)" in text  # the sample's profile name, not "Northside Pt"
    assert not any(".duckdb" in t for t in text)


def test_engagement_page_labels_the_download_and_warns_of_old_data(
    sample_db,
    monkeypatch,
    tmp_path,
):
    at = open_page(sample_db, monkeypatch, "pages/engagement.py", tmp_path)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download printable list (HTML)" in labels and "Printable list" not in labels
    captions = " ".join(c.value for c in at.caption)
    assert "Downloads an HTML file" in captions and "Opens as a page" not in captions
    last = date(2026, 10, 31)
    old = (date.today() - last).days > 14
    warned = any("before acting on it" in w.value for w in at.warning)
    assert warned == old


def test_logo_uploaders_take_what_a_profile_keeps(sample_db, monkeypatch, tmp_path):
    at = open_page(sample_db, monkeypatch, "pages/valuation.py", tmp_path)
    logo = next(u for u in at.get("file_uploader") if u.proto.label.startswith("Logo"))
    assert logo.proto.max_upload_size_mb == 2
