"""DuckDB against PostgreSQL (issue 16): ingest, `metrics --json`, each beside its bare
`SELECT source, count(*) FROM referrals GROUP BY source` floor, median of N, interleaved.

    python -m bench.bench_postgres --duckdb D.duckdb --postgres URL [--csv FILE] [--repeat 3]

With --csv the file is loaded into both first (into a new DuckDB file and a new practice),
each load timed in a fresh process. The `metrics --json` outputs of both are compared byte
for byte (default arguments, and the trailing 12 months).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_scale import _timed_child

ROOT = Path(__file__).resolve().parent.parent
FLOOR_SQL = "SELECT source, count(*) FROM referrals GROUP BY source"

_DUCK_FLOOR = (
    "import duckdb,sys,time;c=duckdb.connect(sys.argv[1],read_only=True);"
    f"t=time.perf_counter();c.sql('{FLOOR_SQL}').to_arrow_table();"
    "print(time.perf_counter()-t)"
)
_PG_FLOOR = (
    "import sys,time;from analytics.store.location import PostgresLocation;"
    "from analytics.store.postgres import connect;"
    "c=connect(PostgresLocation.parse(sys.argv[1]));"
    f"t=time.perf_counter();c.execute('{FLOOR_SQL}').fetchall();"
    "print(time.perf_counter()-t)"
)


def floor(db: str) -> float:
    """The bare GROUP BY in a fresh process, connecting excluded."""
    code = _PG_FLOOR if db.startswith("postgres") else _DUCK_FLOOR
    out = subprocess.run(
        [sys.executable, "-c", code, db], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def metrics(db: str, *args: str) -> tuple[float, str]:
    seconds, _, out = _timed_child(
        [sys.executable, "-m", "analytics", "metrics", "--json", "--db", db, *args]
    )
    return seconds, out


def ingest(csv: Path, db: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "analytics", "ingest", str(csv), "--db", db],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", required=True)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--start", help="also time metrics --json from this day")
    args = parser.parse_args()
    stores = {"duckdb": args.duckdb, "postgres": args.postgres}
    if args.csv:
        for name, db in stores.items():
            print(f"ingest {name}: {ingest(args.csv, db):.2f} s", flush=True)
    variants = [()] + ([("--start", args.start)] if args.start else [])
    times: dict[tuple, list[float]] = {}
    outputs: dict[tuple, str] = {}
    for _ in range(args.repeat):
        for name, db in stores.items():
            times.setdefault((name, "floor"), []).append(floor(db))
            for variant in variants:
                seconds, out = metrics(db, *variant)
                times.setdefault((name, variant), []).append(seconds)
                outputs[(name, variant)] = out
    for name in stores:
        median = statistics.median(times[(name, "floor")])
        print(f"{name:9s} floor GROUP BY source {median:.3f} s", flush=True)
        for variant in variants:
            label = " ".join(variant) or "(all history)"
            median = statistics.median(times[(name, variant)])
            print(f"{name:9s} metrics --json {label}: {median:.2f} s")
    for variant in variants:
        same = outputs[("duckdb", variant)] == outputs[("postgres", variant)]
        print(f"metrics --json {' '.join(variant) or '(all history)'} identical: {same}")


if __name__ == "__main__":
    main()
