"""The slide deck, opened back with python-pptx: title slide with the practice's name and
logo, the headline figures, the charts, the scorecard, the stress test and the action list,
every shape inside the slide."""

from __future__ import annotations

import io
from functools import cache

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from analytics import charts
from analytics import formatting as fmt
from analytics.metrics.scorecard import STATUS_WORDS
from analytics.report.slides import slides_bytes
from analytics.report.words import action_rows
from tests.browser import chromium_or_skip
from tests.reports import (
    FORMULA_NAMES,
    PRACTICE,
    cli_metrics,
    formula_content,
    sample_content,
    sample_images,
)


@pytest.fixture(scope="module", autouse=True)
def needs_chromium():
    if not charts.png_available():
        chromium_or_skip()


@cache
def deck(with_logo: bool = True) -> Presentation:
    return Presentation(io.BytesIO(slides_bytes(sample_content(with_logo), sample_images())))


def texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


def tables(slide) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for shape in slide.shapes
        if shape.has_table
    ]


def pictures(slide) -> int:
    return sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)


def slide_titled(presentation, title: str):
    return next(s for s in presentation.slides if texts(s).startswith(title))


def test_title_slide_with_name_period_and_logo():
    first = deck().slides[0]
    assert PRACTICE in texts(first) and "Nov 1, 2025 – Oct 31, 2026" in texts(first)
    assert pictures(first) == 1
    assert pictures(deck(with_logo=False).slides[0]) == 0


def test_headline_figures_are_metrics_json():
    summary = cli_metrics()
    text = texts(slide_titled(deck(), "Headline figures"))
    c = summary["concentration"]
    for shown in (
        fmt.count(summary["referrals"]),
        fmt.money(summary["revenue"]),
        fmt.pct(summary["conversion_rate"]),
        fmt.count(c["hhi"]),
        fmt.pct(c["cr1"]),
    ):
        assert shown in text, shown


@pytest.mark.parametrize(
    "title",
    [
        "Where new patients come from",
        "Sources and concentration",
        "Concentration over time",
        "Physician dependence",
        "How each check moved over the last 12 months",
        "Stress test: what if partners stop referring?",
    ],
)
def test_chart_slides_carry_their_chart(title):
    assert pictures(slide_titled(deck(), title)) == 1


def test_scorecard_table():
    content = sample_content()
    (table,) = tables(slide_titled(deck(), "Valuation readiness"))
    assert table[0] == ["Check", "Value", "Status", "What it means"]
    assert table[1:] == [
        [c["label"], c["shown"], STATUS_WORDS[c["status"]], c["sentence"]]
        for c in content.scorecard
    ]


def test_stress_test_tables():
    content = sample_content()
    first = content.scenarios[0]
    (losses,) = tables(slide_titled(deck(), "Stress test"))
    assert losses[0][1] == "Maria Okafor, MD stops"
    rows = {row[0]: row[1] for row in losses}
    assert rows["Referrals lost a year"] == (
        f"{fmt.count(first['referrals_lost_per_year'])} ({fmt.pct(first['referral_share_lost'])})"
    )
    assert rows["Contribution lost a year"].endswith("at 40%")
    (after,) = tables(slide_titled(deck(), "The scorecard if they stopped"))
    assert [row[0] for row in after[1:]] == [c["label"] for c in content.scorecard]
    assert [row[2] for row in after[1:]] == [
        f"{c['shown']} · {STATUS_WORDS[c['status']]}" for c in first["scorecard_after"]
    ]


def test_action_list_table():
    (table,) = tables(slide_titled(deck(), "This week's action list"))
    assert table[1:] == action_rows(sample_content(), limit=12)


def test_every_shape_is_inside_its_slide():
    presentation = deck()
    for number, slide in enumerate(presentation.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= presentation.slide_width, (number, shape.name)
            assert shape.top + shape.height <= presentation.slide_height, (number, shape.name)


def test_names_from_exports_are_printed_as_typed():
    content = formula_content()
    presentation = Presentation(io.BytesIO(slides_bytes(content, sample_images())))
    assert "=Practice()" in texts(presentation.slides[0])
    everything = " ".join(texts(s) for s in presentation.slides)
    for name in FORMULA_NAMES[:3]:  # the top three partners are named in the stress test
        assert name in everything
