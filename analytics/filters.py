"""The filters every page, metric and CLI call shares: one frozen, hashable value."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

BASES = ("referrals", "revenue")
LEVELS = ("partner", "organization")


@dataclass(frozen=True)
class Filters:
    """What slice of the store to analyse; hashable, so it doubles as a cache key."""

    start: date | None = None
    end: date | None = None
    clinics: tuple[str, ...] = ()
    source_types: tuple[str, ...] = ()
    basis: str = "referrals"
    level: str = "partner"

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"basis must be one of {', '.join(BASES)}, not {self.basis!r}.")
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}.")
        if self.start and self.end and self.start > self.end:
            raise ValueError("The start date is after the end date; swap them.")
        # Order-insensitive tuples so equal selections hash alike.
        object.__setattr__(self, "clinics", tuple(sorted(set(self.clinics))))
        object.__setattr__(self, "source_types", tuple(sorted(set(self.source_types))))

    def with_period(self, start: date | None, end: date | None) -> Filters:
        """The same filters over another period."""
        return replace(self, start=start, end=end)


PRESETS = ("All data", "Last month", "Last quarter", "Trailing 12 months", "Year to date")


def preset_period(preset: str, last: date | None) -> tuple[date | None, date | None]:
    """The (start, end) a period preset means, counted back from the last date with data.

    Months and quarters are whole calendar ones: "Last month" is the last complete or
    partial month that has data, so an export for October reads as October.
    """
    if last is None or preset == "All data":
        return None, None
    if preset == "Last month":
        return last.replace(day=1), last
    if preset == "Last quarter":
        first_month = 3 * ((last.month - 1) // 3) + 1
        return last.replace(month=first_month, day=1), last
    if preset == "Trailing 12 months":
        start = last.replace(day=1)
        year, month = (start.year - 1, start.month + 1) if start.month < 12 else (start.year, 1)
        return date(year, month, 1), last
    if preset == "Year to date":
        return date(last.year, 1, 1), last
    raise ValueError(f"Unknown period preset {preset!r}; use one of {', '.join(PRESETS)}.")
