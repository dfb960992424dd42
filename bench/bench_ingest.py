"""Ingest benchmark: our ingest against bare pandas readers on the same files, same run.

    python -m bench.bench_ingest [--rows 1000000] [--skip-openpyxl] [--repeat 3]

Each measurement runs in its own process, so peak memory (max RSS) is that step's alone.
Each step but the naive openpyxl read runs --repeat times (default 3) and reports the median
run and the range: on a shared 2-core machine one run can be 30% off the next.
Figures are reported as ratios against the floor measured in the same run:
(a) `pd.read_excel(engine="calamine")` of the same .xlsx, the floor for workbooks;
(b) `pd.read_excel(engine="openpyxl")`, what a naive app does;
(c) `pd.read_csv(engine="pyarrow")` of the same .csv, the floor for text.
Targets (issue 2): .xlsx ingest within 1.5x of (a); 1M-row CSV under 5 s; peak < 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def _step(kind: str, path: str) -> dict:
    """Run one measured step in this process and return its seconds and peak RSS."""
    import pandas as pd

    from analytics.ingest import prepare_file
    from analytics.store import Store

    started = time.perf_counter()
    rows = None
    if kind == "calamine":
        rows = len(pd.read_excel(path, engine="calamine", header=None))
    elif kind == "openpyxl":
        rows = len(pd.read_excel(path, engine="openpyxl", header=None))
    elif kind == "pyarrow_csv":
        rows = len(pd.read_csv(path, engine="pyarrow", dtype=str))
    elif kind in ("ingest", "ingest_prepare"):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.duckdb")
            # As the command line reads a file: a large CSV streams in chunks (issue 15).
            prepared = prepare_file(Path(path), store.ingest_context())
            rows = prepared.rows_loaded
            if kind == "ingest":
                store.save(prepared.batch())
            store.close()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"step": kind, "seconds": round(seconds, 3), "rows": rows, "peak_mb": round(peak_mb)}


def measure(kind: str, path: Path, repeat: int = 1) -> dict:
    """Run one step in a fresh interpreter, `repeat` times; the median run, with the range."""
    runs = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, "-m", "bench.bench_ingest", "--step", kind, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    middle = dict(runs[len(runs) // 2])
    middle["range"] = (runs[0]["seconds"], runs[-1]["seconds"])
    middle["peak_mb"] = max(r["peak_mb"] for r in runs)
    return middle


def ensure_files(rows: int) -> tuple[Path, Path]:
    """Generate (once) the benchmark CSV and workbook with the sample generator."""
    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"referrals_{rows}.csv"
    xlsx_path = OUT / f"referrals_{min(rows, 200_000)}.xlsx"
    if not (csv_path.exists() and xlsx_path.exists()):
        subprocess.run(
            [sys.executable, "-m", "sample_data.generate", "--rows", str(rows), "--out", str(OUT)],
            check=True,
        )
    return csv_path, xlsx_path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-openpyxl", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each step; the median is reported"
    )
    parser.add_argument("--step", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(*args.step)))
        return
    csv_path, xlsx_path = ensure_files(args.rows)
    results = {}
    for label, kind, path in [
        ("xlsx floor: pd.read_excel(calamine)", "calamine", xlsx_path),
        ("xlsx ingest (read+map+normalise+store)", "ingest", xlsx_path),
        ("xlsx naive: pd.read_excel(openpyxl)", "openpyxl", xlsx_path),
        ("csv floor: pd.read_csv(pyarrow)", "pyarrow_csv", csv_path),
        ("csv ingest, prepare only", "ingest_prepare", csv_path),
        ("csv ingest (read+map+normalise+store)", "ingest", csv_path),
    ]:
        if kind == "openpyxl" and args.skip_openpyxl:
            continue
        repeat = 1 if kind == "openpyxl" else args.repeat  # openpyxl: a minute a run
        results[label] = r = measure(kind, path, repeat)
        spread = f"  (runs {r['range'][0]:.2f}-{r['range'][1]:.2f})" if repeat > 1 else ""
        print(
            f"{label:45s} {r['seconds']:8.2f} s  {r['rows']:>9,} rows  "
            f"{r['rows'] / r['seconds']:>11,.0f} rows/s  peak {r['peak_mb']:>5,} MB{spread}"
        )
    floor = results["xlsx floor: pd.read_excel(calamine)"]["seconds"]
    xlsx = results["xlsx ingest (read+map+normalise+store)"]["seconds"]
    csv_floor = results["csv floor: pd.read_csv(pyarrow)"]["seconds"]
    csv = results["csv ingest (read+map+normalise+store)"]["seconds"]
    print()
    print(f"xlsx ingest / calamine floor   = {xlsx / floor:.2f}x   (target <= 1.5x)")
    if "xlsx naive: pd.read_excel(openpyxl)" in results:
        naive = results["xlsx naive: pd.read_excel(openpyxl)"]["seconds"]
        print(f"openpyxl naive / ingest        = {naive / xlsx:.2f}x slower than our ingest")
    print(f"csv ingest / pyarrow csv floor = {csv / csv_floor:.2f}x   ({csv:.2f} s, target < 5 s)")
    peak = max(r["peak_mb"] for r in results.values())
    print(f"peak memory of any step        = {peak:,} MB   (target < 2,048 MB)")


if __name__ == "__main__":
    main()
