"""Seeded generator of the sample exports (and of large benchmark files).

    python -m sample_data.generate [--out DIR] [--seed 42]        # the committed sample files
    python -m sample_data.generate --rows 1000000 [--out DIR] [--xlsx-rows M]   # benchmarks

Default mode writes the exports of "Summit Physical Therapy" (three clinics, each exporting
in a different EMR shape), a marketing outreach log, a small monthly summary of a separate
clinic and `truth.csv`, the ground truth of who each referrer spelling really is. Output is
byte-for-byte reproducible for a given seed: every random draw comes from `random.Random`
or `numpy.random.default_rng` seeded from `--seed`, and workbooks carry fixed timestamps.

Everything is fake: practices, clinicians, NPIs (valid check digits, made up), patients, MRNs.
The practice model, the export writers and the benchmark files live in the sibling modules.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sample_data.large import write_large
from sample_data.practice import DEFAULT_SEED, PACKAGE_DIR
from sample_data.writers import write_sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.generate",
        description="Write the seeded sample exports (default) or large benchmark files.",
    )
    parser.add_argument(
        "--out", type=Path, help="output folder (default: sample_data/, or bench/out/ with --rows)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rows", type=int, help="large mode: rows of the benchmark CSV")
    parser.add_argument(
        "--xlsx-rows",
        type=int,
        default=200_000,
        help="large mode: cap on the rows of the .xlsx (default 200000, 0 = no workbook; "
        "openpyxl writes about 4,000 rows a second)",
    )
    args = parser.parse_args(argv)
    if args.rows is None:
        out = args.out or PACKAGE_DIR
        t0 = time.perf_counter()
        counts = write_sample(out, args.seed)
        for name, rows in counts.items():
            print(f"{out / name}: {rows:,} rows, {(out / name).stat().st_size:,} bytes")
        print(f"done in {time.perf_counter() - t0:.1f} s")
    else:
        if args.rows < 1 or args.xlsx_rows < 0:
            parser.error("--rows must be positive and --xlsx-rows not negative")
        out = args.out or Path.cwd() / "bench" / "out"
        result = write_large(args.rows, out, args.seed, xlsx_max=args.xlsx_rows)
        for step, (path, rows, seconds) in result.items():
            size = f", {path.stat().st_size:,} bytes" if path.is_file() else ""
            print(f"{step}: {path} {rows:,} rows in {seconds:.1f} s{size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
