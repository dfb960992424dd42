"""Page benchmark: the server time of a dashboard rerun at 100,000 referrals, against the bare
metric calls for the same page as the floor, measured in the same run.

    python -m bench.bench_pages [--rows 100000] [--repeat 5]

For every page, with AppTest (the script run on the server, no browser):
- `rerun`: the same filters again (a widget click that changes nothing the data depends on);
- `new period`: another period preset (page data recomputed from the cached history);
- `cold`: caches cleared (the store read, encoding and page data all redone).
The floor is the same page's work without Streamlit: read the history from the store, encode
it once, and call the page's metric functions (`page_data.*_page`). Target (issue 4): a rerun
under 1 s of server time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import types
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "concentration", "dependence", "trends", "partner")
PRESETS = ("Trailing 12 months", "Year to date", "Last quarter", "Last month", "All data")


def ensure_store(rows: int) -> Path:
    """Generate and ingest (once) the benchmark practice."""
    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"referrals_{rows}.csv"
    db = OUT / ("pages.duckdb" if rows == 100_000 else f"pages_{rows}.duckdb")
    if not csv_path.exists():
        subprocess.run(
            [
                *(sys.executable, "-m", "sample_data.generate", "--rows", str(rows)),
                *("--xlsx-rows", "0", "--out", str(OUT)),
            ],
            check=True,
            cwd=ROOT,
        )
    if not db.exists():
        subprocess.run(
            [sys.executable, "-m", "analytics", "ingest", str(csv_path), "--db", str(db)],
            check=True,
            cwd=ROOT,
        )
    return db


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def floor_seconds(db: Path, page: str, filters) -> float:
    """The page's metric work without Streamlit: store read, one encoding, the page builder."""
    from analytics.filters import Filters
    from analytics.metrics.periods import encode, tables_of
    from analytics.store import Store
    from analytics.views import alerts as alerts_view
    from analytics.views import dependence as dependence_view
    from analytics.views import overview as page_data
    from analytics.views.partner import partner_names_of, partner_view_of

    store = Store(db)
    try:
        started = time.perf_counter()
        history = store.referrals(Filters(clinics=filters.clinics))
        encoded = encode(history, filters.level)
        if page == "partner":
            tables = tables_of(encoded, filters)
            name = partner_names_of(encoded, tables)[0]
            partner_view_of(history, encoded, tables, name)
        else:
            module = {"dependence": dependence_view, "trends": alerts_view}.get(page, page_data)
            getattr(module, f"{page}_page")(encoded, filters)
        return time.perf_counter() - started
    finally:
        store.close()


def _run_main_script(main_script_path: str) -> None:
    # As in tests/app/test_app_pages.py: run dashboard.py on every AppTest run, as the server does.
    path = Path(main_script_path)
    module = types.ModuleType("__main__")
    module.__file__ = str(path)
    exec(compile(path.read_text(), str(path), "exec"), module.__dict__)


def page_seconds(db: Path, page: str, repeat: int) -> dict:
    """Median AppTest run times of one page: rerun, new period, cold."""
    import os

    import streamlit as st
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    script_runner._mpa_v1 = _run_main_script
    os.environ["REFERRALS_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    reruns = [_timed(at.run) for _ in range(repeat)]
    periods = []
    for i in range(repeat):
        at.selectbox(key="period_preset").set_value(PRESETS[(i + 1) % len(PRESETS)])
        at.radio(key="basis").set_value("revenue" if i % 2 else "referrals")
        periods.append(_timed(at.run))
        assert not at.exception, at.exception
    colds = []
    for _ in range(repeat):
        st.cache_data.clear()
        st.cache_resource.clear()
        colds.append(_timed(at.run))
    return {
        "rerun": statistics.median(reruns),
        "new_period": statistics.median(periods),
        "cold": statistics.median(colds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from analytics.filters import Filters, preset_period
    from analytics.store import Store

    db = ensure_store(args.rows)
    store = Store(db)
    _, last = store.date_bounds()
    store.close()
    start, end = preset_period("Trailing 12 months", last)
    filters = Filters(start=start, end=end)
    results = {}
    for page in PAGES:
        floor = statistics.median(floor_seconds(db, page, filters) for _ in range(args.repeat))
        results[page] = {"floor": floor, **page_seconds(db, page, args.repeat)}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{args.rows:,} referrals, trailing 12 months to {last}; median of {args.repeat}")
    print(f"{'page':<14}{'floor':>9}{'rerun':>16}{'new period':>18}{'cold':>18}")
    for page, r in results.items():
        cells = [
            f"{r[k]:6.3f} s {r[k] / r['floor']:5.2f}x" for k in ("rerun", "new_period", "cold")
        ]
        print(f"{page:<14}{r['floor']:7.3f} s" + "".join(f"{c:>18}" for c in cells))
    worst = max(max(r["rerun"], r["new_period"]) for r in results.values())
    print(f"slowest rerun or period change: {worst:.3f} s (target < 1 s, {date.today()})")


if __name__ == "__main__":
    main()
