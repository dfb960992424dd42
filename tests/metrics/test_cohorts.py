"""Cohorts by arrival month: payments spread over the episode, hand-computed."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.cohorts import cohort_curve_of, cohort_table_of
from tests.frames import make_frame


def _r(date, source, source_type, **extra):
    return {"referral_date": date, "source": source, "source_type": source_type, **extra}


ROWS = [
    # 300 over Jan, Feb, Mar (evaluation in January, discharge in March): 100 a month.
    _r(
        "2025-01-10",
        "A",
        "physician",
        eval_date="2025-01-20",
        discharge_date="2025-03-05",
        payments=300,
    ),
    # No discharge date: all 90 in the evaluation month, February (one month after referral).
    _r("2025-01-15", "B", "physician", eval_date="2025-02-02", payments=90),
    _r("2025-01-20", "C", "physician"),
    _r(
        "2025-02-10",
        "D",
        "chiropractor",
        eval_date="2025-02-12",
        discharge_date="2025-02-28",
        payments=60,
    ),
    _r("2025-03-03", "E", "physician", eval_date="2025-03-04", payments=30),
]


def _cell(table, source_type, month, k):
    row = table[
        (table["Source type"] == source_type)
        & (table["Month"] == pd.Timestamp(month))
        & (table["Months since referral"] == k)
    ]
    assert len(row) == 1
    return row.iloc[0]


def test_cumulative_revenue_by_month_since_referral():
    table = cohort_table_of(make_frame(ROWS), Filters(), horizon=3)
    jan = [_cell(table, "physician", "2025-01-01", k) for k in range(4)]
    assert [c["Referrals"] for c in jan] == [3, 3, 3, 3]
    assert [c["Cumulative revenue"] for c in jan[:3]] == [100.0, 290.0, 390.0]
    assert math.isnan(jan[3]["Cumulative revenue"])  # April is after the last referral
    assert jan[2]["Cumulative revenue per referral"] == 130.0
    assert _cell(table, "chiropractor", "2025-02-01", 1)["Cumulative revenue"] == 60.0
    assert math.isnan(_cell(table, "physician", "2025-03-01", 1)["Cumulative revenue"])


def test_curve_weighs_cohorts_by_referrals():
    curve = cohort_curve_of(cohort_table_of(make_frame(ROWS), Filters(), horizon=3))
    physician = curve[curve["Source type"] == "physician"].set_index("Months since referral")
    assert physician.loc[0, "Referrals"] == 4  # January's 3 and March's 1
    assert physician.loc[0, "Revenue per referral"] == 32.5  # (100 + 30) / 4
    assert physician.loc[1, "Revenue per referral"] == pytest.approx(290 / 3)
    assert physician.loc[1, "Cohorts"] == 1


def test_evaluation_before_referral_counts_from_the_referral_month():
    rows = [_r("2025-02-10", "A", "physician", eval_date="2025-01-05", payments=50)]
    table = cohort_table_of(make_frame(rows), Filters(), horizon=0)
    assert table["Cumulative revenue"].tolist() == [50.0]
