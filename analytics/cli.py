"""`python -m analytics`: the same ingest and metrics the app runs, without Streamlit."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from analytics.errors import IngestError
from analytics.filters import Filters
from analytics.identity import activities_of
from analytics.identity.cli import add_identity_command
from analytics.ingest import Rejection, prepare_file
from analytics.ingest.verdict import overlap_sentence
from analytics.store import Store
from analytics.store.files import open_cli_store
from analytics.store.keys_cli import add_keys_command
from analytics.store.practices import DEMO_NAME, load_profile, save_profile

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_FILES = (
    ("northside_webpt_referrals.xlsx", "referrals"),
    ("riverside_case_export.csv", "referrals"),
    ("lakeside_referral_log.csv", "referrals"),
    ("outreach_log.xlsx", "activities"),
)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run one command, return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except IngestError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analytics",
        description="Referral analytics for physical-therapy practices.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load referral exports or outreach logs")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--db", help="store file (default data/referrals.duckdb or $REFERRALS_DB)")
    ingest.add_argument("--kind", choices=("referrals", "activities"), default="referrals")
    ingest.add_argument("--clinic", help="clinic for rows without one")
    ingest.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="map a canonical field to a column (repeatable)",
    )
    ingest.add_argument("--sheet", help="the workbook sheet to read (default: detected)")
    ingest.add_argument(
        "--replace", action="store_true", help="replace what the store has for the file's period"
    )
    ingest.add_argument(
        "--allow-overlap",
        action="store_true",
        help="add the file although the store has referrals for its period and clinics "
        "(only when these are different referrals)",
    )
    ingest.add_argument("--json", action="store_true", help="print one JSON result per file")
    ingest.set_defaults(run=_ingest)

    metrics = sub.add_parser("metrics", help="print every metric for a period")
    metrics.add_argument("--db")
    metrics.add_argument("--start", type=_date)
    metrics.add_argument("--end", type=_date)
    metrics.add_argument("--clinic", action="append", default=[])
    metrics.add_argument("--basis", choices=("referrals", "revenue"), default="referrals")
    metrics.add_argument("--level", choices=("partner", "organization"), default="partner")
    metrics.add_argument("--json", action="store_true", help="print JSON (the only format)")
    metrics.add_argument(
        "--fiscal-start",
        type=int,
        choices=range(1, 13),
        metavar="MONTH",
        help="month the fiscal year starts (1-12; default: the store's setting, else 1)",
    )
    metrics.set_defaults(run=_metrics)

    sample = sub.add_parser("sample", help="load the bundled sample practice")
    sample.add_argument("--db")
    sample.add_argument(
        "--if-empty", action="store_true", help="only when the store has no referrals yet"
    )
    sample.set_defaults(run=_sample)
    add_identity_command(sub)
    add_keys_command(sub, open_cli_store)

    report = sub.add_parser("report", help="write the workbook, PDF report or slide deck")
    report.add_argument("--db")
    report.add_argument(
        "--out", required=True, metavar="FILE", help="FILE.xlsx, FILE.pdf or FILE.pptx"
    )
    report.add_argument("--start", type=_date)
    report.add_argument("--end", type=_date)
    report.add_argument("--clinic", action="append", default=[])
    report.add_argument("--basis", choices=("referrals", "revenue"), default="referrals")
    report.add_argument("--level", choices=("partner", "organization"), default="partner")
    report.add_argument("--practice", metavar="NAME", help="the practice's name on the report")
    report.add_argument("--logo", metavar="PNG", help="the practice's logo (PNG or JPEG)")
    report.add_argument(
        "--margin",
        type=_percent,
        metavar="PCT",
        default=0.4,
        help="contribution margin for the returns on outreach and the stress test, in percent "
        "(default 40, as in the app)",
    )
    report.set_defaults(run=_report)
    _add_pack_command(sub)
    return parser


def _add_pack_command(sub) -> None:
    # The monthly pack (issue 17): analytics/report/pack.py.
    pack = sub.add_parser("pack", help="write every practice's monthly pack (and e-mail it)")
    pack.add_argument("--out", required=True, metavar="DIR", help="folder for the packs")
    pack.add_argument(
        "--folder",
        metavar="DIR",
        help="the practices' data folder (default: the folder of $REFERRALS_DB, else data/)",
    )
    pack.add_argument(
        "--practice", action="append", default=[], metavar="NAME", help="only these (repeatable)"
    )
    pack.add_argument("--start", type=_date)
    pack.add_argument("--end", type=_date)
    pack.add_argument(
        "--formats",
        default="pdf,pptx,xlsx,actions",
        help="comma-separated: pdf, pptx, xlsx, actions (default: all)",
    )
    pack.add_argument("--smtp-host", help="send each pack by e-mail through this SMTP server")
    pack.add_argument("--smtp-port", type=int, default=25)
    pack.add_argument("--mail-from", metavar="ADDRESS")
    pack.add_argument("--mail-to", action="append", default=[], metavar="ADDRESS")
    pack.add_argument("--smtp-user")
    pack.add_argument(
        "--smtp-password-env", metavar="VAR", help="environment variable holding the password"
    )
    pack.add_argument("--starttls", action="store_true")
    pack.set_defaults(run=_pack)


def _pack(args: argparse.Namespace) -> int:
    import os

    from analytics.report.pack import (
        FORMATS,
        PackError,
        SmtpSettings,
        find_practices,
        pack_practice,
        send_pack,
    )

    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        print(f"--formats takes {', '.join(FORMATS)}; got {args.formats!r}.", file=sys.stderr)
        return 2
    if args.smtp_host and not (args.mail_from and args.mail_to):
        print("Sending needs --mail-from and at least one --mail-to.", file=sys.stderr)
        return 2
    folder = args.folder or Path(os.environ.get("REFERRALS_DB") or "data/referrals.duckdb").parent
    try:
        stores = find_practices(folder, args.practice)
        if not stores:
            print(f"No practice stores (*.duckdb) in {folder}.", file=sys.stderr)
            return 2
        results = []
        for path in stores:
            result = pack_practice(path, args.out, formats=formats, start=args.start, end=args.end)
            results.append(result)
            print(f"{result.practice}: {len(result.files)} files in {result.folder}")
            for line in result.changes + result.skipped:
                print(f"  {line}")
        if args.smtp_host:
            settings = SmtpSettings(
                host=args.smtp_host,
                port=args.smtp_port,
                sender=args.mail_from,
                recipients=tuple(args.mail_to),
                user=args.smtp_user,
                password_env=args.smtp_password_env,
                starttls=args.starttls,
            )
            sent = send_pack(results, settings)
            print(f"{sent} e-mail{'' if sent == 1 else 's'} sent.")
    except PackError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2025-03-31") from None


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


def _ingest(args: argparse.Namespace) -> int:
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


def _sample(args: argparse.Namespace) -> int:
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


def _metrics(args: argparse.Namespace) -> int:
    store = open_cli_store(args.db)
    filters = Filters(
        start=args.start,
        end=args.end,
        clinics=tuple(args.clinic),
        basis=args.basis,
        level=args.level,
    )
    # Issue 17's keys (diligence, targets, source quality, cohorts) after the original ones.
    from analytics.metrics.extended import store_extended_metrics

    out = store_metrics(store, filters)
    out |= store_extended_metrics(store, filters, args.fiscal_start)
    print(json.dumps(out, indent=2, default=str))
    return 0


def store_metrics(store: Store, filters: Filters) -> dict:
    """metrics --json for a store: period sums and the history's window sums in DuckDB."""
    # Loaded here, not at the top: `ingest` needs none of the metrics (scipy among them).
    from analytics.metrics.periods import tables_from_sources, to_day
    from analytics.metrics.summary import metrics_summary_from
    from analytics.metrics.windows import (
        organizations_of_groups,
        window_days,
        windows_from_groups,
    )

    sources, start, end = store.period_sources(filters)
    tables = tables_from_sources(sources, filters, start, end)
    windows, organizations, months = None, {}, 0
    if end is not None:
        # Alerts, trends and ROI look back before the period: sums over windows up to its end.
        days = window_days(to_day(end))
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


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage from 1 to 100, like 40")
    return value / 100


def _report(args: argparse.Namespace) -> int:
    # Imported here: reportlab, python-pptx and kaleido are not needed by the other commands.
    from analytics.report import ReportError, build_report

    try:
        filters = Filters(
            start=args.start,
            end=args.end,
            clinics=tuple(args.clinic),
            basis=args.basis,
            level=args.level,
        )
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    store = open_cli_store(args.db)
    try:
        out = build_report(
            store,
            filters,
            args.out,
            # The practice's own name, as the app shows it, unless one is given.
            practice_name=args.practice or load_profile(store.path).name,
            logo=args.logo,
            margin=args.margin,
        )
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{out}: written")
    return 0
