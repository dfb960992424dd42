"""Referral response after touches: a partner's referrals in the days after an activity
against the same number of days before it.

For each activity in the period and each window W (30, 60, 90 days): `before` = the partner's
referrals from W days before to the day before the activity, `after` = from the day after to
W days after. The activity's own day is in neither. A window that runs past either end of
the referral data is not judged (NaN): a touch last week has no 90 days after it yet.
Touches of one partner close together share days, so the sums show a pattern, not proof
that the lunch caused the referrals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.metrics.periods import Encoded
from analytics.outreach.touches import Touches

__all__ = [
    "WINDOWS",
    "response_by_type_of",
    "response_summary_of",
    "touch_response_of",
]

WINDOWS: tuple[int, ...] = (30, 60, 90)
_SHIFT = np.int64(1) << np.int64(32)


def _counter(encoded: Encoded):
    """A function (keys, first_days, last_days) -> referrals of each key in each day range."""
    order = np.lexsort((encoded.day, encoded.key))
    combined = encoded.key[order].astype("int64") * _SHIFT + encoded.day[order]
    cumulative = np.concatenate([[0], np.cumsum(encoded.count[order])])

    def count(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        base = keys.astype("int64") * _SHIFT
        right = np.searchsorted(combined, base + hi, side="right")
        left = np.searchsorted(combined, base + lo, side="left")
        found = cumulative[right] - cumulative[left]
        return np.where(keys >= 0, found, 0)

    return count


def touch_response_of(
    encoded: Encoded, touches: Touches, windows: tuple[int, ...] = WINDOWS
) -> pd.DataFrame:
    """One row per touch in the period: partner, activity_type, date, cost, and for each window
    W `before_W` / `after_W` referrals (NaN where the window is not complete)."""
    period = touches.in_period
    columns = ["partner", "activity_type", "date", "cost"]
    columns += [f"{side}_{w}" for w in windows for side in ("before", "after")]
    if period.empty or not len(encoded.day):
        return pd.DataFrame({c: [] for c in columns}).astype(
            {"partner": "str", "activity_type": "str", "date": "datetime64[ns]"}
        )
    keys = pd.Index(encoded.names).get_indexer(period["partner"].astype(object))
    day = period["day"].to_numpy(dtype="int64")
    first, last = encoded.first_day(), encoded.last_day()
    count = _counter(encoded)
    table = pd.DataFrame(
        {
            "partner": period["partner"].to_numpy(),
            "activity_type": period["activity_type"].to_numpy(),
            "date": pd.to_datetime(day, unit="D").astype("datetime64[ns]"),
            "cost": period["cost"].to_numpy(dtype="float64"),
        }
    ).astype({"partner": "str", "activity_type": "str"})
    for w in windows:
        complete = (day - w >= first) & (day + w <= last)
        before = count(keys, day - w, day - 1).astype("float64")
        after = count(keys, day + 1, day + w).astype("float64")
        table[f"before_{w}"] = np.where(complete, before, np.nan)
        table[f"after_{w}"] = np.where(complete, after, np.nan)
    return table


def response_summary_of(response: pd.DataFrame, windows: tuple[int, ...] = WINDOWS) -> pd.DataFrame:
    """Per window: touches judged, referrals before and after them, the change and the change
    per touch (NaN when no touch could be judged)."""
    rows = []
    for w in windows:
        judged = response[f"after_{w}"].notna() if len(response) else pd.Series(dtype=bool)
        touches = int(judged.sum())
        before = float(response.loc[judged, f"before_{w}"].sum()) if touches else 0.0
        after = float(response.loc[judged, f"after_{w}"].sum()) if touches else 0.0
        rows.append(
            {
                "window": w,
                "touches": touches,
                "before": before,
                "after": after,
                "change": after - before,
                "change_per_touch": (after - before) / touches if touches else np.nan,
            }
        )
    return pd.DataFrame(rows)


def response_by_type_of(response: pd.DataFrame, window: int = 90) -> pd.DataFrame:
    """Per activity type over one window: touches judged, referrals before, after, change,
    change per touch; types with no judged touch are left out."""
    judged = response[response[f"after_{window}"].notna()]
    grouped = judged.groupby("activity_type", sort=True)
    table = pd.DataFrame(
        {
            "touches": grouped.size(),
            "before": grouped[f"before_{window}"].sum(),
            "after": grouped[f"after_{window}"].sum(),
        }
    )
    table["change"] = table["after"] - table["before"]
    table["change_per_touch"] = table["change"] / table["touches"]
    table = table.rename_axis("activity_type").reset_index()
    table["activity_type"] = table["activity_type"].astype("str")
    return table.sort_values(
        ["change_per_touch", "activity_type"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
