"""Comparison periods as owners read them (analytics.metrics.comparison)."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.metrics.comparison import comparison_of, last_year_of, previous_of


@pytest.mark.parametrize(
    ("start", "end", "before"),
    [
        # A month against the month before, not "Jan 29 - Feb 28".
        (date(2026, 3, 1), date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
        # A quarter against the quarter before, not "Oct 3 - Dec 31".
        (date(2026, 1, 1), date(2026, 3, 31), (date(2025, 10, 1), date(2025, 12, 31))),
        # A month so far against the same days of the month before.
        (date(2026, 3, 1), date(2026, 3, 15), (date(2026, 2, 1), date(2026, 2, 15))),
        (date(2026, 3, 1), date(2026, 3, 30), (date(2026, 2, 1), date(2026, 2, 28))),
        # Trailing 12 months against the 12 before.
        (date(2025, 12, 1), date(2026, 11, 30), (date(2024, 12, 1), date(2025, 11, 30))),
        # Custom dates not on a 1st: the equally long run of days before (71 and 71).
        (date(2025, 1, 20), date(2025, 3, 31), (date(2024, 11, 10), date(2025, 1, 19))),
    ],
)
def test_previous_period(start, end, before):
    assert previous_of(start, end) == before


def test_same_period_last_year():
    assert last_year_of(date(2026, 3, 1), date(2026, 3, 31)) == (
        date(2025, 3, 1),
        date(2025, 3, 31),
    )
    assert last_year_of(date(2024, 2, 1), date(2024, 2, 29)) == (
        date(2023, 2, 1),
        date(2023, 2, 28),
    )


def test_coverage_counts_whole_months_of_data():
    march = (date(2026, 3, 1), date(2026, 3, 31))
    # Data from Feb 3: February is covered (exports come by the month).
    assert comparison_of("previous", *march, date(2026, 2, 3)).covered
    late = comparison_of("previous", *march, date(2026, 3, 2))
    assert not late.covered
    assert late.reason == (
        "No change shown: data starts Mar 2026, so the previous month "
        "(Feb 1, 2026 – Feb 28, 2026) is not fully covered."
    )
    assert not comparison_of("last_year", *march, date(2025, 4, 1)).covered
    assert comparison_of("last_year", *march, date(2025, 3, 31)).covered
