"""Stress-test scenarios against hand-computed losses: partners and whole practice groups,
per year, contribution at a margin, the scorecard afterwards, scenarios side by side."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from analytics.filters import Filters, preset_period
from analytics.metrics.periods import period_tables
from analytics.metrics.scenarios import (
    Scenario,
    default_scenarios,
    group_names_of,
    period_years,
    run_scenario,
    scenario_table,
    side_by_side,
)
from analytics.metrics.scorecard import encodings_of, scorecard_of
from analytics.metrics.stress import stress_test
from analytics.store import Store
from tests.conftest import ROOT
from tests.frames import make_frame

HALF_YEAR = Filters(start=date(2025, 1, 1), end=date(2025, 6, 30))


def practice() -> pd.DataFrame:
    """100 referrals, $8,000 in the first half of 2025: Dr A 20 ($2,000) and Dr B 10 ($1,500)
    of Ortho Group, Dr C 15 ($1,200) on his own, patients 55 ($3,300)."""
    rows = [
        ("2025-02-03", "Dr A", "physician", 20, 2000.0, "Ortho Group"),
        ("2025-03-03", "Dr B", "physician", 10, 1500.0, "Ortho Group"),
        ("2025-04-03", "Dr C", "chiropractor", 15, 1200.0, None),
        ("2025-05-03", "Mom", "patient", 55, 3300.0, None),
    ]
    return make_frame(
        {
            "referral_date": d,
            "source": s,
            "source_type": t,
            "count": n,
            "payments": p,
            "organization": o,
        }
        for d, s, t, n, p, o in rows
    )


def run(scenario: Scenario, filters: Filters = HALF_YEAR, margin: float | None = 0.4) -> dict:
    return run_scenario(encodings_of(practice()), filters, scenario, margin)


@pytest.mark.parametrize(
    ("scenario", "referrals", "revenue", "largest", "largest_share", "hhi_after"),
    [
        # Dr A stops: 80 referrals left; Dr C's 15 lead; HHI = (15² + 10²) / 80².
        (Scenario("A", partners=("Dr A",)), 20, 2000.0, "Dr C", 15 / 80, 3_250_000 / 6400),
        # Ortho Group stops: Dr A and Dr B; 70 left; only Dr C: 15² / 70².
        (
            Scenario("G", organizations=("Ortho Group",)),
            30,
            3500.0,
            "Dr C",
            15 / 70,
            2_250_000 / 4900,
        ),
        # Dr C and the group: no partner left.
        (Scenario("All", ("Dr C",), ("Ortho Group",)), 45, 4700.0, None, None, 0.0),
    ],
)
def test_losses_by_hand(scenario, referrals, revenue, largest, largest_share, hhi_after):
    result = run(scenario)
    assert result["referrals_lost"] == referrals
    assert result["referral_share_lost"] == pytest.approx(referrals / 100)
    assert result["revenue_lost"] == pytest.approx(revenue)
    assert result["revenue_share_lost"] == pytest.approx(revenue / 8000)
    # Half a year: a year's losses are twice the period's.
    assert result["years"] == pytest.approx(0.5)
    assert result["referrals_lost_per_year"] == pytest.approx(2 * referrals)
    assert result["revenue_lost_per_year"] == pytest.approx(2 * revenue)
    assert result["contribution_lost_per_year"] == pytest.approx(0.4 * 2 * revenue)
    assert result["value_effect"] == pytest.approx((3 * 0.8 * revenue, 5 * 0.8 * revenue))
    assert result["hhi_after"] == pytest.approx(hhi_after)
    if largest:
        assert result["largest_after"] == {"name": largest, "share": pytest.approx(largest_share)}
    else:
        assert result["largest_after"] is None


def test_a_group_is_its_partners_and_equals_the_stress_test_of_them():
    group = run(Scenario("G", organizations=("Ortho Group",)))
    both = stress_test(practice(), HALF_YEAR, ["Dr A", "Dr B"])
    assert [p["name"] for p in group["partners"]] == ["Dr A", "Dr B"]
    for key in ("referrals_lost", "revenue_lost", "hhi_after", "largest_after"):
        assert group[key] == both[key]


def test_at_the_organization_level_the_group_is_one_partner():
    filters = Filters(start=HALF_YEAR.start, end=HALF_YEAR.end, level="organization")
    result = run(Scenario("G", partners=("Ortho Group",)), filters)
    assert result["referrals_lost"] == 30 and result["revenue_lost"] == pytest.approx(3500)
    assert [p["name"] for p in result["partners"]] == ["Ortho Group"]
    assert group_names_of(encodings_of(practice()), filters) == ["Ortho Group"]


def test_the_scorecard_afterwards_is_the_scorecard_without_them():
    after = {
        c["name"]: c for c in run(Scenario("G", organizations=("Ortho Group",)))["scorecard_after"]
    }
    # 70 left: Dr C 15 (21.4%, risk), physicians none, the group gone.
    assert after["largest_partner_share"]["value"] == pytest.approx(15 / 70)
    assert after["largest_partner_share"]["status"] == "risk"
    assert after["physician_share"]["value"] == 0
    assert after["organization_dependence"]["value"] == pytest.approx(15 / 70)
    before = {c["name"]: c for c in scorecard_of(encodings_of(practice()), HALF_YEAR)}
    assert before["organization_dependence"]["value"] == pytest.approx(0.30)


def test_without_a_margin_there_is_no_contribution():
    result = run(Scenario("A", partners=("Dr A",)), margin=None)
    assert result["contribution_lost_per_year"] is None and result["value_effect"] is None


def test_unknown_names_change_nothing_and_are_listed():
    result = run(Scenario("X", partners=("Dr Nobody",), organizations=("No Group",)))
    assert result["referrals_lost"] == 0 and result["revenue_lost"] == 0
    assert result["not_found"] == ["Dr Nobody", "No Group"]


def test_without_revenue_the_losses_are_referrals_only():
    frame = make_frame(
        [("2025-02-03", "Dr A", "physician", 20), ("2025-02-04", "Mom", "patient", 80)]
    )
    result = run_scenario(encodings_of(frame), HALF_YEAR, Scenario("A", ("Dr A",)), 0.4)
    assert result["referrals_lost"] == 20
    assert result["revenue_lost"] is None and result["contribution_lost_per_year"] is None


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), 1.0),
        (date(2024, 11, 1), date(2026, 10, 31), 2.0),
        (date(2024, 1, 1), date(2024, 12, 31), 1.0),  # a leap year is still a year
        (date(2025, 1, 1), date(2025, 1, 31), 1 / 12),
        (date(2025, 1, 1), date(2025, 1, 15), 15 / 31 / 12),
        (date(2025, 1, 17), date(2025, 2, 14), (15 / 31 + 14 / 28) / 12),
    ],
)
def test_period_years(start, end, years):
    frame = make_frame([(start.isoformat(), "Dr A", "physician", 1)])
    assert period_years(period_tables(frame, Filters(start=start, end=end))) == pytest.approx(years)


def test_default_scenarios_are_the_largest_partner_group_and_top_three():
    scenarios = default_scenarios(encodings_of(practice()), HALF_YEAR)
    assert scenarios == [
        Scenario("Dr A stops", partners=("Dr A",)),
        Scenario("Ortho Group stops", organizations=("Ortho Group",)),
        Scenario("Top three partners stop", partners=("Dr A", "Dr C", "Dr B")),
    ]


def test_side_by_side_and_one_row_each():
    results = [
        run(Scenario("A", partners=("Dr A",))),
        run(Scenario("G", organizations=("Ortho Group",))),
    ]
    today = scorecard_of(encodings_of(practice()), HALF_YEAR)
    table = side_by_side(results, today).set_index("Measure")
    assert list(table.columns) == ["Today", "A", "G"]
    assert table.at["Referrals lost a year", "A"] == "40 (20.0%)"
    assert table.at["Revenue lost a year", "G"] == "$7,000 (43.8%)"
    assert table.at["Contribution lost a year", "A"] == "$1,600 at 40%"
    assert table.at["Largest partner afterwards", "G"] == "Dr C, 21.4%"
    assert table.at["Largest partner's share", "Today"] == "20.0% · Risk"  # 20% is the risk line
    assert table.at["Largest partner's share", "G"] == "21.4% · Risk"
    rows = scenario_table(results).set_index("Scenario")
    assert rows.at["G", "Revenue lost a year"] == pytest.approx(7000)
    assert rows.at["A", "Share of referrals"] == pytest.approx(0.2)
    assert rows.at["G", "Largest partner's share after"] == "Risk"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("scenarios") / "sample.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "sample", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return db


@pytest.mark.duckdb_only  # the store is written by a subprocess, which opens the file
def test_maria_okafor_stops_on_the_sample_practice(sample_db):
    store = Store(sample_db)
    try:
        start, end = preset_period("Trailing 12 months", store.date_bounds()[1])
        filters = Filters(start=start, end=end)
        history = store.referrals(Filters())
        period = store.referrals(filters)
    finally:
        store.close()
    # By hand: her rows in the trailing 12 months.
    hers = period[period["source"] == "Maria Okafor, MD"]
    referrals, revenue = int(hers["count"].sum()), float(hers["payments"].sum())
    result = run_scenario(
        encodings_of(history), filters, Scenario("Maria", ("Maria Okafor, MD",)), 0.4
    )
    assert result["years"] == pytest.approx(1.0)
    assert result["referrals_lost_per_year"] == referrals
    assert result["revenue_lost_per_year"] == pytest.approx(revenue)
    assert result["referral_share_lost"] == pytest.approx(referrals / int(period["count"].sum()))
    assert result["contribution_lost_per_year"] == pytest.approx(0.4 * revenue)
