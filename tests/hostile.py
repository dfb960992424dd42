"""Hostile files built in code: workbooks written zip part by zip part, and CSV quirks."""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def cell(ref: str, value: object) -> str:
    """One <c> element: numbers as numbers, anything else as an inline string."""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def xlsx(
    rows: dict[int, str],
    *,
    dimension: str | None = None,
    padding: int = 0,
    sheet_name: str = "Referrals",
) -> bytes:
    """A workbook of one sheet: `rows` maps a row number to its <c> elements; `padding` bytes
    of whitespace (which compress to almost nothing) go between rows."""
    parts = [_SHEET_START]
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for number, cells in sorted(rows.items()):
        parts.append(f'<row r="{number}">{cells}</row>')
    sheet = "".join(parts).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(name=sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(sheet)
            block = b" " * (1 << 20)
            left = padding
            while left > 0:
                part.write(block[: min(left, len(block))])
                left -= len(block)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


HEADER = cell("A1", "Referral Date") + cell("B1", "Referring Provider")
ONE_REFERRAL = cell("A2", "2025-03-03") + cell("B2", "Smith, John MD")


def far_cell_xlsx(*, dimension: str | None) -> bytes:
    """A real header and one referral, and one cell at XFD1048576: 17 billion cells from A1."""
    return xlsx({1: HEADER, 2: ONE_REFERRAL, 1048576: cell("XFD1048576", 1)}, dimension=dimension)


def whitespace_bomb_xlsx(unpacked_bytes: int) -> bytes:
    """A real header and one referral, padded with whitespace to unpack to `unpacked_bytes`."""
    return xlsx({1: HEADER, 2: ONE_REFERRAL}, dimension="A1:B2", padding=unpacked_bytes)
