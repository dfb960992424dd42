"""`python -m analytics ingest` and `sample`: files loaded into the store, each one described."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analytics.errors import IngestError
from analytics.ingest import Rejection, prepare_file
from analytics.ingest.verdict import overlap_sentence
from analytics.store import Store
from analytics.store.files import open_cli_store
from analytics.store.practices import DEMO_NAME, save_profile

SAMPLE_DIR = Path(__file__).resolve().parent.parent.parent / "sample_data"
SAMPLE_FILES = (
    ("northside_webpt_referrals.xlsx", "referrals"),
    ("riverside_case_export.csv", "referrals"),
    ("lakeside_referral_log.csv", "referrals"),
    ("outreach_log.xlsx", "activities"),
)


def _overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip():
            raise IngestError(
                f"--map takes FIELD=COLUMN, e.g. referral_date='Date Referred'; got '{pair}'."
            )
        out[field.strip()] = column.strip()
    return out


def ingest_file(
    store: Store,
    path: Path,
    *,
    kind: str,
    clinic: str | None = None,
    overrides: dict[str, str] | None = None,
    sheet: str | None = None,
    replace: bool = False,
    allow_overlap: bool = False,
) -> dict:
    """Load one file into the store and describe what happened, as `ingest --json` prints it."""
    result = _empty_result(str(path))
    # A large referral CSV is read in chunks, from disk; anything else at once.
    prepared = prepare_file(
        path,
        store.ingest_context(),
        kind=kind,
        clinic=clinic,
        overrides=overrides,
        sheet=sheet,
    )
    saved = store.save(
        prepared.batch(),
        replace=replace,
        remember_mapping=bool(overrides),
        allow_overlap=allow_overlap,
    )
    start, end = prepared.period
    warnings = list(prepared.warnings)
    if saved.overlap is not None:
        warnings.append(
            overlap_sentence(saved.overlap)
            + " Run again with --replace to swap them in, or --allow-overlap if these are "
            "different referrals."
        )
    result |= {
        "status": saved.status,
        "rows_loaded": prepared.rows_loaded if saved.status == "loaded" else 0,
        "rows_rejected": prepared.rows_rejected,
        "rejections": [_rejection(r) for r in prepared.rejections],
        "period": {
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        },
        "mapping": prepared.mapping,
        "sheets": [n.as_dict() for n in prepared.sheet_notes],
        "warnings": warnings,
    }
    if saved.overlap is not None:
        result["overlap"] = saved.overlap
    if saved.status == "loaded":
        result["upload_id"] = saved.upload_id
        if replace:
            result["rows_replaced"] = saved.replaced_rows
    return result


def _empty_result(file: str) -> dict:
    return {
        "file": file,
        "status": "error",
        "rows_loaded": 0,
        "rows_rejected": 0,
        "rejections": [],
        "period": {"start": None, "end": None},
        "mapping": {},
        "sheets": [],
        "warnings": [],
    }


def _rejection(rejection: Rejection) -> dict:
    out: dict = {"row": rejection.row, "reason": rejection.reason}
    if rejection.sheet is not None:
        out["sheet"] = rejection.sheet
    return out


def run_ingest(args: argparse.Namespace) -> int:
    """`ingest FILE...`: load each file, print what happened (2 when one failed)."""
    overrides = _overrides(args.map)
    store = open_cli_store(args.db)
    failed = False
    results = []
    for name in args.files:
        path = Path(name)
        try:
            result = ingest_file(
                store,
                path,
                kind=args.kind,
                clinic=args.clinic,
                overrides=overrides,
                sheet=args.sheet,
                replace=args.replace,
                allow_overlap=args.allow_overlap,
            )
        except IngestError as exc:
            failed = True
            print(str(exc), file=sys.stderr)
            result = _empty_result(name) | {"error": str(exc)}
        if result["status"] == "overlap":
            failed = True
            print(f"{name}: {result['warnings'][-1]}", file=sys.stderr)
        results.append(result)
        if not args.json:
            print(_describe(result))
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], indent=2))
    return 2 if failed else 0


def _describe(result: dict) -> str:
    if result["status"] == "error":
        return f"{result['file']}: not loaded"
    if result["status"] == "duplicate":
        return f"{result['file']}: already loaded (same file), nothing changed"
    if result["status"] == "overlap":
        return f"{result['file']}: not loaded, it overlaps referrals already in the store"
    period = result["period"]
    read = [s for s in result.get("sheets", []) if s["status"] == "read"]
    sheets = f" from {len(read)} sheets" if len(read) > 1 else ""
    lines = [
        f"{result['file']}: {result['rows_loaded']:,} rows loaded{sheets}, "
        f"{result['rows_rejected']:,} rejected, {period['start']} to {period['end']}"
    ]
    lines += [f"  warning: {w}" for w in result.get("warnings", [])]
    return "\n".join(lines)


def run_sample(args: argparse.Namespace) -> int:
    """`sample`: load the bundled sample practice, labelled as the demo."""
    store = open_cli_store(args.db)
    if args.if_empty and not store.is_empty():
        # A store made by an earlier `make run` holds the sample without the demo label.
        loaded = set(store.uploads()["file_name"]) if not store.uploads().empty else set()
        if loaded and loaded <= {name for name, _ in SAMPLE_FILES}:
            save_profile(store.path, name=DEMO_NAME, demo=True)
        print(f"{store.path} already holds referrals; sample data not loaded.")
        return 0
    for name, kind in SAMPLE_FILES:
        result = ingest_file(store, SAMPLE_DIR / name, kind=kind)
        print(_describe(result))
    # Labelled as the demo, so no one takes it for their practice or uploads into it.
    save_profile(store.path, name=DEMO_NAME, demo=True)
    return 0
