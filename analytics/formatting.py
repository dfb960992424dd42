"""Numbers as people read them: $1.2M, 31.1%, +4.2 pts, Oct 31, 2026."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

__all__ = [
    "SHARE_DIGITS",
    "chance",
    "change",
    "count",
    "day",
    "half_up",
    "money",
    "pct",
    "pct_value",
    "period",
    "points",
    "short_name",
]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# The one rounding rule of every surface (page, table, CSV, PDF, deck, workbook): a share is
# first rounded to 4 decimals (the precision of `metrics --json`), then shown to 0.1%, halves
# rounded up, so 0.58449 and its stored 0.5845 both read 58.5%, never 58.4% on one and 58.5%
# on the other. Money: to the cent under $100 when there are cents (a $12.50 lunch), whole
# dollars to $10,000 ($1,561.99 reads $1,562), then $12.4K and $1.2M.
SHARE_DIGITS = 4
CENTS_BELOW = 100


def _decimal(value: float) -> Decimal:
    # repr is the shortest text that reads back as the float: 0.5845, not 0.58449999...
    return Decimal(repr(float(value)))


def half_up(value: float, digits: int = 0) -> float:
    """`value` rounded to `digits` decimals, halves away from zero (2.5 -> 3, 0.125 -> 0.13)."""
    return float(_decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def pct_value(share: float, digits: int = 1) -> float:
    """The percentage a share is shown as, by the rule above: 0.58449 -> 58.5."""
    stored = _decimal(share).quantize(Decimal(1).scaleb(-SHARE_DIGITS), rounding=ROUND_HALF_UP)
    return float((stored * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def money(value: float | None) -> str:
    """Dollars: $12.50 (cents under $100), $1,562, then $12.4K and $1.2M (halves up)."""
    if _missing(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if half_up(value) >= 1_000_000 or half_up(value / 1_000, 1) >= 1_000:
        return f"{sign}${half_up(value / 1_000_000, 1):.1f}M"
    if half_up(value) >= 10_000:
        return f"{sign}${half_up(value / 1_000, 1):.1f}K"
    cents = half_up(value, 2)
    if cents < CENTS_BELOW and cents != int(cents):
        return f"{sign}${cents:,.2f}"
    return f"{sign}${half_up(value):,.0f}"


def pct(share: float | None, digits: int = 1) -> str:
    """A 0..1 share as a percentage: 0.3114 -> 31.1% (the rule above)."""
    return "n/a" if _missing(share) else f"{pct_value(share, digits):.{digits}f}%"


def count(value: float | None) -> str:
    """A whole number with thousands separators: 3,732."""
    return "n/a" if _missing(value) else f"{half_up(value):,.0f}"


def change(fraction: float | None) -> str | None:
    """A relative change with its sign: 0.052 -> +5.2%; None stays None (nothing to compare)."""
    if _missing(fraction):
        return None
    return f"{pct_value(fraction):+.1f}%"


def points(delta: float | None) -> str | None:
    """A change between two shares in percentage points: 0.013 -> +1.3 pts."""
    if _missing(delta):
        return None
    return f"{pct_value(delta):+.1f} pts"


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
