"""A throwaway PostgreSQL server for the tests: initdb on a temporary folder, a free port.

PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user
(its data folder handed to that user). `python -m tests.postgres_server DIR` starts one by
hand and prints its URL (stop it with `pg_ctl -D DIR/data stop`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["PostgresServer", "find_bin_dir"]


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl ($POSTGRES_BIN, PATH, or Debian's layout)."""
    named = os.environ.get("POSTGRES_BIN")
    if named and (Path(named) / "initdb").exists():
        return Path(named)
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(versions[0]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One server on a temporary folder; `url` reaches its `referrals` database."""

    def __init__(self, folder: Path, bin_dir: Path):
        self.folder = Path(folder)
        self.bin = bin_dir
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")
        self.url = f"postgresql://{self.user}@127.0.0.1:{self.port}/referrals"

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.as_root:
            # initdb and postgres refuse root: run as the postgres user.
            command = ["su", "postgres", "-s", "/bin/sh", "-c", subprocess.list2cmdline(command)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.folder, "postgres")
            os.chmod(self.folder, 0o700)
        # Byte-order collation and UTF-8, as DuckDB compares text.
        self._run(
            self.bin / "initdb", "-D", self.data, "-U", self.user, "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.folder / "log",
            "-w", "-t", "60", "start",
        )  # fmt: skip
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", self.user,
                  "referrals")  # fmt: skip
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


if __name__ == "__main__":
    bin_dir = find_bin_dir()
    if bin_dir is None:
        sys.exit("PostgreSQL's initdb is not installed.")
    server = PostgresServer(Path(sys.argv[1]), bin_dir).start()
    print(server.url)
    while "--wait" in sys.argv:
        time.sleep(3600)
