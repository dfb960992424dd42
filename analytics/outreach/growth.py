"""Growing the network: partners won, branching out beyond physicians, and patients' word of
mouth, month by month, each against a target the owner sets.

- New partners won: partners whose first referral ever falls in the month (`monthly.won_lost_of`,
  so the figure matches the trends page; none in the first months of the data, where every
  partner looks new).
- Health & wellness share: referrals from chiropractors and other health and wellness
  partners (trainers, gyms, massage therapists, dentists, podiatrists...) over all referrals.
- Word-of-mouth share: referrals of type patient over all referrals (the ask).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.monthly import type_counts_of, won_lost_of
from analytics.metrics.periods import Encoded
from analytics.schema import SOURCE_TYPE_LABELS

__all__ = [
    "GROWTH_COLUMNS",
    "RECENT_MONTHS",
    "WELLNESS_TYPES",
    "GrowthTargets",
    "growth_of",
    "growth_status",
]

WELLNESS_TYPES: tuple[str, ...] = ("chiropractor", "health_wellness")
GROWTH_COLUMNS: tuple[str, ...] = (
    "Month",
    "Referrals",
    "New partners",
    "Health & wellness referrals",
    "Health & wellness share",
    "Word-of-mouth referrals",
    "Word-of-mouth share",
)
# The status compares the average of the last few whole or partial months with the target.
RECENT_MONTHS = 3


@dataclass(frozen=True)
class GrowthTargets:
    """The owner's targets: new partners a month, and two shares of all referrals (0..1)."""

    new_partners: float = 2.0
    wellness_share: float = 0.15
    word_of_mouth_share: float = 0.15


def growth_of(encoded: Encoded, filters: Filters) -> pd.DataFrame:
    """Per calendar month of the period (columns GROWTH_COLUMNS); shares are NaN in a month
    without referrals, new partners NaN in the data's first months."""
    counts = type_counts_of(encoded, filters)
    won = won_lost_of(encoded, filters)
    labels = [c for c in counts.columns if c != "Month"]
    total = counts[labels].sum(axis=1).astype("int64")
    wellness = counts[[SOURCE_TYPE_LABELS[t] for t in WELLNESS_TYPES]].sum(axis=1)
    patients = counts[SOURCE_TYPE_LABELS["patient"]]
    safe = total.where(total > 0).astype("float64")
    return pd.DataFrame(
        {
            "Month": counts["Month"],
            "Referrals": total,
            "New partners": won["Won"].to_numpy() if len(won) == len(counts) else np.nan,
            "Health & wellness referrals": wellness.astype("int64"),
            "Health & wellness share": wellness / safe,
            "Word-of-mouth referrals": patients.astype("int64"),
            "Word-of-mouth share": patients / safe,
        }
    )[list(GROWTH_COLUMNS)]


def _recent(values: pd.Series, weights: pd.Series | None = None) -> float | None:
    """The last RECENT_MONTHS months' mean (of counts) or pooled share (weights: referrals)."""
    tail = values.tail(RECENT_MONTHS)
    if weights is None:
        tail = tail.dropna()
        return float(tail.mean()) if len(tail) else None
    referrals = weights.tail(RECENT_MONTHS)
    total = float(referrals.sum())
    return float((tail.fillna(0) * referrals).sum() / total) if total else None


def growth_status(growth: pd.DataFrame, targets: GrowthTargets) -> list[dict]:
    """One entry per growth measure: label, recent value (last RECENT_MONTHS months), target,
    `met` (None when there is nothing to judge) and a sentence."""
    share_of = growth["Referrals"]
    measures = (
        ("New partners a month", _recent(growth["New partners"]), targets.new_partners, "count"),
        (
            "Health & wellness share",
            _recent(growth["Health & wellness share"], share_of),
            targets.wellness_share,
            "share",
        ),
        (
            "Word-of-mouth share",
            _recent(growth["Word-of-mouth share"], share_of),
            targets.word_of_mouth_share,
            "share",
        ),
    )
    out = []
    for label, value, target, kind in measures:
        if kind == "share":
            shown, goal = fmt.pct(value), fmt.pct(target)
        else:
            shown = "n/a" if value is None else f"{value:.1f} a month"
            goal = f"{target:g} a month"
        met = None if value is None else value >= target
        if met is None:
            sentence = f"Not enough months yet to compare with the target of {goal}."
        else:
            verb = "meets" if met else "is below"
            sentence = f"{shown} over the last {RECENT_MONTHS} months {verb} the target of {goal}."
        out.append(
            {
                "label": label,
                "value": value,
                "shown": shown,
                "target": target,
                "met": met,
                "sentence": sentence,
            }
        )
    return out
