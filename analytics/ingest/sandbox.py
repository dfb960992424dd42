"""Read a workbook's cells as a hostile file: declared sizes checked first, parsed in a child.

A 1.7 KB .xlsx can claim a cell at XFD1048576 (17 billion cells from A1) and a 3.6 MB one can
unpack to a gigabyte; a reader that trusts them allocates until the process dies, and with it
every session of the app. So: (1) what the zip says its parts unpack to and what each sheet
says it spans (`<dimension ref=...>`) are checked before anything is parsed; (2) the parse
runs in a child process (`sandbox_child.py`) under an address-space and CPU-time limit and a
wall-clock timeout; (3) the child refuses sheets past the row, column and cell limits before
turning their cells into Python objects. Each way a file is refused ends in one IngestError
sentence. The limits are settings (analytics/limits.py).
"""

from __future__ import annotations

import io
import pickle
import re
import signal
import subprocess
import sys
import threading
import zipfile
import zlib
from pathlib import Path

from analytics import limits
from analytics.errors import IngestError

__all__ = ["check_declared", "read_sheets"]

_CHILD = Path(__file__).with_name("sandbox_child.py")
_HEAD_BYTES = 65_536  # <dimension> sits in the first few hundred bytes of a sheet's XML
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Za-z]{1,3})\$?(\d{1,9})'
    rb'(?::\$?([A-Za-z]{1,3})\$?(\d{1,9}))?"'
)
_SAVE_AGAIN = (
    "open it in Excel, delete any rows and columns past the data, save it, and upload it "
    "again (or export the report as CSV)"
)


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


def check_declared(data: bytes, file_name: str) -> None:
    """Refuse an .xlsx/.ods whose zip or sheet dimensions claim more than the limits allow."""
    if not data.startswith(b"PK\x03\x04"):
        return  # .xls: the child's limits alone apply
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
        return  # the reader says it cannot be opened
    unzipped = sum(p.file_size for p in parts)
    if unzipped > limits.MAX_UNZIPPED_BYTES:
        raise IngestError(
            f"{file_name} says it unpacks to {unzipped / 1e9:,.1f} GB, more than the "
            f"{limits.MAX_UNZIPPED_BYTES / 1e9:,.1f} GB a report is read up to; {_SAVE_AGAIN}."
        )
    cells = 0
    for part in parts:
        name = part.filename
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        try:
            with archive.open(part) as stream:
                head = stream.read(_HEAD_BYTES)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
            continue  # the child reports a damaged part
        found = _DIMENSION.search(head)
        if not found:
            continue
        letters, digits = (found.group(3), found.group(4)) if found.group(3) else found.group(1, 2)
        # From A1: the reader lays every sheet out from the first cell, blanks included.
        span = int(digits) * _column_number(letters)
        cells += span
        if cells > limits.MAX_CELLS:
            ref = f"A1:{letters.decode().upper()}{int(digits)}"
            raise IngestError(
                f"{file_name} claims {limits.in_words(cells)} cells (a sheet spans {ref}), "
                f"more than the {limits.in_words(limits.MAX_CELLS)} a report is read up to; "
                f"{_SAVE_AGAIN}."
            )


def read_sheets(
    data: bytes, file_name: str
) -> tuple[dict[str, list[list[object]] | None], dict[str, tuple]]:
    """Each sheet's rows from A1 (None for a sheet without cells), parsed in a child process,
    and the merged cell ranges near the top of each sheet."""
    check_declared(data, file_name)
    args = [
        limits.READ_MEMORY_BYTES,
        limits.READ_CPU_SECONDS,
        limits.MAX_CELLS,
        limits.MAX_ROWS,
        limits.MAX_COLUMNS,
    ]
    try:
        child = subprocess.Popen(
            [sys.executable, "-I", str(_CHILD), *map(str, args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        raise IngestError(
            f"{file_name} could not be read: the reader process did not start; try again."
        ) from None
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        child.kill()

    timer = threading.Timer(limits.READ_WALL_SECONDS, stop)
    timer.daemon = True
    timer.start()
    sheets: dict[str, list[list[object]] | None] = {}
    merged: dict[str, tuple] = {}
    stopped: tuple | None = None
    done = False
    try:
        try:
            child.stdin.write(data)
            child.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the child died at once; its exit status says why
        current: list[list[object]] | None = None
        while True:
            try:
                message = pickle.load(child.stdout)
            except (EOFError, pickle.UnpicklingError, ValueError, OSError):
                break
            kind = message[0]
            if kind == "sheet":
                current = sheets[message[1]] = []
            elif kind == "merged":
                merged[message[1]] = message[2]
            elif kind == "rows" and current is not None:
                current.extend(message[1])
            elif kind == "skip":
                sheets[message[1]] = None
            elif kind == "stop":
                stopped = message
                break
            elif kind == "done":
                done = True
                break
    finally:
        if not done and stopped is None:
            child.kill()
        child.stdout.close()
        status = child.wait()
        timer.cancel()
    if stopped is not None:
        raise IngestError(_refusal(file_name, stopped[1], stopped[2]))
    if not done:
        raise IngestError(_crash(file_name, status, timed_out.is_set()))
    return sheets, merged


def _refusal(file_name: str, reason: str, detail: object) -> str:
    if reason == "password":
        return (
            f"{file_name} is password-protected; remove the password in Excel, save, and "
            "upload it again."
        )
    if reason == "cells":
        sheet, cells = detail
        return (
            f"{file_name} holds {limits.in_words(cells)} cells counting from A1 (sheet "
            f"'{sheet}' among them), more than the {limits.in_words(limits.MAX_CELLS)} a "
            f"report is read up to; {_SAVE_AGAIN}."
        )
    if reason == "rows":
        sheet, rows = detail
        return (
            f"Sheet '{sheet}' of {file_name} has {rows:,} rows, more than the "
            f"{limits.MAX_ROWS:,} a report is read up to; split the export by date range "
            "and upload the parts."
        )
    if reason == "columns":
        sheet, columns = detail
        return (
            f"Sheet '{sheet}' of {file_name} has {columns:,} columns, more than the "
            f"{limits.MAX_COLUMNS:,} a report is read up to; {_SAVE_AGAIN}."
        )
    return (
        f"{file_name} could not be opened as a workbook (it may be damaged or not really "
        "a spreadsheet); open it in Excel, save it as .xlsx, and upload it again."
    )


def _crash(file_name: str, status: int, timed_out: bool) -> str:
    if timed_out or status in (-signal.SIGXCPU, -signal.SIGKILL):
        return (
            f"{file_name} took too long to read (the limit is {limits.READ_CPU_SECONDS:,} "
            f"seconds of work) and was stopped; {_SAVE_AGAIN}."
        )
    if status in (3, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        return (
            f"{file_name} needs more than {limits.READ_MEMORY_BYTES / 1e9:,.1f} GB of memory "
            f"to read, far more than a referral export does; {_SAVE_AGAIN}."
        )
    return _refusal(file_name, "open", None)
