"""The PDF's look and building blocks: page, colours, fonts, styles, paragraphs, tables, images."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from analytics.report.content import ReportContent
from analytics.report.images import ReportImages

PAGE = letter
MARGIN = 0.6 * inch
WIDTH = PAGE[0] - 2 * MARGIN
INK = colors.HexColor("#1F2A33")
GREY = colors.HexColor("#56606A")
RULE = colors.HexColor("#D6DCE1")
HEAD = colors.HexColor("#F2F4F6")
STATUS_COLORS = {
    "ok": colors.HexColor("#D5EFE6"),
    "watch": colors.HexColor("#FBEBC8"),
    "risk": colors.HexColor("#F7D5C6"),
    "na": colors.HexColor("#F2F4F6"),
}


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@cache
def register_fonts() -> tuple[str, str]:
    """(regular, bold) font names registered with reportlab: fonts with accents and symbols
    (names come from exports), DejaVu where the system has it, else the Bitstream Vera that
    ships with reportlab."""
    bundled = Path(reportlab.__file__).resolve().parent / "fonts"
    candidates = [
        (DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"),
        (bundled / "Vera.ttf", bundled / "VeraBd.ttf"),
    ]
    for regular, bold in candidates:
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("ReportSans", str(regular)))
            pdfmetrics.registerFont(TTFont("ReportSans-Bold", str(bold)))
            # So <b> in a paragraph picks the bold face.
            registerFontFamily(
                "ReportSans",
                normal="ReportSans",
                bold="ReportSans-Bold",
                italic="ReportSans",
                boldItalic="ReportSans-Bold",
            )
            return "ReportSans", "ReportSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def make_styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    base = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": base,
        "bullet": ParagraphStyle("bullet", base, leftIndent=12, bulletIndent=0, spaceAfter=4),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=GREY),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "cell_right": ParagraphStyle(
            "cell_right", base, fontSize=8, leading=10, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=8, leading=10),
        "head_right": ParagraphStyle(
            "head_right", base, fontName=bold, fontSize=8, leading=10, alignment=TA_RIGHT
        ),
        "h1": ParagraphStyle(
            "h1", base, fontName=bold, fontSize=16, leading=20, spaceBefore=4, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", base, fontName=bold, fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4
        ),
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=28, leading=34),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=14, leading=19, textColor=GREY),
        "tile_label": ParagraphStyle("tile_label", base, fontSize=8, leading=10, textColor=GREY),
        "tile_value": ParagraphStyle("tile_value", base, fontName=bold, fontSize=17, leading=21),
        "tile_note": ParagraphStyle("tile_note", base, fontSize=7.5, leading=9.5, textColor=GREY),
    }


def para(text: object, style: ParagraphStyle) -> Paragraph:
    # Every text from data is escaped: a partner named "<b>" or "&" stays as typed.
    return Paragraph(escape(str(text)), style)


def pdf_table(
    rows: list[list[str]],
    header: list[str],
    widths: list[float],
    styles: dict[str, ParagraphStyle],
    right: set[int] = frozenset(),
    fills: list[tuple[int, int, colors.Color]] = (),
) -> Table:
    """A table of wrapped text cells that fits `widths` (fractions of the page width)."""
    head = [para(h, styles["head_right" if i in right else "head"]) for i, h in enumerate(header)]
    body = [
        [para(v, styles["cell_right" if i in right else "cell"]) for i, v in enumerate(row)]
        for row in rows
    ]
    table = Table([head, *body], colWidths=[w * WIDTH for w in widths], repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    style += [("BACKGROUND", (col, row), (col, row), fill) for col, row, fill in fills]
    table.setStyle(TableStyle(style))
    return table


def chart_image(
    images: ReportImages, name: str, width: float = WIDTH, max_height: float = 4.2 * inch
):
    if name not in images.png:
        return Spacer(1, 0)
    height = width * images.aspect(name)
    if height > max_height:
        width, height = max_height / images.aspect(name), max_height
    return Image(io.BytesIO(images.png[name]), width=width, height=height)


def logo_image(content: ReportContent, max_width: float, max_height: float):
    if not content.logo:
        return None
    try:
        reader = ImageReader(io.BytesIO(content.logo))
        w, h = reader.getSize()
    except Exception:
        return None
    scale = min(max_width / w, max_height / h)
    return Image(io.BytesIO(content.logo), width=w * scale, height=h * scale, hAlign="LEFT")
