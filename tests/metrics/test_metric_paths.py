"""The numbers must not depend on which path ran: DuckDB aggregation or pandas over rows."""

from __future__ import annotations

import pytest

from analytics.filters import Filters
from analytics.metrics.cli import store_metrics
from tests.metric_paths import FILTER_CASES, paths_agree


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_sql_and_pandas_paths_agree(sample_store, filters):
    paths_agree(sample_store, filters)


def test_sample_practice_headline_numbers(sample_store):
    """Hand check: Okafor sends 1,475 of the 7,277 sample referrals (truth.csv)."""
    m = store_metrics(sample_store, Filters())
    assert m["referrals"] == 7277
    assert m["physician_dependence"]["top_physician"]["name"] == "Maria Okafor, MD"
    assert m["concentration"]["cr1"] == pytest.approx(1475 / 7277, abs=5e-5)
    assert m["concentration"]["partners"] == 110
