"""Diligence schedules and buyers' rules, against hand-computed figures."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.buyer_rules import buyer_rules_of
from analytics.metrics.diligence import diligence_of, fiscal_years
from analytics.metrics.periods import period_tables
from analytics.metrics.scorecard import encodings_of
from tests.frames import make_frame, repeat


@pytest.mark.parametrize(
    ("first", "last", "start_month", "expected"),
    [
        ("2024-11-01", "2026-10-31", 1, [("2024", 2), ("2025", 12), ("2026", 10)]),
        ("2024-11-01", "2026-10-31", 7, [("FY2025", 8), ("FY2026", 12), ("FY2027", 4)]),
        ("2025-03-15", "2025-05-01", 1, [("2025", 3)]),
        ("2022-01-01", "2025-12-31", 1, [("2023", 12), ("2024", 12), ("2025", 12)]),
    ],
)
def test_fiscal_years(first, last, start_month, expected):
    years = fiscal_years(pd.Timestamp(first), pd.Timestamp(last), start_month)
    assert [(y.label, y.months_loaded) for y in years] == expected


def test_fiscal_year_month_is_checked():
    with pytest.raises(ValueError, match="month 1 to 12"):
        fiscal_years(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01"), 13)


def _book() -> pd.DataFrame:
    """2023: A 6, B 4. 2024: A 3, B 3, C 2, patients 2. 2025: B 5, C 5. A and C are in Summit."""
    a = {"organization": "Summit", "payments": 100.0}
    b = {"payments": 50.0}
    c = {"organization": "Summit", "payments": 80.0}
    rows = (
        repeat("2023-01-10", "A", "physician", 6, **a)
        + repeat("2023-06-01", "B", "chiropractor", 4, **b)
        + repeat("2024-03-01", "A", "physician", 3, **a)
        + repeat("2024-03-01", "B", "chiropractor", 3, **b)
        + repeat("2024-04-01", "C", "physician", 2, **c)
        + repeat("2024-05-01", "Friend", "patient", 2)
        + repeat("2025-02-01", "B", "chiropractor", 5, **b)
        + repeat("2025-12-20", "C", "physician", 5, **c)
    )
    return make_frame(rows)


def test_schedules_by_year():
    d = diligence_of(encodings_of(_book()), owner_managed={"B"})
    y = d.years.set_index("Year")
    assert list(y.index) == ["2023", "2024", "2025"]
    assert list(y["Referrals"]) == [10, 10, 10]
    assert list(y["Revenue"]) == [800.0, 610.0, 650.0]  # 600+200; 300+150+160; 250+400
    assert list(y["HHI"]) == [5200.0, 2200.0, 5000.0]  # 60²+40²; 30²+30²+20²; 50²+50²
    assert list(y["CR1 share"]) == [0.6, 0.3, 0.5]
    assert list(y["CR3 share"]) == [1.0, 0.8, 1.0]
    assert list(y["Largest organisation share"]) == [0.6, 0.5, 0.5]  # Summit = A + C
    assert list(y["Physician share"]) == [0.6, 0.5, 0.5]
    assert y["Partners won"].isna()["2023"] and y["Partners lost"].isna()["2023"]
    assert list(y["Partners won"].iloc[1:]) == [1, 0]  # C new in 2024; nobody new in 2025
    assert list(y["Partners lost"].iloc[1:]) == [0, 1]  # A gone in 2025
    assert list(y["Owner-managed share"]) == [0.4, 0.3, 0.5]
    assert d.months_loaded == 36
    assert d.notes == ()


def test_top10_rank_changes():
    top = diligence_of(encodings_of(_book())).top10
    got = top[top["Year"] == "2025"][["Rank", "Partner", "Prior rank", "Rank change"]]
    # B and C tie on 5 referrals; C's revenue (400) beats B's (250).
    assert got.values.tolist() == [[1, "C", 3, "+2"], [2, "B", 2, "="]]
    y2024 = top[top["Year"] == "2024"]["Rank change"].tolist()
    assert y2024 == ["=", "=", "new"]
    assert set(top[top["Year"] == "2023"]["Rank change"]) == {"no prior year"}


def test_organisation_shares():
    orgs = diligence_of(encodings_of(_book())).organizations
    assert orgs[["Year", "Organisation", "Referrals", "Referral share"]].values.tolist() == [
        ["2023", "Summit", 6, 0.6],
        ["2024", "Summit", 5, 0.5],
        ["2025", "Summit", 5, 0.5],
    ]


def test_short_history_is_said():
    frame = make_frame(
        repeat("2025-03-15", "A", "physician", 2) + repeat("2025-05-01", "A", "physician", 1)
    )
    d = diligence_of(encodings_of(frame))
    assert d.months_loaded == 3
    assert d.notes[0].startswith("Only 3 months of referrals are loaded; buyers read 36")
    assert "2025 has 3 of 12 months loaded" in d.notes[1]


def _rules(rows, months=12) -> dict:
    frame = make_frame(rows)
    filters = Filters()
    tables = period_tables(frame, filters)
    org = period_tables(frame, Filters(level="organization"))
    groups = encodings_of(frame).groups()
    return {r["name"]: r for r in buyer_rules_of(tables, org, groups, months)}


def test_buyer_rules_hand_case():
    rows = (
        repeat("2025-01-02", "A", "physician", 4, organization="Grp", payments=100.0)
        + repeat("2025-01-02", "B", "physician", 3, organization="Grp", payments=100.0)
        + repeat("2025-01-02", "C", "chiropractor", 2, payments=50.0)
        + repeat("2025-01-02", "Friend", "patient", 1, payments=200.0)
    )
    r = _rules(rows)
    assert r["surgeon_or_group_referrals"]["value"] == pytest.approx(0.7)  # Grp: 7 of 10
    assert r["surgeon_or_group_referrals"]["status"] == "risk"
    assert r["physician_revenue"]["value"] == pytest.approx({"top1": 0.4, "top2": 0.7})
    assert r["physician_revenue"]["status"] == "risk"
    assert r["customer_concentration"]["value"] == pytest.approx({"top1": 0.4, "top5": 0.8})
    assert r["history_months"]["status"] == "watch"
    assert _rules(rows, 36)["history_months"]["status"] == "ok"


def _revenue_book(amounts: list[float]) -> list[dict]:
    """Partners P0, P1... with these revenues, and a patient row making the total 100."""
    rows = [
        {
            "referral_date": "2025-01-02",
            "source": f"P{i}",
            "source_type": "chiropractor",
            "payments": a,
        }
        for i, a in enumerate(amounts)
    ]
    rest = 100.0 - sum(amounts)
    return [
        *rows,
        {
            "referral_date": "2025-01-02",
            "source": "Pat",
            "source_type": "patient",
            "payments": rest,
        },
    ]


@pytest.mark.parametrize(
    ("amounts", "status"),
    [
        ([10, 9, 8, 7, 6], "ok"),  # 10% is not above 10%; top five exactly 40%
        ([11, 9, 8, 7, 5], "watch"),
        ([15, 9, 8, 4, 4], "watch"),  # 15% is not above 15%
        ([16, 5, 5, 5, 5], "risk"),
        ([10, 10, 10, 10, 1], "risk"),  # top five 41%
    ],
)
def test_customer_rule_edges(amounts, status):
    assert _rules(_revenue_book(amounts))["customer_concentration"]["status"] == status


@pytest.mark.parametrize(
    ("amounts", "status"),
    [([39, 21], "ok"), ([40, 1], "risk"), ([35, 26], "risk"), ([35, 25], "ok")],
)
def test_physician_revenue_edges(amounts, status):
    rows = _revenue_book(amounts)
    for row in rows[:-1]:
        row["source_type"] = "physician"
    assert _rules(rows)["physician_revenue"]["status"] == status
