"""Physician dependence: physician_share, top_physician, top5, key referrers, revenue at risk."""

from __future__ import annotations

import pytest

from analytics.filters import Filters
from analytics.metrics.dependence import physician_dependence, revenue_at_risk
from tests.frames import make_frame

D = "2025-06-02"


@pytest.mark.parametrize(
    ("rows", "share"),
    [
        # 3 physician + 1 PA of 10.
        (
            [
                (D, "Dr A", "physician", 3),
                (D, "Jo PA-C", "physician_extender", 1),
                (D, "Lee DC", "chiropractor", 2),
                (D, "Mom", "patient", 4),
            ],
            0.4,
        ),
        ([(D, "Lee DC", "chiropractor", 2), (D, "Mom", "patient", 2)], 0.0),
        ([(D, "Dr A", "physician", 2)], 1.0),
    ],
)
def test_physician_share(rows, share):
    assert physician_dependence(make_frame(rows), Filters())["physician_share"] == pytest.approx(
        share
    )


@pytest.mark.parametrize(
    ("rows", "top"),
    [
        pytest.param(
            # A chiropractor with more referrals is no physician.
            [(D, "Dr A", "physician", 2, 50.0), (D, "Lee DC", "chiropractor", 5, 10.0)],
            {"name": "Dr A", "share": 2 / 7, "revenue": 50.0},
            id="only-physician-types",
        ),
        pytest.param(
            # Equal referrals: more revenue wins.
            [(D, "Dr A", "physician", 2, 100.0), (D, "Dr B", "physician", 2, 200.0)],
            {"name": "Dr B", "share": 0.5, "revenue": 200.0},
            id="tie-more-revenue",
        ),
        pytest.param(
            # Equal referrals and revenue: the name first in order.
            [(D, "Dr B", "physician", 2, 100.0), (D, "Dr A", "physician", 2, 100.0)],
            {"name": "Dr A", "share": 0.5, "revenue": 100.0},
            id="tie-name",
        ),
        pytest.param(
            [(D, "Jo NP", "physician_extender", 3), (D, "Dr A", "physician", 1)],
            {"name": "Jo NP", "share": 0.75, "revenue": None},
            id="extender-counts-no-money",
        ),
        pytest.param(
            [(D, "Mom", "patient", 3)],
            None,
            id="no-physician",
        ),
    ],
)
def test_top_physician(rows, top):
    result = physician_dependence(make_frame(rows), Filters())["top_physician"]
    if top is None:
        assert result is None
    else:
        assert result == {**top, "share": pytest.approx(top["share"])}


def test_top5_physician_share_sums_the_five_largest():
    counts = [7, 6, 5, 4, 3, 2, 1]
    rows = [(D, f"Dr {n}", "physician", n) for n in counts] + [(D, "Mom", "patient", 2)]
    # 7+6+5+4+3 = 25 of 30.
    assert physician_dependence(make_frame(rows), Filters())[
        "top5_physician_share"
    ] == pytest.approx(25 / 30)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            # Exactly 10% is a key referrer (ASC 280's "10 percent or more").
            [(D, "Dr A", "physician", 1, 40.0), (D, "Mom", "patient", 9, 60.0)],
            [{"name": "Dr A", "type": "physician", "share": 0.1, "revenue": 40.0}],
            id="exactly-10pct",
        ),
        pytest.param(
            [(D, "Dr A", "physician", 1, 40.0), (D, "Mom", "patient", 10, 60.0)],
            [],
            id="just-under",
        ),
        pytest.param(
            [
                (D, "Gym", "health_wellness", 2),
                (D, "Acme", "organization", 5),
                (D, "Self", "self", 3),
            ],
            [
                {"name": "Acme", "type": "organization", "share": 0.5, "revenue": None},
                {"name": "Gym", "type": "health_wellness", "share": 0.2, "revenue": None},
            ],
            id="largest-first-any-partner-type",
        ),
    ],
)
def test_key_referrers(rows, expected):
    result = physician_dependence(make_frame(rows), Filters())["key_referrers"]
    assert result == [{**k, "share": pytest.approx(k["share"])} for k in expected]


def test_empty_period():
    assert physician_dependence(make_frame(), Filters()) == {
        "physician_share": None,
        "top_physician": None,
        "top5_physician_share": None,
        "key_referrers": [],
    }


def test_organization_level_key_referrer_is_the_group():
    rows = [
        {"referral_date": D, "source": "Dr A", "source_type": "physician", "organization": "Ortho"},
        {"referral_date": D, "source": "Dr B", "source_type": "physician", "organization": "Ortho"},
    ] + [{"referral_date": D, "source": "Mom", "source_type": "patient"}] * 8
    dependence = physician_dependence(make_frame(rows), Filters(level="organization"))
    assert [k["name"] for k in dependence["key_referrers"]] == ["Ortho"]
    assert dependence["key_referrers"][0]["share"] == pytest.approx(0.2)
    assert physician_dependence(make_frame(rows), Filters())["key_referrers"] == [
        {"name": "Dr A", "type": "physician", "share": pytest.approx(0.1), "revenue": None},
        {"name": "Dr B", "type": "physician", "share": pytest.approx(0.1), "revenue": None},
    ]


def test_revenue_at_risk_is_each_partners_period_revenue():
    frame = make_frame(
        [
            (D, "Dr A", "physician", 1, 100.0),
            (D, "Dr A", "physician", 1, None),
            (D, "Lee DC", "chiropractor", 1, 500.0),
            (D, "Mom", "patient", 1, 400.0),
        ]
    )
    table = revenue_at_risk(frame, Filters())
    assert list(table["partner"]) == ["Lee DC", "Dr A"]
    assert table["revenue_at_risk"].tolist() == [500.0, 100.0]
    assert table["revenue_share"].tolist() == pytest.approx([0.5, 0.1])
    assert table["referrals"].tolist() == [1, 2]


def test_revenue_falls_back_to_charges_when_no_payments():
    frame = make_frame(
        [(D, "Dr A", "physician", 1, None, 300.0), (D, "Dr B", "physician", 1, None, 100.0)]
    )
    top = physician_dependence(frame, Filters())["top_physician"]
    assert top == {"name": "Dr A", "share": 0.5, "revenue": 300.0}
