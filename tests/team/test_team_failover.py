"""An app server that dies: its people move to the other server, and it is started again."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from deploy.team.ports import http_ok
from deploy.team.proxy import COOKIE, HEADER
from tests.team.team_server import team_server, team_tools_or_skip

HEALTH = "/_stcore/health"


def answer(url: str, server: str) -> tuple[str | None, str | None]:
    """(who answered, the cookie the proxy set) for a request carrying server's cookie."""
    ok, headers = http_ok(url + HEALTH, cookie=f"{COOKIE}={server}")
    assert ok
    ours = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith(f"{COOKIE}=")]
    return headers.get(HEADER), ours[0] if ours else None


def test_a_killed_server_fails_over_and_comes_back(tmp_path: Path):
    team_tools_or_skip()
    with team_server(tmp_path / "team", store="duckdb") as team:
        assert answer(team.url, "s1") == ("s1", None)  # the cookie already says s1: not re-set
        s1 = next(s for s in team.state["servers"] if s["name"] == "s1")
        os.kill(s1["pid"], signal.SIGKILL)
        time.sleep(0.5)
        # The very next request of s1's people is answered by s2, and their cookie moves.
        who, cookie = answer(team.url, "s1")
        assert who == "s2"
        assert cookie is not None and cookie.startswith(f"{COOKIE}=s2;")
        # The supervisor starts s1 again on its port; once nginx retries it (fail_timeout,
        # 10 s), a request with s1's cookie is s1's again.
        deadline = time.monotonic() + 90
        while True:
            state = json.loads((team.folder / "run" / "state.json").read_text())
            pid = next(s["pid"] for s in state["servers"] if s["name"] == "s1")
            if pid != s1["pid"] and http_ok(s1["url"] + HEALTH)[0]:
                break
            assert time.monotonic() < deadline, team.log.read_text()
            time.sleep(0.5)
        while answer(team.url, "s1")[0] != "s1":
            assert time.monotonic() < deadline, "nginx never went back to s1"
            time.sleep(1)
        assert "App server s1: started again on port" in team.log.read_text()
        assert team.interrupt() == 0
