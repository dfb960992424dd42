"""Yes/no columns: Y/N, True/False, 1/0, X, Converted, No show... to a boolean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.cells import distinct_values, spread

_TRUE_WORDS = (
    "y", "yes", "true", "t", "1", "1.0", "x", "✓", "✔", "converted", "arrived", "evaluated",
    "seen", "attended", "completed", "complete", "done", "showed", "eval completed",
)  # fmt: skip
_FALSE_WORDS = (
    "n", "no", "false", "f", "0", "0.0", "not converted", "unconverted", "no show", "no-show",
    "noshow", "cancelled", "canceled", "not arrived", "not evaluated", "not seen",
    "did not arrive", "did not show", "declined",
)  # fmt: skip
_FLAG_WORDS = pa.array([*_TRUE_WORDS, *_FALSE_WORDS])


def parse_flags(values: pd.Series) -> pd.Series:
    """Parse yes/no-like flags (Y/N, True/False, 1/0, X, Converted, No show...) to "boolean"."""
    u = distinct_values(values)
    known = np.zeros(u.size, dtype=bool)
    truth = np.zeros(u.size, dtype=bool)
    at = pc.index_in(pc.utf8_lower(u.text), value_set=_FLAG_WORDS).to_numpy(zero_copy_only=False)
    at = np.nan_to_num(at.astype(np.float64), nan=-1).astype(np.int64)
    known[u.text_at] = at >= 0
    truth[u.text_at] = (at >= 0) & (at < len(_TRUE_WORDS))
    known[u.number_at] = (u.numbers == 0) | (u.numbers == 1)
    truth[u.number_at] = u.numbers == 1
    known[u.bool_at] = True
    truth[u.bool_at] = u.bools
    flags = pd.arrays.BooleanArray(spread(u.codes, truth, False), ~spread(u.codes, known, False))
    return pd.Series(flags, index=values.index, name=values.name)
