"""National Provider Identifiers: 10 digits passing the Luhn check over the prefix 80840."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.cells import distinct_values, extract, spread, text_rows
from analytics.ingest.cleaning import unique_text


def _npi_check_ok(digits: np.ndarray) -> np.ndarray:
    """Luhn check over the prefix 80840 for rows of 10 digits (uint8 array n x 10)."""
    base = digits[:, :9].astype(np.int64)
    doubled = base[:, ::2] * 2  # positions 1, 3, 5, 7, 9: every other digit from the right
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    # 24 is the Luhn sum contributed by the prefix 80840.
    total = doubled.sum(axis=1) + base[:, 1::2].sum(axis=1) + 24
    return (10 - total % 10) % 10 == digits[:, 9]


def npi_is_valid(s: str) -> bool:
    """True when s (whitespace-trimmed) is 10 digits passing the NPI Luhn check."""
    s = s.strip()
    if len(s) != 10 or not s.isascii() or not s.isdigit():
        return False
    return bool(_npi_check_ok(np.frombuffer(s.encode("ascii"), dtype=np.uint8)[None, :] - 48)[0])


def normalize_npi(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """NPI text (10 digits when valid, else the trimmed raw text) and a valid flag per row."""
    u = distinct_values(values)
    text = unique_text(u)
    raw = pa.array(text, type=pa.string())
    compact = pc.replace_substring_regex(raw, r"[\s\-]", "")
    at, g = extract(compact, r"^(?P<npi>\d{10})(?:\.0+)?$")
    valid = np.zeros(u.size, dtype=bool)
    if len(at):
        joined = "".join(g["npi"].to_pylist()).encode("ascii")
        digits = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 10) - 48
        ok = _npi_check_ok(digits)
        valid[at[ok]] = True
        text[at[ok]] = np.asarray(g["npi"].to_pylist(), dtype=object)[ok]
    flags = pd.Series(spread(u.codes, valid, False), index=values.index, name=values.name)
    return text_rows(u.codes, text, values), flags
