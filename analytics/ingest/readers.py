"""Turn uploaded file bytes into raw grids of cells: workbooks, delimited text, HTML tables."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analytics import limits
from analytics.errors import IngestError
from analytics.ingest.sandbox import read_sheets
from analytics.store import arrow_pool  # noqa: F401  (chooses the Arrow memory pool)

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
DELIMITERS = (",", ";", "\t", "|")
HEAD_LINES = 40  # rows looked at to find the header; title blocks are never this long
# Python's csv module stops at 128 KB a field (a process-wide setting); a long notes cell
# is allowed up to the limit, past it the file is refused in one sentence.
csv.field_size_limit(max(csv.field_size_limit(), limits.MAX_FIELD_BYTES))
# CSV cells read as missing: Arrow's defaults without "NaN", "nan", "-nan", "1.#IND"...,
# so a money cell holding them is refused and listed, not silently blank.
CSV_MISSING = ["", "#N/A", "#N/A N/A", "#NA", "N/A", "NA", "NULL", "n/a", "null"]


@dataclass(frozen=True)
class Grid:
    """One sheet: `head` holds its first rows as lists; `body(i)` reads every row below row i.

    Row i of `head` is spreadsheet row i + 1, and body row j is spreadsheet row i + 2 + j,
    so rejections can name the row a user sees in Excel.
    """

    sheet: str
    head: list[list[object]]
    body: Callable[[int], pd.DataFrame]
    # Merged cell ranges ((first_row, first_col), (last_row, last_col)), 0-based, within `head`:
    # a caption merged over several columns names each of them.
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()


@dataclass(frozen=True)
class Workbook:
    """All sheets of one file, each as a lazily read grid."""

    sheets: dict[str, Grid]
    kind: str  # "excel" | "text" | "html"


def sniff_kind(data: bytes, file_name: str) -> str:
    """Say what a file really is from its first bytes, whatever its name claims."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data or data.isspace():
        raise IngestError(f"{file_name} is empty; export the report again and upload that file.")
    if data.startswith(b"\xd0\xcf\x11\xe0") and _is_encrypted_ole(data):
        raise IngestError(
            f"{file_name} is password-protected; open it in Excel, remove the password "
            "(File > Info > Protect Workbook), save, and upload it again."
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return "excel"
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<table" in head:
        if b"<table" in data[:1_000_000].lower():
            return "html"
        raise IngestError(
            f"{file_name} is a web page without a table, not a spreadsheet; export the report "
            "as Excel or CSV and upload that."
        )
    if data.startswith(b"%PDF"):
        raise IngestError(
            f"{file_name} is a PDF, which cannot be read as data; export the report as Excel "
            "or CSV instead."
        )
    sample = data[:65536]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(
            f"{file_name} is not a spreadsheet or CSV file; export the report as Excel or CSV "
            "and upload that."
        )
    return "text"


def _is_encrypted_ole(data: bytes) -> bool:
    # Office encrypts xlsx by wrapping it in an OLE container with an "EncryptedPackage" stream.
    marker = "EncryptedPackage".encode("utf-16-le")
    return marker in data[:1_000_000] or b"EncryptionInfo" in data[:1_000_000].replace(b"\x00", b"")


def read_workbook(data: bytes, file_name: str) -> Workbook:
    """Open any supported file and list its sheets; one clear IngestError when it cannot."""
    kind = sniff_kind(data, file_name)
    if kind == "excel":
        return _read_excel(data, file_name)
    if kind == "html":
        return _read_html(data, file_name)
    return _read_text(data, file_name)


# Excel, OpenDocument ----------------------------------------------------------------------


class _ExcelSheet:
    def __init__(self, rows: list[list[object]]):
        self.rows = rows

    def body(self, header_index: int) -> pd.DataFrame:
        rows = self.rows[header_index + 1 :]
        width = len(self.rows[header_index]) if self.rows else 0
        frame = pd.DataFrame(rows, dtype=object)
        if frame.shape[1] < width:
            for col in range(frame.shape[1], width):
                frame[col] = None
        return frame.iloc[:, :width] if width else frame


def _read_excel(data: bytes, file_name: str) -> Workbook:
    # Parsed in a child process under memory and time limits: the file is hostile until read.
    sheets: dict[str, Grid] = {}
    found, merged = read_sheets(data, file_name)
    for name, rows in found.items():
        if rows is None:
            continue  # chart sheets and the like hold no cells
        if not any(any(cell not in ("", None) for cell in row) for row in rows[:HEAD_LINES]):
            continue
        sheets[name] = Grid(
            sheet=name,
            head=[list(r) for r in rows[:HEAD_LINES]],
            body=_ExcelSheet(rows).body,
            merged=merged.get(name, ()),
        )
    if not sheets:
        raise IngestError(
            f"{file_name} has no sheet with any data; check you exported the right report."
        )
    return Workbook(sheets=sheets, kind="excel")


# Delimited text ---------------------------------------------------------------------------


def sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the first lines into the most consistent columns."""
    best, best_score = ",", (-1, -1)
    sample = [ln for ln in lines if ln.strip()][:HEAD_LINES]
    for delim in DELIMITERS:
        widths = [len(row) for row in csv.reader(sample, delimiter=delim)]
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        modal = max(set(wide), key=lambda w: (wide.count(w), w))
        # First how many lines agree on a width, then how wide: in "04.03.2025;Müller,
        # Hans;1.234,50" commas split more cells, but the header and the rows disagree.
        score = (wide.count(modal), modal)
        if score > best_score:
            best, best_score = delim, score
    return best


class _TextSheet:
    """Delimited UTF-8 bytes; rows are read below a header line found by the caller."""

    def __init__(
        self,
        raw: bytes,
        delimiter: str,
        line_starts: list[int],
        head: list[list[str]],
        file_name: str = "The file",
    ):
        self.file_name = file_name
        self.raw = raw
        self.delimiter = delimiter
        self.line_starts = line_starts
        self.head = head

    def body(self, header_index: int) -> pd.DataFrame:
        width = len(self.head[header_index]) if header_index < len(self.head) else 0
        if header_index + 1 >= len(self.line_starts) or not width:
            return pd.DataFrame()  # nothing below the header, or a header with no cells
        offset = self.line_starts[header_index + 1]
        names = [str(i) for i in range(width)]
        ragged: list[str] = []

        def note_ragged(row: pacsv.InvalidRow) -> str:
            ragged.append(row.text)
            return "skip"

        # Zero-copy view of the bytes below the header: a 1M-row export is ~130 MB.
        payload = pa.BufferReader(pa.py_buffer(self.raw)[offset:])
        try:
            table = pacsv.read_csv(
                payload,
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    ignore_empty_lines=False,
                    invalid_row_handler=note_ragged,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    null_values=CSV_MISSING,
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                ),
            )
        except pa.ArrowInvalid:
            ragged.append("newline inside quotes")
        if not ragged:
            frame = table.to_pandas(types_mapper=_as_str_dtype)
        else:
            # A short "Total" or "Count: 312" line, or a newline inside quotes: the C parser
            # pads short rows, so every later row keeps its spreadsheet row number.
            frame = self._read_ragged(offset, names)
        frame.columns = range(width)
        return frame

    def _read_ragged(self, offset: int, names: list[str]) -> pd.DataFrame:
        try:
            with warnings.catch_warnings():
                # A longer row loses its extra cells (the header says how many there are).
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                return self._read_csv_c(offset, names)
        except (pd.errors.ParserError, ValueError):
            raise IngestError(
                f'{self.file_name} has a quoted cell that never ends (a " without its closing '
                '"); open it in Excel, save it as CSV again, and upload that.'
            ) from None

    def _read_csv_c(self, offset: int, names: list[str]) -> pd.DataFrame:
        return pd.read_csv(
            io.BytesIO(self.raw[offset:]),
            sep=self.delimiter,
            header=None,
            names=names,
            dtype=str,
            skip_blank_lines=False,
            keep_default_na=False,
            na_values=CSV_MISSING,
            on_bad_lines="skip",
            engine="c",
            index_col=False,  # a longer first row must not become an index
            encoding="utf-8",
        )


def _as_str_dtype(arrow_type: pa.DataType) -> object:
    return pd.StringDtype("pyarrow", na_value=np.nan) if pa.types.is_string(arrow_type) else None


def to_utf8(data: bytes) -> bytes:
    """The file's bytes as UTF-8 without a BOM, decoding UTF-16 and Windows-1252 when needed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not _is_utf8(data):
        # Excel on Windows saves "CSV" in the ANSI code page.
        return data.decode("cp1252", errors="replace").encode("utf-8")
    return data


def _is_utf8(data: bytes) -> bool:
    """Arrow's UTF-8 check over the bytes in place: faster than decoding a 130 MB export."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    blob = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        blob.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _read_text(data: bytes, file_name: str) -> Workbook:
    raw = to_utf8(data)
    if not raw.strip():
        raise IngestError(f"{file_name} is empty; export the report again and upload that file.")
    if b"\n" not in raw[:1_000_000] and b"\r" in raw:
        raw = raw.replace(b"\r", b"\n")  # classic Mac line endings
    lines = raw.count(b"\n")  # ~50 ms for 130 MB: the row limit is known before parsing
    if lines > limits.MAX_ROWS + HEAD_LINES:
        raise IngestError(
            f"{file_name} has {lines:,} lines, more than the {limits.MAX_ROWS:,} rows a report "
            "is read up to; split the export by date range and upload the parts."
        )
    starts = [0]
    while len(starts) <= HEAD_LINES:
        nxt = raw.find(b"\n", starts[-1])
        if nxt < 0:
            break
        starts.append(nxt + 1)
    if starts[-1] < len(raw) and len(starts) <= HEAD_LINES:
        starts.append(len(raw) + 1)  # a last line without a newline
    head_lines = [
        # A carriage return inside a quoted cell is a line break to the csv module: a space.
        raw[starts[i] : starts[i + 1]]
        .decode("utf-8", errors="replace")
        .rstrip("\r\n")
        .replace("\r", " ")
        for i in range(len(starts) - 1)
    ]
    try:
        delimiter = sniff_delimiter(head_lines)
        head = [list(next(csv.reader([ln], delimiter=delimiter), [])) for ln in head_lines]
    except csv.Error:
        raise IngestError(
            f"{file_name} has a cell longer than {limits.MAX_FIELD_BYTES:,} characters in its "
            "first rows, which no report column holds; export the report again as CSV or Excel."
        ) from None
    widest = max((len(row) for row in head), default=0)
    if widest > limits.MAX_COLUMNS:
        raise IngestError(
            f"{file_name} has {widest:,} columns, more than the {limits.MAX_COLUMNS:,} a report "
            "is read up to; export only the report's own columns and upload that."
        )
    stem = file_name.rsplit("/", 1)[-1]
    grid = Grid(sheet=stem, head=head, body=_TextSheet(raw, delimiter, starts, head, stem).body)
    return Workbook(sheets={stem: grid}, kind="text")


# HTML tables saved as .xls ----------------------------------------------------------------


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            self.tables.append([])
        elif tag == "tr" and self._depth:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag == "table":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


class _RowsSheet:
    def __init__(self, rows: list[list[object]]):
        self.rows = rows

    def body(self, header_index: int) -> pd.DataFrame:
        width = len(self.rows[header_index])
        rows = [(r + [None] * width)[:width] for r in self.rows[header_index + 1 :]]
        frame = pd.DataFrame(rows, columns=range(width), dtype=object)
        return frame.replace({"": None})


def _read_html(data: bytes, file_name: str) -> Workbook:
    text = to_utf8(data).decode("utf-8", errors="replace")
    parser = _TableParser()
    parser.feed(text)
    tables = [t for t in parser.tables if len(t) >= 2]
    if not tables:
        raise IngestError(
            f"{file_name} is a web page saved with a spreadsheet name and holds no table of "
            "data; export the report as Excel or CSV instead."
        )
    sheets = {}
    for i, rows in enumerate(tables, start=1):
        name = f"Table {i}"
        sheets[name] = Grid(sheet=name, head=rows[:HEAD_LINES], body=_RowsSheet(rows).body)
    return Workbook(sheets=sheets, kind="html")
