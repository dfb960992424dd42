"""AppTest of the Partner ROI page on the sample practice: runs, shows the analytics' own
figures, and follows the sidebar filters and the margin setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.app.state import _open_store
from analytics.filters import Filters, preset_period
from analytics.formatting import count, half_up, money
from analytics.identity import activities_of
from analytics.metrics.periods import encode
from analytics.metrics.summary import metrics_summary
from analytics.store import Store
from analytics.views.engagement import engagement_page
from analytics.views.roi import roi_page, roi_text
from tests.conftest import ROOT, SAMPLE_DIR


def app_script(folder: Path) -> Path:
    """The app's entry script (it routes these pages)."""
    return ROOT / "dashboard.py"


def build_sample_db(folder: Path) -> Path:
    """The bundled sample practice (referrals and outreach log) in its own store file."""
    from analytics.ingest.cli import SAMPLE_FILES, ingest_file

    path = folder / "sample.duckdb"
    store = Store(path)
    for name, kind in SAMPLE_FILES:
        ingest_file(store, SAMPLE_DIR / name, kind=kind)
    store.close()
    return path


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("outreach_app"))


def open_page(db: Path, monkeypatch, page: str, folder: Path) -> AppTest:
    monkeypatch.setenv("REFERRALS_DB", str(db))
    at = AppTest.from_file(str(app_script(folder)), default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def trailing(db: Path, **changes) -> Filters:
    last = _open_store(str(db)).date_bounds()[1]
    start, end = preset_period(changes.pop("preset", "Trailing 12 months"), last)
    return Filters(start=start, end=end, **changes)


def history_of(db: Path, filters: Filters):
    store = _open_store(str(db))
    history = store.referrals(Filters(clinics=filters.clinics))
    return store, history, encode(history, filters.level)


def roi_expected(db: Path, filters: Filters, margin: float = 1.0):
    """The ROI page bundle computed straight from the store, without Streamlit."""
    store, history, encoded = history_of(db, filters)
    return roi_page(encoded, history, activities_of(store), filters, margin)


def engagement_expected(db: Path, filters: Filters, overdue_days: int = 60):
    store, history, encoded = history_of(db, filters)
    return engagement_page(encoded, history, activities_of(store), filters, overdue_days)


def json_roi(db: Path, filters: Filters) -> list[dict]:
    """`metrics --json`'s roi list, with every activity up to the period end."""
    store = _open_store(str(db))
    history = store.referrals(Filters(end=filters.end, clinics=filters.clinics))
    activities = activities_of(store, Filters(end=filters.end))
    return metrics_summary(store.referrals(filters), filters, activities, history=history)["roi"]


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table_with(at: AppTest, column: str):
    """The first table on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_roi_page_shows_the_analytics_figures(sample_db, monkeypatch, tmp_path):
    at = open_page(sample_db, monkeypatch, "pages/roi.py", tmp_path)
    assert at.title[0].value == "Partner ROI"
    filters = trailing(sample_db)
    # The page opens on the session's one margin, 40% (the Valuation page's too).
    want = roi_expected(sample_db, filters, margin=0.4)
    shown = tiles(at)
    assert shown["Outreach cost"] == money(want.totals["cost"])
    assert shown["Partners reached"] == count(want.totals["partners_reached"])
    assert shown["Revenue they sent"] == money(want.totals["revenue_reached"])
    assert shown["Return on outreach"] == roi_text(want.totals["roi_reached"])
    partners = table_with(at, "Quadrant")
    assert list(partners["Partner"]) == list(want.partners["Partner"])
    # The page's table is the JSON's roi list, partner for partner.
    records = {r["name"]: r for r in json_roi(sample_db, filters)}
    assert set(records) == set(partners["Partner"])
    for row in partners.head(10).to_dict("records"):
        record = records[row["Partner"]]
        assert (row["Touches"], row["Referrals"]) == (record["touches"], record["referrals"])
        # Tables show whole dollars, halves up (the one rounding rule of formatting).
        assert row["Cost"] == half_up(record["cost"])
        assert row["Revenue"] == half_up(record["revenue"])
    charts = at.get("plotly_chart")
    assert len(charts) == 3
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads.count("CSV") == len(charts) + len(at.dataframe)


def test_roi_page_follows_period_and_margin(sample_db, monkeypatch, tmp_path):
    at = open_page(sample_db, monkeypatch, "pages/roi.py", tmp_path)
    before = tiles(at)["Outreach cost"]
    at.selectbox(key="period_preset").set_value("Last quarter").run()
    assert not at.exception
    quarter = trailing(sample_db, preset="Last quarter")
    want = roi_expected(sample_db, quarter, margin=0.4)
    assert tiles(at)["Outreach cost"] == money(want.totals["cost"])
    assert tiles(at)["Outreach cost"] != before
    assert "Return on margin (× cost)" in table_with(at, "Quadrant").columns

    at.slider(key="margin").set_value(20).run()
    assert not at.exception
    on_margin = roi_expected(sample_db, quarter, margin=0.2)
    assert tiles(at)["Return on outreach"] == roi_text(on_margin.totals["roi_reached"])
    assert tiles(at)["Return on outreach"] != roi_text(want.totals["roi_reached"])


def test_roi_page_follows_the_clinic_filter(sample_db, monkeypatch, tmp_path):
    at = open_page(sample_db, monkeypatch, "pages/roi.py", tmp_path)
    at.multiselect(key="clinics").set_value(["Northside"]).run()
    assert not at.exception
    want = roi_expected(sample_db, trailing(sample_db, clinics=("Northside",)))
    assert tiles(at)["Revenue they sent"] == money(want.totals["revenue_reached"])
    assert any("Outreach is not logged per clinic" in c.value for c in at.caption)


def test_roi_page_without_an_outreach_log(monkeypatch, tmp_path):
    from analytics.ingest.cli import ingest_file

    db = tmp_path / "referrals_only.duckdb"
    store = Store(db)
    ingest_file(store, SAMPLE_DIR / "riverside_case_export.csv", kind="referrals")
    store.close()
    at = open_page(db, monkeypatch, "pages/roi.py", tmp_path)
    assert any("No outreach log yet" in i.value for i in at.info)


def test_roi_page_on_an_empty_store(monkeypatch, tmp_path):
    Store(tmp_path / "empty.duckdb").close()
    at = open_page(tmp_path / "empty.duckdb", monkeypatch, "pages/roi.py", tmp_path)
    assert any("No referrals yet" in i.value for i in at.info)
