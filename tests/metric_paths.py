"""Filter sets, and the check that the DuckDB and pandas paths give the same metrics JSON."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from analytics.filters import Filters
from analytics.identity import activities_of
from analytics.metrics.cli import store_metrics
from analytics.metrics.planning import planning_parts
from analytics.metrics.summary import metrics_summary
from analytics.store import Store

FILTER_CASES = [
    pytest.param(Filters(), id="all"),
    pytest.param(Filters(start=date(2025, 11, 1), end=date(2026, 10, 31)), id="t12m"),
    pytest.param(
        Filters(start=date(2026, 1, 1), end=date(2026, 3, 31), clinics=("Riverside",)),
        id="q1-riverside",
    ),
    pytest.param(Filters(basis="revenue"), id="revenue"),
    pytest.param(Filters(level="organization", start=date(2025, 6, 1)), id="organization"),
    pytest.param(Filters(source_types=("physician", "patient", "self")), id="some-types"),
    pytest.param(Filters(source_types=("physician", "organization", "self")), id="org-types"),
]


def paths_agree(store: Store, filters: Filters) -> dict:
    """metrics --json from DuckDB sums equals the pandas path over rows; returns it."""
    frame = store.referrals(filters)
    history = store.referrals(replace(filters, start=None))
    activities = activities_of(store, replace(filters, start=None))
    in_pandas = metrics_summary(frame, filters, history=history, activities=activities)
    in_sql = store_metrics(store, filters)
    assert in_sql == in_pandas
    # What `metrics --json` runs: the history windows as sums of the planning segments.
    with store.session():
        segments = planning_parts(store, filters).segments
        assert store_metrics(store, filters, segments) == in_pandas
    assert in_sql["referrals"] == int(frame["count"].sum())
    return in_sql
