"""Streaming ingest's memory does not grow with the file (issue 15): the same export at two
sizes, each ingested by `python -m analytics ingest` in a fresh process with a small chunk,
peak RSS compared; the file read at once beside it, for scale.

    python -m bench.bench_stream [--rows 200000,800000] [--chunk 50000] [--dir /tmp/bench_stream]

A benchmark, not a timed test: the peaks of the streamed runs should be within ~20% of each
other while the rows grow fourfold; the at-once peaks grow with the rows.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bench.bench_scale import _ingest_cmd, _timed_child, ensure_csv


def ingest_peak(csv_path: Path, db: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak MB of one ingest into a fresh store, in a fresh process."""
    for leftover in (db, db.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        seconds, peak, _ = _timed_child(_ingest_cmd(csv_path, db))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="200000,800000")
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench_stream"))
    args = parser.parse_args()
    sizes = [int(r) for r in args.rows.split(",")]
    streamed = {"REFERRALS_STREAM_BYTES": "1", "REFERRALS_CHUNK_ROWS": str(args.chunk)}
    at_once = {"REFERRALS_STREAM_BYTES": str(1 << 40)}
    print(f"{'rows':>10} {'streamed s':>11} {'peak MB':>8} {'at once s':>10} {'peak MB':>8}")
    peaks = []
    for rows in sizes:
        csv_path = ensure_csv(rows, args.dir)
        db = args.dir / f"stream_{rows}.duckdb"
        s_sec, s_peak = ingest_peak(csv_path, db, streamed)
        o_sec, o_peak = ingest_peak(csv_path, db, at_once)
        peaks.append(s_peak)
        print(f"{rows:>10,} {s_sec:>11.2f} {s_peak:>8.0f} {o_sec:>10.2f} {o_peak:>8.0f}")
    growth = peaks[-1] / peaks[0] - 1
    print(f"streamed peak grows {growth:+.0%} while the rows grow {sizes[-1] / sizes[0]:.0f}x")


if __name__ == "__main__":
    main()
