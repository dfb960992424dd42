"""The valuation scorecard: the organisation-level check at and around its thresholds, the
scorecard's shape and wording, and the trailing-12-month trend against hand-computed values."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.scorecard import (
    LABELS,
    SCORECARD_NAMES,
    encodings_of,
    scorecard_of,
    scorecard_table,
    scorecard_trend_of,
    trend_table,
)
from analytics.metrics.valuation import CHECK_NAMES, valuation_checks
from tests.frames import make_frame

D = "2025-03-14"


def rows_of(*partners: tuple[str, str | None, int], total: int = 100) -> list[dict]:
    """Physicians (name, organization, referrals) and patients up to `total` referrals."""
    rows = [
        {
            "referral_date": D,
            "source": name,
            "source_type": "physician",
            "organization": org,
            "count": n,
        }
        for name, org, n in partners
    ]
    rest = total - sum(n for _, _, n in partners)
    if rest:
        rows.append({"referral_date": D, "source": "Mom", "source_type": "patient", "count": rest})
    return rows


def card(rows, filters: Filters | None = None) -> dict[str, dict]:
    checks = scorecard_of(encodings_of(make_frame(rows)), filters or Filters())
    return {c["name"]: c for c in checks}


@pytest.mark.parametrize(
    ("sizes", "share", "status"),
    [
        ((5, 4), 0.09, "ok"),
        ((5, 5), 0.10, "watch"),
        ((10, 9), 0.19, "watch"),
        ((10, 10), 0.20, "risk"),
        ((20, 15, 10), 0.45, "risk"),
    ],
)
def test_organization_dependence_at_its_thresholds(sizes, share, status):
    # Each doctor alone stays under 10% only in the first rows; the group is what counts.
    partners = [(f"Dr {i}", "Summit Ortho", n) for i, n in enumerate(sizes)]
    result = card(rows_of(*partners))["organization_dependence"]
    assert result["value"] == pytest.approx(share)
    assert result["status"] == status
    assert "Summit Ortho" in result["sentence"]


def test_without_groups_there_is_no_practice_group_check():
    """It would repeat the largest partner's share: one risk counted twice (issue 12)."""
    checks = card(rows_of(("Dr A", None, 12), ("Dr B", None, 3)))
    assert "organization_dependence" not in checks
    assert checks["largest_partner_share"]["value"] == pytest.approx(0.12)
    with_group = card(rows_of(("Dr A", None, 12), ("Dr B", "Group", 3)))
    assert "organization_dependence" in with_group


def test_organization_check_when_a_lone_partner_beats_every_group():
    rows = rows_of(("Dr A", None, 25), ("Dr B", "Group", 6), ("Dr C", "Group", 6))
    result = card(rows)["organization_dependence"]
    assert result["value"] == pytest.approx(0.25)
    assert result["sentence"].startswith("No practice group sends more than Dr A")


def test_organization_check_on_revenue():
    rows = [
        {
            "referral_date": D,
            "source": "Dr A",
            "source_type": "physician",
            "organization": "G",
            "payments": 300.0,
        },
        {
            "referral_date": D,
            "source": "Dr B",
            "source_type": "physician",
            "organization": "G",
            "payments": 100.0,
        },
        {
            "referral_date": D,
            "source": "Dr C",
            "source_type": "physician",
            "count": 8,
            "payments": 600.0,
        },
    ]
    result = card(rows, Filters(basis="revenue"))["organization_dependence"]
    assert result["value"] == pytest.approx(0.6)  # Dr C's $600 of $1,000 beats G's $400
    assert "revenue" in result["sentence"]


def test_the_scorecard_is_the_valuation_checks_plus_the_organisation_check():
    rows = rows_of(("Dr A", "G", 30), ("Dr B", "G", 5))
    checks = scorecard_of(encodings_of(make_frame(rows)), Filters())
    assert [c["name"] for c in checks] == list(SCORECARD_NAMES)
    assert list(SCORECARD_NAMES) == [*CHECK_NAMES[:4], "organization_dependence", *CHECK_NAMES[4:]]
    plain = valuation_checks(make_frame(rows), Filters())
    others = [c for c in checks if c["name"] != "organization_dependence"]
    for mine, theirs in zip(others, plain, strict=True):
        assert {k: mine[k] for k in theirs} == theirs
    for c in checks:
        assert c["label"] == LABELS[c["name"]] and c["shown"] and c["rule"]


@pytest.mark.parametrize(
    ("name", "rows", "shown"),
    [
        ("largest_partner_share", rows_of(("Dr A", None, 30)), "30.0%"),
        ("hhi_band", rows_of(("Dr A", None, 30), ("Dr B", None, 30)), "1,800 (moderate)"),
        ("organization_dependence", rows_of(("Dr A", "G", 7), ("Dr B", "G", 7)), "14.0%"),
        ("dormant_key_referrers", rows_of(("Dr A", None, 30)), "0"),
        ("partners_trend", rows_of(("Dr A", None, 30)), "n/a"),
    ],
)
def test_values_as_shown(name, rows, shown):
    assert card(rows)[name]["shown"] == shown


@pytest.mark.parametrize(
    ("months", "unknown", "status"),
    [
        (4, 9, "ok"),  # 9 of 100 unknown
        (4, 10, "watch"),  # exactly 10%
        (4, 24, "watch"),
        (4, 25, "risk"),  # exactly 25%
        (3, 0, "watch"),  # 3 of 4 months: a month missing, not under 75%
        (2, 0, "risk"),  # 2 of 4 months: under 75%
    ],
)
def test_data_coverage_at_its_thresholds(months, unknown, status):
    days = ["2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10"][:months]
    known = 100 - unknown
    rows = [
        {
            "referral_date": d,
            "source": "Dr A",
            "source_type": "physician",
            "count": known // months + (known % months if i == 0 else 0),
        }
        for i, d in enumerate(days)
    ]
    if unknown:
        rows.append(
            {
                "referral_date": days[0],
                "source": "Unknown",
                "source_type": "unknown",
                "count": unknown,
            }
        )
    filters = Filters(start=date(2025, 1, 1), end=date(2025, 4, 30))
    result = card(rows, filters)["data_coverage"]
    assert result["status"] == status
    assert result["value"]["months_present"] == months
    assert result["value"]["unknown_share"] == pytest.approx(unknown / 100)


def falling_history() -> pd.DataFrame:
    """2024: Dr A sends 10 a month to June then stops; Dr B 5 a month from July; patients 10
    every month."""
    rows = []
    for month in range(1, 13):
        day = f"2024-{month:02d}-15"
        rows.append((day, "Mom", "patient", 10))
        if month <= 6:
            rows.append((day, "Dr A", "physician", 10))
        else:
            rows.append((day, "Dr B", "physician", 5))
    return make_frame(rows)


# The 12 months ending in each month: Dr A's 60 against everything referred by then.
LARGEST = [0.5] * 6 + [60 / 135, 60 / 150, 60 / 165, 60 / 180, 60 / 195, 60 / 210]


def test_trend_of_the_largest_partner_share_by_hand():
    encodings = encodings_of(falling_history())
    trend = scorecard_trend_of(encodings, Filters(end=date(2024, 12, 31)))
    largest = trend[trend["name"] == "largest_partner_share"]
    assert list(largest["Month"]) == list(pd.date_range("2024-01-01", periods=12, freq="MS"))
    assert largest["Value"].tolist() == pytest.approx(LARGEST)
    assert set(largest["Status"]) == {"risk"}
    # No practice groups recorded: every check but the practice-group one.
    assert set(trend["name"]) == set(SCORECARD_NAMES) - {"organization_dependence"}
    # Windows reaching back before the data: months are missing, coverage is at risk.
    coverage = trend[trend["name"] == "data_coverage"]
    assert coverage["Status"].iloc[0] == "risk" and coverage["Status"].iloc[-1] == "ok"


def test_trend_last_point_is_the_scorecard_of_the_trailing_year():
    encodings = encodings_of(falling_history())
    filters = Filters(start=date(2024, 1, 1), end=date(2024, 12, 31))
    trend = scorecard_trend_of(encodings, filters)
    last = trend[trend["Month"] == pd.Timestamp("2024-12-01")].set_index("name")
    for check in scorecard_of(encodings, filters):
        assert last.at[check["name"], "Status"] == check["status"]


def test_trend_table_has_a_column_per_check():
    encodings = encodings_of(falling_history())
    table = trend_table(scorecard_trend_of(encodings, Filters(end=date(2024, 12, 31))))
    assert len(table) == 12 and table.columns[0] == "Month"
    assert table["Largest partner's share"].tolist() == pytest.approx(LARGEST)
    assert len(table.columns) == len(SCORECARD_NAMES)  # Month, every check but the group one


def test_empty_history_has_no_trend_and_a_scorecard_that_is_not_ok():
    encodings = encodings_of(make_frame())
    assert scorecard_trend_of(encodings, Filters()).empty
    checks = scorecard_of(encodings, Filters())
    assert checks[0]["shown"] == "n/a"
    assert scorecard_table(checks)["Status"].tolist().count("OK") == 1  # nothing gone quiet
