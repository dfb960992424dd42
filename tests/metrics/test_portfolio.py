"""Portfolio: practices side by side, percentiles among them, hand-computed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics.charts import portfolio_chart
from analytics.metrics.portfolio import percentiles_of, portfolio_of, practice_row
from analytics.store import Store
from tests.frames import make_frame, repeat


def test_practice_row_over_trailing_12_months():
    rows = (
        repeat("2024-02-01", "Old", "physician", 5)  # only in the 12 months before the window
        + repeat("2024-06-01", "A", "physician", 2)  # the window's first day
        + repeat("2025-03-01", "A", "physician", 6, eval_date="2025-03-04")
        + repeat("2025-04-01", "B", "chiropractor", 2, eval_date="2025-04-11")
        + repeat("2025-05-01", "Friend", "patient", 2, arrived=False)
    )
    row = practice_row("Test PT", make_frame(rows))
    assert row["Period"] == "Jun 2024 to May 2025"
    assert row["Referrals"] == 12  # A 2 + 6, B 2, patients 2
    assert row["Largest share"] == pytest.approx(8 / 12)
    assert row["HHI"] == pytest.approx(10_000 * ((8 / 12) ** 2 + (2 / 12) ** 2))
    assert row["Physician share"] == pytest.approx(8 / 12)
    assert row["Conversion share"] == pytest.approx(8 / 10)  # 8 evaluated of 10 known
    assert row["Median days to first visit"] == 3.0  # six at 3 days, two at 10
    assert row["Partners won"] == 2.0  # A and B; neither referred Jun 2023 to May 2024


def test_percentiles_among_practices():
    table = pd.DataFrame(
        {
            "Practice": ["P", "Q", "R", "S"],
            "HHI": [500.0, 1500.0, 1500.0, np.nan],
            "Largest share": [0.1, 0.2, 0.3, 0.4],
        }
    )
    out = percentiles_of(table)
    assert out["HHI percentile"].tolist()[:3] == [pytest.approx(1 / 3), 1.0, 1.0]
    assert math.isnan(out["HHI percentile"].iloc[3])
    assert out["Largest share percentile"].tolist() == [0.25, 0.5, 0.75, 1.0]
    assert out["Partners won percentile"].isna().all()  # measure absent


def test_portfolio_of_stores(sample_store, tmp_path):
    empty = tmp_path / "empty_clinic.duckdb"
    Store(empty).close()
    table = portfolio_of([sample_store.path, empty])
    assert table["Referrals"].tolist()[1] == 0
    sample = table.iloc[0]
    assert sample["Period"] == "Nov 2025 to Oct 2026"
    assert math.isnan(table["HHI percentile"].iloc[0])  # only one practice with a value
    fig = portfolio_chart(pd.concat([table.iloc[[0]], table.iloc[[0]].assign(Practice="<b>x</b>")]))
    assert "&lt;b&gt;x&lt;/b&gt;" in list(fig.data[0].text)
