"""Source quality per partner and type, against hand-computed figures."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.source_quality import payer_mix_of, source_quality_of
from tests.frames import make_frame


def _row(source, source_type, **extra):
    return {"referral_date": "2025-01-06", "source": source, "source_type": source_type, **extra}


ROWS = [
    _row("A", "physician", eval_date="2025-01-08", visits=10, payments=500, payer="Medicare"),
    _row("A", "physician", eval_date="2025-01-15", visits=6, payments=300, payer="Aetna"),
    _row("A", "physician", arrived=False, payer="Medicare"),
    _row("A", "physician", arrived=True, visits=4, payments=200),
    _row("B", "chiropractor", eval_date="2025-01-07", visits=12, payments=1200, payer="Cash"),
    _row("Friend", "patient", payments=100),
]


def test_per_partner():
    table = source_quality_of(make_frame(ROWS), Filters())
    assert list(table["Partner"]) == ["B", "A"]  # ranked by revenue: 1,200 before 1,000
    a = table.set_index("Partner").loc["A"]
    assert a["Rank by revenue"] == 2
    assert a["Referrals"] == 4 and a["Episodes"] == 3
    assert a["Revenue"] == 1000.0
    assert a["Revenue per referral"] == 250.0
    assert a["Revenue per episode"] == pytest.approx(1000 / 3)
    assert a["Visits per referral"] == 5.0  # 20 visits over all 4 referrals
    assert a["Median days to first visit"] == 5.5  # 2 and 9 days
    assert a["90th percentile days"] == 9.0
    assert a["Seen within 7 days share"] == 0.25  # 1 of 4 known outcomes
    assert a["Arrived, date unknown"] == 1
    assert a["Top payers"] == "Medicare 50%, (no payer) 25%, Aetna 25%"


def test_per_type_keeps_channels():
    table = source_quality_of(make_frame(ROWS), Filters(), by="source_type")
    patient = table.set_index("Source type").loc["patient"]
    assert patient["Referrals"] == 1 and patient["Revenue"] == 100.0
    assert math.isnan(patient["Revenue per episode"])  # no arrival recorded
    assert math.isnan(patient["Seen within 7 days share"])  # no outcome known


@pytest.mark.parametrize(
    ("days", "median", "p90"),
    [
        (list(range(1, 11)), 5.5, 9.0),
        ([3], 3.0, 3.0),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 30], 0.0, 0.0),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 6.0, 10.0),
    ],
)
def test_day_percentiles(days, median, p90):
    base = pd.Timestamp("2025-01-06")
    rows = [_row("A", "physician", eval_date=base + pd.Timedelta(days=d)) for d in days]
    a = source_quality_of(make_frame(rows), Filters()).iloc[0]
    assert (a["Median days to first visit"], a["90th percentile days"]) == (median, p90)


def test_payer_mix_long_table():
    mix = payer_mix_of(make_frame(ROWS), Filters())
    a = mix[mix["Group"] == "A"]
    assert a[["Payer", "Referrals"]].values.tolist() == [
        ["Medicare", 2],
        ["(no payer)", 1],
        ["Aetna", 1],
    ]
    assert a["Payer share"].sum() == 1.0


def test_period_filter_applies():
    rows = [*ROWS, _row("C", "physician", payments=50) | {"referral_date": "2024-06-01"}]
    table = source_quality_of(make_frame(rows), Filters(start=None, end=None))
    assert "C" in set(table["Partner"])
    later = source_quality_of(make_frame(rows), Filters(start=date(2025, 1, 1)))
    assert "C" not in set(later["Partner"])
