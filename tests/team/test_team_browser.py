"""The team server end to end (issue 16, item 4): PostgreSQL, two app servers, nginx.

Two browsers (two contexts: two people, one machine, one address) land on different app
servers, stay there across reloads and websocket reconnects, and upload at the same time
through the proxy. Without sticky sessions an upload's second step (Save) would reach a
server that never saw the file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from deploy.team.postgres import bin_dir
from deploy.team.proxy import COOKIE, HEADER
from tests.browser import CHROMIUM_ARGS, ROOT, chromium_or_skip, wait_idle
from tests.team.team_server import TeamServer, team_server, team_tools_or_skip

pytestmark = pytest.mark.browser
HEADER_ROW = "Referral Date,Referring Provider,Referral Type,Clinic\n"
# The sticky test's store: a DuckDB folder per server today; "postgres" (or "duckdb-shared")
# makes its two uploads concurrent loads into one store.
STICKY_STORE = os.environ.get("TEAM_TEST_STORE", "duckdb")


def export(path: Path, rows: int, doctor: str, clinic: str = "North") -> Path:
    """A CSV export of `rows` referrals in March 2025 at one clinic, all from one doctor."""
    days = [f"03/{1 + i % 28:02d}/2025,{doctor},Physician,{clinic}\n" for i in range(rows)]
    path.write_text(HEADER_ROW + "".join(days))
    return path


def metrics(db: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", db, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def open_app(page, url: str) -> str:
    """Load the app; the name of the app server that answered (the proxy's header)."""
    response = page.goto(url)
    assert response is not None and response.ok
    page.get_by_test_id("stSidebar").wait_for(timeout=60_000)
    wait_idle(page)
    return response.headers[HEADER.lower()]


def count_websockets(page) -> list[int]:
    """A live count of the page's websockets (one per connection and reconnection)."""
    opened = [0]
    page.on("websocket", lambda _: opened.__setitem__(0, opened[0] + 1))
    return opened


def wait_reconnect(page, opened: list[int], before: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while opened[0] <= before:
        assert time.monotonic() < deadline, "the page did not reconnect its websocket"
        page.wait_for_timeout(200)


def upload(page, path: Path) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))


def save(page, path: Path, rows: int) -> None:
    page.get_by_role("button", name=re.compile(rf"^Save {rows:,} rows")).click()
    page.get_by_text(re.compile(rf"Saved {rows:,} rows from {re.escape(path.name)}")).wait_for(
        timeout=90_000
    )


def launch(pw, chromium: str):
    return pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)


def check_status(team: TeamServer) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "deploy.team", "--check", "--dir", str(team.folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_two_people_two_servers_sticky_through_reloads_and_reconnects(tmp_path: Path):
    chromium = chromium_or_skip()
    team_tools_or_skip()
    from playwright.sync_api import sync_playwright

    timings: dict[str, float] = {}
    began = time.monotonic()
    rows = {"s1": 5_000, "s2": 3_000}
    files = {
        # Two clinics: in a shared store the second file is no overlap of the first.
        "s1": export(tmp_path / "anna.csv", rows["s1"], "Dr Anna", "North"),
        "s2": export(tmp_path / "ben.csv", rows["s2"], "Dr Ben", "South"),
    }
    with team_server(tmp_path / "team", store=STICKY_STORE) as team:
        timings["start"] = time.monotonic() - began
        status = check_status(team)
        assert status.returncode == 0, status.stdout
        # PostgreSQL 1, each app server 2 (direct, through the proxy), the proxy 1.
        assert status.stdout.count(": ok") == 6, status.stdout
        # The database the app servers will be given answers to its URL and role.
        # The URL names no password (it would show wherever the store is named).
        assert team.state["db_url"].startswith("postgresql://referrals@127.0.0.1:")
        psql = str(bin_dir() / "psql")
        password = json.loads((team.folder / "secrets.json").read_text())["pg_password"]
        who = subprocess.run(
            [psql, team.state["db_url"], "-XtAc", "select current_user, current_database()"],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PGPASSWORD": password},
        )
        assert who.stdout.strip() == "referrals|referrals", who.stderr

        with sync_playwright() as pw:
            browser = launch(pw, chromium)
            contexts = [browser.new_context(viewport={"width": 1440, "height": 1000}) for _ in "ab"]
            pages = [context.new_page() for context in contexts]
            sockets = [count_websockets(page) for page in pages]
            # First visits: no cookie, so round-robin; the two people land on different servers.
            landed = [open_app(page, team.url) for page in pages]
            assert sorted(landed) == ["s1", "s2"], landed
            for context, name in zip(contexts, landed, strict=True):
                cookie = {c["name"]: c["value"] for c in context.cookies()}[COOKIE]
                assert cookie == name
            # A reload keeps each on their server.
            assert [open_app(page, team.url) for page in pages] == landed
            for page in pages:
                assert open_app(page, f"{team.url}/upload") in landed
            # Both upload at the same time: both files are handed over before either is read.
            began = time.monotonic()
            for page, name in zip(pages, landed, strict=True):
                upload(page, files[name])
            for page in pages:
                page.get_by_text("Data quality").wait_for(timeout=90_000)
                wait_idle(page)
            timings["both uploads read"] = time.monotonic() - began
            # The proxy reloads its configuration: every websocket closes and reconnects. The
            # uploaded files live in the sessions of the servers that received them, so Save
            # only works if each reconnection reached the same server.
            before = [opened[0] for opened in sockets]
            team.reload_proxy()
            began = time.monotonic()
            for page, opened, count in zip(pages, sockets, before, strict=True):
                wait_reconnect(page, opened, count)
                wait_idle(page)
            timings["reconnect"] = time.monotonic() - began
            for page, name in zip(pages, landed, strict=True):
                save(page, files[name], rows[name])
            for context in contexts:
                context.close()
            browser.close()

        # Each store holds what its person uploaded, and nothing of the other's.
        by_name = {s["name"]: s["db"] for s in team.state["servers"]}
        if by_name["s1"] == by_name["s2"]:
            # One store behind both servers: both concurrent loads landed, 5,000 + 3,000.
            assert metrics(by_name["s1"])["referrals"] == 8_000
        else:
            assert metrics(by_name["s1"])["referrals"] == 5_000
            assert metrics(by_name["s2"])["referrals"] == 3_000

        began = time.monotonic()
        assert team.interrupt() == 0
        timings["stop"] = time.monotonic() - began
        log = team.log.read_text()
        assert "Stopped: proxy, app servers and PostgreSQL." in log
        for port in team.ports:
            assert not _listening(port), f"port {port} still open after Ctrl-C"
        assert not (Path(team.state["postgres"]["data"]) / "postmaster.pid").exists()
        assert not (team.folder / "run" / "state.json").exists()

    # Every request that carried a server's cookie was answered by that server, the websocket
    # (/_stcore/stream) included: at least the first load, the reload, /upload and the
    # reconnection after the proxy's reload, four per person.
    addresses = team.server_of_port()
    entries = team.access_log()
    stuck = [e for e in entries if e["cookie"] in ("s1", "s2")]
    assert stuck and all(e["server"] == e["cookie"] for e in stuck)
    assert all(addresses[e["upstream"]] == e["server"] for e in stuck)
    streams = Counter(e["cookie"] for e in stuck if "/_stcore/stream" in e["request"])
    assert streams["s1"] >= 4 and streams["s2"] >= 4, streams
    puts = [e for e in entries if e["request"].startswith("PUT /_stcore/upload_file")]
    assert sorted(e["server"] for e in puts) == ["s1", "s2"]
    # At the same time: both files had reached their servers before either page had read its
    # file (which takes longer than this gap on any machine: the "both uploads read" timing).
    timings["gap between the uploads"] = abs(float(puts[0]["end"]) - float(puts[1]["end"]))
    assert timings["gap between the uploads"] < timings["both uploads read"]
    print(f"team server timings (s): { {k: round(v, 1) for k, v in timings.items()} }")


def _listening(port: int) -> bool:
    from deploy.team.ports import port_in_use

    return port_in_use(port)


@pytest.mark.parametrize(
    "store",
    [
        # One DuckDB file shared by both servers: the test's logic, runnable today.
        "duckdb-shared",
        # The team's PostgreSQL (make serve-team's default): one practice behind both servers.
        "postgres",
    ],
)
def test_an_upload_through_one_server_is_visible_on_the_other(tmp_path: Path, store: str):
    chromium = chromium_or_skip()
    team_tools_or_skip()
    from playwright.sync_api import sync_playwright

    path = export(tmp_path / "anna.csv", 42, "Dr Anna")
    with team_server(tmp_path / "team", store=store) as team, sync_playwright() as pw:
        browser = launch(pw, chromium)
        pages = [browser.new_context().new_page() for _ in "ab"]
        landed = [open_app(page, team.url) for page in pages]
        assert sorted(landed) == ["s1", "s2"], landed
        uploader, viewer = pages
        assert open_app(uploader, f"{team.url}/upload") == landed[0]
        upload(uploader, path)
        uploader.get_by_text("Data quality").wait_for(timeout=90_000)
        wait_idle(uploader)
        save(uploader, path, 42)
        # The other person, on the other server, sees it at the next interaction.
        assert open_app(viewer, team.url) == landed[1]
        # The default period (trailing 12 months back from the last date) holds all of March.
        viewer.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
        referrals = viewer.get_by_test_id("stMetric").filter(
            has=viewer.get_by_test_id("stMetricLabel").get_by_text("Referrals", exact=True)
        )
        assert referrals.first.get_by_test_id("stMetricValue").inner_text() == "42"
        browser.close()


OWNER, VIEWER = "olga@a.org", "vic@a.org"


def sign_in(context, url: str, email: str):
    """A page of `context` signed in as `email` through the provider's form; the page and
    the app server the proxy's cookie pins this browser to."""
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    page.get_by_test_id("stSidebar").wait_for(timeout=60_000)
    wait_idle(page)
    pinned = {c["name"]: c["value"] for c in context.cookies()}[COOKIE]
    return page, pinned


def test_an_owner_and_a_viewer_signed_in_on_two_servers(tmp_path: Path, monkeypatch):
    """Sign-in through the proxy (st.login against oidc-provider-mock): the owner uploads on
    one server while the viewer reads on the other; the viewer sees the upload at the next
    interaction and has no Upload page."""
    chromium = chromium_or_skip()
    team_tools_or_skip()
    from playwright.sync_api import sync_playwright

    from analytics.store.team import TeamStore
    from tests.app.test_browser_signin import oidc_provider, secrets_file
    from tests.browser import free_port

    path = export(tmp_path / "olga.csv", 42, "Dr Olga")
    port = free_port()
    with oidc_provider(tmp_path) as issuer:
        secrets = secrets_file(tmp_path, port, issuer)
        with (
            team_server(
                tmp_path / "team", store="postgres", port=port, extra=["--secrets", str(secrets)]
            ) as team,
            sync_playwright() as pw,
        ):
            # People and grants in the team schema of the team's PostgreSQL.
            kept = json.loads((team.folder / "secrets.json").read_text())
            monkeypatch.setenv("PGPASSWORD", kept["pg_password"])
            people = TeamStore(team.state["db_url"])
            people.add_person(OWNER, "Olga Owner", False, "setup")
            people.add_person(VIEWER, "Vic Viewer", False, "setup")
            people.grant(OWNER, "referrals", "owner", "setup")
            people.grant(VIEWER, "referrals", "viewer", "setup")

            browser = launch(pw, chromium)
            owner, on_owner = sign_in(browser.new_context(), team.url, OWNER)
            viewer, on_viewer = sign_in(browser.new_context(), team.url, VIEWER)
            # Two people on two servers (the proxy's cookie and its header agree).
            assert {on_owner, on_viewer} == {"s1", "s2"}, (on_owner, on_viewer)
            assert (
                "Signed in as Olga Owner (olga@a.org) · owner"
                in owner.get_by_test_id("stSidebar").inner_text()
            )
            assert (
                "Signed in as Vic Viewer (vic@a.org) · viewer"
                in viewer.get_by_test_id("stSidebar").inner_text()
            )

            # The owner uploads on her server while the viewer reads on his.
            assert open_app(owner, f"{team.url}/upload") == on_owner
            upload(owner, path)
            assert open_app(viewer, team.url) == on_viewer
            owner.get_by_text("Data quality").wait_for(timeout=90_000)
            wait_idle(owner)
            save(owner, path, 42)
            # The viewer's next interaction shows it: 42 referrals.
            assert open_app(viewer, team.url) == on_viewer
            referrals = viewer.get_by_test_id("stMetric").filter(
                has=viewer.get_by_test_id("stMetricLabel").get_by_text("Referrals", exact=True)
            )
            referrals.first.wait_for(timeout=60_000)
            assert referrals.first.get_by_test_id("stMetricValue").inner_text() == "42"
            # A deep link to Upload is not the Upload page for a viewer.
            viewer.goto(f"{team.url}/upload")
            wait_idle(viewer)
            assert viewer.get_by_test_id("stFileUploader").count() == 0
            # Who uploaded is in the audit log, on the shared database.
            audit = people.audit()
            assert (OWNER, "upload", "referrals") in set(
                zip(audit["Who"], audit["Action"], audit["Practice"], strict=True)
            )
            browser.close()
