"""The resolved groups of a store's aggregates: the distinct (source, source_type,
organization) of a table's rows, and those groups encoded exactly as rows are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.metrics.periods import Encoded, encode

__all__ = ["IDENTITY", "encoded_groups", "identity_of"]

IDENTITY = ("source", "source_type", "organization")


def identity_of(table: pa.Table) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct (source, source_type, organization) and each row's index among them."""
    codes, uniques = [], []
    for name in IDENTITY:
        encoded = table.column(name).combine_chunks().dictionary_encode()
        index = encoded.indices.to_numpy(zero_copy_only=False)
        index = np.where(encoded.indices.is_null().to_numpy(zero_copy_only=False), -1, index)
        codes.append(index.astype("int64") + 1)
        uniques.append(np.asarray([*encoded.dictionary.to_pylist(), None], dtype=object))
    sizes = [len(u) for u in uniques]
    combined = (codes[0] * sizes[1] + codes[1]) * sizes[2] + codes[2]
    distinct, group = np.unique(combined, return_inverse=True)
    parts = (distinct // (sizes[1] * sizes[2]), (distinct // sizes[2]) % sizes[1])
    parts = (*parts, distinct % sizes[2])
    # Index 0 is a missing value: the appended None at position -1.
    frame = pd.DataFrame(
        {name: uniques[i][parts[i] - 1] for i, name in enumerate(IDENTITY)}, dtype=object
    )
    return frame, group.astype("int64")


def encoded_groups(groups: pd.DataFrame, level: str) -> Encoded:
    """The groups encoded as rows are (types cleaned, nameless partners, organization roll-up)."""
    n = len(groups)
    frame = pd.DataFrame(
        {
            "source": pd.Series(groups["source"], dtype="str"),
            "source_type": pd.Series(groups["source_type"], dtype="str"),
            "organization": pd.Series(groups["organization"], dtype="str"),
            "referral_date": pd.Series(np.zeros(n, dtype="datetime64[ns]")),
            "count": np.ones(n, dtype="int64"),
            "eval_date": pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")),
            "arrived": pd.Series([pd.NA] * n, dtype="boolean"),
            **{c: np.full(n, np.nan) for c in ("payments", "charges", "visits")},
        }
    )
    return encode(frame, level)
