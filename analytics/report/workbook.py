"""The data-room workbook: every table of every page on its own sheet, formatted, behind a
cover sheet that says what period, filters and store it was made from and when.

No cell holds a formula: partner names and notes come from uploaded files, so every text
cell is written as text (OWASP's CSV-injection guidance), whatever it starts with.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from analytics.metrics.scorecard import STATUS_WORDS, scorecard_table, trend_table
from analytics.report.content import ReportContent
from analytics.report.sheets import (
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT,
    NOTE_FONT,
    NUMBER_FORMATS,
    THIN,
    Sheet,
    print_setup,
    write_sheet,
    write_text,
)
from analytics.views import outreach_base

__all__ = ["report_sheets", "workbook_bytes"]


def _kpi_table(content: ReportContent) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Figure": [k.label for k in content.overview.kpis],
            "Value": [k.value for k in content.overview.kpis],
            "As shown": [k.text for k in content.overview.kpis],
            "Period before": [k.previous for k in content.overview.kpis],
            "Change": [k.delta or "" for k in content.overview.kpis],
            "What it means": [k.help for k in content.overview.kpis],
        }
    ).astype({"Value": "float64", "Period before": "float64"})


KPI_KINDS = {
    "referrals": "count",
    "arrived": "count",
    "conversion_rate": "percent",
    "revenue": "money",
    "partners": "count",
    "hhi": "count",
    "cr1": "percent",
    "patient_share": "percent",
}


def _kpi_sheet(content: ReportContent) -> Sheet:
    kinds = tuple(KPI_KINDS.get(k.key, "decimal") for k in content.overview.kpis)
    frame = _kpi_table(content)
    return Sheet(
        "Headline figures",
        "Overview",
        "Headline figures, against the equally long period before",
        frame,
        _fixed({}),
        row_kinds=(("Value", kinds), ("Period before", kinds)),
    )


def _fixed(kinds: dict[str, str]) -> Callable[[pd.DataFrame], dict[str, str]]:
    return lambda frame: {c: k for c, k in kinds.items() if c in frame.columns}


def _scenario_kinds(frame: pd.DataFrame) -> dict[str, str]:
    kinds = {}
    for column in frame.columns:
        if column.startswith("Share") or column in ("Contribution margin", "Largest share after"):
            kinds[column] = "percent"
        elif column.startswith(("Revenue", "Contribution", "Value")):
            kinds[column] = "money"
        elif column.startswith(("Referrals", "HHI")):
            kinds[column] = "count"
    return kinds


def _trend_kinds(frame: pd.DataFrame) -> dict[str, str]:
    kinds = {"Month": "month"}
    for column in frame.columns[1:]:
        kinds[column] = "count" if column in ("HHI", "Key referrers gone quiet") else "percent"
    return kinds


def _stress_sheet(content: ReportContent) -> Sheet:
    """The scenarios as columns (numbers as numbers), then the scorecard afterwards."""
    table = content.scenario_table
    labels = [c["label"] for c in content.scorecard]
    statuses = {f"{label} after" for label in labels}
    measures = [c for c in table.columns if c != "Scenario" and c not in statuses]
    columns: dict[str, list] = {"Measure": [*measures, *(f"{x} afterwards" for x in labels)]}
    for i, result in enumerate(content.scenarios):
        name = str(table.at[i, "Scenario"])
        while name in columns:
            name += " "
        columns[name] = [table.at[i, m] for m in measures] + [
            f"{c['shown']} · {STATUS_WORDS[c['status']]}" for c in result["scorecard_after"]
        ]
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    kinds = _scenario_kinds(pd.DataFrame(columns=measures))
    per_row = tuple(kinds.get(m, "text") for m in measures) + ("text",) * len(labels)
    return Sheet(
        "Stress test",
        "Valuation readiness",
        "What if partners stop referring: the period's and a year's losses, before any "
        "replacement, and the scorecard afterwards",
        frame,
        _fixed({}),
        row_kinds=tuple((c, per_row) for c in list(columns)[1:]),
    )


def report_sheets(content: ReportContent) -> list[Sheet]:
    """Every table of every page, in the order of the app's navigation."""
    o, c, d, t = content.overview, content.concentration, content.dependence, content.trends
    sheets = [
        _kpi_sheet(content),
        Sheet("Sources", "Overview", "Where new patients come from", o.mix),
        Sheet("Monthly mix", "Overview", "Referrals per month, by source", o.mix_monthly),
        Sheet("Partners ranked", "Sources & concentration", "Partners ranked", c.pareto),
        Sheet("Lorenz curve", "Sources & concentration", "Lorenz curve points", c.lorenz),
        Sheet("HHI trend", "Sources & concentration", "Concentration (HHI) by month", c.hhi_trend),
        Sheet("Every partner", "Sources & concentration", "Every partner", c.partners),
        Sheet(
            "Physician share",
            "Physician dependence",
            "Physicians against other partners, per month",
            d.groups_monthly,
        ),
        Sheet("Top physicians", "Physician dependence", "Top physicians", d.top_physicians),
        Sheet(
            "Key referrers", "Physician dependence", "Key referrers (10% or more)", d.key_referrers
        ),
        Sheet("Monthly trend", "Trends & alerts", "Referrals and partners per month", t.monthly),
        Sheet("Declining partners", "Trends & alerts", "Declining partners", t.declining),
        Sheet("Dormant partners", "Trends & alerts", "Dormant partners", t.dormant),
        Sheet(
            "Alert evidence", "Trends & alerts", "Monthly referrals of flagged partners", t.evidence
        ),
        Sheet("New partners", "Trends & alerts", "New partners this period", t.new_partners),
        Sheet("Won and lost", "Trends & alerts", "Partners won and lost, per month", t.won_lost),
    ]
    outreach = outreach_base.column_kinds
    if content.roi is not None:
        r = content.roi
        sheets += [
            Sheet("ROI per partner", "Partner ROI", "ROI per partner", r.partners, outreach),
            Sheet("ROI by activity", "Partner ROI", "ROI by kind of outreach", r.by_type, outreach),
            Sheet("Touch response", "Partner ROI", "Referrals after a touch", r.response, outreach),
            Sheet(
                "Touch response by kind",
                "Partner ROI",
                "Referrals after a touch, by kind of outreach (90 days)",
                r.response_by_type,
                outreach,
            ),
            Sheet(
                "Top responses",
                "Partner ROI",
                "Touches followed by the biggest rise",
                r.top_responses,
                outreach,
            ),
        ]
    if content.engagement is not None:
        e = content.engagement
        sheets += [
            Sheet("This week", "Engagement", "This week's action list", e.actions, outreach),
            Sheet("Last contact", "Engagement", "Last contact against value", e.contacts, outreach),
            Sheet("Overdue", "Engagement", "Overdue valuable partners", e.overdue, outreach),
            Sheet(
                "Referring no outreach",
                "Engagement",
                "Referring without outreach",
                e.thank,
                outreach,
            ),
            Sheet(
                "Outreach no referrals",
                "Engagement",
                "Outreach without referrals",
                e.rethink,
                outreach,
            ),
            Sheet("Contact cadence", "Engagement", "Contacts per month", e.cadence, outreach),
            Sheet("Growth", "Engagement", "Growing the network", e.growth, outreach),
        ]
    scorecard = scorecard_table(content.scorecard)
    sheets += [
        Sheet("Scorecard", "Valuation readiness", "Valuation readiness scorecard", scorecard),
        Sheet(
            "Scorecard trend",
            "Valuation readiness",
            "Each check over the trailing 12 months ending in each month",
            trend_table(content.scorecard_trend),
            _trend_kinds,
        ),
    ]
    if content.scenarios:
        sheets.append(_stress_sheet(content))
    sheets += list(content.extra_sheets)
    sheets.append(Sheet("Uploads", "Upload", "Files loaded into this store", content.uploads))
    return sheets


def _cover(ws: Worksheet, content: ReportContent, sheets: list[Sheet]) -> None:
    ws.title = "Cover"
    ws.sheet_view.showGridLines = False
    print_setup(ws)
    top = 1
    if content.logo:
        try:
            image = Image(io.BytesIO(content.logo))
        except Exception:
            image = None
        if image is not None:
            scale = 60 / max(image.height, 1)
            image.width, image.height = image.width * scale, 60
            ws.add_image(image, "A1")
            ws.row_dimensions[1].height = 48
            top = 2
    write_text(ws.cell(top, 1), content.title)
    ws.cell(top, 1).font = Font(bold=True, size=18, color="1F2A33")
    write_text(ws.cell(top + 1, 1), "Referral analytics workbook: the tables behind every page")
    ws.cell(top + 1, 1).font = NOTE_FONT
    row = top + 3
    for label, value in content.settings:
        write_text(ws.cell(row, 1), label)
        ws.cell(row, 1).font = Font(bold=True)
        write_text(ws.cell(row, 2), value)
        row += 1
    row += 1
    for j, header in enumerate(("Sheet", "Page", "What it holds", "Rows"), start=1):
        cell = ws.cell(row, j)
        write_text(cell, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for sheet in sheets:
        row += 1
        link = ws.cell(row, 1)
        write_text(link, sheet.name)
        # An in-workbook link (a location, not an address a program would open).
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet.name}'!A1")
        link.font = Font(color="0072B2", underline="single")
        write_text(ws.cell(row, 2), sheet.page)
        write_text(ws.cell(row, 3), sheet.title)
        ws.cell(row, 4).value = len(sheet.frame)
        ws.cell(row, 4).number_format = NUMBER_FORMATS["count"]
        for j in range(1, 5):
            ws.cell(row, j).border = Border(bottom=THIN)
    row += 2
    write_text(
        ws.cell(row, 1),
        "Shares are fractions shown as percentages; revenue is what the export records as "
        "collected (charges where no payment was exported). Definitions: docs/metrics.md; "
        "scorecard thresholds and their sources: docs/valuation.md.",
    )
    ws.cell(row, 1).font = NOTE_FONT
    ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    ws.row_dimensions[row].height = LINE_HEIGHT * 3
    widths = (30, 26, 58, 8)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def workbook_bytes(content: ReportContent) -> bytes:
    """The workbook as .xlsx bytes."""
    book = Workbook()
    sheets = report_sheets(content)
    _cover(book.active, content, sheets)
    subtitle = f"{content.title} · {content.period}"
    for sheet in sheets:
        write_sheet(book.create_sheet(sheet.name), sheet, subtitle)
    book.properties.title = f"{content.title}: referral analytics"
    book.properties.creator = "Referral Power"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
