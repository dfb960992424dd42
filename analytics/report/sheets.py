"""One Sheet (a titled table) written to a worksheet: number formats, widths, wrapping, printing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics import formatting as fmt
from analytics.safe_csv import FORMULA_STARTS
from analytics.views import overview as page_data

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


def print_setup(ws: Worksheet, landscape: bool = True) -> None:
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


def write_sheet(ws: Worksheet, sheet: Sheet, subtitle: str) -> None:
    frame = sheet.frame
    print_setup(ws)
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
