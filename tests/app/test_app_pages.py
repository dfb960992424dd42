"""AppTest of every dashboard page on the sample practice: it renders, its numbers are the
metric functions' (`metrics --json` for the same filters), and the sidebar filters change it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.app.state import _open_store
from analytics.filters import Filters, preset_period
from analytics.formatting import count, money, pct
from analytics.metrics.stress import stress_test
from analytics.metrics.summary import metrics_summary
from analytics.store import Store
from analytics.text import md
from tests.conftest import ROOT

PAGES = {
    "pages/overview.py": "Overview",
    "pages/concentration.py": "Sources & concentration",
    "pages/dependence.py": "Physician dependence",
    "pages/trends.py": "Trends & alerts",
    "pages/partner.py": "Partner view",
}


def cli_metrics(db: Path, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(db), *args, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> dict:
    """The sample practice in a store, with `metrics --json` read before the app opens it."""
    folder = tmp_path_factory.mktemp("sample")
    db = folder / "sample.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "sample", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    everything = cli_metrics(db)
    last = date.fromisoformat(everything["period"]["end"])
    start, end = preset_period("Trailing 12 months", last)
    trailing = cli_metrics(db, "--start", start.isoformat(), "--end", end.isoformat())
    return {"db": db, "last": last, "all": everything, "trailing": trailing}


def expected(sample: dict, filters: Filters) -> dict:
    """metrics_summary for the filters, read the way the CLI reads the store."""
    store = _open_store(str(sample["db"]))
    history = store.referrals(Filters(end=filters.end, clinics=filters.clinics))
    return metrics_summary(store.referrals(filters), filters, history=history)


def trailing_filters(sample: dict, **changes) -> Filters:
    start, end = preset_period("Trailing 12 months", sample["last"])
    return Filters(start=start, end=end, **changes)


def open_page(db: Path, monkeypatch, page: str = "pages/overview.py") -> AppTest:
    monkeypatch.setenv("REFERRALS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.info, *at.warning, *at.success, *at.error)]
    return "\n".join(str(p) for p in parts)


def overview_tiles(summary: dict) -> dict[str, str]:
    c = summary["concentration"]
    return {
        "Referrals": count(summary["referrals"]),
        "Arrived (evaluated)": count(summary["arrived"]),
        "Conversion": pct(summary["conversion_rate"]),
        "Revenue": money(summary["revenue"]),
        "Active partners": count(c["partners"]),
        "Concentration (HHI)": count(c["hhi"]),
        "Largest partner": pct(c["cr1"]),
        "Patient word-of-mouth": pct(summary["patient_share"]),
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_charts_and_downloads(sample, monkeypatch, page):
    at = open_page(sample["db"], monkeypatch, page)
    assert at.title[0].value == PAGES[page]
    assert at.metric, "every page leads with its figures"
    charts = at.get("plotly_chart")
    downloads = [b.proto.label for b in at.get("download_button")]
    assert charts
    assert downloads.count("PNG") == len(charts)  # every chart: CSV of its data and PNG
    assert downloads.count("CSV") == len(charts) + len(at.dataframe)  # every table: CSV


def test_overview_tiles_equal_metrics_json(sample, monkeypatch):
    at = open_page(sample["db"], monkeypatch)
    assert tiles(at) == overview_tiles(sample["trailing"])
    hhi = next(m for m in at.metric if m.label == "Concentration (HHI)")
    assert sample["trailing"]["concentration"]["hhi_band"] in hhi.proto.delta_description
    assert "Changes compare with" in texts(at)
    attention = texts(at)
    for key in sample["trailing"]["physician_dependence"]["key_referrers"]:
        # Shown as text: Markdown syntax in a name is escaped (issue 13).
        assert md(f"{key['name']} sends {pct(key['share'])} of your referrals") in attention


def test_overview_compares_with_the_same_period_last_year(sample, monkeypatch):
    at = open_page(sample["db"], monkeypatch)
    start, end = preset_period("Trailing 12 months", sample["last"])
    assert "Changes compare with the previous 12 months" in texts(at)
    at.segmented_control(key="compare").set_value("last_year").run()
    assert not at.exception
    # The sample holds two years: the year before the trailing one is covered.
    then_start = date(start.year - 1, start.month, 1)
    then_end = date(end.year - 1, end.month, end.day)
    then = expected(sample, Filters(start=then_start, end=then_end))
    assert f"Changes compare with the same period last year, {then_start:%b} 1" in texts(at)
    referrals = next(m for m in at.metric if m.label == "Referrals")
    now = sample["trailing"]["referrals"]
    assert referrals.delta == f"{(now - then['referrals']) / then['referrals']:+.1%}"


def test_all_data_preset_equals_metrics_json_without_dates(sample, monkeypatch):
    at = open_page(sample["db"], monkeypatch)
    at.selectbox(key="period_preset").set_value("All data").run()
    assert not at.exception
    assert tiles(at) == overview_tiles(sample["all"])


def test_clinic_filter_changes_the_numbers_and_persists_across_pages(sample, monkeypatch):
    at = open_page(sample["db"], monkeypatch)
    before = tiles(at)["Referrals"]
    at.multiselect(key="clinics").set_value(["Northside"]).run()
    summary = expected(sample, trailing_filters(sample, clinics=("Northside",)))
    assert tiles(at) == overview_tiles(summary)
    assert tiles(at)["Referrals"] != before
    at.switch_page("pages/concentration.py").run()
    assert not at.exception
    assert at.multiselect(key="clinics").value == ["Northside"]
    assert tiles(at)["Concentration (HHI)"] == count(summary["concentration"]["hhi"])


def test_concentration_tiles_follow_basis_and_level(sample, monkeypatch):
    at = open_page(sample["db"], monkeypatch, "pages/concentration.py")
    summary = sample["trailing"]["concentration"]
    shown = tiles(at)
    assert shown["Concentration (HHI)"] == count(summary["hhi"])
    assert shown["Gini"] == f"{summary['gini']:.2f}"
    assert shown["Partners sending 80%"] == (
        f"{summary['partners_for_80pct']:,} of {summary['partners']:,}"
    )
    at.radio(key="basis").set_value("revenue").run()
    revenue = expected(sample, trailing_filters(sample, basis="revenue"))["concentration"]
    assert tiles(at)["Concentration (HHI)"] == count(revenue["hhi"])
    at.radio(key="level").set_value("organization").run()
    groups = expected(sample, trailing_filters(sample, basis="revenue", level="organization"))
    assert tiles(at)["Partners sending 80%"].endswith(f"of {groups['concentration']['partners']}")
    assert groups["concentration"]["partners"] < summary["partners"]
    partners = next(d.value for d in at.dataframe if "Visits per referral" in d.value.columns)
    assert len(partners) == groups["concentration"]["partners"]


def test_dependence_page_and_stress_test(sample, monkeypatch):
    at = open_page(sample["db"], monkeypatch, "pages/dependence.py")
    dependence = sample["trailing"]["physician_dependence"]
    shown = tiles(at)
    assert shown["Physician share"] == pct(dependence["physician_share"])
    assert shown["Top physician"] == pct(dependence["top_physician"]["share"])
    assert shown["Top five physicians"] == pct(dependence["top5_physician_share"])
    assert shown["Key referrers (≥ 10%)"] == str(len(dependence["key_referrers"]))
    top = dependence["key_referrers"][0]
    assert f"**{md(top['name'])}**" in texts(at) and money(top["revenue"]) in texts(at)
    sparklines = next(d.value for d in at.dataframe if "Last 12 months" in d.value.columns)
    assert sparklines["Partner"].iloc[0] == dependence["top_physician"]["name"]
    assert all(len(line) == 12 for line in sparklines["Last 12 months"])

    # The stress test starts on the largest key referrer; add a second partner.
    stress = at.multiselect(key="stress_partners_partner")
    assert stress.value == [top["name"]]
    second = next(o for o in stress.options if o != top["name"])
    stress.set_value([top["name"], second]).run()
    assert not at.exception
    store = _open_store(str(sample["db"]))
    filters = trailing_filters(sample)
    result = stress_test(store.referrals(filters), filters, [top["name"], second])
    assert tiles(at)["Referrals lost"] == count(result["referrals_lost"])
    assert tiles(at)["Revenue lost"] == money(result["revenue_lost"])


def test_trends_page_lists_the_alerts_of_metrics_json(sample, monkeypatch):
    at = open_page(sample["db"], monkeypatch, "pages/trends.py")
    alerts = sample["trailing"]["alerts"]
    declining = next(d.value for d in at.dataframe if "Odds by luck" in d.value.columns)
    dormant = next(d.value for d in at.dataframe if "Days quiet" in d.value.columns)
    assert declining["Partner"].tolist() == [a["name"] for a in alerts["declining"]]
    assert declining["Last 90 days"].tolist() == [a["last_90d"] for a in alerts["declining"]]
    assert dormant["Partner"].tolist() == [a["name"] for a in alerts["dormant"]]
    assert len(at.get("plotly_chart")) == 3  # trend, evidence, won/lost


def test_partner_page_follows_a_drill_down(sample, monkeypatch):
    at = open_page(sample["db"], monkeypatch)
    name = sample["trailing"]["alerts"]["declining"][0]["name"]
    at.session_state["partner"] = name
    at.switch_page("pages/partner.py").run()
    assert not at.exception
    assert at.selectbox(key="partner_pick").value == name
    assert any(w.value.startswith("Declining:") for w in at.warning)
    store = _open_store(str(sample["db"]))
    frame = store.referrals(trailing_filters(sample))
    assert tiles(at)["Referrals"] == count(int(frame.loc[frame["source"] == name, "count"].sum()))
    # Picking another partner in the page's own selectbox moves the page, and is remembered.
    other = at.selectbox(key="partner_pick").options[0]
    at.selectbox(key="partner_pick").set_value(other).run()
    assert at.session_state["partner"] == other
    assert tiles(at)["Share of referrals"] == pct(sample["trailing"]["concentration"]["cr1"])


@pytest.mark.parametrize("page", PAGES)
def test_empty_store_says_what_to_upload(tmp_path, monkeypatch, page):
    at = open_page(tmp_path / "empty.duckdb", monkeypatch, page)
    assert any("No referrals yet" in i.value and "Upload" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_store_selector_switches_practice(sample, tmp_path, monkeypatch):
    shutil.copy(sample["db"], tmp_path / "riverside_pt.duckdb")
    Store(tmp_path / "lakeside_pt.duckdb")  # an empty second practice (the app opens, never
    other = _open_store(str(tmp_path / "lakeside_pt.duckdb"))  # creates, a practice's file)
    assert other.is_empty()
    at = open_page(tmp_path / "riverside_pt.duckdb", monkeypatch)
    practice = at.selectbox(key="store_path")
    assert practice.options == ["Lakeside Pt", "Riverside Pt"]
    assert practice.value == str(tmp_path / "riverside_pt.duckdb")
    assert tiles(at)["Referrals"] == count(sample["trailing"]["referrals"])
    practice.set_value(str(tmp_path / "lakeside_pt.duckdb")).run()
    assert not at.exception
    assert any("No referrals yet" in i.value for i in at.info)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/partner.py"])
def test_an_empty_period_says_what_to_change(tmp_path, monkeypatch, page):
    export = tmp_path / "log.csv"
    export.write_text(
        "Referral Date,Referring Provider,Referral Type,Clinic\n"
        "01/06/2025,Dr A,Physician,North\n"
        "03/10/2025,Dr B,Physician,South\n"
    )
    db = tmp_path / "two_clinics.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "ingest", str(export), "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    at = open_page(db, monkeypatch, page)
    at.selectbox(key="period_preset").set_value("Last month")
    at.multiselect(key="clinics").set_value(["North"]).run()  # North has nothing in March
    assert not at.exception
    assert any("No referrals in this period" in i.value for i in at.info)
    assert not at.get("plotly_chart")
