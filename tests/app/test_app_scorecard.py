"""The scorecard and trend logic a buyer reads (finding 10 of issue 12): a check without
data is "not enough data", not Watch; no practice-group check without groups recorded; new
and lost partners only once a full year of data precedes the period."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.app.state import _open_store
from tests.conftest import ROOT, run_the_frame


@pytest.fixture
def first_year(tmp_path: Path, monkeypatch) -> Path:
    """One year of a practice (2025): 27 doctors, none with a practice group recorded."""
    rows = ["Referral Date,Referring Provider,Referral Type,Clinic"]
    for month in range(1, 13):
        for doctor in range(27 if month > 6 else 21):
            if (doctor + month) % 3 == 0 or month > 10:
                rows.append(f"{month:02d}/15/2025,Dr Number{doctor},Physician,North")
    export = tmp_path / "first_year.csv"
    export.write_text("\n".join(rows) + "\n")
    db = tmp_path / "first_year.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "ingest", str(export), "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    run_the_frame(monkeypatch)
    monkeypatch.setenv("REFERRALS_DB", str(db))
    yield db
    _open_store.clear()


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_scorecard_says_not_enough_data_and_counts_no_group_risk(first_year):
    at = open_page("pages/valuation.py")
    text = "\n".join(m.value for m in at.markdown)
    # No practice group recorded: no check that repeats the largest partner's share.
    assert "Largest practice group" not in text
    # A first year cannot be compared year on year: not enough data, not Watch.
    assert "**Active partners, year on year**" in text
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Not enough data"] == "1"
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    # The scorecard's badges come first; the four buyers' rules (issue 17) follow them.
    scorecard = badges[:-4]
    assert any("Not enough data" in b for b in scorecard)
    assert sum("Watch" in b for b in scorecard) == int(tiles["Watch"])


def test_a_first_year_has_no_new_or_lost_partners(first_year):
    at = open_page("pages/trends.py")
    tiles = {m.label: m for m in at.metric}
    assert tiles["New partners"].value == "not enough data"
    assert tiles["Partners lost"].value == "not enough data"
    assert any("Not enough data to tell new partners" in i.value for i in at.info)
