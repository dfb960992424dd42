"""`python -m analytics`: the parser and dispatch of the commands the app's packages run.

Each command lives with its package (`ingest/cli.py`, `metrics/cli.py`, `report/cli.py`,
`identity/cli.py`, `store/keys_cli.py`) and is imported only when it runs: `ingest` needs
none of the metrics (scipy among them), nor reportlab, python-pptx and kaleido.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from datetime import date

from analytics.errors import IngestError
from analytics.identity.cli import add_identity_command
from analytics.store.files import open_cli_store
from analytics.store.keys_cli import add_keys_command
from analytics.store.transfer_cli import add_transfer_commands


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
    ingest.set_defaults(run=_command("analytics.ingest.cli", "run_ingest"))

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
    metrics.set_defaults(run=_command("analytics.metrics.cli", "run_metrics"))

    sample = sub.add_parser("sample", help="load the bundled sample practice")
    sample.add_argument("--db")
    sample.add_argument(
        "--if-empty", action="store_true", help="only when the store has no referrals yet"
    )
    sample.set_defaults(run=_command("analytics.ingest.cli", "run_sample"))
    add_identity_command(sub)
    add_keys_command(sub, open_cli_store)
    add_transfer_commands(sub, open_cli_store)

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
    report.set_defaults(run=_command("analytics.report.cli", "run_report"))
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
    pack.set_defaults(run=_command("analytics.report.cli", "run_pack"))


def _command(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """A command that imports its module when it runs."""

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), name)(args)

    return run


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2025-03-31") from None


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage from 1 to 100, like 40")
    return value / 100
