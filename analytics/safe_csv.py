"""CSV downloads that a spreadsheet opens as data, never as formulas."""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_STARTS", "defuse", "to_safe_csv"]

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV injection"); partner names and notes come from uploaded files.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """The text with a leading apostrophe when it would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _defuse_column(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values
    # Object columns may mix text and numbers: only text cells are touched.
    return values.map(lambda v: defuse(v) if isinstance(v, str) else v)


def to_safe_csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with a BOM so Excel reads accents), text cells defused."""
    safe = (
        pd.concat([_defuse_column(frame.iloc[:, i]) for i in range(frame.shape[1])], axis=1)
        if frame.shape[1]
        else pd.DataFrame(index=frame.index)
    )
    safe.columns = [defuse(str(c)) for c in frame.columns]
    # CRLF rows, as Excel writes them; it also makes the writer quote a cell holding a CR.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
