"""Issue 17's workbook sheets, checked against raw rows of the sample practice."""

from __future__ import annotations

import io

import openpyxl
import pytest

from analytics.filters import Filters
from analytics.metrics.portfolio import portfolio_of
from analytics.report.planning import planning_sheets_of, portfolio_workbook


def test_sheets_and_a_figure_from_raw_rows(sample_store):
    sheets = {s.name: s for s in planning_sheets_of(sample_store, Filters())}
    assert {
        "Diligence by year",
        "Diligence top 10",
        "Diligence groups",
        "Buyers' rules",
        "Diligence notes",
        "Targets",
        "Against own average",
        "Quality by type",
        "Quality by partner",
        "Payer mix",
        "Cohort curve",
        "Cohorts",
    } <= set(sheets)
    assert all(len(name) <= 31 for name in sheets)
    years = sheets["Diligence by year"].frame.set_index("Year")
    raw_2025 = sample_store._query(
        "SELECT sum(count) FROM referrals WHERE year(referral_date) = 2025"
    )[0][0]
    assert years.loc["2025", "Referrals"] == raw_2025
    rules = sheets["Buyers' rules"].frame
    assert rules.set_index("Rule").loc["Months of history loaded", "Value"] == "24 months"


def test_owner_managed_flag_reaches_the_schedule(tmp_path):
    from analytics.ingest.cli import SAMPLE_DIR, SAMPLE_FILES, ingest_file
    from analytics.store import Store

    store = Store(tmp_path / "s.duckdb")
    for name, kind in SAMPLE_FILES[:1]:
        ingest_file(store, SAMPLE_DIR / name, kind=kind)
    top = store.referrals(Filters())
    partner = top[top["source_type"] == "physician"]["source"].value_counts().index[0]
    store.set_owner_managed([partner])
    assert store.owner_managed() == frozenset({partner})
    years = {s.name: s for s in planning_sheets_of(store, Filters())}["Diligence by year"].frame
    rows = top[top["referral_date"].dt.year == 2025]
    expected = rows.loc[rows["source"] == partner, "count"].sum() / rows["count"].sum()
    assert years.set_index("Year").loc["2025", "Owner-managed share"] == pytest.approx(expected)
    store.set_owner_managed([partner], managed=False)
    assert store.owner_managed() == frozenset()
    store.set_targets({partner: 5.0, "Nobody": 2.0}, "hand")
    assert store.targets()["partner"].tolist() == sorted([partner, "Nobody"])
    store.set_targets({"Nobody": None}, "hand")
    assert store.targets()["partner"].tolist() == [partner]
    store.close()


def test_portfolio_workbook(sample_store):
    data = portfolio_workbook(portfolio_of([sample_store.path]))
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["Portfolio"]
    assert ws.cell(4, 1).value == "Practice"
    assert ws.cell(5, 4).value == 3732  # the sample's referrals, Nov 2025 to Oct 2026
