"""Numbers as people read them: $1.2M, 31.1%, +4.2 pts, Oct 31, 2026."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

__all__ = [
    "chance",
    "change",
    "count",
    "day",
    "money",
    "pct",
    "period",
    "points",
    "short_name",
]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None) -> str:
    """Dollars, shortened past ten thousand: $950, $12.4K, $1.2M."""
    if _missing(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000:
        return f"{sign}${value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{sign}${value / 1_000:.1f}K"
    return f"{sign}${value:,.0f}"


def pct(share: float | None, digits: int = 1) -> str:
    """A 0..1 share as a percentage: 0.3114 -> 31.1%."""
    return "n/a" if _missing(share) else f"{share * 100:.{digits}f}%"


def count(value: float | None) -> str:
    """A whole number with thousands separators: 3,732."""
    return "n/a" if _missing(value) else f"{value:,.0f}"


def change(fraction: float | None) -> str | None:
    """A relative change with its sign: 0.052 -> +5.2%; None stays None (nothing to compare)."""
    if _missing(fraction):
        return None
    return f"{fraction * 100:+.1f}%"


def points(delta: float | None) -> str | None:
    """A change between two shares in percentage points: 0.013 -> +1.3 pts."""
    if _missing(delta):
        return None
    return f"{delta * 100:+.1f} pts"


def day(value: date | pd.Timestamp | None) -> str:
    """A date the way it is said: Oct 31, 2026."""
    if value is None or pd.isna(value):
        return "n/a"
    value = pd.Timestamp(value)
    return f"{value:%b} {value.day}, {value.year}"


def period(start: date | pd.Timestamp | None, end: date | pd.Timestamp | None) -> str:
    """A date range: Nov 1, 2025 – Oct 31, 2026."""
    return f"{day(start)} – {day(end)}"


def chance(p_value: float | None) -> str:
    """A p-value in words: the odds of seeing a drop this large by luck alone."""
    if _missing(p_value):
        return "n/a"
    if p_value < 1e-6:
        return "under 1 in a million"
    if p_value >= 0.5:
        return "likely luck"
    return f"1 in {round(1 / p_value):,}"


def short_name(name: str, width: int = 26) -> str:
    """A label cut to `width` characters with an ellipsis, so long names do not push charts."""
    name = str(name)
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"
