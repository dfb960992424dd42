"""Portfolio view for consultants: every practice store side by side over its own trailing
12 months, and each one's percentile among them on the measures clients ask about."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.filters import Filters, preset_period
from analytics.metrics.concentration import concentration_of
from analytics.metrics.dependence import physician_dependence_of
from analytics.metrics.funnel import median_days_of
from analytics.metrics.periods import Encoded, conversion_rate, encode, in_period, tables_of, to_day
from analytics.store import METRIC_COLUMNS, Store
from analytics.store.practices import display_name

__all__ = [
    "MEASURES",
    "percentiles_of",
    "portfolio_of",
    "practice_row",
]

# Measure column -> percentile column: the share of practices at or below this one's value.
MEASURES: dict[str, str] = {
    "HHI": "HHI percentile",
    "Largest share": "Largest share percentile",
    "Physician share": "Physician share percentile",
    "Conversion share": "Conversion percentile",
    "Median days to first visit": "Days to first visit percentile",
    "Partners won": "Partners won percentile",
}


def _none_to_nan(value) -> float:
    return np.nan if value is None else float(value)


def _partners_won(encoded: Encoded, start: date, end: date) -> float:
    """Partners referring in [start, end] that did not in the 12 months before; NaN when the
    data does not reach into those 12 months."""
    lo, hi = to_day(pd.Timestamp(start)), to_day(pd.Timestamp(end))
    prior_lo = to_day(pd.Timestamp(start) - pd.DateOffset(months=12))
    if encoded.first_day() is None or encoded.first_day() >= lo:
        return np.nan
    now = set(encoded.key[encoded.partner & (encoded.day >= lo) & (encoded.day <= hi)])
    before = set(encoded.key[encoded.partner & (encoded.day >= prior_lo) & (encoded.day < lo)])
    return float(len(now - before))


def practice_row(name: str, history: pd.DataFrame) -> dict:
    """One practice's measures over the trailing 12 months to its last referral."""
    encoded = encode(history, "partner")
    last = encoded.last_day()
    row: dict = {"Practice": name}
    if last is None:
        return row | {"Period": "no referrals", "Referrals": 0}
    start, end = preset_period("Trailing 12 months", pd.Timestamp(np.datetime64(last, "D")).date())
    tables = tables_of(encoded, Filters(start=start, end=end))
    c = concentration_of(tables)
    d = physician_dependence_of(tables)
    window = in_period(encoded, to_day(pd.Timestamp(start)), to_day(pd.Timestamp(end)))
    return row | {
        "Period": f"{start:%b %Y} to {end:%b %Y}",
        "Referrals": tables.referrals,
        "HHI": _none_to_nan(c["hhi"]),
        "Largest share": _none_to_nan(c["cr1"]),
        "Physician share": _none_to_nan(d["physician_share"]),
        "Conversion share": _none_to_nan(conversion_rate(tables)),
        "Median days to first visit": float(median_days_of(window)[0]),
        "Partners won": _partners_won(encoded, start, end),
    }


def percentiles_of(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a percentile beside each measure: the share of practices (with a value)
    at or below this one's; blank with fewer than two practices to compare."""
    out = table.copy()
    for measure, label in MEASURES.items():
        values = out[measure] if measure in out else pd.Series(np.nan, index=out.index)
        if values.notna().sum() < 2:
            out[label] = np.nan
        else:
            out[label] = values.rank(method="max", pct=True)
    return out


def portfolio_of(stores: Iterable[str | Path]) -> pd.DataFrame:
    """Every practice store side by side, each opened, read and closed in turn."""
    rows = []
    for path in stores:
        store = Store(path)
        try:
            history = store.referrals(Filters(), columns=METRIC_COLUMNS)
        finally:
            store.close()
        # The file's name, or "practice x" for a practice in PostgreSQL.
        label = store.path.name
        rows.append(practice_row(display_name(path), history) | {"Store": label})
    columns = ["Practice", "Store", "Period", "Referrals", *MEASURES]
    table = pd.DataFrame(rows).reindex(columns=columns)
    for measure in MEASURES:
        table[measure] = table[measure].astype("float64")
    table["Referrals"] = table["Referrals"].fillna(0).astype("int64")
    return percentiles_of(table)
