"""How a body's columns are read: the decisions a file takes as a whole (date order, decimal
separator, who each referrer is) and the cells refused, said per field with their rows.

`WholeFile` reads the rows at hand as the whole file, which they are when a file is read at
once; `ingest/stream_pass.py` reads a file in chunks with the decisions of the whole file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from analytics.ingest import mapping as mapping_mod
from analytics.ingest import sources, values
from analytics.ingest.parse_ahead import ParseAhead
from analytics.ingest.row_numbers import RowNumbers

MAX_LISTED_PROBLEM_ROWS = 20
MAX_EXAMPLE_CELLS = 1000  # examples are the first distinct ones among this many cells
PATIENT_HIDDEN = "(hidden: patient identifier)"
PATIENT_HEADERS = frozenset(mapping_mod.REFERRAL_SYNONYMS["patient"])


class ProblemLog:
    """Cells refused per field and reason, gathered over one body or every chunk of a file."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[int, dict[str, Any]]] = {}

    def add(
        self,
        name: str,
        codes: np.ndarray | None,
        raw: pd.Series,
        rows: RowNumbers,
        found: dict[str, str],
    ) -> None:
        """Note one read of a field (in call order) and its refused cells, if any."""
        parts = self.fields.setdefault(name, {})
        if codes is None:
            return
        # The report is stored: a patient column mapped as an amount by mistake shows no cells.
        header = mapping_mod.normalize_header(raw.name)
        patients = raw.name == found.get("patient") or header in PATIENT_HEADERS
        for code in (int(c) for c in np.unique(codes) if c):
            at = np.flatnonzero(codes == code)
            part = parts.setdefault(
                code, {"count": 0, "rows": [], "sheets": [], "shown": [], "patients": patients}
            )
            part["count"] += len(at)
            # Rows kept their positions in the body through filtering: the index is the offset.
            listed = raw.index.to_numpy()[at[: MAX_LISTED_PROBLEM_ROWS - len(part["rows"])]]
            part["rows"] += [rows.row(int(i)) for i in listed]
            if rows.sheets is not None:
                part["sheets"] += [rows.sheet(int(i)) for i in listed]
            room = MAX_EXAMPLE_CELLS - len(part["shown"])
            part["shown"] += [str(raw.iloc[i]).strip()[:30] for i in at[:room]]

    def entries(self) -> dict:
        """One entry per field and reason: count, rows as the user numbers them, examples."""
        out = {}
        for name, parts in self.fields.items():
            for code in sorted(parts):
                part = parts[code]
                reason = values.PROBLEMS[code]
                shown = list(dict.fromkeys(part["shown"]))[:3]
                entry: dict = {
                    "count": part["count"],
                    "rows": part["rows"],
                    "examples": [PATIENT_HIDDEN] if part["patients"] else shown,
                    "reason": reason,
                }
                if part["sheets"]:
                    entry["sheets"] = part["sheets"]
                out[name if len(parts) == 1 else f"{name}:{reason}"] = entry
        return out


class WholeFile:
    """Reads that decide on the rows at hand: the whole file, read at once."""

    offset = 0  # the file position of the body's first row
    total: int | None = None  # rows in the file; None when the body is all of it

    def __init__(self) -> None:
        self.problems = ProblemLog()
        self.past_footer = False  # a footer line seen past the middle of the file

    def dates(self, raw: pd.Series) -> values.DateColumn:
        return values.read_dates(raw)

    def numbers(
        self,
        raw: pd.Series,
        read: Callable[..., values.NumberColumn],
        per: pd.Series | None = None,
    ) -> values.NumberColumn:
        return read(raw) if per is None else read(raw, per=per)

    def ahead(self, spellings: list[str]) -> ParseAhead | None:
        """Spellings parsed in a second process meanwhile (None when none are needed)."""
        return ParseAhead(spellings)

    def resolve(self, names: pd.Series, *args: Any, **kwargs: Any) -> sources.Resolution:
        return sources.resolve_sources(names, *args, **kwargs)


def read_dates(
    body: pd.DataFrame,
    found: dict[str, str],
    name: str,
    rows: RowNumbers,
    quality: dict,
    plan: WholeFile,
) -> pd.Series:
    """An optional date column; refused cells become NaT and are listed like numbers' are."""
    quality.setdefault("value_problems", {})
    if name not in found:
        return pd.Series(pd.NaT, index=body.index, dtype="datetime64[ns]")
    raw = body[found[name]]
    column = plan.dates(raw)
    plan.problems.add(name, column.problems, raw, rows, found)
    return column.dates.astype("datetime64[ns]")


def read_numbers(
    body: pd.DataFrame,
    found: dict[str, str],
    name: str,
    read: Callable[..., values.NumberColumn],
    rows: RowNumbers,
    quality: dict,
    plan: WholeFile,
    per: pd.Series | None = None,
) -> pd.Series:
    """A money or count column; refused cells become NaN and are listed in the quality report.

    quality gains "value_problems" (field -> count, rows, examples, reason; filled from
    plan.problems when the body is read) and "number_conventions" (field -> how its decimal
    separator was read).
    """
    quality.setdefault("value_problems", {})
    conventions = quality.setdefault("number_conventions", {})
    if name not in found:
        return pd.Series(np.nan, index=body.index, dtype="float64")
    raw = body[found[name]]
    column = plan.numbers(raw, read, per)
    conventions[name] = column.convention
    plan.problems.add(name, column.problems, raw, rows, found)
    return column.numbers.astype("float64")
