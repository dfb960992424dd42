"""The data-room workbook: every table of every page on its own sheet, formatted, behind a
cover sheet that says what period, filters and store it was made from and when.

No cell holds a formula: partner names and notes come from uploaded files, so every text
cell is written as text (OWASP's CSV-injection guidance), whatever it starts with.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from analytics import formatting as fmt
from analytics.metrics.scorecard import STATUS_WORDS, scorecard_table, trend_table
from analytics.report.content import ReportContent
from analytics.safe_csv import FORMULA_STARTS
from analytics.views import outreach as outreach_pages
from analytics.views import overview as page_data

__all__ = ["NUMBER_FORMATS", "Sheet", "report_sheets", "workbook_bytes", "write_text"]

NUMBER_FORMATS = {
    "month": "mmm yyyy",
    "date": "mmm d, yyyy",
    "datetime": "mmm d, yyyy h:mm",
    "percent": "0.0%",
    "money": '"$"#,##0',
    "count": "#,##0",
    "decimal": "#,##0.0",
    "p_value": "0.0E+00",
    "multiple": '0.0"×"',
}
HEADER_FILL = PatternFill("solid", fgColor="1F2A33")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F2A33")
NOTE_FONT = Font(italic=True, color="56606A")
STATUS_FILLS = {
    "OK": PatternFill("solid", fgColor="D5EFE6"),
    "Watch": PatternFill("solid", fgColor="FBEBC8"),
    "Risk": PatternFill("solid", fgColor="F7D5C6"),
    "Not enough data": PatternFill("solid", fgColor="F2F4F6"),
}
THIN = Side(style="thin", color="D6DCE1")
HEADER_ROW = 4
MAX_WIDTH = 60
WRAP_WIDTH = 45
EXCEL_TEXT_LIMIT = 32_767
LINE_HEIGHT = 15


@dataclass(frozen=True)
class Sheet:
    """One table on its own sheet: where it comes from and how its columns read."""

    name: str
    page: str
    title: str
    frame: pd.DataFrame
    kinds: Callable[[pd.DataFrame], dict[str, str]] = page_data.column_kinds
    # A column whose rows read differently (a count, then a share...): one kind per row.
    row_kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()


def write_text(cell: Cell, text: str) -> None:
    """Put text in a cell as text: never a formula, whatever it starts with."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:EXCEL_TEXT_LIMIT]
    cell.value = text
    # openpyxl reads "=..." as a formula; "s" writes it as an inline string instead.
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        # Excel keeps it text even when someone edits the cell and presses Enter.
        cell.quotePrefix = True


def _put(cell: Cell, value) -> None:
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, (list, tuple, np.ndarray)):
        write_text(cell, ", ".join(str(v) for v in value))
    elif isinstance(value, str):
        write_text(cell, value)
    elif isinstance(value, (bool, np.bool_)):
        write_text(cell, "Yes" if value else "No")
    elif isinstance(value, pd.Timestamp):
        cell.value = value.to_pydatetime()
    elif isinstance(value, (datetime, date)):
        cell.value = value
    elif isinstance(value, (int, np.integer)):
        cell.value = int(value)
    elif isinstance(value, (float, np.floating)):
        if np.isfinite(value):
            cell.value = float(value)
    else:
        write_text(cell, str(value))


def _kinds(sheet: Sheet) -> dict[str, str]:
    kinds = sheet.kinds(sheet.frame)
    for column in sheet.frame.columns:
        name = str(column)
        numbers = pd.api.types.is_float_dtype(sheet.frame[column])
        if name == "Month" and pd.api.types.is_datetime64_any_dtype(sheet.frame[column]):
            kinds[name] = "month"
        elif numbers and "share" in name.lower():
            kinds[name] = "percent"
        if name in kinds:
            continue
        if pd.api.types.is_datetime64_any_dtype(sheet.frame[column]):
            times = sheet.frame[column].dropna()
            has_time = bool((times != times.dt.normalize()).any())
            kinds[name] = "datetime" if has_time else "date"
        elif pd.api.types.is_float_dtype(sheet.frame[column]):
            # Counts with gaps (NaN) arrive as floats: whole numbers read as counts.
            values = sheet.frame[column].dropna()
            whole = len(values) and bool((values == values.round()).all())
            kinds[name] = "count" if whole else "decimal"
        elif pd.api.types.is_integer_dtype(sheet.frame[column]):
            kinds[name] = "count"
    return kinds


def _width(values: pd.Series, header: str, kind: str | None) -> float:
    if kind in ("date", "month"):
        longest = 13
    elif kind == "datetime":
        longest = 18
    elif kind in ("percent", "p_value"):
        longest = 8
    elif kind in ("money", "count", "decimal"):
        numbers = pd.to_numeric(values, errors="coerce").abs()
        top = numbers.max() if numbers.notna().any() else 0
        longest = (
            len(f"{top:,.0f}") + (2 if kind == "money" else 0) + (2 if kind == "decimal" else 0)
        )
    else:
        sample = values.head(500).dropna().map(str)
        longest = int(sample.str.len().max()) if len(sample) else 0
    return min(MAX_WIDTH, max(longest, len(header) if len(header) < 30 else 14) + 2, 255)


def _print_setup(ws: Worksheet, landscape: bool = True) -> None:
    """Printed (or saved as PDF) a sheet fits the page width, its header on every page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (words kept whole)."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _write_sheet(ws: Worksheet, sheet: Sheet, subtitle: str) -> None:
    frame = sheet.frame
    _print_setup(ws)
    write_text(ws.cell(1, 1), sheet.title)
    ws.cell(1, 1).font = TITLE_FONT
    write_text(ws.cell(2, 1), f"{sheet.page} page · {subtitle}")
    ws.cell(2, 1).font = NOTE_FONT
    kinds = _kinds(sheet)
    if frame.shape[1] == 0:
        write_text(ws.cell(HEADER_ROW, 1), "Nothing to show for this period.")
        return
    if frame.empty:
        write_text(ws.cell(HEADER_ROW + 1, 1), "Nothing to show for this period.")
    columns = [frame.iloc[:, j] for j in range(frame.shape[1])]
    header_lines = 1
    wrapped_lines = np.ones(len(frame), dtype="int64")
    for j, (name, values) in enumerate(zip(frame.columns, columns, strict=True), start=1):
        kind = kinds.get(str(name))
        number_format = NUMBER_FORMATS.get(kind or "")
        width = _width(values, str(name), kind)
        wrap = width >= MAX_WIDTH
        width = WRAP_WIDTH if wrap else width
        numeric = kind is not None and kind not in ("sparkline",)
        header = ws.cell(HEADER_ROW, j)
        write_text(header, str(name))
        header.font, header.fill = HEADER_FONT, HEADER_FILL
        header.alignment = Alignment(
            wrap_text=True,
            vertical="center",
            horizontal="right" if numeric else "left",
            indent=0 if numeric or j == 1 else 1,
        )
        # Bold header letters run wider than the column's body text.
        header_lines = max(header_lines, _lines(str(name), width * 0.85))
        per_row = dict(sheet.row_kinds).get(str(name))
        for i, value in enumerate(values.tolist(), start=HEADER_ROW + 1):
            cell = ws.cell(i, j)
            _put(cell, value)
            if per_row:
                number_format = NUMBER_FORMATS.get(per_row[i - HEADER_ROW - 1])
            if number_format and cell.value is not None and cell.data_type != "s":
                cell.number_format = number_format
                # The one rounding rule (analytics.formatting): shares kept to 4 decimals and
                # money to the cent, so Excel shows what the pages and the PDF show.
                if number_format == NUMBER_FORMATS["percent"]:
                    cell.value = fmt.half_up(cell.value, fmt.SHARE_DIGITS)
                elif number_format == NUMBER_FORMATS["money"]:
                    cell.value = fmt.half_up(cell.value, 2)
            # A space between a right-aligned number and the text after it.
            indent = 1 if j > 1 and cell.data_type == "s" else 0
            cell.alignment = Alignment(wrap_text=wrap, vertical="top", indent=indent)
            if wrap:
                row = i - HEADER_ROW - 1
                wrapped_lines[row] = max(wrapped_lines[row], _lines(str(cell.value or ""), width))
            if str(name) == "Status" or str(name).endswith(" after"):
                fill = STATUS_FILLS.get(str(value))
                if fill:
                    cell.fill = fill
        ws.column_dimensions[get_column_letter(j)].width = width
    # Spreadsheets do not grow a row for wrapped text on their own: set the heights.
    for row, lines in enumerate(wrapped_lines, start=HEADER_ROW + 1):
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
    ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * header_lines + 6
    last = get_column_letter(frame.shape[1])
    # A name first (a partner, a check): it stays in view while scrolling right.
    first_is_name = kinds.get(str(frame.columns[0])) is None and frame.shape[1] > 3
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2 if first_is_name else 1)
    if len(frame):
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(frame)}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.sheet_view.showGridLines = True


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
    outreach = outreach_pages.column_kinds
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
    _print_setup(ws)
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
        _write_sheet(book.create_sheet(sheet.name), sheet, subtitle)
    book.properties.title = f"{content.title}: referral analytics"
    book.properties.creator = "Referral Power"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
