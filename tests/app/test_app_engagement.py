"""AppTest of the Engagement page on the sample practice: runs, shows the analytics' own
figures, and follows the sidebar filters, the overdue setting and the growth targets."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import pytest

from analytics.outreach.growth import GrowthTargets, growth_status
from tests.app.test_app_roi import (
    build_sample_db,
    engagement_expected,
    open_page,
    table_with,
    tiles,
    trailing,
)

PAGE = "pages/engagement.py"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("engagement_app"))


def action_counts(actions: pd.DataFrame) -> dict[str, str]:
    counts = actions["Action"].value_counts()
    return {
        "Slipping": str(counts.get("Slipping", 0)),
        "To call": str(counts.get("Call", 0)),
        "To thank": str(counts.get("Thank", 0)),
    }


def test_engagement_page_shows_the_analytics_figures(sample_db, monkeypatch, tmp_path):
    at = open_page(sample_db, monkeypatch, PAGE, tmp_path)
    assert at.title[0].value == "Engagement"
    want = engagement_expected(sample_db, trailing(sample_db))
    shown = tiles(at)
    assert {k: shown[k] for k in ("Slipping", "To call", "To thank")} == action_counts(want.actions)
    actions = table_with(at, "Why")
    assert list(actions["Partner"]) == list(want.actions["Partner"])
    overdue = table_with(at, "Share of partner revenue")
    assert list(overdue["Partner"]) == list(want.overdue["Partner"])
    thank = next(d.value for d in at.dataframe if list(d.value.columns) == list(want.thank.columns))
    assert list(thank["Partner"]) == list(want.thank["Partner"])
    assert len(at.get("plotly_chart")) == 5  # contact, cadence, three growth charts
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download printable list (HTML)" in labels
    status = growth_status(want.growth, GrowthTargets())
    for entry in status:
        metric = next(m for m in at.metric if m.label.startswith(entry["label"]))
        assert metric.value == entry["shown"]


def test_engagement_page_follows_overdue_setting_and_period(sample_db, monkeypatch, tmp_path):
    at = open_page(sample_db, monkeypatch, PAGE, tmp_path)
    before = tiles(at)["To call"]
    at.slider(key="overdue_days").set_value(180).run()
    assert not at.exception
    want = engagement_expected(sample_db, trailing(sample_db), overdue_days=180)
    assert tiles(at)["To call"] == action_counts(want.actions)["To call"] != before

    at.selectbox(key="period_preset").set_value("Last quarter").run()
    assert not at.exception
    quarter = engagement_expected(sample_db, trailing(sample_db, preset="Last quarter"), 180)
    assert list(table_with(at, "Why")["Partner"]) == list(quarter.actions["Partner"])
    assert list(table_with(at, "Why")["Partner"]) != list(want.actions["Partner"])


def test_growth_targets_move_the_status(sample_db, monkeypatch, tmp_path):
    at = open_page(sample_db, monkeypatch, PAGE, tmp_path)
    word = next(m for m in at.metric if m.label.startswith("Word-of-mouth share"))
    assert word.proto.delta == "below"  # about 10% against the default 15% target
    at.number_input(key="target_word_of_mouth").set_value(5.0).run()
    assert not at.exception
    word = next(m for m in at.metric if m.label.startswith("Word-of-mouth share"))
    assert word.proto.delta == "on target"


def test_engagement_page_without_an_outreach_log_still_shows_growth(monkeypatch, tmp_path):
    from analytics.ingest.cli import ingest_file
    from analytics.store import Store
    from tests.conftest import SAMPLE_DIR

    db = tmp_path / "referrals_only.duckdb"
    store = Store(db)
    ingest_file(store, SAMPLE_DIR / "riverside_case_export.csv", kind="referrals")
    store.close()
    at = open_page(db, monkeypatch, PAGE, tmp_path)
    assert any("No outreach log yet" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 3  # the growth charts need no outreach log


def test_the_printable_list_is_made_when_downloaded(sample_db):
    want = engagement_expected(sample_db, trailing(sample_db))
    page = want.actions_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>Referral partners: this week</h1>" in page
    assert want.actions_subtitle.startswith("Week ending ")
    assert f"<p class='sub'>{html.escape(want.actions_subtitle)}</p>" in page
    assert len(want.actions) > 0
    for name in want.actions["Partner"]:
        assert f"<td>{html.escape(name)}</td>" in page
