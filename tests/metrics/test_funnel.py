"""Funnel: referrals -> arrived -> visits, conversion over known outcomes, days to evaluation."""

from __future__ import annotations

import pytest

from analytics.filters import Filters
from analytics.metrics.funnel import funnel, funnel_table
from tests.frames import make_frame


def row(source="Dr A", source_type="physician", date="2025-04-01", **extra) -> dict:
    return {"referral_date": date, "source": source, "source_type": source_type, **extra}


CASES = [
    pytest.param(
        # Known outcomes: 2 arrived + 1 not = 3; the unknown one is left out of the rate.
        [row(arrived=True), row(arrived=True), row(arrived=False), row()],
        dict(referrals=4, outcome_known=3, arrived=2, conversion_rate=2 / 3),
        id="unknown-excluded",
    ),
    pytest.param(
        # An evaluation date means the patient arrived, flag or no flag.
        [row(eval_date="2025-04-03"), row(arrived=False), row(arrived=False, count=2)],
        dict(referrals=4, outcome_known=4, arrived=1, conversion_rate=0.25),
        id="eval-date-is-arrival-and-counts-weigh",
    ),
    pytest.param(
        [row(), row()],
        dict(referrals=2, outcome_known=0, arrived=None, conversion_rate=None),
        id="no-known-outcome",
    ),
    pytest.param(
        [],
        dict(
            referrals=0,
            outcome_known=0,
            arrived=None,
            conversion_rate=None,
            visits=None,
            visits_per_referral=None,
            revenue=None,
            revenue_per_referral=None,
            median_days_to_eval=None,
        ),
        id="empty",
    ),
    pytest.param(
        # Visits 8 + 4 over 4 referrals (a referral that never came has none) = 3 per referral.
        [row(visits=8, payments=800), row(visits=4, payments=400), row(), row()],
        dict(visits=12.0, visits_per_referral=3.0, revenue=1200.0, revenue_per_referral=300.0),
        id="per-referral",
    ),
    pytest.param(
        # Days to evaluation 2, 4, 10 -> median 4; negative (a typo) is left out.
        [
            row(eval_date="2025-04-03"),
            row(eval_date="2025-04-05"),
            row(eval_date="2025-04-11"),
            row(eval_date="2025-03-01"),
        ],
        dict(median_days_to_eval=4.0),
        id="median-odd",
    ),
    pytest.param(
        # A count-3 row weighs three times: 2, 2, 2, 10 -> median 2.
        [row(eval_date="2025-04-03", count=3), row(eval_date="2025-04-11")],
        dict(median_days_to_eval=2.0),
        id="median-weighted",
    ),
    pytest.param(
        [row(eval_date="2025-04-02"), row(eval_date="2025-04-04")],
        dict(median_days_to_eval=2.0),
        id="median-even",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), CASES)
def test_funnel_by_hand(rows, expected):
    result = funnel(make_frame(rows), Filters())
    for key, value in expected.items():
        assert result[key] == (value if value is None else pytest.approx(value)), key


def test_funnel_by_source_type():
    frame = make_frame(
        [
            row(arrived=True, eval_date="2025-04-04", visits=10, payments=1000),
            row(source="Dr B", arrived=False),
            row(source="Mom", source_type="patient", arrived=True, eval_date="2025-04-02"),
            row(source="Mom", source_type="patient"),
        ]
    )
    table = funnel_table(frame, Filters()).set_index("source_type")
    assert list(table.index) == ["physician", "patient"]
    physician = table.loc["physician"]
    assert (physician["referrals"], physician["known"], physician["arrived"]) == (2, 2, 1)
    assert physician["conversion_rate"] == pytest.approx(0.5)
    assert physician["visits_per_referral"] == pytest.approx(5.0)
    assert physician["revenue_per_referral"] == pytest.approx(500.0)
    assert physician["median_days_to_eval"] == pytest.approx(3.0)
    patient = table.loc["patient"]
    assert patient["conversion_rate"] == pytest.approx(1.0)
    assert patient["median_days_to_eval"] == pytest.approx(1.0)
    assert patient["revenue_per_referral"] == pytest.approx(0.0)


def test_funnel_by_source():
    frame = make_frame(
        [
            row(arrived=True, eval_date="2025-04-06"),
            row(arrived=True, eval_date="2025-04-02"),
            row(source="Dr B"),
            row(source="Google", source_type="marketing", arrived=False),
        ]
    )
    table = funnel_table(frame, Filters(), by="source").set_index("source")
    assert list(table.index) == ["Dr A", "Dr B", "Google"]
    assert table.loc["Dr A", "source_type"] == "physician"
    assert table.loc["Dr A", "median_days_to_eval"] == pytest.approx(3.0)
    assert table.loc["Dr A", "conversion_rate"] == pytest.approx(1.0)
    assert table.loc["Google", "conversion_rate"] == pytest.approx(0.0)
    assert table.loc["Dr B", "conversion_rate"] != table.loc["Dr B", "conversion_rate"]  # NaN
    assert table["visits_per_referral"].isna().all()  # no visits recorded at all


def test_funnel_table_rejects_an_unknown_grouping():
    with pytest.raises(ValueError, match="by must be one of"):
        funnel_table(make_frame([row()]), Filters(), by="clinic")
