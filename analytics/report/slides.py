"""The slide deck (python-pptx, 16:9): the story a consultant tells a client, one point a
slide, with the same numbers and charts as the pages and the PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from analytics import formatting as fmt
from analytics.metrics.scenarios import side_by_side
from analytics.metrics.scorecard import STATUS_WORDS
from analytics.report.content import ReportContent
from analytics.report.images import ReportImages
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

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
INK = RGBColor(0x1F, 0x2A, 0x33)
GREY = RGBColor(0x56, 0x60, 0x6A)
RULE = RGBColor(0xD6, 0xDC, 0xE1)
HEAD = RGBColor(0xF2, 0xF4, 0xF6)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
ACCENT = RGBColor(0x00, 0x72, 0xB2)
STATUS_FILLS = {
    "ok": RGBColor(0xD5, 0xEF, 0xE6),
    "watch": RGBColor(0xFB, 0xEB, 0xC8),
    "risk": RGBColor(0xF7, 0xD5, 0xC6),
    "na": RGBColor(0xF2, 0xF4, 0xF6),
}
ACTIONS_SHOWN = 12
ROW_HEIGHT = Inches(0.36)
FONT = "Calibri"


def _text(
    slide: Slide,
    text: str | Sequence[str],
    left,
    top,
    width,
    height,
    size: float = 16,
    bold: bool = False,
    color: RGBColor = INK,
    align=PP_ALIGN.LEFT,
    bullets: bool = False,
):
    """A text box; a list of strings gives one paragraph each."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = 0
    lines = [text] if isinstance(text, str) else list(text)
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.space_after = Pt(size * 0.5 if bullets else 0)
        run = paragraph.add_run()
        run.text = f"•  {line}" if bullets else line
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = color
    return box


def _slide(deck: Presentation, content: ReportContent, title: str, subtitle: str | None = None):
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, title, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.7), 28, True)
    if subtitle:
        _text(slide, subtitle, MARGIN, Inches(1.0), WIDTH - 2 * MARGIN, Inches(0.7), 14, color=GREY)
    footer = f"{content.title} · {content.period}"
    _text(slide, footer, MARGIN, HEIGHT - Inches(0.45), Inches(8), Inches(0.3), 10, color=GREY)
    number = str(len(deck.slides))
    _text(
        slide,
        number,
        WIDTH - MARGIN - Inches(1),
        HEIGHT - Inches(0.45),
        Inches(1),
        Inches(0.3),
        10,
        color=GREY,
        align=PP_ALIGN.RIGHT,
    )
    return slide


def _picture(slide: Slide, images: ReportImages, name: str, left, top, width, height) -> None:
    """The chart, as large as fits the box, centred in it."""
    if name not in images.png:
        return
    aspect = images.aspect(name)
    w = width
    h = int(w * aspect)
    if h > height:
        h, w = height, int(height / aspect)
    x = left + (width - w) // 2
    slide.shapes.add_picture(io.BytesIO(images.png[name]), x, top, Emu(w), Emu(h))


def _table(
    slide: Slide,
    rows: list[list[str]],
    header: list[str],
    left,
    top,
    widths: Sequence[float],
    size: float = 12,
    right: set[int] = frozenset(),
    fills: dict[tuple[int, int], RGBColor] | None = None,
    row_height=None,
):
    """A plain table: grey header, thin rules, the given column widths (inches)."""
    row_height = row_height or ROW_HEIGHT
    shape = slide.shapes.add_table(
        len(rows) + 1, len(header), left, top, Inches(sum(widths)), row_height * (len(rows) + 1)
    )
    table = shape.table
    table.first_row = True
    for j, width in enumerate(widths):
        table.columns[j].width = Inches(width)
    for i, values in enumerate([header, *rows]):
        table.rows[i].height = row_height
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.fill.solid()
            fill = (fills or {}).get((i, j))
            cell.fill.fore_color.rgb = HEAD if i == 0 else fill or WHITE
            paragraph = cell.text_frame.paragraphs[0]
            cell.text_frame.word_wrap = True
            paragraph.alignment = PP_ALIGN.RIGHT if j in right else PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = str(value)
            run.font.size, run.font.name, run.font.bold = Pt(size), FONT, i == 0
            run.font.color.rgb = INK
    return table


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
    _text(slide, content.title, MARGIN, top, WIDTH - 2 * MARGIN, Inches(1.3), 44, True)
    _text(
        slide,
        "Referral analytics",
        MARGIN,
        top + Inches(1.25),
        WIDTH - 2 * MARGIN,
        Inches(0.6),
        24,
        color=GREY,
    )
    _text(
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
    _text(
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
    slide = _slide(deck, content, "Headline figures", f"{content.period}. {compared}")
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
        _text(
            slide,
            kpi.label,
            left + pad,
            top + Inches(0.08),
            tile_w - 2 * pad,
            Inches(0.3),
            12,
            color=GREY,
        )
        _text(
            slide, kpi.text, left + pad, top + Inches(0.36), tile_w - 2 * pad, Inches(0.5), 26, True
        )
        note = " · ".join(x for x in (kpi.delta, kpi.note) if x)
        if note:
            _text(
                slide,
                note,
                left + pad,
                top + Inches(0.88),
                tile_w - 2 * pad,
                Inches(0.3),
                11,
                color=GREY,
            )
    _text(slide, "At a glance", MARGIN, Inches(4.5), Inches(6), Inches(0.4), 16, True)
    _text(
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
    slide = _slide(deck, content, title, subtitle)
    top = Inches(1.65) if subtitle else Inches(1.2)
    _picture(slide, images, name, MARGIN, top, WIDTH - 2 * MARGIN, HEIGHT - top - Inches(0.6))


def _dependence_slide(deck, content, images) -> None:
    slide = _slide(deck, content, "Physician dependence", dependence_sentence(content))
    keys = content.dependence.key_referrers
    chart_width = WIDTH - 2 * MARGIN if keys.empty else Inches(8.2)
    _picture(slide, images, "groups", MARGIN, Inches(1.7), chart_width, Inches(5.1))
    if keys.empty:
        return
    left = MARGIN + Inches(8.45)
    _text(
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
    _text(slide, lines, left, Inches(2.6), Inches(3.7), Inches(3.5), 14, bullets=True)


def _scorecard_slide(deck, content) -> None:
    slide = _slide(
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
    _table(
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
        slide = _slide(deck, content, "Stress test: what if partners stop referring?")
        _text(
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
    slide = _slide(
        deck,
        content,
        "Stress test: what if partners stop referring?",
        "What the practice loses in a year, before any replacement.",
    )
    n = len(table.columns) - 2
    _picture(slide, images, "scenarios_narrow", MARGIN, Inches(1.6), Inches(4.5), Inches(4.4))
    rows = table.iloc[:losses].drop(columns="Today")
    rows = rows[~rows["Measure"].isin(unset_measures(content))]
    widths = [2.0] + [5.3 / n] * n
    _table(
        slide,
        rows.values.tolist(),
        list(rows.columns),
        MARGIN + Inches(4.8),
        Inches(1.6),
        widths,
        size=10.5,
        row_height=Inches(0.5),
    )
    _text(
        slide,
        stress_note(content),
        MARGIN,
        HEIGHT - Inches(1.25),
        WIDTH - 2 * MARGIN,
        Inches(0.7),
        11,
        color=GREY,
    )
    slide = _slide(
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
    _table(
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
    slide = _slide(
        deck,
        content,
        "This week's action list",
        " ".join(filter(None, [f"{content.data_through}.", content.stale_note])),
    )
    if content.engagement is None:
        _text(
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
        _text(
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
    _table(
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
        _text(
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
    slide = _slide(deck, content, "Where the thresholds come from")
    top = Inches(1.3)
    for name, text in SOURCES:
        _text(slide, name, MARGIN, top, Inches(3.2), Inches(0.9), 13, True)
        _text(slide, text, MARGIN + Inches(3.3), top, Inches(8.8), Inches(0.9), 13)
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
