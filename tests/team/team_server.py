"""Start the whole team server (`python -m deploy.team`) for a test, on free ports."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.team.ports import free_port
from tests.browser import ROOT

LOG_LINE = re.compile(
    r'^(?P<end>[\d.]+) (?P<took>[\d.]+) "(?P<request>[^"]*)" (?P<status>\d+) '
    r'cookie=(?P<cookie>\S*) server=(?P<server>\S*) upstream="(?P<upstream>[^"]*)"$'
)


def team_tools_or_skip() -> None:
    """nginx and PostgreSQL's programs, or a skip; a failure where they are required (CI)."""
    missing = [
        name
        for name, found in (
            ("nginx", shutil.which("nginx") or Path("/usr/sbin/nginx").exists()),
            ("PostgreSQL", list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
        )
        if not found
    ]
    if not missing:
        return
    message = f"{' and '.join(missing)} not installed (apt-get install nginx postgresql)"
    if os.environ.get("REQUIRE_TEAM") == "1":
        pytest.fail(f"The team-server tests are required here (REQUIRE_TEAM=1): {message}.")
    pytest.skip(f"Team-server tests need nginx and PostgreSQL: {message}.")


@dataclass
class TeamServer:
    """A running `python -m deploy.team` and what it wrote about itself."""

    process: subprocess.Popen
    folder: Path
    log: Path
    state: dict

    @property
    def url(self) -> str:
        return self.state["proxy"]["url"]

    @property
    def ports(self) -> list[int]:
        """Every port of the setup: proxy, app servers, PostgreSQL."""
        ports = [self.state["proxy"]["port"], *(s["port"] for s in self.state["servers"])]
        return [*ports, self.state["postgres"]["port"]] if self.state["postgres"] else ports

    def server_of_port(self) -> dict[str, str]:
        """'127.0.0.1:PORT' -> the app server's name (s1, s2)."""
        return {f"127.0.0.1:{s['port']}": s["name"] for s in self.state["servers"]}

    def reload_proxy(self) -> None:
        """SIGHUP nginx: its old worker closes every websocket, browsers reconnect."""
        os.kill(self.state["proxy"]["pid"], signal.SIGHUP)

    def access_log(self) -> list[dict]:
        lines = Path(self.state["proxy"]["access_log"]).read_text().splitlines()
        return [m.groupdict() for m in map(LOG_LINE.match, lines) if m]

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, as in a terminal; the supervisor's exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)


@contextmanager
def team_server(
    folder: Path,
    store: str,
    servers: int = 2,
    extra: Sequence[str] = (),
    port: int | None = None,
) -> Iterator[TeamServer]:
    """Start the team server with its state under `folder`; stop it however the test ends."""
    # PostgreSQL runs as the `postgres` user, which cannot enter pytest's private tmp folders.
    pg_parent = Path(tempfile.mkdtemp(prefix="rp-team-pg-"))
    pg_parent.chmod(0o755)
    log = folder / "team.log"
    folder.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "deploy.team", "--dir", str(folder), "--store", store]
    # `port`: the proxy's, when the caller must know it first (a sign-in redirect address).
    argv += ["--port", str(port or free_port()), "--pg-port", str(free_port())]
    argv += ["--server-ports", ",".join(str(free_port()) for _ in range(servers))]
    argv += ["--servers", str(servers), "--pg-data", str(pg_parent / "data"), *extra]
    with open(log, "w") as out:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while "Ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"The team server did not start:\n{log.read_text()}")
            time.sleep(0.3)
        state = json.loads((folder / "run" / "state.json").read_text())
        yield TeamServer(process, folder, log, state)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(pg_parent, ignore_errors=True)
