"""The deck's look and building blocks: 16:9 page, colours, text boxes, slides, pictures, tables."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from analytics.report.content import ReportContent
from analytics.report.images import ReportImages

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


ROW_HEIGHT = Inches(0.36)
FONT = "Calibri"


def text_box(
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


def new_slide(deck: Presentation, content: ReportContent, title: str, subtitle: str | None = None):
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    text_box(slide, title, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.7), 28, True)
    if subtitle:
        text_box(
            slide, subtitle, MARGIN, Inches(1.0), WIDTH - 2 * MARGIN, Inches(0.7), 14, color=GREY
        )
    footer = f"{content.title} · {content.period}"
    text_box(slide, footer, MARGIN, HEIGHT - Inches(0.45), Inches(8), Inches(0.3), 10, color=GREY)
    number = str(len(deck.slides))
    text_box(
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


def picture_shape(slide: Slide, images: ReportImages, name: str, left, top, width, height) -> None:
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


def table_shape(
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
