"""`python -m analytics identity ...`: suggested merges and the decisions CSV, from a shell.

python -m analytics identity suggestions [--db DB] [--min 0.5] [--json]
python -m analytics identity export --out FILE.csv [--db DB]
python -m analytics identity import FILE.csv [--db DB] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from analytics.store.files import open_cli_store

# analytics.identity (rapidfuzz and the matchers) loads when an identity action runs, so the
# other commands, `ingest` above all, do not pay for it.

__all__ = ["add_identity_command"]


def add_identity_command(sub: argparse._SubParsersAction) -> None:
    """Add the `identity` command and its actions to the CLI's subparsers."""
    command = sub.add_parser("identity", help="suggested merges and identity decisions (CSV)")
    actions = command.add_subparsers(dest="identity_command", required=True)
    found = actions.add_parser("suggestions", help="likely duplicate sources, surest first")
    found.add_argument("--db")
    found.add_argument(
        "--min", type=float, help="lowest confidence, 0 to 1 (default: the app's threshold)"
    )
    found.add_argument("--json", action="store_true")
    found.set_defaults(run=_suggestions)
    export = actions.add_parser("export", help="write the decisions as CSV")
    export.add_argument("--db")
    export.add_argument("--out", required=True, metavar="FILE.csv")
    export.set_defaults(run=_export)
    load = actions.add_parser("import", help="apply a decisions CSV exported from a store")
    load.add_argument("file", metavar="FILE.csv")
    load.add_argument("--db")
    load.add_argument("--json", action="store_true")
    load.set_defaults(run=_import)


def _suggestions(args: argparse.Namespace) -> int:
    from analytics import identity
    from analytics.identity.suggest import MIN_CONFIDENCE

    minimum = MIN_CONFIDENCE if args.min is None else args.min
    found = identity.suggestions(open_cli_store(args.db), minimum)
    if args.json:
        print(json.dumps([asdict(s) for s in found], indent=2))
        return 0
    for s in found:
        print(f"{s.confidence:.2f}  {s.source}  ->  {s.target}  ({'; '.join(s.evidence)})")
    return 0


def _export(args: argparse.Namespace) -> int:
    from analytics import identity

    Path(args.out).write_bytes(identity.export_csv(open_cli_store(args.db)))
    print(f"Decisions written to {args.out}.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from analytics import identity

    try:
        data = Path(args.file).read_bytes()
        result = identity.import_csv(open_cli_store(args.db), data)
    except OSError as exc:
        print(f"{args.file} cannot be read ({exc.strerror}); check the path.", file=sys.stderr)
        return 2
    except identity.IdentityError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    else:
        print(result.sentence)
        for problem in result.problems[5:]:
            print(problem)
    return 0
