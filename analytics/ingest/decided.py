"""A date or number column read once on a whole file's distinct cells, then applied to each
streamed chunk: the chunk's cells get exactly the values, refusals and convention the whole
column gives them, without re-reading the file's distinct cells with every chunk.

Why it is exact: `values.read_dates` and `values.read_numbers` decide per column (the fast
Arrow cast or the full parser, the date order, the decimal separator) on its set of distinct
cells and, for the fast path, on it holding 10,000 cells; then each cell's result depends
only on the cell and those decisions. Reading the file's distinct cells (padded with missing
cells as the whole column, `stream_plan.padded`) takes the same decisions, so its result per
distinct cell is each cell's result in the whole column. A chunk then takes, per cell, the
fast path's own cast (the same cast, the same type or convention) or the result looked up.
`problems` is None for a chunk exactly when it is None for the whole column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest import values
from analytics.ingest.amounts import plain_reading, read_plain
from analytics.ingest.cells import spread
from analytics.ingest.dates import iso_reading, read_iso

DATES, NUMBERS = "dates", "numbers"


class Reading:
    """One column's reading of a whole file, from its distinct cells (see the module)."""

    def __init__(self, kind: str, cells: pa.Array, column: pd.Series):
        """`cells` are the file's distinct non-missing cells, `column` them padded as the
        file's column (the first len(cells) rows are `cells`)."""
        n = len(cells)
        self.kind = kind
        self.cells = cells
        if kind == DATES:
            self.fast: Any = iso_reading(column)  # the type cast to, or None
            read = values.read_dates(column)
            self.results = read.dates.to_numpy()[:n]
            self.missing: Any = np.datetime64("NaT", "ns")
        else:
            self.fast = plain_reading(column)  # the decimal convention, or None
            read = values.read_numbers(column)
            self.results = read.numbers.to_numpy()[:n]
            self.missing = np.nan
        self.convention = read.convention
        self.refused = read.problems is not None  # some cell of the whole column is refused
        self.problems = read.problems[:n] if read.problems is not None else None

    def dates(self, raw: pd.Series) -> values.DateColumn:
        """A chunk's cells as the whole column reads them."""
        if self.fast is not None:
            read = read_iso(raw, self.fast)
            problems = self._problems(read.problems, len(raw))
            return values.DateColumn(read.dates, self.convention, problems)
        rows, problems = self._looked_up(raw)
        dates = pd.Series(rows.astype("datetime64[ns]"), index=raw.index, name=raw.name)
        return values.DateColumn(dates, self.convention, problems)

    def numbers(
        self, raw: pd.Series, read: Callable[..., values.NumberColumn], per: pd.Series | None
    ) -> values.NumberColumn:
        """A chunk's cells as the whole column reads them, then `read`'s caps on its rows."""
        if self.fast is not None:
            plain = read_plain(raw, self.fast)
            problems = self._problems(plain.problems, len(raw))
            parsed = values.NumberColumn(plain.numbers, plain.convention, problems)
        else:
            rows, problems = self._looked_up(raw)
            numbers = pd.Series(rows, index=raw.index, name=raw.name, dtype=np.float64)
            parsed = values.NumberColumn(numbers, self.convention, problems)
        return read(raw, parsed=parsed) if per is None else read(raw, per=per, parsed=parsed)

    def _problems(self, problems: np.ndarray | None, n: int) -> np.ndarray | None:
        """The chunk's refusals, an array exactly when the whole column has one."""
        if problems is None and self.refused:
            return np.zeros(n, dtype=np.int8)
        return problems

    def _looked_up(self, raw: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
        """Each cell's result among the file's distinct cells (missing cells: missing)."""
        text = values.arrow_text(raw)
        at = pc.index_in(text, value_set=self.cells)
        if at.null_count != text.null_count:  # the first pass saw every cell: never expected
            raise RuntimeError(f"{raw.name}: a cell the first pass did not see")
        codes = at.fill_null(-1).to_numpy().astype(np.intp)
        rows = spread(codes, self.results, self.missing)
        problems = None
        if self.problems is not None:
            problems = spread(codes, self.problems, np.int8(0))
        return rows, problems
