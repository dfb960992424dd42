"""Numbers as people read them: $1.2M, 31.1%."""

from __future__ import annotations


def money(value: float | None) -> str:
    """Dollars, shortened past ten thousand: $950, $12.4K, $1.2M."""
    if value is None:
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
    return "n/a" if share is None else f"{share * 100:.{digits}f}%"
