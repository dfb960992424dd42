"""The Streamlit app servers: the same dashboard on several ports of 127.0.0.1, one store."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class AppServer:
    """One app server: its name in the proxy's cookie, port, store and log."""

    name: str
    port: int
    db: str
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The same command as `make run`, bound to 127.0.0.1: only the proxy reaches it."""
        return [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={self.port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ]

    def environment(self, shared: dict[str, str]) -> dict[str, str]:
        """The process environment: the store, and the secrets every server must share."""
        return {**os.environ, **shared, "REFERRALS_DB": self.db}

    def start(self, shared: dict[str, str]) -> subprocess.Popen:
        """Start the server in its own session, so a Ctrl-C reaches the supervisor only and
        the servers stop in order."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            return subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.environment(shared),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
