"""Trends and alerts: monthly series, trailing HHI, new partners, change, declining, dormant."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.alerts import declining, dormant
from analytics.metrics.trends import monthly_series, new_partners, period_comparison
from tests.frames import make_frame

Q1 = Filters(start=date(2025, 1, 1), end=date(2025, 3, 31))


@pytest.fixture
def quarter_history() -> pd.DataFrame:
    return make_frame(
        [
            ("2024-12-10", "A", "physician", 1, 10.0),
            ("2025-01-05", "A", "physician", 2, 20.0),
            ("2025-01-20", "Mom", "patient", 2, 5.0),
            ("2025-03-02", "B", "chiropractor", 1),
            ("2025-03-09", "A", "physician", 1),
            ("2025-03-30", "C", "health_wellness", 1, 1.0),
        ]
    )


def test_monthly_series_by_hand(quarter_history):
    series = monthly_series(quarter_history, Q1)
    assert list(series["month"]) == list(pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]))
    assert series["referrals"].tolist() == [4, 0, 3]
    assert series["revenue"].tolist() == pytest.approx([25.0, 0.0, 1.0])
    # January: A has 2 of 4 -> 2500. February: nothing, undefined. March: three of 1/3.
    assert series["hhi"].tolist()[0] == pytest.approx(2500)
    assert math.isnan(series["hhi"].tolist()[1])
    assert series["hhi"].tolist()[2] == pytest.approx(10_000 / 3)
    # Trailing 12 months, December included: A 3 of 5 -> 3600 (also through an empty Feb);
    # by March A 4, B 1, C 1 of 8 -> (16 + 1 + 1) / 64 -> 2812.5.
    assert series["hhi_12m"].tolist() == pytest.approx([3600, 3600, 2812.5])
    assert series["partners_active"].tolist() == [1, 0, 3]
    assert series["new_partners"].tolist() == [0, 0, 2]  # A first referred in December
    assert series["share_patient"].tolist()[0] == pytest.approx(0.5)
    assert series["share_physician"].tolist()[2] == pytest.approx(1 / 3)


def test_the_trailing_window_is_exactly_twelve_calendar_months():
    history = make_frame(
        [
            ("2024-01-31", "Old", "physician", 5),  # 13 months before January 2025: out
            ("2024-02-01", "Z", "physician", 5),  # 12th month back: in
            ("2025-01-10", "A", "physician", 5),
        ]
    )
    series = monthly_series(history, Filters(start=date(2025, 1, 1), end=date(2025, 2, 28)))
    # January: Z and A, half each. February's 12 months start in March 2024: A alone.
    assert series["hhi_12m"].tolist() == pytest.approx([5000, 10_000])
    assert series["hhi"].tolist()[0] == pytest.approx(10_000)


def test_monthly_series_on_revenue_basis(quarter_history):
    series = monthly_series(quarter_history, Q1.with_period(date(2025, 1, 1), date(2025, 1, 31)))
    # Revenue shares in January: A 20 of 25 -> 6400.
    revenue = monthly_series(
        quarter_history,
        Filters(start=date(2025, 1, 1), end=date(2025, 1, 31), basis="revenue"),
    )
    assert series["hhi"].tolist() == pytest.approx([2500])
    assert revenue["hhi"].tolist() == pytest.approx([6400])


def test_a_period_starting_mid_month_counts_only_its_own_days(quarter_history):
    series = monthly_series(
        quarter_history, Filters(start=date(2025, 1, 10), end=date(2025, 1, 31))
    )
    assert series["referrals"].tolist() == [2]  # the 5 January rows fall before the start
    assert series["hhi"].tolist() == pytest.approx([0.0])  # only patients left
    # The trailing window still takes whole months.
    assert series["hhi_12m"].tolist() == pytest.approx([3600])


def test_monthly_series_of_nothing_has_the_columns():
    series = monthly_series(make_frame(), Filters())
    assert series.empty and "hhi_12m" in series.columns


def test_new_partners_first_referral_ever_in_the_period(quarter_history):
    table = new_partners(quarter_history, Q1)
    assert table.to_dict("records") == [
        {
            "partner": "B",
            "type": "chiropractor",
            "first_referral": pd.Timestamp("2025-03-02"),
            "referrals": 1,
        },
        {
            "partner": "C",
            "type": "health_wellness",
            "first_referral": pd.Timestamp("2025-03-30"),
            "referrals": 1,
        },
    ]


def test_period_comparison_against_the_equal_period_before(quarter_history):
    march = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))
    result = period_comparison(quarter_history, march)
    # The 31 days before March 1 run from January 29: nothing but February, which is empty.
    assert result["current"]["referrals"] == 3
    assert result["previous"]["referrals"] == 0
    assert result["change"]["referrals"] is None
    q1 = period_comparison(quarter_history, Filters(start=date(2025, 1, 20), end=date(2025, 3, 31)))
    # 71 days back from January 19: December 10 and January 5 -> 3 referrals; now 5.
    assert q1["previous"]["referrals"] == 3
    assert q1["change"]["referrals"] == pytest.approx(5 / 3 - 1)
    assert q1["current"]["partners"] == 3


# --- declining -------------------------------------------------------------------------

END = date(2025, 6, 30)
RECENT_START = pd.Timestamp("2025-04-02")  # the last 90 days: April 2 to June 30
ALERTS = Filters(end=END)


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), from the series."""
    return sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k + 1))


def monthly_rows(source: str, per_month: int, first: str, last: str, day: int = 1) -> list[tuple]:
    return [
        (d.date().isoformat(), source, "physician", per_month)
        for d in pd.date_range(first, last, freq="MS") + pd.Timedelta(days=day - 1)
    ]


def test_a_partner_dropping_from_ten_to_one_a_month_is_declining():
    rows = monthly_rows("Dr Drop", 10, "2024-03-01", "2025-04-01")
    rows += [("2025-04-15", "Dr Drop", "physician", 1), ("2025-05-15", "Dr Drop", "physician", 1)]
    rows += [("2025-06-15", "Dr Drop", "physician", 1)]
    table = declining(make_frame(rows), ALERTS)
    # Earlier window April 2 2024 - April 1 2025 (365 days) holds May 1 ... April 1: 12 x 10.
    expected = 120 * 90 / 365
    assert table["name"].tolist() == ["Dr Drop"]
    found = table.iloc[0]
    assert found["type"] == "physician"
    assert found["earlier_rate_per_90d"] == pytest.approx(expected)
    assert found["last_90d"] == 3
    assert found["drop"] == pytest.approx(1 - 3 / expected)
    assert found["p_value"] == pytest.approx(poisson_cdf(3, expected))
    assert found["p_value"] < 0.01


def daily_poisson(rng: np.random.Generator, source: str, per_month: list[tuple[str, str, float]]):
    rows = []
    for first, last, rate in per_month:
        for day in pd.date_range(first, last, freq="D"):
            n = int(rng.poisson(rate * 12 / 365.25))
            if n:
                rows.append((day.date().isoformat(), source, "physician", n))
    return rows


def test_a_poisson_partner_falling_to_one_a_month_is_flagged_but_a_steady_one_is_not():
    rng = np.random.default_rng(42)
    dropping = daily_poisson(
        rng, "Dr Drop", [("2024-01-01", "2025-04-01", 10), ("2025-04-02", "2025-06-30", 1)]
    )
    steady = daily_poisson(rng, "Dr Steady", [("2024-01-01", "2025-06-30", 10)])
    table = declining(make_frame(dropping + steady), ALERTS)
    assert table["name"].tolist() == ["Dr Drop"]
    assert table["p_value"].iloc[0] < 0.01


def test_steady_poisson_partners_are_rarely_flagged():
    rng = np.random.default_rng(7)
    rows = []
    for i in range(40):
        rows += daily_poisson(rng, f"Dr {i}", [("2024-01-01", "2025-06-30", 10)])
    flagged = declining(make_frame(rows), ALERTS)
    # The test's level is 5%, and the drop must also be 30%: a handful at most.
    assert len(flagged) <= 4


@pytest.mark.parametrize(
    ("rows", "flagged"),
    [
        pytest.param(
            # First referral December 3: 120 days before the last 90, too few to judge.
            [
                *monthly_rows("Dr New", 10, "2024-11-03", "2025-03-03", day=3),
                ("2025-05-15", "Dr New", "physician", 1),
            ],
            False,
            id="under-180-days",
        ),
        pytest.param(
            # 12 a year is about 3 expected in 90 days: below 5, no test.
            monthly_rows("Dr Few", 1, "2024-04-01", "2025-03-01", day=5),
            False,
            id="expected-below-5",
        ),
        pytest.param(
            # 1,000 a 90 days down to 750: certain, but a 25% drop is under 30%.
            [
                ("2024-04-02", "Dr Big", "physician", 4056),
                ("2025-05-01", "Dr Big", "physician", 750),
            ],
            False,
            id="drop-under-30pct",
        ),
        pytest.param(
            [
                ("2024-04-02", "Dr Big", "physician", 4056),
                ("2025-05-01", "Dr Big", "physician", 690),
            ],
            True,
            id="drop-over-30pct",
        ),
    ],
)
def test_declining_needs_history_volume_and_a_real_drop(rows, flagged):
    assert (len(declining(make_frame(rows), ALERTS)) == 1) is flagged


def test_a_partner_younger_than_a_year_is_measured_from_its_first_referral():
    # First referral 200 days before April 2: 40 referrals in 200 days -> 18 per 90 days.
    first = (RECENT_START - pd.Timedelta(days=200)).date().isoformat()
    rows = [
        ("2024-01-02", "Someone else", "patient", 1),
        (first, "Dr Young", "physician", 20),
        ("2025-01-10", "Dr Young", "physician", 20),
        ("2025-05-10", "Dr Young", "physician", 2),
    ]
    table = declining(make_frame(rows), ALERTS)
    assert table["earlier_rate_per_90d"].tolist() == pytest.approx([18.0])
    assert table["p_value"].tolist() == pytest.approx([poisson_cdf(2, 18.0)])


# --- dormant ---------------------------------------------------------------------------


def test_dormant_partners():
    # The last 60 days run May 2 - June 30; the 6 months before, November 2 - May 1.
    rows = monthly_rows("Dr Quiet", 2, "2024-11-01", "2025-04-01", day=15)
    rows += monthly_rows("Dr Few", 1, "2024-12-01", "2025-04-01", day=15)  # 5 in 6 months
    rows += monthly_rows("Dr Busy", 1, "2024-11-01", "2025-04-01", day=15)
    rows += [("2025-05-02", "Dr Busy", "physician", 1)]  # first day of the 60
    rows += monthly_rows("Dr Edge", 1, "2024-11-01", "2025-04-01", day=15)
    rows += [("2025-05-01", "Dr Edge", "physician", 1)]  # the day before the 60
    rows += [("2025-01-01", "Mom", "patient", 30)]
    table = dormant(make_frame(rows), ALERTS)
    assert table["name"].tolist() == ["Dr Quiet", "Dr Edge"]
    assert table["monthly_avg"].tolist() == pytest.approx([2.0, 7 / 6])
    assert table["last_referral"].tolist() == [
        pd.Timestamp("2025-04-15"),
        pd.Timestamp("2025-05-01"),
    ]
    # Base shares: 12 and 7 of 12 + 5 + 6 + 7 + 30 = 60.
    assert table["base_share"].tolist() == pytest.approx([12 / 60, 7 / 60])


def test_nothing_is_dormant_or_declining_without_data():
    assert dormant(make_frame(), Filters()).empty
    assert declining(make_frame(), Filters()).empty
