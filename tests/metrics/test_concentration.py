"""Concentration: HHI, bands, CRn, effective sources, Gini, partners for 80%, Pareto, Lorenz."""

from __future__ import annotations

import pytest

from analytics.filters import Filters
from analytics.metrics.concentration import (
    concentration,
    gini,
    hhi_band,
    lorenz_points,
    pareto_table,
)
from tests.frames import make_frame

D = "2025-03-03"


def counts(*pairs: tuple[str, str, int]) -> list[tuple]:
    """Rows (date, source, type, count) from (source, type, count) triples."""
    return [(D, source, source_type, n) for source, source_type, n in pairs]


# Each expectation is worked out by hand in the comment beside it.
CASES = [
    pytest.param(
        # shares 50/30/20: 2500 + 900 + 400 = 3800; Gini of 2,3,5: sum|xi-xj| = 12 over
        # 2 * 3^2 * mean(10/3) = 60 -> 0.2; 5+3 = 8 of 10 is exactly 80% -> 2 partners.
        counts(("A", "physician", 5), ("B", "chiropractor", 3), ("C", "physician", 2)),
        dict(
            hhi=3800,
            hhi_band="high",
            cr1=0.5,
            cr3=1.0,
            cr5=1.0,
            effective_sources=10_000 / 3800,
            gini=0.2,
            partners=3,
            partners_for_80pct=2,
        ),
        id="50-30-20",
    ),
    pytest.param(
        # 5 A / 3 B / 2 patient: 50^2 + 30^2 = 3400; A is 5 of 8 partner referrals = 62.5%
        # < 80%, so 2; Gini of 3, 5: sum|xi-xj| = 4 over 2 * 2^2 * mean(4) = 32 -> 0.125.
        counts(("A", "physician", 5), ("B", "physician", 3), ("Friend", "patient", 2)),
        dict(
            hhi=3400,
            hhi_band="high",
            cr1=0.5,
            cr3=0.8,
            cr5=0.8,
            effective_sources=10_000 / 3400,
            gini=0.125,
            partners=2,
            partners_for_80pct=2,
        ),
        id="patients-in-denominator-only",
    ),
    pytest.param(
        counts(("A", "physician", 1), ("B", "organization", 1)),
        dict(hhi=5000, cr1=0.5, effective_sources=2.0, gini=0.0, partners_for_80pct=2),
        id="two-equal-partners",
    ),
    pytest.param(
        counts(("A", "physician", 7)),
        dict(
            hhi=10_000,
            hhi_band="high",
            cr1=1.0,
            effective_sources=1.0,
            gini=None,
            partners=1,
            partners_for_80pct=1,
        ),
        id="one-partner",
    ),
    pytest.param(
        counts(("Friend", "patient", 3), ("Google", "marketing", 2), ("Unknown", "unknown", 1)),
        dict(
            hhi=0.0,
            hhi_band="unconcentrated",
            cr1=0.0,
            cr3=0.0,
            effective_sources=None,
            gini=None,
            partners=0,
            partners_for_80pct=0,
        ),
        id="no-partners",
    ),
    pytest.param(
        [],
        dict(
            hhi=None,
            hhi_band=None,
            cr1=None,
            cr3=None,
            cr5=None,
            effective_sources=None,
            gini=None,
            partners=0,
            partners_for_80pct=0,
        ),
        id="empty",
    ),
    pytest.param(
        # ten partners of 10%: 10 * 10^2 = 1000, the first "moderate" value; 8 make 80%.
        counts(*[(f"P{i}", "health_wellness", 1) for i in range(10)]),
        dict(hhi=1000, hhi_band="moderate", cr5=0.5, effective_sources=10.0, partners_for_80pct=8),
        id="ten-equal-moderate-edge",
    ),
    pytest.param(
        # 30 + 30 of 100: 900 + 900 = 1800, still "moderate".
        counts(("A", "physician", 3), ("B", "physician", 3), ("Self", "self", 4)),
        dict(hhi=1800, hhi_band="moderate"),
        id="1800-is-moderate",
    ),
    pytest.param(
        counts(
            ("A", "physician", 3), ("B", "physician", 3), ("C", "physician", 1), ("S", "self", 3)
        ),
        # 3 + 3 of 7 partner referrals is 86% -> 2 partners.
        dict(hhi=1900, hhi_band="high", cr3=0.7, partners_for_80pct=2),
        id="1900-is-high",
    ),
    pytest.param(
        # count 4 + count 1: 80^2 + 20^2 = 6800; A alone is 80% of partner referrals.
        counts(("A", "physician", 4), ("B", "physician", 1)),
        dict(hhi=6800, cr1=0.8, partners_for_80pct=1, gini=0.3),
        id="count-column",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), CASES)
def test_concentration_by_hand(rows, expected):
    result = concentration(make_frame(rows), Filters())
    assert set(result) == {
        "hhi",
        "hhi_band",
        "cr1",
        "cr3",
        "cr5",
        "effective_sources",
        "gini",
        "partners",
        "partners_for_80pct",
    }
    for key, value in expected.items():
        if value is None or isinstance(value, str):
            assert result[key] == value, key
        else:
            assert result[key] == pytest.approx(value), key


def test_revenue_basis_uses_shares_of_all_revenue():
    frame = make_frame(
        [
            (D, "A", "physician", 1, 300.0),
            (D, "A", "physician", 1, 300.0),
            (D, "B", "physician", 1, 300.0),
            (D, "Walk-in", "self", 1, 100.0),
        ]
    )
    # Revenue 600 / 300 of 1,000: 60^2 + 30^2 = 4500; Gini of 300, 600 = 600 / 3600.
    revenue = concentration(frame, Filters(basis="revenue"))
    assert revenue["hhi"] == pytest.approx(4500)
    assert revenue["cr1"] == pytest.approx(0.6)
    assert revenue["gini"] == pytest.approx(1 / 6)
    assert revenue["partners_for_80pct"] == 2
    # Referrals 2 / 1 of 4: 50^2 + 25^2 = 3125.
    assert concentration(frame, Filters())["hhi"] == pytest.approx(3125)


def test_revenue_basis_without_any_money_is_undefined():
    result = concentration(make_frame(counts(("A", "physician", 2))), Filters(basis="revenue"))
    assert result["hhi"] is None and result["hhi_band"] is None
    assert result["partners"] == 1
    assert result["partners_for_80pct"] is None


def test_revenue_basis_falls_back_to_charges():
    frame = make_frame(
        [(D, "A", "physician", 1, None, 750.0), (D, "B", "physician", 1, None, 250.0)]
    )
    assert concentration(frame, Filters(basis="revenue"))["hhi"] == pytest.approx(6250)


def test_organization_level_rolls_partners_up():
    frame = make_frame(
        [
            {
                "referral_date": D,
                "source": "Dr A",
                "source_type": "physician",
                "organization": "Ortho",
            },
            {
                "referral_date": D,
                "source": "Dr B",
                "source_type": "physician",
                "organization": "Ortho",
            },
            {"referral_date": D, "source": "Dr C", "source_type": "physician"},
            {
                "referral_date": D,
                "source": "Mom",
                "source_type": "patient",
                "organization": "Ortho",
            },
        ]
    )
    # Partner level: three partners of 25% -> 1875. Organization: Ortho 50% + Dr C 25%.
    assert concentration(frame, Filters())["hhi"] == pytest.approx(1875)
    rolled = concentration(frame, Filters(level="organization"))
    assert rolled["hhi"] == pytest.approx(3125)
    assert rolled["partners"] == 2


def test_nameless_partner_rows_are_unknown_not_a_partner():
    frame = make_frame([(D, None, "physician", 3), (D, "Dr A", "physician", 1)])
    result = concentration(frame, Filters())
    assert result["partners"] == 1
    assert result["hhi"] == pytest.approx(625)


@pytest.mark.parametrize(
    ("hhi", "band"),
    [
        (None, None),
        (0.0, "unconcentrated"),
        (999.9, "unconcentrated"),
        (1000.0, "moderate"),
        (1800.0, "moderate"),
        (1800.1, "high"),
        (10_000.0, "high"),
    ],
)
def test_hhi_band_edges(hhi, band):
    assert hhi_band(hhi) == band


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 1], 0.0),
        ([1, 3], 0.25),
        ([0, 10], 0.5),
        ([2, 3, 5], 0.2),
        ([4, 4, 4, 4], 0.0),
        ([5], None),
        ([], None),
        ([0, 0], None),
    ],
)
def test_gini(values, expected):
    result = gini(values)
    assert result == (None if expected is None else pytest.approx(expected))


def test_pareto_table_ranks_with_shares_of_all_and_cumulative_of_partners():
    frame = make_frame(
        [
            (D, "B", "physician", 3, 90.0),
            (D, "A", "physician", 5, 50.0),
            (D, "Friend", "patient", 2, 10.0),
        ]
    )
    table = pareto_table(frame, Filters())
    assert list(table["partner"]) == ["A", "B"]
    assert list(table["rank"]) == [1, 2]
    assert list(table["referrals"]) == [5, 3]
    assert table["share"].tolist() == pytest.approx([0.5, 0.3])
    assert table["cumulative_partner_share"].tolist() == pytest.approx([0.625, 1.0])
    assert table["revenue"].tolist() == pytest.approx([50.0, 90.0])
    by_revenue = pareto_table(frame, Filters(basis="revenue"))
    assert list(by_revenue["partner"]) == ["B", "A"]
    assert by_revenue["share"].tolist() == pytest.approx([0.6, 50 / 150])


def test_lorenz_points():
    frame = make_frame(counts(("A", "physician", 5), ("B", "physician", 3), ("F", "patient", 9)))
    points = lorenz_points(frame, Filters())
    assert points["partners_fraction"].tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert points["value_fraction"].tolist() == pytest.approx([0.0, 3 / 8, 1.0])
    empty = lorenz_points(make_frame(), Filters())
    assert empty["value_fraction"].tolist() == [0.0]
