"""Screenshots of every page of the sample practice, for the README and for looking at.

.venv/bin/python -m tests.make_screenshots [OUT_DIR]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser import ROOT, browser_page, chromium_or_skip, streamlit_server, wait_idle

PAGES = {"overview": "", "upload": "upload"}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    chromium = chromium_or_skip()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sample.duckdb"
        subprocess.run(
            [sys.executable, "-m", "analytics", "sample", "--db", str(db)], cwd=ROOT, check=True
        )
        with streamlit_server(db) as url, browser_page(chromium) as page:
            for name, path in PAGES.items():
                page.goto(f"{url}/{path}")
                wait_idle(page)
                page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test-artifacts" / "pages")
