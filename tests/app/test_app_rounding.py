"""One rounding rule for every surface (finding 4 of issue 12): a tile, the table beside it,
the CSV, the PDF's figures (read from `metrics --json`'s 4-decimal shares) and the workbook
show the same 0.1%; money reads to the cent where a cent matters."""

from __future__ import annotations

import csv
import io
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.app.state import _open_store
from analytics.app.widgets import _exported
from analytics.formatting import half_up, money, pct
from analytics.safe_csv import to_safe_csv
from analytics.views.overview import column_kinds
from tests.conftest import ROOT, run_the_frame


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.58449, "58.5%"), (0.5845, "58.5%"), (0.2025, "20.3%"), (0.20244, "20.2%"), (0.1, "10.0%")],
)
def test_a_share_reads_the_same_raw_or_as_stored(share, shown):
    assert pct(share) == shown


def test_pages_and_reports_agree_on_every_share():
    """The PDF prints `metrics --json` (shares rounded to 4 decimals); the page the raw
    share: the same text for any share."""
    rng = random.Random(12)
    for _ in range(20_000):
        share = rng.random()
        assert pct(share) == pct(round(share, 4)) == pct(half_up(share, 4)), share


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1561.99, "$1,562"),  # not "$1,561": halves and more go up
        (45.5, "$45.50"),  # a cent matters on a lunch
        (40.0, "$40"),
        (0.125, "$0.13"),
        (9999.49, "$9,999"),
        (9999.5, "$10.0K"),
        (12449.99, "$12.4K"),
        (999_950.0, "$1.0M"),
        (-1561.5, "-$1,562"),
    ],
)
def test_money(value, shown):
    assert money(value) == shown


@pytest.fixture
def store(tmp_path: Path, monkeypatch) -> Path:
    """400 referrals in March 2025: Dr A sends 81 (20.25%), four others 80, 80, 80, 79."""
    rows = ["Referral Date,Referring Provider,Referral Type,Clinic"]
    for doctor, n in (("Dr A", 81), ("Dr B", 80), ("Dr C", 80), ("Dr D", 80), ("Dr E", 79)):
        rows += [f"03/{1 + i % 28:02d}/2025,{doctor},Physician,North" for i in range(n)]
    export = tmp_path / "log.csv"
    export.write_text("\n".join(rows) + "\n")
    db = tmp_path / "rounding.duckdb"
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


def test_tile_table_and_csv_show_the_same_share(store):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.selectbox(key="period_preset").set_value("All data").run()
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Largest partner"] == "20.3%"
    at.switch_page("pages/concentration.py").run()
    assert not at.exception, at.exception
    table = next(d for d in at.dataframe if "Partner" in d.value.columns)
    first = table.value.iloc[0]
    assert first["Partner"] == "Dr. A"
    # The table holds the percentage as shown (20.3, printed "%.1f%%"), not 0.2025, which a
    # step of 0.001 cut to "20.2%".
    assert first["Share"] == 20.3
    # The treemap's percentages are of partner referrals: the page says the bases differ.
    captions = " ".join(c.value for c in at.caption)
    assert "share of partner referrals only" in captions


def test_csv_rounds_shares_and_money_by_the_rule():
    frame = pd.DataFrame({"Partner": ["Dr A"], "Share": [0.202549], "Revenue": [1561.995]})
    text = to_safe_csv(_exported(frame, column_kinds(frame))).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["Share"], row["Revenue"]) == ("0.2025", "1562.0")
