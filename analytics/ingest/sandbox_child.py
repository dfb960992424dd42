"""The child process that parses a workbook under memory and CPU limits (run as a script).

    python analytics/ingest/sandbox_child.py MEMORY_BYTES CPU_SECONDS MAX_CELLS MAX_ROWS MAX_COLUMNS
        < workbook bytes > pickled messages

It imports nothing of the app, only the standard library and python-calamine, so it starts
in ~50 ms. The limits are set before calamine is loaded: a workbook built to exhaust memory
ends this process (an allocation fails), never the server. Messages, pickled one after the
other on stdout: ("sheet", name), ("merged", name, ranges) for captions merged over columns,
("rows", [row, ...]) in chunks, ("skip", name) for a sheet
without cells, ("stop", reason, detail) when the file is refused, and ("done",) at the end.
Every row is laid out from column A, so row i is spreadsheet row i + 1 as the app expects.
"""

from __future__ import annotations

import pickle
import resource
import sys

CHUNK_ROWS = 20_000  # rows a message: the parent unpickles one while the next is built


def _limit(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _send(message: tuple) -> None:
    pickle.dump(message, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


HEAD_ROWS = 40  # merged captions matter only where the header is looked for


def _merged_in_head(sheet) -> tuple:
    """Merged ranges ((row, col), (row, col)) starting in the first rows: header captions."""
    try:
        ranges = sheet.merged_cell_ranges or ()
    except Exception:  # .xls and .ods readers may not list them
        return ()
    return tuple(
        ((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))) for a, b in ranges if int(a[0]) < HEAD_ROWS
    )


def _read(data: bytes, max_cells: int, max_rows: int, max_columns: int) -> None:
    import io

    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        text = str(exc).lower()
        _send(("stop", "password" if "password" in text or "encrypt" in text else "open", ""))
        return
    cells = 0
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
        except MemoryError:
            raise
        except Exception:
            _send(("skip", name))  # chart sheets and the like hold no cells
            continue
        end = sheet.end
        if end is None or sheet.height == 0:
            _send(("skip", name))
            continue
        rows, columns = end[0] + 1, end[1] + 1
        cells += rows * columns
        if columns > max_columns:
            _send(("stop", "columns", (name, columns)))
            return
        if rows > max_rows:
            _send(("stop", "rows", (name, rows)))
            return
        if cells > max_cells:
            _send(("stop", "cells", (name, cells)))
            return
        pad = [""] * (sheet.start[1] if sheet.start else 0)
        _send(("sheet", name))
        _send(("merged", name, _merged_in_head(sheet)))
        chunk: list[list[object]] = []
        for row in sheet.iter_rows():
            chunk.append(pad + row if pad else row)
            if len(chunk) >= CHUNK_ROWS:
                _send(("rows", chunk))
                chunk = []
        if chunk:
            _send(("rows", chunk))
    _send(("done",))


def main() -> None:
    memory, cpu, max_cells, max_rows, max_columns = (int(a) for a in sys.argv[1:6])
    _limit(memory, cpu)
    data = sys.stdin.buffer.read()
    try:
        _read(data, max_cells, max_rows, max_columns)
    except MemoryError:
        sys.stdout.flush()
        sys.exit(3)  # the parent says "needs more memory than the limit"
    sys.stdout.flush()


if __name__ == "__main__":
    main()
