"""The periods a figure is compared with, as owners read them: the previous calendar month or
quarter (or the equally long period before custom dates) and the same period last year, and
whether the data covers that period fully enough to show a change at all."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from analytics import formatting as fmt

__all__ = ["COMPARISONS", "Comparison", "comparison_of", "last_year_of", "previous_of"]

COMPARISONS = ("previous", "last_year")


@dataclass(frozen=True)
class Comparison:
    """The period a figure is compared with; `covered` is False when data is missing for part
    of it, and `reason` then says why no change is shown."""

    kind: str
    start: date
    end: date
    name: str
    covered: bool
    reason: str | None = None

    @property
    def dates(self) -> str:
        """The comparison period's dates: Feb 1, 2026 – Feb 28, 2026."""
        return fmt.period(self.start, self.end)


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _shift(day: date, months: int, *, month_end: bool) -> date:
    """`day` moved by whole months; a month's last day stays its month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_end(year, month + 1)
    return date(year, month + 1, last if month_end else min(day.day, last))


def _is_month_end(day: date) -> bool:
    return day.day == _month_end(day.year, day.month)


def calendar_months(start: date, end: date) -> int | None:
    """How many calendar months the period spans, when it starts on a month's first day."""
    if start.day != 1:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def previous_of(start: date, end: date) -> tuple[date, date]:
    """The period before: the previous calendar month(s) or quarter for a period starting on
    the 1st (March -> February; Jan 1 - Mar 31 -> Oct 1 - Dec 31; March 1-15 -> February
    1-15), else the equally long run of days ending the day before `start`."""
    months = calendar_months(start, end)
    if months is None:
        length = end - start
        before = start - timedelta(days=1)
        return before - length, before
    return _shift(start, -months, month_end=False), _shift(
        end, -months, month_end=_is_month_end(end)
    )


def last_year_of(start: date, end: date) -> tuple[date, date]:
    """The same period a year earlier (Feb 29 reads as Feb 28)."""
    return _shift(start, -12, month_end=False), _shift(end, -12, month_end=_is_month_end(end))


def _name(kind: str, start: date, end: date) -> str:
    months = calendar_months(start, end)
    whole = months is not None and _is_month_end(end)
    if kind == "last_year":
        return "the same period last year"
    if whole and months == 1:
        return "the previous month"
    if whole and months == 3 and start.month in (1, 4, 7, 10):
        return "the previous quarter"
    if whole:
        return f"the previous {months} months"
    return "the equally long period before"


def comparison_of(kind: str, start: date, end: date, first_day: date | None) -> Comparison:
    """The comparison period of `kind` ("previous" or "last_year") for the period, and whether
    the data covers it. Exports come by the month, so data whose first referral falls in a
    month covers that month from its 1st; a comparison starting earlier is not covered."""
    if kind not in COMPARISONS:
        raise ValueError(f"kind must be one of {', '.join(COMPARISONS)}, not {kind!r}.")
    then_start, then_end = (
        previous_of(start, end) if kind == "previous" else last_year_of(start, end)
    )
    name = _name(kind, start, end)
    covered_from = None if first_day is None else first_day.replace(day=1)
    if covered_from is not None and covered_from <= then_start:
        return Comparison(kind, then_start, then_end, name, True)
    starts = "there is no data" if covered_from is None else f"data starts {covered_from:%b %Y}"
    reason = f"No change shown: {starts}, so {name} ({fmt.period(then_start, then_end)}) is "
    reason += "not fully covered."
    return Comparison(kind, then_start, then_end, name, False, reason)
