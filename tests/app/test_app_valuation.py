"""AppTest of the Valuation readiness page on the sample practice: the scorecard is the
scorecard's, the trend is drawn, the stress test is the scenarios', the reports are offered."""

from __future__ import annotations

import shutil

import pytest

from analytics.app.state import _open_store
from analytics.formatting import count, pct
from analytics.metrics.buyer_rules import RULE_NAMES as BUYER_RULES
from analytics.metrics.scenarios import Scenario, run_scenario
from analytics.metrics.scorecard import STATUS_WORDS, encodings_of, scorecard_of
from tests.app_frame import open_page
from tests.reports import sample_db, trailing_year

PAGE = "pages/valuation.py"


@pytest.fixture
def db(tmp_path):
    copy = tmp_path / "northside_pt.duckdb"
    shutil.copy(sample_db(), copy)
    yield copy
    _open_store.clear()


@pytest.fixture
def app(db, tmp_path, monkeypatch):
    return open_page(db, tmp_path, monkeypatch, PAGE)


def expected_checks(db, filters=None):
    store = _open_store(str(db))
    return scorecard_of(encodings_of(store.referrals(_scope())), filters or trailing_year())


def _scope():
    from analytics.filters import Filters

    return Filters()


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_page_renders_the_scorecard_of_the_period(app, db):
    assert app.title[0].value == "Valuation readiness"
    checks = expected_checks(db)
    tiles = {m.label: m.value for m in app.metric}
    for status in ("risk", "watch", "ok"):
        assert tiles[STATUS_WORDS[status]] == str(sum(c["status"] == status for c in checks))
    text = markdown(app)
    for check in checks:
        assert f"**{check['label']}**" in text
        # The figure as a heading, a band in brackets ("546 (unconcentrated)") under it.
        assert f"#### {check['shown'].partition(' (')[0]}" in text
        assert check["sentence"] in text
    colours = {"ok": "green", "watch": "orange", "risk": "red"}
    badges = [m.value for m in app.markdown if "-badge[" in m.value]
    # The scorecard's badges, then one per buyers' rule (issue 17) below the stress test.
    assert len(badges) == len(checks) + len(BUYER_RULES)
    for badge, check in zip(badges[: len(checks)], checks, strict=True):
        assert badge.startswith(f":{colours[check['status']]}-badge[")
        assert badge.endswith(f" {STATUS_WORDS[check['status']]}]")


def test_trend_chart_and_downloads(app):
    assert len(app.get("plotly_chart")) == 2  # the 12-month trend and the scenarios
    labels = [b.proto.label for b in app.get("download_button")]
    assert {"PDF report", "Slide deck", "Workbook"} <= set(labels)
    assert labels.count("CSV") == 4  # scorecard, trend, side-by-side table, scenarios chart


def test_default_scenarios_side_by_side(app, db):
    (table,) = app.table
    frame = table.value
    assert list(frame.columns) == [
        "Today",
        "Maria Okafor, MD stops",
        "Summit Orthopedic Associates stops",
        "Top three partners stop",
    ]
    store = _open_store(str(db))
    result = run_scenario(
        encodings_of(store.referrals(_scope())),
        trailing_year(),
        Scenario("Maria", ("Maria Okafor, MD",)),
        0.4,
    )
    cell = frame.loc["Referrals lost a year", "Maria Okafor, MD stops"]
    assert (
        cell == f"{count(result['referrals_lost_per_year'])} ({pct(result['referral_share_lost'])})"
    )
    assert frame.loc["Contribution lost a year", "Maria Okafor, MD stops"].endswith("at 40%")


def test_changing_a_scenario_and_the_margin(app):
    app.multiselect(key="scenario_0_partners").set_value(["Priya Natarajan, MD"])
    app.text_input(key="scenario_0_name").set_value("Dr Natarajan retires")
    app.slider(key="margin").set_value(50)
    app.run()
    assert not app.exception
    frame = app.table[0].value
    assert "Dr Natarajan retires" in frame.columns
    assert frame.loc["Partners who stop", "Dr Natarajan retires"] == "Priya Natarajan, MD"
    assert frame.loc["Contribution lost a year", "Dr Natarajan retires"].endswith("at 50%")
    # Empty every scenario: nothing to compare, a hint instead.
    for i in range(3):
        app.multiselect(key=f"scenario_{i}_partners").set_value([])
        app.multiselect(key=f"scenario_{i}_groups").set_value([])
    app.run()
    assert not app.table and any("Pick partners" in i.value for i in app.info)


def test_organization_level_offers_groups_as_partners(app):
    app.radio(key="level").set_value("organization").run()
    assert not app.exception
    assert not [m for m in app.multiselect if m.key == "scenario_0_groups"]
    options = app.multiselect(key="scenario_0_partners").options
    assert "Summit Orthopedic Associates" in options


def test_report_settings_hide_in_presentation_mode(app, db):
    from analytics.app.presentation import start

    assert app.text_input(key="report_practice_name").value == "Northside Pt"
    start(db.parent, db, "2468")  # what the Practices page's "Start presenting" does
    app.run()
    assert not [t for t in app.text_input if t.key == "report_practice_name"]
    assert {"PDF report", "Workbook"} <= {b.proto.label for b in app.get("download_button")}


def _trend_lines(app) -> list:
    """The y values of the trend chart's panel lines (one per check)."""
    import json

    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return [t["y"] for t in spec["data"] if t.get("mode") == "lines"]


def _fresh(app) -> list:
    import streamlit as st

    st.cache_data.clear()
    app.run()
    return _trend_lines(app)


def test_trend_is_shared_by_periods_ending_the_same_day_and_follows_the_basis(app):
    before = _trend_lines(app)
    app.selectbox(key="period_preset").set_value("Year to date").run()
    # Trailing 12 months and year to date end on the same day: the same 12 trend windows.
    assert _trend_lines(app) == before == _fresh(app)
    app.radio(key="basis").set_value("revenue").run()
    by_revenue = _trend_lines(app)
    assert by_revenue != before  # the shares are of revenue now, not remembered
    assert by_revenue == _fresh(app)
