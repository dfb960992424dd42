"""The PDF report (reportlab): title page, headline figures, concentration and dependence
charts, the valuation scorecard and its trend, the stress test, the action list, sources."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.units import inch
from reportlab.platypus import (
    CondPageBreak,
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
from analytics.report.pdf_blocks import (
    GREY,
    MARGIN,
    PAGE,
    RULE,
    STATUS_COLORS,
    WIDTH,
    chart_image,
    logo_image,
    make_styles,
    para,
    pdf_table,
    register_fonts,
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

__all__ = ["pdf_bytes"]


ACTIONS_SHOWN = 25


def _title_page(content: ReportContent, styles) -> list:
    story: list = []
    logo = logo_image(content, 3 * inch, 1.3 * inch)
    story += [logo, Spacer(1, 0.35 * inch)] if logo else [Spacer(1, 0.8 * inch)]
    story += [
        para(content.title, styles["title"]),
        Spacer(1, 6),
        para("Referral analytics report", styles["subtitle"]),
        para(content.period, styles["subtitle"]),
        Spacer(1, 0.35 * inch),
    ]
    rows = [[label, value] for label, value in content.settings]
    settings = pdf_table(rows, ["Prepared from", ""], [0.3, 0.7], styles)
    if content.stale_note:
        story += [para(content.stale_note, styles["body"]), Spacer(1, 6)]
    story += [settings, Spacer(1, 0.35 * inch), para("At a glance", styles["h2"])]
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
                para(kpi.label, styles["tile_label"]),
                para(kpi.text, styles["tile_value"]),
                para(note or " ", styles["tile_note"]),
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
        para("Headline figures", styles["h1"]),
        para(f"{content.period}.{compared}", styles["small"]),
        Spacer(1, 6),
        _kpi_tiles(content, styles),
        Spacer(1, 10),
        chart_image(images, "mix", max_height=3.3 * inch),
        KeepTogether(
            [
                para("Where new patients come from", styles["h2"]),
                pdf_table(
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
        para("Sources and concentration", styles["h1"]),
        para(concentration_sentence(content), styles["body"]),
        Spacer(1, 6),
        chart_image(images, "pareto", max_height=4.4 * inch),
        Spacer(1, 6),
        chart_image(images, "hhi", max_height=3.6 * inch),
        PageBreak(),
    ]


def _dependence(content: ReportContent, images: ReportImages, styles) -> list:
    d = content.dependence
    story = [
        para("Physician dependence", styles["h1"]),
        para(dependence_sentence(content), styles["body"]),
        Spacer(1, 6),
        chart_image(images, "groups", max_height=3.6 * inch),
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
                    para("Key referrers: revenue at risk if they stop", styles["h2"]),
                    pdf_table(
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
                para("Top physicians", styles["h2"]),
                pdf_table(
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
        para("Valuation readiness", styles["h1"]),
        para(
            "Buyers and their lenders discount a practice that hangs on one or two referrers. "
            "Each check reads the period against published rules of thumb (sources at the end).",
            styles["body"],
        ),
        Spacer(1, 6),
        pdf_table(
            rows,
            ["Check", "Value", "Status", "What it means", "Threshold"],
            [0.19, 0.15, 0.08, 0.36, 0.22],
            styles,
            fills=fills,
        ),
        PageBreak(),
        para("How each check moved over the last 12 months", styles["h1"]),
        para(
            "Each point is the check over the 12 months ending that month: a falling line on "
            "the concentration checks is what a buyer wants to see before a sale. Dots are "
            "coloured by status; dashed lines are the watch and risk thresholds.",
            styles["body"],
        ),
        Spacer(1, 6),
        chart_image(images, "scorecard_trend_tall", max_height=8.2 * inch),
        PageBreak(),
    ]


def _stress(content: ReportContent, images: ReportImages, styles) -> list:
    story = [para("Stress test: what if partners stop referring?", styles["h1"])]
    if not content.scenarios:
        return [*story, para("No partner referred in the period.", styles["body"]), PageBreak()]
    table = side_by_side(content.scenarios, content.scorecard)
    table = table[~table["Measure"].isin(unset_measures(content))]
    n = len(table.columns) - 1
    first = 0.25
    widths = [first] + [(1 - first) / n] * n
    story += [
        para(stress_note(content), styles["body"]),
        Spacer(1, 6),
        chart_image(images, "scenarios", max_height=2.8 * inch),
        Spacer(1, 6),
        pdf_table(table.values.tolist(), list(table.columns), widths, styles),
        PageBreak(),
    ]
    return story


def _actions(content: ReportContent, styles) -> list:
    story = [para("This week's action list", styles["h1"])]
    if content.engagement is None:
        return [
            *story,
            para(
                "No outreach log in this store: upload the log of lunches, visits and calls to "
                "get the partners to call and to thank each week.",
                styles["body"],
            ),
        ]
    rows = action_rows(content)
    if not rows:
        return [
            *story,
            para("Nothing to do this week: no partner is slipping or overdue.", styles["body"]),
        ]
    shown = rows[:ACTIONS_SHOWN]
    story += [
        para(
            f"Week ending {content.engagement.end} ({content.data_through.lower()}): partners "
            f"slipping, valuable partners with no contact in {content.engagement.overdue_days} "
            "days, and recent referrers to thank."
            + (f" {content.stale_note}" if content.stale_note else ""),
            styles["body"],
        ),
        Spacer(1, 6),
        pdf_table(shown, list(ACTION_COLUMNS), [0.1, 0.25, 0.38, 0.1, 0.17], styles, right={3}),
    ]
    if len(rows) > len(shown):
        story.append(
            para(
                f"{len(rows) - len(shown)} more in the workbook (sheet “This week”).",
                styles["small"],
            )
        )
    return story


def _sources(styles) -> list:
    story = [CondPageBreak(2.5 * inch), para("Where the thresholds come from", styles["h2"])]
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
    styles = make_styles()
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
    footer = _footer(content, register_fonts()[0])
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
