"""The command line of the team server: start (default), `--check`, `stop`."""

from __future__ import annotations

import argparse
import os
import signal
import time
from collections.abc import Sequence
from pathlib import Path

from deploy.team.apps import ROOT
from deploy.team.check import check
from deploy.team.proxy import TLS
from deploy.team.signin import loopback, signin_configured
from deploy.team.supervisor import Options, read_state, serve

DEFAULT_FOLDER = ROOT / "data" / "team"


def _ports(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not like 8501,8502") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m deploy.team",
        description="PostgreSQL, two Streamlit app servers and nginx with sticky sessions.",
    )
    p.add_argument("action", nargs="?", choices=("start", "stop"), default="start")
    p.add_argument("--check", action="store_true", help="report whether every part answers")
    p.add_argument("--dir", type=Path, default=DEFAULT_FOLDER, help="state folder (data/team)")
    p.add_argument("--address", default="127.0.0.1", help="where the proxy listens")
    p.add_argument("--port", type=int, default=8500, help="the proxy's port (8500)")
    p.add_argument("--servers", type=int, default=2, help="how many app servers (2)")
    p.add_argument("--server-ports", type=_ports, default=(), help="e.g. 8501,8502 (free ones)")
    p.add_argument("--pg-port", type=int, default=0, help="PostgreSQL's port (a free one)")
    p.add_argument("--pg-data", type=Path, help="PostgreSQL's data folder (DIR/postgres)")
    p.add_argument("--db", help="an existing postgresql:// URL: no local PostgreSQL is started")
    p.add_argument(
        "--store",
        choices=("postgres", "duckdb", "duckdb-shared"),
        default=os.environ.get("TEAM_STORE") or "postgres",
        help="the app servers' store: PostgreSQL, a DuckDB folder each, or one DuckDB file",
    )
    p.add_argument("--sample", action="store_true", help="load the sample practice if empty")
    p.add_argument("--key-file", type=Path, help="the patient-key file every server shares")
    p.add_argument(
        "--secrets", type=Path, help="secrets file with [auth] (.streamlit/secrets.toml)"
    )
    p.add_argument("--tls-cert", type=Path, help="PEM certificate: the proxy speaks HTTPS")
    p.add_argument("--tls-key", type=Path, help="the certificate's PEM private key")
    p.add_argument(
        "--no-auth-i-know",
        action="store_true",
        help="listen beyond this machine without sign-in (everyone reaching it sees all)",
    )
    return p


def _stop(folder: Path) -> int:
    state = read_state(folder)
    if state is None:
        print(f"No team server is running from {folder}.")
        return 1
    pid = state["supervisor"]
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        print(f"The team server of {folder} is not running (stale state file).")
        return 1
    for _ in range(600):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print("Stopped.")
            return 0
        time.sleep(0.1)
    print(f"The team server (pid {pid}) is still stopping after 60 s.")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    folder = args.dir.resolve()
    if args.check:
        good, lines = check(folder)
        print("\n".join(lines))
        return 0 if good else 1
    if args.action == "stop":
        return _stop(folder)
    if args.servers < 1 or (args.server_ports and len(args.server_ports) != args.servers):
        print("--server-ports must name one port per app server (--servers, 2 by default).")
        return 2
    if (args.tls_cert is None) != (args.tls_key is None):
        print("--tls-cert and --tls-key go together: give both, or neither for plain HTTP.")
        return 2
    for path in (args.tls_cert, args.tls_key):
        if path is not None and not path.is_file():
            print(f"{path} is not a file; give the PEM certificate and key nginx should use.")
            return 2
    no_auth = args.no_auth_i_know or os.environ.get("REFERRALS_NO_AUTH_I_KNOW", "") == "1"
    if args.secrets is not None and not args.secrets.is_file():
        print(f"{args.secrets} is not a file; give the secrets.toml that holds [auth].")
        return 2
    if not loopback(args.address) and not signin_configured(secrets=args.secrets):
        if not no_auth:
            print(
                f"Refusing to listen on {args.address} without sign-in: add an [auth] section "
                "to .streamlit/secrets.toml (docs/deploy.md), or pass --no-auth-i-know "
                "(REFERRALS_NO_AUTH_I_KNOW=1) on a network you trust."
            )
            return 2
        print(
            f"WARNING: listening on {args.address} without sign-in: anyone who reaches it "
            "sees, uploads and deletes every practice."
        )
    options = Options(
        folder=folder,
        address=args.address,
        port=args.port,
        servers=args.servers,
        server_ports=args.server_ports,
        pg_port=args.pg_port,
        pg_data=args.pg_data.resolve() if args.pg_data else None,
        db=args.db,
        store=args.store,
        sample=args.sample,
        key_file=args.key_file,
        no_auth_i_know=no_auth,
        secrets=args.secrets.resolve() if args.secrets else None,
        tls=TLS(args.tls_cert.resolve(), args.tls_key.resolve()) if args.tls_cert else None,
    )
    return serve(options)
