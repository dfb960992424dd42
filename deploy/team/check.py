"""`python -m deploy.team --check`: is every part of a running team server answering?"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from deploy.team.errors import TeamError
from deploy.team.ports import http_ok
from deploy.team.postgres import bin_dir
from deploy.team.proxy import COOKIE, HEADER
from deploy.team.supervisor import HEALTH, read_state


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _postgres_ready(port: int) -> bool:
    try:
        ready = str(bin_dir() / "pg_isready")
    except TeamError:
        ready = shutil.which("pg_isready") or "pg_isready"
    proc = subprocess.run(
        [ready, "-q", "-h", "127.0.0.1", "-p", str(port)], capture_output=True, timeout=10
    )
    return proc.returncode == 0


def check(folder: Path) -> tuple[bool, list[str]]:
    """(all good, one line per part) for the team server whose folder this is."""
    state = read_state(folder)
    if state is None or not _alive(state.get("supervisor")):
        return False, [f"No team server is running from {folder} (start it with make serve-team)."]
    lines = [f"supervisor: running (pid {state['supervisor']}, since {state['started']})"]
    good = True
    postgres = state.get("postgres")
    if postgres:
        ok = _postgres_ready(postgres["port"])
        good &= ok
        lines.append(f"PostgreSQL 127.0.0.1:{postgres['port']}: {'ok' if ok else 'DOWN'}")
    proxy = state["proxy"]
    for server in state["servers"]:
        direct, _ = http_ok(server["url"] + HEALTH)
        # Through the proxy with this server's cookie: the answer must come from that server.
        routed, headers = http_ok(proxy["url"] + HEALTH, cookie=f"{COOKIE}={server['name']}")
        via = headers.get(HEADER) == server["name"]
        ok = direct and routed and via
        good &= ok
        lines.append(
            f"app server {server['name']} {server['url']}: "
            f"{'ok' if direct else 'DOWN'}; through the proxy: "
            f"{'ok' if routed and via else 'answered by ' + repr(headers.get(HEADER))}"
        )
    ok, _ = http_ok(proxy["url"] + HEALTH)
    good &= ok
    lines.append(f"proxy {proxy['url']}{HEALTH}: {'ok' if ok else 'DOWN'}")
    return good, lines
