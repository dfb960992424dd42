"""`python -m analytics report` and `pack`: the workbook, PDF or deck, and every practice's pack."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from analytics.filters import Filters
from analytics.report import ReportError, build_report
from analytics.report.pack import (
    FORMATS,
    PackError,
    SmtpSettings,
    find_practices,
    pack_practice,
    send_pack,
)
from analytics.store.files import open_cli_store
from analytics.store.practices import load_profile


def run_report(args: argparse.Namespace) -> int:
    """`report --out FILE`: write the workbook, PDF report or slide deck the suffix names."""
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


def run_pack(args: argparse.Namespace) -> int:
    """`pack --out DIR`: write each practice's monthly pack, and e-mail it when asked."""
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
