"""What the Valuation readiness page shows, computed once per filter choice: the scorecard,
its 12-month trend, who can be picked for the stress test, and the scenarios' results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.periods import tables_of
from analytics.metrics.scenarios import (
    Scenario,
    default_scenarios,
    group_names_of,
    run_scenario,
    scenario_table,
    side_by_side,
)
from analytics.metrics.scorecard import (
    Encodings,
    scorecard_of,
    scorecard_table,
    scorecard_trend_of,
    trend_table,
)

__all__ = ["StressPage", "ValuationPage", "stress_page", "valuation_page"]


@dataclass(frozen=True)
class ValuationPage:
    """The scorecard and its trend, and the names the stress test offers."""

    period: str
    referrals: int
    basis: str
    checks: tuple[dict, ...]
    scorecard: pd.DataFrame
    trend: pd.DataFrame
    trend_table: pd.DataFrame
    partners: tuple[str, ...]
    groups: tuple[str, ...]
    defaults: tuple[Scenario, ...]


def valuation_page(encodings: Encodings, filters: Filters) -> ValuationPage:
    """The Valuation readiness page for the filters."""
    encoded = encodings.at(filters.level)
    tables = tables_of(encoded, filters)
    checks = scorecard_of(encodings, filters)
    trend = scorecard_trend_of(encodings, filters)
    # At the organization level the groups are among the partners already.
    groups = group_names_of(encodings, filters) if filters.level == "partner" else []
    return ValuationPage(
        period=fmt.period(tables.start, tables.end),
        referrals=tables.referrals,
        basis=filters.basis,
        checks=tuple(checks),
        scorecard=scorecard_table(checks),
        trend=trend,
        trend_table=trend_table(trend),
        partners=tuple(str(p) for p in tables.partners["partner"]),
        groups=tuple(groups),
        defaults=tuple(default_scenarios(encodings, filters)),
    )


@dataclass(frozen=True)
class StressPage:
    """Two or three scenarios run on the period: side by side, and one row each."""

    results: tuple[dict, ...]
    side_by_side: pd.DataFrame
    table: pd.DataFrame


def stress_page(
    encodings: Encodings,
    filters: Filters,
    scenarios: Sequence[Scenario],
    margin: float | None,
) -> StressPage:
    """The scenarios with someone in them, run on the period at the margin."""
    chosen = [s for s in scenarios if s.partners or s.organizations]
    results = tuple(run_scenario(encodings, filters, s, margin) for s in chosen)
    today = scorecard_of(encodings, filters)
    return StressPage(
        results=results,
        side_by_side=side_by_side(results, today),
        table=scenario_table(results) if results else pd.DataFrame(),
    )
