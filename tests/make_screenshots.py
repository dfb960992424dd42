"""Screenshots of every page of the sample practice, for the README and for looking at.

.venv/bin/python -m tests.make_screenshots [OUT_DIR] [WIDTH ...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser import ROOT, browser_page, chromium_or_skip, streamlit_server, wait_idle

PAGES = {
    "overview": "",
    "concentration": "concentration",
    "dependence": "dependence",
    "trends": "trends",
    "partner": "partner",
    "roi": "roi",
    "engagement": "engagement",
    "valuation": "valuation",
    "upload": "upload",
    "partners": "partners",
    "stores": "stores",
}
WIDTH = 1440
MIN_HEIGHT = 1000


def capture(page, path: Path, width: int = WIDTH) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its main block, not the window, so
    the viewport is grown to the content's height first (and put back afterwards)."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        '\'[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main\')]'
        ".map(e => e.scrollHeight), 0)"
    )
    page.set_viewport_size({"width": width, "height": max(MIN_HEIGHT, int(height) + 40)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": MIN_HEIGHT})


def main(out: Path, widths: tuple[int, ...] = (WIDTH,)) -> None:
    out.mkdir(parents=True, exist_ok=True)
    chromium = chromium_or_skip()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sample.duckdb"
        subprocess.run(
            [sys.executable, "-m", "analytics", "sample", "--db", str(db)], cwd=ROOT, check=True
        )
        with streamlit_server(db) as url, browser_page(chromium) as page:
            for width in widths:
                page.set_viewport_size({"width": width, "height": MIN_HEIGHT})
                for name, path in PAGES.items():
                    page.goto(f"{url}/{path}")
                    wait_idle(page)
                    shot = out / f"{name}-{width}.png" if len(widths) > 1 else out / f"{name}.png"
                    capture(page, shot, width)
                    print(shot)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test-artifacts" / "pages"
    main(folder, tuple(int(w) for w in sys.argv[2:]) or (WIDTH,))
