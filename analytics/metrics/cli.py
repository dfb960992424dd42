"""`python -m analytics metrics`: every metric of a period as JSON, summed in the store."""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from analytics.filters import Filters
from analytics.identity import activities_of
from analytics.metrics.extended import fiscal_start_of, store_extended_metrics
from analytics.metrics.periods import tables_from_sources, to_day
from analytics.metrics.planning import planning_parts
from analytics.metrics.segments import Segments, window_cuts
from analytics.metrics.summary import metrics_summary_from
from analytics.metrics.windows import organizations_of_groups, window_days, windows_from_groups
from analytics.store import Store
from analytics.store.files import open_cli_store


def run_metrics(args: argparse.Namespace) -> int:
    """`metrics --json`: print the period's metrics, the extended ones after the original."""
    store = open_cli_store(args.db)
    filters = Filters(
        start=args.start,
        end=args.end,
        clinics=tuple(args.clinic),
        basis=args.basis,
        level=args.level,
    )
    with store.session(), ThreadPoolExecutor(1) as pool:
        # One segment table serves both: the history windows and the planning metrics.
        parts = planning_parts(store, filters, args.fiscal_start or fiscal_start_of(store))
        parts.prefetch(pool)
        out = store_metrics(store, filters, parts.segments)
        # Issue 17's keys (diligence, targets, source quality, cohorts) after the original ones.
        out |= store_extended_metrics(store, filters, parts.fiscal_start, parts=parts)
    print(json.dumps(out, indent=2, default=str))
    return 0


def store_metrics(store: Store, filters: Filters, segments: Segments | None = None) -> dict:
    """metrics --json for a store: period sums and the history's window sums in DuckDB.

    With `segments` (the planning segment table of the same filters) the history windows
    are sums of its segments when it is cut at their days; else one GROUP BY reads them."""
    sources, start, end = store.period_sources(filters)
    tables = tables_from_sources(sources, filters, start, end)
    windows, organizations, months = None, {}, 0
    if end is not None:
        # Alerts, trends and ROI look back before the period: sums over windows up to its end.
        days = window_days(to_day(end))
        if segments is not None and segments.has_cuts(window_cuts(days.end)):
            if segments.rows_between(None, days.end + 1).any():
                windows = segments.windows(filters.level, days.end)
                organizations = organizations_of_groups(segments.group_sums(days.end + 1))
        else:
            groups = store.history_groups(filters, days)
            if len(groups):
                windows = windows_from_groups(groups, filters.level, days.end)
                organizations = organizations_of_groups(groups)
        if start is not None:
            months = store.months_present(filters, start.date(), end.date())
    return metrics_summary_from(
        tables,
        windows,
        months,
        activities_of(store, replace(filters, start=None)),
        organizations=organizations,
    )
