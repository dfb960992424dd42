"""`python -m analytics keys ...`: where a store's patient-key secret is, and moving old
stores onto it (see docs/patient-keys.md).

python -m analytics keys status [--db DB]
python -m analytics keys migrate [--db DB]
"""

from __future__ import annotations

import argparse

from analytics.store import Store
from analytics.store.keys import LEGACY
from analytics.store.secret import KEY_ENV, key_file_for

__all__ = ["add_keys_command"]


def add_keys_command(sub: argparse._SubParsersAction, open_store) -> None:
    """Add the `keys` command; `open_store(db)` opens the --db store as the CLI checks it."""
    command = sub.add_parser("keys", help="the patient-key secret: status, migrate old stores")
    actions = command.add_subparsers(dest="keys_command", required=True)
    status = actions.add_parser("status", help="how this store's patient keys are made")
    status.add_argument("--db")
    status.set_defaults(run=lambda args: _status(open_store(args.db)))
    migrate = actions.add_parser(
        "migrate", help="re-key an old store's patients under the secret kept outside it"
    )
    migrate.add_argument("--db")
    migrate.set_defaults(run=lambda args: _migrate(open_store(args.db)))


def _where(store: Store) -> str:
    import os

    return f"${KEY_ENV}" if os.environ.get(KEY_ENV) else str(key_file_for(store.path))


def _status(store: Store) -> int:
    scheme = store.key_scheme()
    if scheme == LEGACY:
        print(
            f"{store.path}: patient keys use the store's own salt, so the file alone can reverse "
            "them; run `python -m analytics keys migrate` to key them with a secret kept "
            "outside it."
        )
    else:
        print(f"{store.path}: patient keys need the secret in {_where(store)}.")
    return 0


def _migrate(store: Store) -> int:
    if store.key_scheme() != LEGACY:
        print(f"{store.path}: already keyed with the secret in {_where(store)}; nothing changed.")
        return 0
    rekeyed = store.migrate_keys()
    print(
        f"{store.path}: {rekeyed:,} patient keys re-keyed under the secret in {_where(store)} "
        "(keep it: later loads need it to recognise returning patients)."
    )
    return 0
