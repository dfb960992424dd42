"""Metrics benchmark at 1,000,000 referrals, against a bare DuckDB GROUP BY in the same run.

    python -m bench.bench_metrics [--rows 1000000]

The floor is `SELECT source, sum(count) FROM referrals GROUP BY source` on the same store:
the least any "referrals per source" answer can cost. Every figure is printed in seconds and
as a multiple of that floor. Targets (issue 3): all metrics in-process < 1 s at 1M rows, the
whole `metrics --json` command < 3 s, peak memory < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from bench.bench_ingest import OUT, ensure_files

ROOT = Path(__file__).resolve().parent.parent


def best_of(fn, repeat: int = 3) -> float:
    """Median wall time of a few runs (the first warms caches, as a page rerun would)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ensure_store(rows: int) -> Path:
    db = OUT / f"metrics_{rows}.duckdb"
    if not db.exists():
        csv_path, _ = ensure_files(rows)
        subprocess.run(
            [sys.executable, "-m", "analytics", "ingest", str(csv_path), "--db", str(db)],
            cwd=ROOT,
            check=True,
        )
    return db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    db = ensure_store(args.rows)

    from analytics.filters import Filters
    from analytics.metrics import alerts, concentration, dependence, funnel, mix, trends, valuation
    from analytics.metrics.cli import store_metrics
    from analytics.metrics.periods import encode, tables_of, to_day
    from analytics.metrics.summary import metrics_summary
    from analytics.store import Store

    store = Store(db)
    floor = best_of(
        lambda: store._query("SELECT source, sum(count) FROM referrals GROUP BY source")
    )
    last = store.date_bounds()[1]
    filters = Filters(start=last.replace(year=last.year - 1), end=last)
    history = store.referrals(replace(filters, start=None))
    frame = store.referrals(filters)
    state: dict = {}

    def encode_both():
        state["history"] = encode(history, filters.level)
        state["period"] = encode(frame, filters.level)
        state["tables"] = tables_of(state["period"], filters)

    encode_both()
    tables, enc, end = state["tables"], state["history"], to_day(state["tables"].end)
    families = {
        "load history + period from store": lambda: (
            store.referrals(replace(filters, start=None)),
            store.referrals(filters),
        ),
        "period sums in DuckDB (period_sources)": lambda: store.period_sources(filters),
        "encode history + period, period tables": encode_both,
        "concentration (+ pareto, lorenz)": lambda: (
            concentration.concentration_of(tables),
            concentration.pareto_table_of(tables),
            concentration.lorenz_points_of(tables),
        ),
        "mix": lambda: (mix.mix_of(tables), mix.mix_table_of(tables)),
        "physician dependence (+ revenue at risk)": lambda: (
            dependence.physician_dependence_of(tables),
            dependence.revenue_at_risk_of(tables),
        ),
        "funnel (+ per source)": lambda: (
            funnel.funnel_of(tables),
            funnel.funnel_table_of(state["period"], tables, by="source"),
        ),
        "trends (monthly, t12m hhi, new partners)": lambda: (
            trends.monthly_series_of(enc, filters),
            trends.new_partners_of(enc, filters),
        ),
        "alerts (declining, dormant)": lambda: (
            alerts.declining_of(enc, end),
            alerts.dormant_of(enc, end),
        ),
        "valuation checks": lambda: valuation.valuation_checks_of(
            tables, enc, alerts.dormant_of(enc, end)
        ),
        "metrics_summary (pandas path, from rows)": lambda: metrics_summary(
            frame, filters, history=history
        ),
        "store_metrics (SQL period sums + history)": lambda: store_metrics(store, filters),
    }
    print(f"{args.rows:,} referrals, {len(frame):,} in the trailing 12 months; store {db}")
    print(f"{'floor: DuckDB GROUP BY source':45s} {floor:7.3f} s   1.0x")
    in_process = 0.0
    metric_steps = (
        "encode history + period, period tables",
        "concentration (+ pareto, lorenz)",
        "mix",
        "physician dependence (+ revenue at risk)",
        "funnel (+ per source)",
        "trends (monthly, t12m hhi, new partners)",
        "alerts (declining, dormant)",
        "valuation checks",
    )
    for name, fn in families.items():
        seconds = best_of(fn)
        if name in metric_steps:
            in_process += seconds
        print(f"{name:45s} {seconds:7.3f} s {seconds / floor:6.1f}x")
    print(
        f"{'all metric families, in-process':45s} {in_process:7.3f} s "
        f"{in_process / floor:6.1f}x   (target < 1 s)"
    )
    store.close()

    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics",
            "metrics",
            "--db",
            str(db),
            "--json",
            "--start",
            filters.start.isoformat(),
            "--end",
            filters.end.isoformat(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    cli = time.perf_counter() - started
    assert json.loads(proc.stdout)["referrals"] == int(frame["count"].sum())
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{'whole `metrics --json` command':45s} {cli:7.3f} s {cli / floor:6.1f}x   (target < 3 s)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: this process {peak:,.0f} MB, CLI {child:,.0f} MB   (target < 1,536 MB)")


if __name__ == "__main__":
    main()
