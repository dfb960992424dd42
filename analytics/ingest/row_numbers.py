"""Rows as the user finds them in Excel: a rejected row's number (and sheet), kept through
the combining of several sheets into one body."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Rejection:
    """A row left out, numbered as the user sees it in Excel, with the reason."""

    row: int
    reason: str
    sheet: str | None = None  # named when the file's rows came from several sheets


class RowNumbers:
    """Spreadsheet row (and sheet) of each body row, as the user finds it in Excel."""

    def __init__(self, first_row: int, rows: np.ndarray | None = None, sheets=None):
        self.first_row = first_row
        self.rows = rows
        self.sheets = sheets

    def row(self, pos: int) -> int:
        return int(self.rows[pos]) if self.rows is not None else self.first_row + int(pos)

    def sheet(self, pos: int) -> str | None:
        return None if self.sheets is None else str(self.sheets[pos])

    def rejection(self, pos: int, reason: str) -> Rejection:
        return Rejection(self.row(pos), reason, self.sheet(pos))
