"""Which sheets of a workbook hold the data: each sheet's table under its header band, the
sheets left out and why, and the clinic a sheet's name gives."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analytics.errors import IngestError
from analytics.ingest import mapping as mapping_mod
from analytics.ingest.layout import find_header, header_band
from analytics.ingest.readers import Grid, Workbook

# Sheets that summarise the others: read only when no other sheet holds the rows.
SUMMARY_NAME = re.compile(
    r"\b(summary|summaries|pivot|totals?|dashboard|charts?|graphs?|overview|instructions?|"
    r"read\s?me|notes|lookups?|lists?|settings|config|legend|template|by\s+month|by\s+source)\b",
    re.IGNORECASE,
)
# Sheet names that say nothing about a clinic.
GENERIC_NAME = re.compile(
    r"^(sheet|table|tabelle|feuil|hoja|blad|page|data|export|report|referrals?|details?|raw|"
    r"log|all|list|new patients|patients|cases|results|query|worksheet)\s*\d*$",
    re.IGNORECASE,
)
_MONTHS = (
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?"
)
# Month, quarter and year tabs ("Jan 2025", "2025-03", "Q1 25", "FY2024"): periods, not clinics.
PERIOD_NAME = re.compile(
    rf"^\s*((({_MONTHS})\.?[\s\-_/']*(\d{{2}}|\d{{4}})?)|(\d{{4}}[\s\-_/.]*(\d{{1,2}}|q[1-4])?)|"
    rf"(q[1-4][\s\-_/']*(\d{{2}}|\d{{4}})?)|(fy\s*\d{{2,4}})|(\d{{1,2}}[\s\-_/.]\d{{2,4}})|"
    rf"(\d{{4}}[\s\-_/.]*({_MONTHS})))\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SheetTable:
    """One sheet's table: its column labels and the rows below its header band."""

    sheet: str
    header_index: int  # row index (0-based) of the header's last row
    band_rows: int  # caption rows joined into the labels above it
    headers: list[str]
    body: pd.DataFrame  # columns named by headers; body row j is spreadsheet row header+2+j

    @property
    def first_row(self) -> int:
        """The spreadsheet row number of body row 0."""
        return self.header_index + 2


@dataclass(frozen=True)
class SheetNote:
    """What became of one sheet: read (with its rows) or skipped (with why)."""

    sheet: str
    status: str  # "read" | "skipped"
    reason: str = ""
    rows: int = 0

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "status": self.status,
            "reason": self.reason,
            "rows": self.rows,
        }


def is_summary_name(sheet: str) -> bool:
    """True for a sheet named like a pivot or summary ("Summary", "Totals by month")."""
    return bool(SUMMARY_NAME.search(sheet))


def clinic_from_name(sheet: str) -> str | None:
    """The clinic a sheet's name gives ("Downtown"), or None for generic names and periods."""
    name = " ".join(sheet.split())
    if not name or GENERIC_NAME.match(name) or PERIOD_NAME.match(name) or is_summary_name(name):
        return None
    if not re.search(r"[^\W\d_]", name):
        return None  # digits and punctuation only
    return name


def table_of(grid: Grid, kind: str) -> SheetTable | None:
    """The sheet's table under its header (band joined), or None when it has no rows."""
    if not grid.head:
        return None
    index = find_header(grid.head, kind)
    labels, bands = header_band(grid.head, index, grid.merged)
    headers = mapping_mod.unique_headers(labels)
    body = grid.body(index)
    if body.shape[1] < len(headers):
        for col in range(body.shape[1], len(headers)):
            body[col] = None
    body = body.iloc[:, : len(headers)]
    body.columns = headers
    if body.empty or not headers:
        return None
    return SheetTable(grid.sheet, index, bands, headers, body)


def candidate_tables(
    book: Workbook, kind: str, wanted: str | None, file_name: str
) -> tuple[list[SheetTable], list[SheetNote]]:
    """Every sheet's table in workbook order, or only the chosen sheet's; empty sheets noted."""
    if wanted is not None and wanted not in book.sheets:
        raise IngestError(
            f"{file_name} has no sheet named '{wanted}'; its sheets are: {', '.join(book.sheets)}."
        )
    tables: list[SheetTable] = []
    notes: list[SheetNote] = []
    for name, grid in book.sheets.items():
        if wanted is not None and name != wanted:
            notes.append(SheetNote(name, "skipped", "not chosen (one sheet was asked for)"))
            continue
        table = table_of(grid, kind)
        if table is None:
            notes.append(SheetNote(name, "skipped", "no rows under its header"))
            continue
        if (
            wanted is None
            and len(book.sheets) > 1
            and mapping_mod.header_score(table.headers, kind) < 1
        ):
            notes.append(SheetNote(name, "skipped", "no column is named like a referral field"))
            continue
        tables.append(table)
    if not tables:
        raise IngestError(
            f"{file_name} has a header but no rows of data; check the report's date range."
        )
    return tables, notes
