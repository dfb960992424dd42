"""The slide deck (python-pptx, 16:9): the story a consultant tells a client, one point a
slide, with the same numbers and charts as the pages and the PDF."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.util import Inches

from analytics import formatting as fmt
from analytics.metrics.scenarios import side_by_side
from analytics.metrics.scorecard import STATUS_WORDS
from analytics.report.content import ReportContent
from analytics.report.images import ReportImages
from analytics.report.slide_blocks import (
    ACCENT,
    GREY,
    HEIGHT,
    MARGIN,
    RULE,
    STATUS_FILLS,
    WHITE,
    WIDTH,
    new_slide,
    picture_shape,
    table_shape,
    text_box,
)
from analytics.report.words import (
    ACTION_COLUMNS,
    SOURCES,
    action_rows,
    at_a_glance,
    concentration_sentence,
    dependence_sentence,
    stress_note,
    unset_measures,
)

__all__ = ["slides_bytes"]


ACTIONS_SHOWN = 12


def _title_slide(deck: Presentation, content: ReportContent) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    top = Inches(1.3)
    if content.logo:
        try:
            slide.shapes.add_picture(
                io.BytesIO(content.logo), MARGIN, Inches(0.6), height=Inches(1.1)
            )
            top = Inches(2.3)
        except Exception:
            pass
    band = slide.shapes.add_shape(1, 0, HEIGHT - Inches(0.35), WIDTH, Inches(0.35))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    text_box(slide, content.title, MARGIN, top, WIDTH - 2 * MARGIN, Inches(1.3), 44, True)
    text_box(
        slide,
        "Referral analytics",
        MARGIN,
        top + Inches(1.25),
        WIDTH - 2 * MARGIN,
        Inches(0.6),
        24,
        color=GREY,
    )
    text_box(
        slide,
        content.period,
        MARGIN,
        top + Inches(1.85),
        WIDTH - 2 * MARGIN,
        Inches(0.6),
        20,
        color=GREY,
    )
    prepared = f"Prepared {fmt.day(content.exported_at)} · {content.data_through}"
    settings = dict(content.settings)
    scope = (
        f"{settings['Clinics']} · concentration by {settings['Concentration measured by'].lower()}"
    )
    text_box(
        slide,
        [prepared, scope, *([content.stale_note] if content.stale_note else [])],
        MARGIN,
        top + Inches(2.8),
        WIDTH - 2 * MARGIN,
        Inches(0.8),
        14,
        color=GREY,
    )


def _kpi_slide(deck: Presentation, content: ReportContent) -> None:
    o = content.overview
    compared = f"Changes compare with {o.compared_with}." if o.compared_with else ""
    slide = new_slide(deck, content, "Headline figures", f"{content.period}. {compared}")
    tile_w, tile_h, gap = Inches(2.9), Inches(1.25), Inches(0.17)
    for i, kpi in enumerate(o.kpis):
        row, col = divmod(i, 4)
        left = MARGIN + col * (tile_w + gap)
        top = Inches(1.6) + row * (tile_h + gap)
        tile = slide.shapes.add_shape(1, left, top, tile_w, tile_h)
        tile.fill.solid()
        tile.fill.fore_color.rgb = WHITE
        tile.line.color.rgb = RULE
        pad = Inches(0.15)
        text_box(
            slide,
            kpi.label,
            left + pad,
            top + Inches(0.08),
            tile_w - 2 * pad,
            Inches(0.3),
            12,
            color=GREY,
        )
        text_box(
            slide, kpi.text, left + pad, top + Inches(0.36), tile_w - 2 * pad, Inches(0.5), 26, True
        )
        note = " · ".join(x for x in (kpi.delta, kpi.note) if x)
        if note:
            text_box(
                slide,
                note,
                left + pad,
                top + Inches(0.88),
                tile_w - 2 * pad,
                Inches(0.3),
                11,
                color=GREY,
            )
    text_box(slide, "At a glance", MARGIN, Inches(4.5), Inches(6), Inches(0.4), 16, True)
    text_box(
        slide,
        at_a_glance(content),
        MARGIN,
        Inches(4.95),
        WIDTH - 2 * MARGIN,
        Inches(2),
        14,
        bullets=True,
    )


def _chart_slide(deck, content, images, name: str, title: str, subtitle: str | None) -> None:
    slide = new_slide(deck, content, title, subtitle)
    top = Inches(1.65) if subtitle else Inches(1.2)
    picture_shape(slide, images, name, MARGIN, top, WIDTH - 2 * MARGIN, HEIGHT - top - Inches(0.6))


def _dependence_slide(deck, content, images) -> None:
    slide = new_slide(deck, content, "Physician dependence", dependence_sentence(content))
    keys = content.dependence.key_referrers
    chart_width = WIDTH - 2 * MARGIN if keys.empty else Inches(8.2)
    picture_shape(slide, images, "groups", MARGIN, Inches(1.7), chart_width, Inches(5.1))
    if keys.empty:
        return
    left = MARGIN + Inches(8.45)
    text_box(
        slide,
        "Revenue at risk if a key referrer stops",
        left,
        Inches(1.8),
        Inches(3.7),
        Inches(0.7),
        16,
        True,
    )
    lines = []
    for _, r in keys.head(5).iterrows():
        at_risk = (
            fmt.money(r["Revenue at risk"])
            if r["Revenue at risk"] == r["Revenue at risk"]
            else "n/a"
        )
        lines.append(
            f"{r['Partner']}: {fmt.pct(r['Share of referrals'])} of referrals, {at_risk} "
            f"({fmt.pct(r['Share of revenue'])} of revenue)"
        )
    text_box(slide, lines, left, Inches(2.6), Inches(3.7), Inches(3.5), 14, bullets=True)


def _scorecard_slide(deck, content) -> None:
    slide = new_slide(
        deck,
        content,
        "Valuation readiness",
        "Buyers discount a practice that hangs on one or two referrers. Thresholds: published "
        "rules of thumb (last slide).",
    )
    rows, fills = [], {}
    for i, c in enumerate(content.scorecard, start=1):
        rows.append([c["label"], c["shown"], STATUS_WORDS[c["status"]], c["sentence"]])
        fills[(i, 2)] = STATUS_FILLS[c["status"]]
    table_shape(
        slide,
        rows,
        ["Check", "Value", "Status", "What it means"],
        MARGIN,
        Inches(1.55),
        [2.9, 2.1, 0.9, 6.2],
        size=11,
        fills=fills,
        row_height=Inches(0.55),
    )


def _stress_slides(deck, content, images) -> None:
    if not content.scenarios:
        slide = new_slide(deck, content, "Stress test: what if partners stop referring?")
        text_box(
            slide,
            "No partner referred in the period.",
            MARGIN,
            Inches(1.5),
            Inches(8),
            Inches(0.5),
            16,
        )
        return
    table = side_by_side(content.scenarios, content.scorecard)
    losses = 7
    slide = new_slide(
        deck,
        content,
        "Stress test: what if partners stop referring?",
        "What the practice loses in a year, before any replacement.",
    )
    n = len(table.columns) - 2
    picture_shape(slide, images, "scenarios_narrow", MARGIN, Inches(1.6), Inches(4.5), Inches(4.4))
    rows = table.iloc[:losses].drop(columns="Today")
    rows = rows[~rows["Measure"].isin(unset_measures(content))]
    widths = [2.0] + [5.3 / n] * n
    table_shape(
        slide,
        rows.values.tolist(),
        list(rows.columns),
        MARGIN + Inches(4.8),
        Inches(1.6),
        widths,
        size=10.5,
        row_height=Inches(0.5),
    )
    text_box(
        slide,
        stress_note(content),
        MARGIN,
        HEIGHT - Inches(1.25),
        WIDTH - 2 * MARGIN,
        Inches(0.7),
        11,
        color=GREY,
    )
    slide = new_slide(
        deck,
        content,
        "The scorecard if they stopped",
        "Each check of the same period without those partners' referrals.",
    )
    after = table.iloc[losses:]
    fills = {}
    for i, (_, row) in enumerate(after.iterrows(), start=1):
        for j, value in enumerate(row.tolist()[1:], start=1):
            status = str(value).rsplit("· ", 1)[-1].lower()
            if status in STATUS_FILLS:
                fills[(i, j)] = STATUS_FILLS[status]
    widths = [2.8] + [9.3 / (n + 1)] * (n + 1)
    table_shape(
        slide,
        after.values.tolist(),
        list(after.columns),
        MARGIN,
        Inches(1.65),
        widths,
        size=11,
        fills=fills,
        row_height=Inches(0.56),
    )


def _actions_slide(deck, content) -> None:
    slide = new_slide(
        deck,
        content,
        "This week's action list",
        " ".join(filter(None, [f"{content.data_through}.", content.stale_note])),
    )
    if content.engagement is None:
        text_box(
            slide,
            "No outreach log in this store: upload the log of lunches, visits and calls "
            "to get the partners to call and to thank each week.",
            MARGIN,
            Inches(1.5),
            Inches(10),
            Inches(1),
            16,
        )
        return
    rows = action_rows(content)
    if not rows:
        text_box(
            slide,
            "Nothing to do this week: no partner is slipping or overdue.",
            MARGIN,
            Inches(1.5),
            Inches(10),
            Inches(1),
            16,
        )
        return
    shown = rows[:ACTIONS_SHOWN]
    table_shape(
        slide,
        shown,
        list(ACTION_COLUMNS),
        MARGIN,
        Inches(1.25),
        [1.1, 2.9, 4.6, 1.1, 2.4],
        size=11,
        right={3},
        row_height=Inches(0.36),
    )
    if len(rows) > len(shown):
        text_box(
            slide,
            f"{len(rows) - len(shown)} more in the workbook (sheet “This week”).",
            MARGIN,
            HEIGHT - Inches(0.9),
            Inches(8),
            Inches(0.3),
            12,
            color=GREY,
        )


def _sources_slide(deck, content) -> None:
    slide = new_slide(deck, content, "Where the thresholds come from")
    top = Inches(1.3)
    for name, text in SOURCES:
        text_box(slide, name, MARGIN, top, Inches(3.2), Inches(0.9), 13, True)
        text_box(slide, text, MARGIN + Inches(3.3), top, Inches(8.8), Inches(0.9), 13)
        top += Inches(1.05)


def slides_bytes(content: ReportContent, images: ReportImages) -> bytes:
    """The deck as .pptx bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = f"{content.title}: referral analytics"
    deck.core_properties.author = "Referral Power"
    _title_slide(deck, content)
    _kpi_slide(deck, content)
    _chart_slide(deck, content, images, "mix", "Where new patients come from", None)
    _chart_slide(
        deck,
        content,
        images,
        "pareto_wide",
        "Sources and concentration",
        concentration_sentence(content),
    )
    _chart_slide(
        deck,
        content,
        images,
        "hhi",
        "Concentration over time",
        "Under 1,000 referrals are spread over many partners; above 1,800 a few hold them "
        "(2023 U.S. Merger Guidelines scale).",
    )
    _dependence_slide(deck, content, images)
    _scorecard_slide(deck, content)
    _chart_slide(
        deck,
        content,
        images,
        "scorecard_trend",
        "How each check moved over the last 12 months",
        "Each point: the check over the 12 months ending that month. Dashed: watch and risk.",
    )
    _stress_slides(deck, content, images)
    _actions_slide(deck, content)
    _sources_slide(deck, content)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
