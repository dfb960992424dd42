"""A delimited text file read from disk in chunks of rows, never whole: its header found in
the first lines as `readers` finds it, its body handed out as frames like `sheets.table_of`'s.

Only a plain UTF-8 file with one line per row streams; anything else (another encoding,
classic Mac line ends, a short or long row, a newline inside quotes) is read at once, as
before, and `open_text` says so by returning None (or `Unstreamable` while reading).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analytics import limits
from analytics.errors import IngestError
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import readers
from analytics.ingest.layout import find_header, header_band

HEAD_BYTES = 1 << 20  # the first lines, where the header is found
BLOCK_BYTES = 1 << 22  # Arrow's read block, as readers._TextSheet reads
READ_BYTES = 1 << 25  # bytes read from disk at a time


class Unstreamable(Exception):
    """The file is not plain one-line-per-row UTF-8: read it at once instead."""


@dataclass(frozen=True)
class TextSource:
    """One delimited file on disk: where its body starts and how its columns are named."""

    path: Path
    sheet: str  # the file's name without folders, as the one-sheet "workbook" calls it
    offset: int  # byte offset of the first body row
    delimiter: str
    width: int  # cells of the header line: the columns Arrow reads
    headers: list[str]
    header_index: int
    band_rows: int

    @property
    def first_row(self) -> int:
        """The line number of body row 0."""
        return self.header_index + 2

    def chunks(
        self, rows: int, headers: list[str] | None = None, read_bytes: int | None = None
    ) -> Iterator[pd.DataFrame]:
        """The body, `rows` rows at a time (index from 0 in each), only `headers` if given;
        the file is read `read_bytes` at a time (READ_BYTES: a few rows need less)."""
        names = [str(i) for i in range(self.width)]
        position = {h: i for i, h in enumerate(self.headers)}
        wanted = self.headers if headers is None else headers
        columns = [names[position[h]] for h in wanted if position[h] < self.width]

        def refuse(row: pacsv.InvalidRow) -> str:
            return "error"  # a row of another width: Arrow raises, the file is read at once

        options = {
            "read_options": pacsv.ReadOptions(column_names=names, block_size=BLOCK_BYTES),
            "parse_options": pacsv.ParseOptions(
                delimiter=self.delimiter, ignore_empty_lines=False, invalid_row_handler=refuse
            ),
            "convert_options": pacsv.ConvertOptions(
                # Large strings, as pandas holds text: no offsets widened per column later.
                column_types={n: pa.large_string() for n in columns},
                include_columns=columns,
                null_values=readers.CSV_MISSING,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        }
        waiting: list[pa.RecordBatch] = []
        held = 0
        for block in self._blocks(read_bytes or READ_BYTES):
            try:
                table = pacsv.read_csv(pa.BufferReader(block), **options)
            except pa.ArrowInvalid as exc:  # not UTF-8, a newline inside quotes
                raise Unstreamable(str(exc)) from None
            waiting += table.to_batches()
            held += table.num_rows
            while held >= rows:
                table = pa.Table.from_batches(waiting)
                yield self._frame(table.slice(0, rows), wanted)
                rest = table.slice(rows)
                waiting, held = rest.to_batches(), rest.num_rows
        if held:
            yield self._frame(pa.Table.from_batches(waiting), wanted)

    def _blocks(self, size: int) -> Iterator[pa.Buffer]:
        """The body's bytes in blocks of whole lines (Arrow's streaming reader would read
        the whole file ahead). Rows end at line ends as Arrow ends them, newlines in quotes
        being refused either way. Each block is read into place after the last one's
        unfinished line, and handed out without a copy."""
        # One buffer, refilled: Arrow's parser copies every cell out of the bytes it reads,
        # and the next block is read only once the last one is parsed (no page faulted in
        # afresh for every block).
        block = bytearray(size + (1 << 16))
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            carry = b""
            while True:
                if len(carry) + size > len(block):  # a line longer than a block
                    block = bytearray(len(carry) + size)
                block[: len(carry)] = carry
                filled = len(carry) + handle.readinto(memoryview(block)[len(carry) :])
                if filled == len(carry):
                    break
                end = block.rfind(b"\n", 0, filled) + 1
                carry = bytes(block[end:filled])
                if end:
                    yield pa.py_buffer(block)[:end]
            if carry:
                yield pa.py_buffer(carry)

    def _frame(self, table: pa.Table, wanted: list[str]) -> pd.DataFrame:
        """A chunk as sheets.table_of shapes a body: a column per header, missing ones None."""
        frame = table.to_pandas(types_mapper=_as_str_dtype)
        by_name = dict(zip(table.column_names, frame.columns, strict=True))
        out = {}
        for header in wanted:
            at = str(self.headers.index(header))
            out[header] = frame[by_name[at]] if at in by_name else None
        body = pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
        return body.reset_index(drop=True)


def _as_str_dtype(arrow_type: pa.DataType) -> object:
    return readers._as_str_dtype(pa.string() if arrow_type == pa.large_string() else arrow_type)


def open_text(path: Path, file_name: str, kind: str) -> TextSource | None:
    """The file's header and body offset, or None when it should be read at once."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or readers.sniff_kind(head, file_name) != "text":
        return None
    skip = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    end = head.rfind(b"\n")
    if b"\n" not in head or end < 0 or not readers._is_utf8(head[skip : end + 1]):
        return None  # classic Mac line ends, a first line over a megabyte, or not UTF-8
    book = readers._read_text(head[: end + 1], file_name)  # one-sentence errors as at once
    grid = next(iter(book.sheets.values()))
    text = grid.body.__self__  # readers._TextSheet: the delimiter and line starts it found
    index = find_header(grid.head, kind)
    labels, bands = header_band(grid.head, index, grid.merged)
    headers = mapping_mod.unique_headers(labels)
    width = len(grid.head[index]) if index < len(grid.head) else 0
    if index + 1 >= len(text.line_starts) or not width or not headers:
        return None
    return TextSource(
        path=path,
        sheet=grid.sheet,
        offset=skip + text.line_starts[index + 1],
        delimiter=text.delimiter,
        width=width,
        headers=headers,
        header_index=index,
        band_rows=bands,
    )


def refuse_long(lines: int, file_name: str) -> None:
    """A file of more lines than a report is read up to is refused, as one read at once is."""
    if lines > limits.MAX_ROWS + readers.HEAD_LINES:
        raise IngestError(
            f"{file_name} has {lines:,} lines, more than the {limits.MAX_ROWS:,} rows a report "
            "is read up to; split the export by date range and upload the parts."
        )
