"""AppTest of the Valuation readiness and Practices pages inside the app's frame (sidebar
filters, router): dashboard.py itself once it routes them, else a copy with the lines proposed
for it (see docs/valuation.md)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, run_the_frame


def dashboard(folder: Path) -> Path:
    """The app's entry script (it routes pages/valuation.py and pages/stores.py)."""
    return ROOT / "dashboard.py"


def open_page(db: Path, folder: Path, monkeypatch, page: str) -> AppTest:
    """The app on store `db`, switched to `page` (e.g. "pages/valuation.py")."""
    run_the_frame(monkeypatch)
    monkeypatch.setenv("REFERRALS_DB", str(db))
    at = AppTest.from_file(str(dashboard(folder)), default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at
