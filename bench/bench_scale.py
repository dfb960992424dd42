"""Scale benchmark (issue 15): ingest, `metrics --json` and every page, beside a bare-SQL floor.

    python -m bench.bench_scale --rows 1000000 [--repeat 3] [--dir /tmp/bench_scale]
        [--skip ingest,metrics,pages] [--json]

Files and stores are generated into --dir (never committed; 10M rows is ~1.4 GB of CSV).
Every figure is the median of --repeat runs, each heavy step in a fresh process, printed
beside the floor measured in the same run: `SELECT source, sum(count) FROM referrals GROUP BY
source` on the same store (and, for ingest, DuckDB's own `read_csv` of the same file).
- ingest: wall time and peak RSS of `python -m analytics ingest FILE` into a fresh store;
- metrics: wall time and peak RSS of `python -m analytics metrics --json` (trailing 12 months);
- pages: server time with AppTest (the script run on the server, no browser) of each data
  page: `open` (switching to it, the sidebar's caches as the previous page left them),
  `period` (another period preset and basis), `upload` (the first run after an upload: the
  store version bumped, as an upload's commit does), `cold` (every cache cleared, the store
  handle included: a server restart), in wall time and in
  the server process's CPU time (`*_cpu`: DuckDB's threads included; on a shared machine
  the wall time also counts waiting for a core); `rss_mb` is the
  server process's resident memory after every page has been visited (`rss_by_page_mb`:
  after each page of a last warm pass, in PAGES order).
Targets (issue 15) at 10M: pages < 1 s, metrics < 2 s, server < 1.5 GB, ingest < 40 s and
< 2 GB; at 1M: pages < 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "overview",
    "concentration",
    "dependence",
    "trends",
    "partner",
    "roi",
    "engagement",
    "valuation",
)
PRESETS = ("Trailing 12 months", "Year to date", "Last quarter", "All data")
FLOOR_SQL = "SELECT source, sum(count) FROM referrals GROUP BY source"


def _timed_child(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (of this child only, via a wrapper) and stdout."""
    wrapper = (
        "import resource,subprocess,sys,time,json;t=time.perf_counter();"
        "p=subprocess.run(sys.argv[1:],capture_output=True);"
        "s=time.perf_counter()-t;"
        "sys.stderr.buffer.write(p.stderr);sys.stdout.buffer.write(p.stdout);"
        "print(json.dumps([s,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,"
        "p.returncode]),file=sys.stderr);sys.exit(p.returncode)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], cwd=ROOT, capture_output=True, text=True
    )
    seconds, peak, code = json.loads(proc.stderr.strip().splitlines()[-1])
    if code:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    return seconds, peak, proc.stdout


def _median(values) -> float:
    return statistics.median(values)


def ensure_csv(rows: int, folder: Path) -> Path:
    """Generate (once) the benchmark CSV with the sample generator."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"referrals_{rows}.csv"
    if not csv_path.exists():
        subprocess.run(
            [
                *(sys.executable, "-m", "sample_data.generate", "--rows", str(rows)),
                *("--xlsx-rows", "0", "--out", str(folder)),
            ],
            check=True,
            cwd=ROOT,
        )
    return csv_path


def _ingest_cmd(csv_path: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "analytics", "ingest", str(csv_path), "--db", str(db)]


def _csv_floor_cmd(csv_path: Path) -> list[str]:
    code = (
        "import duckdb,sys;c=duckdb.connect();"
        'c.sql("CREATE TABLE t AS SELECT * FROM read_csv(\'"+sys.argv[1]+"\', all_varchar=true)")'
    )
    return [sys.executable, "-c", code, str(csv_path)]


def bench_ingest(csv_path: Path, folder: Path, rows: int, repeat: int) -> tuple[dict, Path]:
    """Median ingest time and peak memory into a fresh store; the last store is kept."""
    db = folder / f"scale_{rows}.duckdb"
    # Past the default row limit (5 million) a file is refused; the benchmark raises it.
    limit = int(os.environ.get("REFERRALS_MAX_ROWS") or 0)
    os.environ["REFERRALS_MAX_ROWS"] = str(max(limit, rows + 1000))
    times, peaks, floors, floor_peaks = [], [], [], []
    for _ in range(repeat):
        for leftover in (db, db.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)
        seconds, peak, _ = _timed_child(_ingest_cmd(csv_path, db))
        times.append(seconds)
        peaks.append(peak)
        seconds, peak, _ = _timed_child(_csv_floor_cmd(csv_path))
        floors.append(seconds)
        floor_peaks.append(peak)
    return {
        "seconds": _median(times),
        "peak_mb": _median(peaks),
        "floor_seconds": _median(floors),
        "floor_peak_mb": _median(floor_peaks),
    }, db


def ensure_store(csv_path: Path, folder: Path, rows: int) -> Path:
    db = folder / f"scale_{rows}.duckdb"
    if not db.exists():
        subprocess.run(_ingest_cmd(csv_path, db), cwd=ROOT, check=True, capture_output=True)
    return db


def group_by_floor(db: Path, repeat: int) -> float:
    """The bare GROUP BY source on the store, in a fresh process (connect excluded)."""
    code = (
        "import duckdb,sys,time;c=duckdb.connect(sys.argv[1],read_only=True);"
        f"t=time.perf_counter();c.sql('{FLOOR_SQL}').to_arrow_table();"
        "print(time.perf_counter()-t)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code, str(db)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(repeat)
    ]
    return _median(runs)


def bench_metrics(db: Path, repeat: int) -> dict:
    """Median wall time and peak memory of `metrics --json` for the trailing 12 months."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        last = con.sql("SELECT max(referral_date) FROM referrals").fetchall()[0][0]
    start = last.replace(year=last.year - 1)
    cmd = [
        *(sys.executable, "-m", "analytics", "metrics", "--db", str(db), "--json"),
        *("--start", start.isoformat(), "--end", last.isoformat()),
    ]
    runs = [_timed_child(cmd) for _ in range(repeat)]
    return {"seconds": _median(r[0] for r in runs), "peak_mb": _median(r[1] for r in runs)}


def _run_main_script(main_script_path: str) -> None:
    # As in tests/app/test_app_pages.py: run dashboard.py on every AppTest run, as the server does.
    path = Path(main_script_path)
    module = types.ModuleType("__main__")
    module.__file__ = str(path)
    exec(compile(path.read_text(), str(path), "exec"), module.__dict__)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pages_child(db: Path, repeat: int, cold: bool = True) -> dict:
    """(In a fresh process.) AppTest times of every page: open, cold and period change."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    from analytics.app.state import _open_store
    from analytics.store.connection import bump_version

    script_runner._mpa_v1 = _run_main_script
    os.environ["REFERRALS_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    at.run()

    cpu: list[float] = []

    def timed() -> float:
        # Wall time, and (in `cpu`) the process's CPU time: on a shared machine the wall time
        # also counts waiting for a core.
        started, started_cpu = time.perf_counter(), time.process_time()
        at.run()
        if at.exception:
            raise SystemExit(str(at.exception))
        cpu.append(time.process_time() - started_cpu)
        return time.perf_counter() - started

    def reset_period() -> None:
        at.selectbox(key="period_preset").set_value(PRESETS[0])
        at.radio(key="basis").set_value("referrals")

    results: dict = {}
    for page in PAGES:
        opens, colds, periods, uploads = [], [], [], []
        open_cpu, period_cpu, cold_cpu, upload_cpu = [], [], [], []
        for i in range(repeat):
            at.switch_page("pages/overview.py" if page != "overview" else "pages/trends.py")
            reset_period()
            timed()
            at.switch_page(f"pages/{page}.py")
            opens.append(timed())
            open_cpu.append(cpu[-1])
            preset = PRESETS[1 + i % (len(PRESETS) - 1)]
            at.selectbox(key="period_preset").set_value(preset)
            at.radio(key="basis").set_value("revenue" if i % 2 else "referrals")
            periods.append(timed())
            period_cpu.append(cpu[-1])
            if cold:
                # After an upload: its commit bumps the store version, which every cached
                # page input is keyed by (the server's store handle stays open).
                store = _open_store(str(db))
                with store.session():
                    bump_version(store._cursor())
                uploads.append(timed())
                upload_cpu.append(cpu[-1])
                # Cold: every cache cleared, the store handle included (a server restart).
                st.cache_data.clear()
                st.cache_resource.clear()
                colds.append(timed())
                cold_cpu.append(cpu[-1])
        results[page] = {
            "open": _median(opens),
            "period": _median(periods),
            "open_cpu": _median(open_cpu),
            "period_cpu": _median(period_cpu),
        }
        if colds:
            results[page]["upload"] = _median(uploads)
            results[page]["upload_cpu"] = _median(upload_cpu)
            results[page]["cold"] = _median(colds)
            results[page]["cold_cpu"] = _median(cold_cpu)
    # Every page once more with warm caches, the server's resident memory after each (the
    # last one: after every page).
    results["rss_by_page_mb"] = {}
    for page in PAGES:
        at.switch_page(f"pages/{page}.py")
        timed()
        results["rss_by_page_mb"][page] = _rss_mb()
    results["rss_mb"] = _rss_mb()
    return results


def bench_pages(db: Path, repeat: int, cold: bool = True, only: str = "") -> dict:
    out = subprocess.run(
        [
            *(sys.executable, "-m", "bench.bench_scale", "--pages-child", str(db), str(repeat)),
            *(() if cold else ("--no-cold",)),
            *(("--only", only) if only else ()),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"pages failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench_scale"))
    parser.add_argument(
        "--skip", default="", help="comma-separated: ingest,metrics,pages,cold (page reruns)"
    )
    parser.add_argument("--db", type=Path, help="benchmark this store (ingest skipped)")
    parser.add_argument("--no-cold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--only", default="", help="comma-separated pages to time (default: every page)"
    )
    parser.add_argument("--pages-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        # Only these pages (e.g. the server's memory without the pages that still read rows).
        global PAGES
        PAGES = tuple(p for p in PAGES if p in args.only.split(","))
    if args.pages_child:
        db, repeat = Path(args.pages_child[0]), int(args.pages_child[1])
        print(json.dumps(pages_child(db, repeat, cold=not args.no_cold)))
        return
    skip = set(filter(None, args.skip.split(",")))
    results: dict = {"rows": args.rows, "repeat": args.repeat}
    if args.db:
        db = args.db
    elif "ingest" in skip:
        db = ensure_store(ensure_csv(args.rows, args.dir), args.dir, args.rows)
    else:
        csv_path = ensure_csv(args.rows, args.dir)
        results["ingest"], db = bench_ingest(csv_path, args.dir, args.rows, args.repeat)
    results["floor_group_by_s"] = group_by_floor(db, args.repeat)
    if "metrics" not in skip:
        results["metrics"] = bench_metrics(db, args.repeat)
    if "pages" not in skip:
        results["pages"] = bench_pages(db, args.repeat, cold="cold" not in skip, only=args.only)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    _print(results)


def _print(r: dict) -> None:
    floor = r["floor_group_by_s"]
    print(f"{r['rows']:,} referrals, median of {r['repeat']}; floor GROUP BY source {floor:.3f} s")
    if "ingest" in r:
        i = r["ingest"]
        print(
            f"ingest          {i['seconds']:7.2f} s {i['peak_mb']:7.0f} MB   "
            f"(floor read_csv {i['floor_seconds']:.2f} s {i['floor_peak_mb']:.0f} MB)"
        )
    if "metrics" in r:
        m = r["metrics"]
        print(
            f"metrics --json  {m['seconds']:7.2f} s {m['peak_mb']:7.0f} MB   "
            f"({m['seconds'] / floor:.0f}x floor)"
        )
    if "pages" in r:
        heads = ("open", "period", "upload", "cold")
        print(f"{'page':<15}" + "".join(f"{h:>9}" for h in heads) + "   cpu: " + ", ".join(heads))
        for page in PAGES:
            p = r["pages"][page]
            wall = "".join(f"{p[h]:8.3f}s" if h in p else "       -" for h in heads)
            cpu = "".join(f"{p[h + '_cpu']:8.3f}s" for h in heads if h + "_cpu" in p)
            print(f"{page:<15}{wall}   {cpu}")
        print(f"server RSS after every page: {r['pages']['rss_mb']:.0f} MB")
        after = r["pages"].get("rss_by_page_mb", {})
        if after:
            print("  after each page: " + ", ".join(f"{p} {mb:.0f}" for p, mb in after.items()))


if __name__ == "__main__":
    main()
