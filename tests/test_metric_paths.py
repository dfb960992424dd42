"""The numbers must not depend on which path ran: DuckDB aggregation or pandas over rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from analytics.cli import store_metrics
from analytics.filters import Filters
from analytics.summary import metrics_summary


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(start=date(2025, 11, 1), end=date(2026, 10, 31)),
        Filters(start=date(2026, 1, 1), end=date(2026, 3, 31), clinics=("Riverside",)),
        Filters(basis="revenue"),
        Filters(level="organization", start=date(2025, 6, 1)),
        Filters(source_types=("physician", "patient", "self")),
    ],
    ids=["all", "t12m", "q1-riverside", "revenue", "organization", "some-types"],
)
def test_sql_and_pandas_paths_agree(sample_store, filters):
    frame = sample_store.referrals(filters)
    history = sample_store.referrals(replace(filters, start=None))
    activities = sample_store.activities(replace(filters, start=None))
    in_pandas = metrics_summary(frame, filters, history=history, activities=activities)
    in_sql = store_metrics(sample_store, filters)
    assert in_sql == in_pandas
    assert in_sql["referrals"] == int(frame["count"].sum())


def test_sample_practice_headline_numbers(sample_store):
    """Hand check: Okafor sends 1,475 of the 7,277 sample referrals (truth.csv)."""
    m = store_metrics(sample_store, Filters())
    assert m["referrals"] == 7277
    assert m["physician_dependence"]["top_physician"]["name"] == "Maria Okafor, MD"
    assert m["concentration"]["cr1"] == pytest.approx(1475 / 7277, abs=5e-5)
    assert m["concentration"]["partners"] == 110
