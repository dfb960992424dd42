"""Sign-in for real, in headless Chromium: Streamlit's st.login against a local OpenID
Connect provider (oidc-provider-mock) started here; a viewer of practice A sees A only and
cannot reach B. And an app bound beyond this machine without sign-in refuses to serve, unless
the override is set, which then warns on every page."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from analytics.ingest import prepare
from analytics.store import Store
from analytics.store.practices import create_practice
from analytics.store.team import TEAM_FILE, TeamStore
from tests.browser import (
    ROOT,
    browser_page,
    chromium_or_skip,
    free_port,
    streamlit_server,
    wait_idle,
)

pytestmark = pytest.mark.browser
VIEWER = "vera@a.org"
B_MARKS = ("Bravo Secret Rehab", "Zzyzx", "Zebra Cove")
B_CSV = (
    "Referral Date,Referring Provider,Location,Payer,Eval Date,Visits,Payments\n"
    "2025-03-03,Dr. Quentin Zzyzx,Zebra Cove,Aetna,2025-03-05,6,600.00\n"
    "2025-04-09,Dr. Quentin Zzyzx,Zebra Cove,Medicare,2025-04-12,4,400.00\n"
)
REFUSAL = "The app is bound to 0.0.0.0 without sign-in"


@contextmanager
def oidc_provider(folder: Path) -> Iterator[str]:
    """oidc-provider-mock on a free port; yield its issuer URL."""
    port = free_port()
    log = open(folder / "oidc.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError((folder / "oidc.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def practices(folder: Path) -> Path:
    """Practice A (the sample, the server's store) and B, with Vera a viewer of A only."""
    folder.mkdir()
    a = folder / "northside_pt.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "sample", "--db", str(a)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    b = create_practice(folder, "Bravo Secret Rehab")
    store = Store(b)
    store.save(prepare(B_CSV.encode(), "b.csv", store.ingest_context()).batch())
    store.close()
    team = TeamStore(folder / TEAM_FILE)
    team.add_person(VIEWER, "Vera Viewer", False, "setup")
    team.grant(VIEWER, a, "viewer", "setup")
    return a


def secrets_file(folder: Path, port: int, issuer: str | None) -> Path:
    """A secrets file for this run: [auth] pointing at the provider, or none at all."""
    path = folder / "secrets.toml"
    text = "[referrals]\nadmins = []\n"
    if issuer:
        text += (
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-cookie-secret-for-this-test-run-0123456789"\n'
            'client_id = "referral-power"\n'
            'client_secret = "not-a-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        )
    path.write_text(text, encoding="utf-8")
    return path


def body(page) -> str:
    return page.locator("body").inner_text()


def test_a_viewer_signs_in_and_sees_practice_a_only(tmp_path):
    chromium = chromium_or_skip()
    folder = tmp_path / "data"
    db = practices(folder)
    port = free_port()
    with (
        oidc_provider(tmp_path) as issuer,
        streamlit_server(
            db, port=port, args=(f"--secrets.files={secrets_file(tmp_path, port, issuer)}",)
        ) as url,
        browser_page(chromium) as page,
    ):
        page.goto(url)
        wait_idle(page)
        # Not signed in: the sign-in page only, nothing of any practice.
        assert "Sign in to see the practices you work on." in body(page)
        assert "Northside" not in body(page) and "Overview" not in body(page)
        page.get_by_role("button", name="Sign in").click()
        # The provider's own authorization form: sign in as Vera.
        page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
        page.fill("input[name=sub]", VIEWER)
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{url}/**", timeout=30_000)
        page.get_by_role("heading", name="Overview", level=1).wait_for(timeout=60_000)
        wait_idle(page)
        sidebar = page.get_by_test_id("stSidebar")
        assert f"Signed in as Vera Viewer ({VIEWER}) · viewer" in sidebar.inner_text()
        assert "?practice=northside_pt" in page.url
        # One practice granted: no practice picker, nothing of B anywhere.
        assert sidebar.get_by_role("combobox", name="Practice").count() == 0
        assert [m for m in B_MARKS if m in body(page)] == []
        nav = page.get_by_test_id("stSidebarNav").inner_text().split("\n")
        assert "Overview" in nav
        assert not {"Upload", "Partners", "Team"} & set(nav)

        # A link to B is refused and said; the page stays on A.
        page.goto(f"{url}/?practice=bravo_secret_rehab")
        page.get_by_role("heading", name="Overview", level=1).wait_for(timeout=60_000)
        wait_idle(page)
        assert "not here or not open to you (bravo_secret_rehab)" in body(page)
        assert "?practice=northside_pt" in page.url
        assert [m for m in B_MARKS if m in body(page)] == []

        # The Practices page names A only; a deep link to Upload is not the Upload page.
        page.goto(f"{url}/stores")
        page.get_by_role("heading", name="Practices", level=1).wait_for(timeout=60_000)
        wait_idle(page)
        assert "Sample practice (demo)\n\nnorthside_pt.duckdb" in body(page)
        assert [m for m in B_MARKS if m in body(page)] == []
        page.goto(f"{url}/upload")
        wait_idle(page)
        assert page.get_by_role("heading", name="Upload exports").count() == 0
        assert page.get_by_test_id("stFileUploader").count() == 0
        assert "Page not found" in body(page)
        page.keyboard.press("Escape")

        # Signing out ends the session (the provider confirms): the sign-in page again.
        page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="End session").click(timeout=30_000)
        page.goto(url)
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        assert "Overview" not in body(page)


@pytest.mark.parametrize("override", [False, True])
def test_bound_everywhere_without_sign_in_refuses_unless_told(tmp_path, override):
    chromium = chromium_or_skip()
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "northside_pt.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "sample", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    env = {"REFERRALS_NO_AUTH_I_KNOW": "1" if override else ""}
    with (
        streamlit_server(
            db,
            address="0.0.0.0",
            args=(f"--secrets.files={secrets_file(tmp_path, 0, None)}",),
            env=env,
        ) as url,
        browser_page(chromium) as page,
    ):
        page.goto(url)
        wait_idle(page)
        text = body(page)
        if not override:
            assert REFUSAL in text
            assert "Overview" not in text and "Northside" not in text
            assert page.get_by_test_id("stSidebarNav").count() == 0
        else:
            assert REFUSAL not in text
            page.get_by_role("heading", name="Overview", level=1).wait_for(timeout=60_000)
            for path in ("", "/stores"):
                page.goto(f"{url}{path}")
                wait_idle(page)
                assert "anyone who reaches its address can see and change every practice" in (
                    body(page)
                ), path
    log = (folder / "streamlit.log").read_text()
    assert ("Referral Power refuses to serve" in log) is (not override)


def test_a_request_through_a_proxy_without_sign_in_is_refused(tmp_path):
    # Bound to 127.0.0.1, but a reverse proxy in front makes it reachable from anywhere.
    chromium = chromium_or_skip()
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "northside_pt.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "sample", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    args = (f"--secrets.files={secrets_file(tmp_path, 0, None)}",)
    with streamlit_server(db, args=args) as url, browser_page(chromium) as page:
        page.set_extra_http_headers({"X-Forwarded-For": "203.0.113.7"})
        page.goto(url)
        wait_idle(page)
        assert "This request came through a proxy" in body(page)
        assert "Overview" not in body(page) and "Northside" not in body(page)
