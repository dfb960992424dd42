"""`python -m analytics backup | restore | move`: a practice's store to one file and back,
and from a DuckDB file to a PostgreSQL practice or back (store/transfer.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from analytics.errors import IngestError
from analytics.store import Store
from analytics.store.practices import load_profile, save_profile
from analytics.store.transfer import Snapshot, backup, move, read_backup, restore

__all__ = ["add_transfer_commands"]

OpenStore = Callable[[str | None], Store]


def add_transfer_commands(sub: argparse._SubParsersAction, open_store: OpenStore) -> None:
    """Register backup, restore and move (`open_store` checks what --db names)."""
    command = sub.add_parser("backup", help="write a practice's store to one file")
    command.add_argument("--db", help="the store (a .duckdb file or a postgresql:// URL)")
    command.add_argument("--out", required=True, metavar="FILE", help="the backup, FILE.zip")
    command.set_defaults(run=lambda args: _backup(args, open_store))

    command = sub.add_parser("restore", help="restore a backup into a new, empty store")
    command.add_argument("file", metavar="FILE")
    command.add_argument("--db", help="the new store (a .duckdb file or a postgresql:// URL)")
    command.set_defaults(run=lambda args: _restore(args, open_store))

    command = sub.add_parser("move", help="copy a practice into another, empty store")
    command.add_argument("--from", dest="source", required=True, metavar="DB")
    command.add_argument("--to", dest="target", required=True, metavar="DB")
    command.set_defaults(run=lambda args: _move(args, open_store))


def _summary(taken: Snapshot) -> str:
    counts = taken.counts()
    return f"{counts['referrals']:,} referrals, {counts['uploads']:,} uploads"


def _backup(args: argparse.Namespace, open_store: OpenStore) -> int:
    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        raise IngestError(f"--out {args.out} must be a file in an existing folder.")
    store = open_store(args.db)
    taken = backup(store, out)
    print(f"{store.path}: {_summary(taken)} written to {out}.")
    print("The patient-key secret is not in the backup; keep it apart (docs/patient-keys.md).")
    return 0


def _restore(args: argparse.Namespace, open_store: OpenStore) -> int:
    taken = read_backup(args.file)
    store = open_store(args.db)
    restore(taken, store)
    print(f"{store.path}: {_summary(taken)} restored from {args.file}.")
    _key_note(store)
    return 0


def _move(args: argparse.Namespace, open_store: OpenStore) -> int:
    source = open_store(args.source)
    target = open_store(args.target)
    taken = move(source, target)
    # The practice's name, demo label and logo go with it (files beside a DuckDB store,
    # settings in PostgreSQL).
    profile = load_profile(source.path)
    save_profile(target.path, name=profile.name, logo=profile.logo, demo=profile.demo)
    print(f"{_summary(taken)} copied from {source.path} to {target.path}; {source.path} is "
          "left as it was (delete it once the new store is checked).")  # fmt: skip
    _key_note(target)
    return 0


def _key_note(store: Store) -> None:
    """Say when this machine lacks the secret the restored patient keys were made with."""
    try:
        store.ingest_context()
    except IngestError as exc:
        print(f"Note: pages and metrics read the restored data as it is, but {exc}")
