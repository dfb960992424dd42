"""The PDF report, read back with pypdf: title page with the practice's name and logo, the
headline figures, the charts, the scorecard, the stress test and the action list, with the
numbers of `metrics --json` and the pages."""

from __future__ import annotations

import io
from dataclasses import replace
from functools import cache

import pytest
from pypdf import PdfReader

from analytics import charts
from analytics import formatting as fmt
from analytics.metrics.scenarios import side_by_side
from analytics.metrics.scorecard import STATUS_WORDS
from analytics.report.pdf import pdf_bytes
from analytics.report.words import action_rows
from tests.browser import chromium_or_skip
from tests.reports import PRACTICE, cli_metrics, formula_content, sample_content, sample_images


@pytest.fixture(scope="module", autouse=True)
def needs_chromium():
    if not charts.png_available():
        chromium_or_skip()


@cache
def sample_pdf() -> bytes:
    return pdf_bytes(sample_content(), sample_images())


@pytest.fixture(scope="module")
def pages() -> list[str]:
    reader = PdfReader(io.BytesIO(sample_pdf()))
    # Text as one line per page run: tables and paragraphs wrap differently from the page.
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def text_of(pages: list[str]) -> str:
    return " ".join(pages)


def test_title_page_names_the_practice_and_the_period(pages):
    assert PRACTICE in pages[0]
    assert "Referral analytics report" in pages[0]
    assert "Nov 1, 2025 – Oct 31, 2026" in pages[0]
    assert "At a glance" in pages[0]


def test_logo_is_on_the_title_page_only_when_given():
    with_logo = PdfReader(io.BytesIO(sample_pdf()))
    assert len(with_logo.pages[0].images) == 1
    plain = PdfReader(io.BytesIO(pdf_bytes(sample_content(with_logo=False), sample_images())))
    assert len(plain.pages[0].images) == 0
    assert len(plain.pages) == len(with_logo.pages)


def test_headline_figures_are_metrics_json(pages):
    summary = cli_metrics()
    c = summary["concentration"]
    text = text_of(pages)
    for shown in (
        fmt.count(summary["referrals"]),
        fmt.count(summary["arrived"]),
        fmt.pct(summary["conversion_rate"]),
        fmt.money(summary["revenue"]),
        fmt.count(c["partners"]),
        fmt.count(c["hhi"]),
        fmt.pct(c["cr1"]),
        fmt.pct(summary["patient_share"]),
    ):
        assert shown in pages[1], shown
    key = summary["physician_dependence"]["key_referrers"][0]
    assert f"{key['name']} Physician {fmt.pct(key['share'])} {fmt.money(key['revenue'])}" in text


def test_charts_are_images_in_the_report():
    reader = PdfReader(io.BytesIO(sample_pdf()))
    images = sum(len(page.images) for page in reader.pages)
    # Logo, mix, Pareto, HHI, physician share, scorecard trend, scenarios.
    assert images == 7


def test_scorecard_and_its_sources(pages):
    text = text_of(pages)
    assert "Valuation readiness" in text
    for check in sample_content().scorecard:
        assert check["label"] in text.replace("\u00ad", "")
        assert STATUS_WORDS[check["status"]] in text
    assert "How each check moved over the last 12 months" in text
    assert "Where the thresholds come from" in text
    assert "ASC 280-10-50-42" in text and "Merger Guidelines (2023)" in text


def test_stress_test_numbers_are_the_scenarios(pages):
    content = sample_content()
    text = text_of(pages)
    first = content.scenarios[0]
    assert first["name"] == "Maria Okafor, MD stops"
    table = side_by_side(content.scenarios, content.scorecard).set_index("Measure")
    for measure in ("Referrals lost a year", "Revenue lost a year", "Contribution lost a year"):
        assert table.at[measure, first["name"]] in text, measure
    assert (
        f"{fmt.count(first['referrals_lost_per_year'])} ({fmt.pct(first['referral_share_lost'])})"
        in text
    )


def test_action_list(pages):
    content = sample_content()
    text = text_of(pages)
    assert "This week's action list" in text
    for action, partner, *_ in action_rows(content, limit=5):
        assert f"{action} {partner}" in text


def test_names_from_exports_are_printed_as_typed():
    # The sample's charts will do: this is about the text.
    reader = PdfReader(io.BytesIO(pdf_bytes(formula_content(), sample_images())))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "<b>Dr & Co</b>" in text
    assert "=Practice()" in text


def test_without_an_outreach_log_the_action_list_says_so():
    content = replace(sample_content(with_logo=False), engagement=None, roi=None)
    reader = PdfReader(io.BytesIO(pdf_bytes(content, sample_images())))
    assert "No outreach log in this store" in reader.pages[-1].extract_text().replace("\n", " ")
