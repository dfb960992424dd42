"""No request leaves the browser for a URL taken from data (issue 13, finding 8).

A local HTTP server records every request it gets; the store's partner, clinic, payer, staff
and practice names and notes carry image beacons, KaTeX links and <img> tags pointing at it.
Every page is opened in headless Chromium; the server must hear nothing but the control
request the test makes itself at the end.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.browser import browser_page, chromium_or_skip, free_port, streamlit_server, wait_idle
from tests.hostile_store import build

pytestmark = pytest.mark.browser
PATHS = [
    "",
    "concentration",
    "dependence",
    "trends",
    "partner",
    "roi",
    "engagement",
    "valuation",
    "upload",
    "partners",
    "stores",
]


class _Recorder(BaseHTTPRequestHandler):
    heard: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.heard.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


def test_no_page_fetches_a_url_from_the_data(tmp_path: Path):
    chromium = chromium_or_skip()
    port = free_port()
    _Recorder.heard = []
    beacon = ThreadingHTTPServer(("127.0.0.1", port), _Recorder)
    threading.Thread(target=beacon.serve_forever, daemon=True).start()
    try:
        db = build(tmp_path, port)
        with streamlit_server(db) as url, browser_page(chromium) as page:
            for path in PATHS:
                page.goto(f"{url}/{path}")
                page.get_by_test_id("stMain").wait_for(timeout=60_000)
                wait_idle(page)
                page.wait_for_timeout(500)
                assert _Recorder.heard == [], f"/{path} fetched {_Recorder.heard}"
            # Control: the recorder does hear a request the browser really makes.
            page.goto(f"http://127.0.0.1:{port}/control")
            assert _Recorder.heard[0] == "/control"
    finally:
        beacon.shutdown()
