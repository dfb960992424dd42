"""Mix: shares by source type, partner and patient shares, physicians vs other partners."""

from __future__ import annotations

import pytest

from analytics.filters import Filters
from analytics.metrics.mix import mix, mix_table, partner_groups, partner_share, patient_share
from analytics.schema import SOURCE_TYPES
from tests.frames import make_frame

D = "2025-05-05"


def zeros(**shares: float) -> dict[str, float]:
    """Every source type at 0 except the ones given."""
    return {t: shares.get(t, 0.0) for t in SOURCE_TYPES}


CASES = [
    pytest.param(
        [(D, "Dr A", "physician", 5), (D, "Lee DC", "chiropractor", 3), (D, "Mom", "patient", 2)],
        zeros(physician=0.5, chiropractor=0.3, patient=0.2),
        0.8,
        0.2,
        id="5-3-2",
    ),
    pytest.param(
        [
            (D, "Dr A", "physician", 1),
            (D, "Jo PA", "physician_extender", 1),
            (D, "Gym", "health_wellness", 1),
            (D, "Acme", "organization", 1),
            (D, "Google", "marketing", 2),
            (D, "Walk-in", "self", 1),
            (D, "Unknown", "unknown", 1),
        ],
        zeros(
            physician=0.125,
            physician_extender=0.125,
            health_wellness=0.125,
            organization=0.125,
            marketing=0.25,
            self=0.125,
            unknown=0.125,
        ),
        0.5,
        0.0,
        id="every-kind",
    ),
    pytest.param(
        # A partner type without a name, a missing type and a type nobody knows: unknown.
        [
            (D, None, "physician", 1),
            (D, "X", None, 1),
            (D, "Y", "astrologer", 1),
            (D, "Dr", "physician", 1),
        ],
        zeros(physician=0.25, unknown=0.75),
        0.25,
        0.0,
        id="unknowns",
    ),
]


@pytest.mark.parametrize(("rows", "expected_mix", "partners", "patients"), CASES)
def test_mix_by_hand(rows, expected_mix, partners, patients):
    frame = make_frame(rows)
    result = mix(frame, Filters())
    assert list(result) == list(SOURCE_TYPES)
    assert result == pytest.approx(expected_mix)
    assert sum(result.values()) == pytest.approx(1.0)
    assert partner_share(frame, Filters()) == pytest.approx(partners)
    assert patient_share(frame, Filters()) == pytest.approx(patients)


def test_empty_mix_lists_every_type_as_undefined():
    frame = make_frame()
    assert mix(frame, Filters()) == dict.fromkeys(SOURCE_TYPES)
    assert partner_share(frame, Filters()) is None
    assert patient_share(frame, Filters()) is None


def test_partner_groups_physicians_vs_wellness_vs_organizations():
    frame = make_frame(
        [
            (D, "Dr A", "physician", 3),
            (D, "Jo NP", "physician_extender", 1),
            (D, "Lee DC", "chiropractor", 2),
            (D, "Yoga", "health_wellness", 2),
            (D, "Acme", "organization", 1),
            (D, "Mom", "patient", 1),
        ]
    )
    assert partner_groups(frame, Filters()) == pytest.approx(
        {"physicians": 0.4, "health_wellness": 0.4, "organizations": 0.1}
    )


def test_mix_table_lists_every_type_with_revenue():
    frame = make_frame([(D, "Dr A", "physician", 3, 300.0), (D, "Mom", "patient", 1, 100.0)])
    table = mix_table(frame, Filters())
    assert list(table["source_type"]) == list(SOURCE_TYPES)
    row = table.set_index("source_type").loc["physician"]
    assert (row["referrals"], row["share"], row["revenue"], row["revenue_share"]) == (
        3,
        0.75,
        300.0,
        0.75,
    )
    assert table["share"].sum() == pytest.approx(1.0)
    assert table.set_index("source_type").loc["chiropractor", "referrals"] == 0
