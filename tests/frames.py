"""Build canonical referral frames (schema.REFERRAL_COLUMNS, store dtypes) from short lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analytics.schema import REFERRAL_COLUMNS

# Positional order of a tuple row; anything else goes in a dict row.
ROW_FIELDS = ("referral_date", "source", "source_type", "count", "payments", "charges")
DATE_COLUMNS = ("referral_date", "eval_date", "discharge_date")
FLOAT_COLUMNS = ("visits", "charges", "payments")
BOOLEAN_COLUMNS = ("arrived", "npi_valid")


def _as_dict(row: Sequence | dict) -> dict:
    if isinstance(row, dict):
        return row
    if len(row) > len(ROW_FIELDS):
        raise ValueError(f"A tuple row has at most {len(ROW_FIELDS)} fields: {ROW_FIELDS}.")
    return dict(zip(ROW_FIELDS, row, strict=False))


def make_frame(rows: Iterable[Sequence | dict] = ()) -> pd.DataFrame:
    """A canonical frame: tuples (date, source, type, count=1, payments, charges) or dicts."""
    records = [_as_dict(r) for r in rows]
    columns = {}
    for name in REFERRAL_COLUMNS:
        values = [r.get(name) for r in records]
        if name in DATE_COLUMNS:
            columns[name] = pd.to_datetime(pd.Series(values, dtype="object")).astype(
                "datetime64[ns]"
            )
        elif name in FLOAT_COLUMNS:
            columns[name] = pd.Series(
                [np.nan if v is None else float(v) for v in values], dtype="float64"
            )
        elif name in BOOLEAN_COLUMNS:
            columns[name] = pd.Series(values, dtype="boolean")
        elif name == "count":
            columns[name] = pd.Series([1 if v is None else int(v) for v in values], dtype="int64")
        else:
            columns[name] = pd.Series(values, dtype="str")
    frame = pd.DataFrame(columns)
    if not records:
        frame = frame.iloc[:0]
    return frame


def repeat(date: str, source: str, source_type: str, n: int, **extra) -> list[dict]:
    """n one-referral rows of the same source on the same day (extra columns as keywords)."""
    return [{"referral_date": date, "source": source, "source_type": source_type, **extra}] * n


def daily_rows(
    source: str,
    source_type: str,
    counts: Sequence[int],
    start: str,
) -> list[dict]:
    """Rows with the given per-day counts from `start` (days with 0 give no row)."""
    first = pd.Timestamp(start)
    return [
        {
            "referral_date": (first + pd.Timedelta(days=i)).date().isoformat(),
            "source": source,
            "source_type": source_type,
            "count": int(n),
        }
        for i, n in enumerate(counts)
        if n
    ]
