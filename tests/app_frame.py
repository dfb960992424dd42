"""AppTest of the Valuation readiness and Practices pages inside the app's frame (sidebar
filters, router): dashboard.py itself once it routes them, else a copy with the lines proposed
for it (see docs/valuation.md)."""

from __future__ import annotations

import types
from pathlib import Path

from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PROPOSED_LINES = """
presenting = app_state.presentation_mode()
if presenting:
    pages["Data"] = [p for p in pages.get("Data", []) if p.url_path not in ("upload", "partners")]
pages["Valuation"] = [
    st.Page("pages/valuation.py", title="Valuation readiness", icon=":material/sell:")
]
pages.setdefault("Data", []).append(
    st.Page("pages/stores.py", title="Practices", icon=":material/folder_shared:")
)
"""
ROUTER = "st.navigation(pages).run()"


def dashboard(folder: Path) -> Path:
    """The app's entry script, routing pages/valuation.py and pages/stores.py."""
    source = (ROOT / "dashboard.py").read_text()
    if "pages/valuation.py" in source and "pages/stores.py" in source:
        return ROOT / "dashboard.py"
    script = folder / "dashboard.py"
    script.write_text(source.replace(ROUTER, PROPOSED_LINES + ROUTER))
    pages = folder / "pages"
    if not pages.exists():
        pages.symlink_to(ROOT / "pages", target_is_directory=True)
    return script


def run_the_frame(monkeypatch) -> None:
    """Run the entry script (sidebar and router) on every AppTest run, as the server does;
    AppTest would otherwise run a page alone once it has seen a pages/ folder."""

    def run_main_script(main_script_path: str) -> None:
        path = Path(main_script_path)
        module = types.ModuleType("__main__")
        module.__file__ = str(path)
        exec(compile(path.read_text(), str(path), "exec"), module.__dict__)

    monkeypatch.setattr(script_runner, "_mpa_v1", run_main_script)


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
