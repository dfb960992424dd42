"""The PDF report (reportlab): title page, headline figures, concentration and dependence
charts, the valuation scorecard and its trend, the stress test, the action list, sources."""

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
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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

__all__ = ["pdf_bytes"]

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
ACTIONS_SHOWN = 25
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@cache
def _fonts() -> tuple[str, str]:
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


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
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


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    # Every text from data is escaped: a partner named "<b>" or "&" stays as typed.
    return Paragraph(escape(str(text)), style)


def _table(
    rows: list[list[str]],
    header: list[str],
    widths: list[float],
    styles: dict[str, ParagraphStyle],
    right: set[int] = frozenset(),
    fills: list[tuple[int, int, colors.Color]] = (),
) -> Table:
    """A table of wrapped text cells that fits `widths` (fractions of the page width)."""
    head = [_p(h, styles["head_right" if i in right else "head"]) for i, h in enumerate(header)]
    body = [
        [_p(v, styles["cell_right" if i in right else "cell"]) for i, v in enumerate(row)]
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


def _image(images: ReportImages, name: str, width: float = WIDTH, max_height: float = 4.2 * inch):
    if name not in images.png:
        return Spacer(1, 0)
    height = width * images.aspect(name)
    if height > max_height:
        width, height = max_height / images.aspect(name), max_height
    return Image(io.BytesIO(images.png[name]), width=width, height=height)


def _logo(content: ReportContent, max_width: float, max_height: float):
    if not content.logo:
        return None
    try:
        reader = ImageReader(io.BytesIO(content.logo))
        w, h = reader.getSize()
    except Exception:
        return None
    scale = min(max_width / w, max_height / h)
    return Image(io.BytesIO(content.logo), width=w * scale, height=h * scale, hAlign="LEFT")


def _title_page(content: ReportContent, styles) -> list:
    story: list = []
    logo = _logo(content, 3 * inch, 1.3 * inch)
    story += [logo, Spacer(1, 0.35 * inch)] if logo else [Spacer(1, 0.8 * inch)]
    story += [
        _p(content.title, styles["title"]),
        Spacer(1, 6),
        _p("Referral analytics report", styles["subtitle"]),
        _p(content.period, styles["subtitle"]),
        Spacer(1, 0.35 * inch),
    ]
    rows = [[label, value] for label, value in content.settings]
    settings = _table(rows, ["Prepared from", ""], [0.3, 0.7], styles)
    if content.stale_note:
        story += [_p(content.stale_note, styles["body"]), Spacer(1, 6)]
    story += [settings, Spacer(1, 0.35 * inch), _p("At a glance", styles["h2"])]
    story += [
        Paragraph(escape(line), styles["bullet"], bulletText="•") for line in at_a_glance(content)
    ]
    story.append(PageBreak())
    return story


def _kpi_tiles(content: ReportContent, styles) -> Table:
    cells = []
    for kpi in content.overview.kpis:
        note = " · ".join(x for x in (kpi.delta, kpi.note) if x)
        cells.append(
            [
                _p(kpi.label, styles["tile_label"]),
                _p(kpi.text, styles["tile_value"]),
                _p(note or " ", styles["tile_note"]),
            ]
        )
    grid = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    table = Table(grid, colWidths=[WIDTH / 4] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


def _headline(content: ReportContent, images: ReportImages, styles) -> list:
    o = content.overview
    compared = f" Changes compare with {o.compared_with}." if o.compared_with else ""
    mix = o.mix
    rows = [
        [
            r["Source"],
            fmt.count(r["Referrals"]),
            fmt.pct(r["Share"]),
            fmt.money(r["Revenue"]),
            fmt.pct(r["Conversion"]),
        ]
        for _, r in mix.iterrows()
    ]
    return [
        _p("Headline figures", styles["h1"]),
        _p(f"{content.period}.{compared}", styles["small"]),
        Spacer(1, 6),
        _kpi_tiles(content, styles),
        Spacer(1, 10),
        _image(images, "mix", max_height=3.3 * inch),
        KeepTogether(
            [
                _p("Where new patients come from", styles["h2"]),
                _table(
                    rows,
                    ["Source", "Referrals", "Share", "Revenue", "Conversion"],
                    [0.36, 0.16, 0.14, 0.18, 0.16],
                    styles,
                    right={1, 2, 3, 4},
                ),
            ]
        ),
        PageBreak(),
    ]


def _concentration(content: ReportContent, images: ReportImages, styles) -> list:
    return [
        _p("Sources and concentration", styles["h1"]),
        _p(concentration_sentence(content), styles["body"]),
        Spacer(1, 6),
        _image(images, "pareto", max_height=4.4 * inch),
        Spacer(1, 6),
        _image(images, "hhi", max_height=3.6 * inch),
        PageBreak(),
    ]


def _dependence(content: ReportContent, images: ReportImages, styles) -> list:
    d = content.dependence
    story = [
        _p("Physician dependence", styles["h1"]),
        _p(dependence_sentence(content), styles["body"]),
        Spacer(1, 6),
        _image(images, "groups", max_height=3.6 * inch),
    ]
    if not d.key_referrers.empty:
        rows = [
            [
                r["Partner"],
                r["Type"],
                fmt.pct(r["Share of referrals"]),
                fmt.money(r["Revenue at risk"]),
                fmt.pct(r["Share of revenue"]),
            ]
            for _, r in d.key_referrers.iterrows()
        ]
        story.append(
            KeepTogether(
                [
                    _p("Key referrers: revenue at risk if they stop", styles["h2"]),
                    _table(
                        rows,
                        ["Partner", "Type", "Share of referrals", "Revenue at risk", "Of revenue"],
                        [0.34, 0.18, 0.16, 0.16, 0.16],
                        styles,
                        right={2, 3, 4},
                    ),
                ]
            )
        )
    rows = [
        [
            r["Partner"],
            r["Type"],
            fmt.count(r["Referrals"]),
            fmt.pct(r["Share"]),
            fmt.money(r["Revenue"]),
        ]
        for _, r in d.top_physicians.iterrows()
    ]
    story += [
        KeepTogether(
            [
                _p("Top physicians", styles["h2"]),
                _table(
                    rows,
                    ["Partner", "Type", "Referrals", "Share", "Revenue"],
                    [0.38, 0.18, 0.14, 0.14, 0.16],
                    styles,
                    right={2, 3, 4},
                ),
            ]
        ),
        PageBreak(),
    ]
    return story


def _scorecard(content: ReportContent, images: ReportImages, styles) -> list:
    rows, fills = [], []
    for i, c in enumerate(content.scorecard, start=1):
        rows.append([c["label"], c["shown"], STATUS_WORDS[c["status"]], c["sentence"], c["rule"]])
        fills.append((2, i, STATUS_COLORS[c["status"]]))
    return [
        _p("Valuation readiness", styles["h1"]),
        _p(
            "Buyers and their lenders discount a practice that hangs on one or two referrers. "
            "Each check reads the period against published rules of thumb (sources at the end).",
            styles["body"],
        ),
        Spacer(1, 6),
        _table(
            rows,
            ["Check", "Value", "Status", "What it means", "Threshold"],
            [0.19, 0.15, 0.08, 0.36, 0.22],
            styles,
            fills=fills,
        ),
        PageBreak(),
        _p("How each check moved over the last 12 months", styles["h1"]),
        _p(
            "Each point is the check over the 12 months ending that month: a falling line on "
            "the concentration checks is what a buyer wants to see before a sale. Dots are "
            "coloured by status; dashed lines are the watch and risk thresholds.",
            styles["body"],
        ),
        Spacer(1, 6),
        _image(images, "scorecard_trend_tall", max_height=8.2 * inch),
        PageBreak(),
    ]


def _stress(content: ReportContent, images: ReportImages, styles) -> list:
    story = [_p("Stress test: what if partners stop referring?", styles["h1"])]
    if not content.scenarios:
        return [*story, _p("No partner referred in the period.", styles["body"]), PageBreak()]
    table = side_by_side(content.scenarios, content.scorecard)
    table = table[~table["Measure"].isin(unset_measures(content))]
    n = len(table.columns) - 1
    first = 0.25
    widths = [first] + [(1 - first) / n] * n
    story += [
        _p(stress_note(content), styles["body"]),
        Spacer(1, 6),
        _image(images, "scenarios", max_height=2.8 * inch),
        Spacer(1, 6),
        _table(table.values.tolist(), list(table.columns), widths, styles),
        PageBreak(),
    ]
    return story


def _actions(content: ReportContent, styles) -> list:
    story = [_p("This week's action list", styles["h1"])]
    if content.engagement is None:
        return [
            *story,
            _p(
                "No outreach log in this store: upload the log of lunches, visits and calls to "
                "get the partners to call and to thank each week.",
                styles["body"],
            ),
        ]
    rows = action_rows(content)
    if not rows:
        return [
            *story,
            _p("Nothing to do this week: no partner is slipping or overdue.", styles["body"]),
        ]
    shown = rows[:ACTIONS_SHOWN]
    story += [
        _p(
            f"Week ending {content.engagement.end} ({content.data_through.lower()}): partners "
            f"slipping, valuable partners with no contact in {content.engagement.overdue_days} "
            "days, and recent referrers to thank."
            + (f" {content.stale_note}" if content.stale_note else ""),
            styles["body"],
        ),
        Spacer(1, 6),
        _table(shown, list(ACTION_COLUMNS), [0.1, 0.25, 0.38, 0.1, 0.17], styles, right={3}),
    ]
    if len(rows) > len(shown):
        story.append(
            _p(
                f"{len(rows) - len(shown)} more in the workbook (sheet “This week”).",
                styles["small"],
            )
        )
    return story


def _sources(styles) -> list:
    story = [CondPageBreak(2.5 * inch), _p("Where the thresholds come from", styles["h2"])]
    for name, text in SOURCES:
        story.append(Paragraph(f"<b>{escape(name)}.</b> {escape(text)}", styles["small"]))
        story.append(Spacer(1, 3))
    return story


def _footer(content: ReportContent, regular: str):
    def draw(canvas, doc) -> None:
        if doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 0.4 * inch, f"{content.title} · {content.period}")
        canvas.drawRightString(PAGE[0] - MARGIN, 0.4 * inch, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def pdf_bytes(content: ReportContent, images: ReportImages) -> bytes:
    """The report as PDF bytes (US Letter, portrait)."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{content.title}: referral analytics report",
        author="Referral Power",
        subject=content.period,
    )
    story = [
        *_title_page(content, styles),
        *_headline(content, images, styles),
        *_concentration(content, images, styles),
        *_dependence(content, images, styles),
        *_scorecard(content, images, styles),
        *_stress(content, images, styles),
        *_actions(content, styles),
        *_sources(styles),
    ]
    footer = _footer(content, _fonts()[0])
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
