"""Engagement: valuable and overdue partners, thank / rethink lists, cadence, growth."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.periods import encode, tables_of
from analytics.outreach.engagement import cadence_of, contacts_of, overdue_of, rethink_of, thank_of
from analytics.outreach.growth import GrowthTargets, growth_of, growth_status
from analytics.outreach.touches import touches_for
from tests.frames import make_frame, repeat
from tests.outreach.test_roi import make_activities


def roi_table(rows: list[tuple]) -> pd.DataFrame:
    """A partner ROI table: (partner, type, touches, cost, referrals, revenue, days)."""
    table = pd.DataFrame(
        rows,
        columns=["partner", "type", "touches", "cost", "referrals", "revenue", "days_since_touch"],
    )
    return table.assign(
        days_since_touch=table["days_since_touch"].astype("float64"),
        revenue=table["revenue"].astype("float64"),
        last_touch=pd.NaT,
    )


# Partner revenue 600 + 300 + 60 + 40 = 1,000 (the patient channel is not a partner).
ROWS = [
    ("A", "physician", 2, 50.0, 6, 600, 10),
    ("B", "chiropractor", 1, 0.0, 3, 300, 90),
    ("C", "physician", 0, 0.0, 2, 60, None),
    ("D", "health_wellness", 3, 90.0, 1, 40, 5),
    ("E", "health_wellness", 2, 75.0, 0, 0, 20),
    ("Friends", "patient", 0, 0.0, 4, 500, None),
]


def test_valuable_are_the_fewest_partners_making_80_percent():
    # A alone is 60%; A + B is 90% >= 80%: A and B are valuable, C (90% before it) is not.
    contacts = contacts_of(roi_table(ROWS), 60).set_index("partner")
    assert contacts["valuable"].to_dict() == {
        "A": True,
        "B": True,
        "Friends": False,
        "C": False,
        "D": False,
        "E": False,
    }
    assert contacts.loc["B", "value_share"] == pytest.approx(0.3)
    assert pd.isna(contacts.loc["Friends", "value_share"])
    assert contacts.loc["A", "rank"] == 1 and contacts.loc["C", "rank"] == 3


@pytest.mark.parametrize(("days", "overdue"), [(60, ["B"]), (89, ["B"]), (90, []), (5, ["A", "B"])])
def test_overdue_setting(days, overdue):
    contacts = contacts_of(roi_table(ROWS), days)
    assert list(overdue_of(contacts)["partner"]) == overdue


def test_never_contacted_valuable_partner_is_overdue():
    rows = [("A", "physician", 0, 0.0, 9, 900, None), ("B", "physician", 1, 10.0, 1, 100, 3)]
    assert list(overdue_of(contacts_of(roi_table(rows), 60))["partner"]) == ["A"]


def test_without_revenue_value_is_referrals():
    rows = [(*r[:5], None, r[6]) for r in ROWS]
    contacts = contacts_of(roi_table(rows), 60).set_index("partner")
    # Partner referrals 6 + 3 + 2 + 1 = 12: A 50%, B 25% (75%), C 16.7% -> A, B, C valuable.
    assert contacts.loc["A", "value"] == 6
    assert contacts.loc[["A", "B", "C"], "valuable"].all()
    assert not contacts.loc["D", "valuable"]


def test_overdue_needs_a_positive_threshold():
    with pytest.raises(ValueError, match="at least 1 day"):
        contacts_of(roi_table(ROWS), 0)


def test_thank_and_rethink():
    table = roi_table(ROWS)
    assert list(thank_of(table)["partner"]) == ["C"]  # referred, no outreach; not the channel
    assert list(rethink_of(table)["partner"]) == ["E"]  # outreach, no referral


def test_cadence_by_month():
    frame = make_frame(
        [
            ("2025-01-05", "A", "physician"),
            ("2025-02-10", "A", "physician", 3),
            ("2025-03-30", "B", "physician"),
        ]
    )
    acts = make_activities(
        [
            ("2025-01-07", "A", "A", "lunch", 100),
            ("2025-01-20", "A", "A", "call", 0),
            ("2025-03-02", "A", "A", "gift", 25),
            ("2025-02-02", "New gym", "New gym", "visit", 10),
        ]
    )
    filters = Filters(start=date(2025, 1, 1), end=date(2025, 3, 31))
    encoded = encode(frame)
    touches = touches_for(acts, tables_of(encoded, filters), frame)
    cadence = cadence_of(encoded, touches, ["A", "New gym"])
    a = cadence[cadence["partner"] == "A"]
    assert a["touches"].tolist() == [2, 0, 1]
    assert a["cost"].tolist() == [100.0, 0.0, 25.0]
    assert a["referrals"].tolist() == [1, 3, 0]
    gym = cadence[cadence["partner"] == "New gym"]
    assert gym["touches"].tolist() == [0, 1, 0] and gym["referrals"].tolist() == [0, 0, 0]
    assert list(a["month"]) == list(pd.date_range("2025-01-01", periods=3, freq="MS"))


def growth_history() -> pd.DataFrame:
    """Six months: Jan-Apr have one physician referral each from "Doc"; May adds a new
    chiropractor (2) and a gym (1) with 4 patient referrals; June a new physician and 2 from
    a trainer first seen in May."""
    rows = []
    for month in ("01", "02", "03", "04"):
        rows += repeat(f"2025-{month}-10", "Doc", "physician", 1)
    rows += repeat("2025-05-05", "Doc", "physician", 3)
    rows += repeat("2025-05-06", "Chiro", "chiropractor", 2)
    rows += repeat("2025-05-07", "Gym", "health_wellness", 1)
    rows += repeat("2025-05-08", "Friend", "patient", 4)
    rows += repeat("2025-06-03", "Doc2", "physician", 1)
    rows += repeat("2025-06-04", "Gym", "health_wellness", 2)
    rows += repeat("2025-06-05", "Friend", "patient", 1)
    return make_frame(rows)


def test_growth_by_hand():
    growth = growth_of(encode(growth_history()), Filters())
    assert growth["Referrals"].tolist() == [1, 1, 1, 1, 10, 4]
    # Won: none judged in the first 3 months of the data; April 0, May 2 (Chiro, Gym), June 1.
    won = growth["New partners"].tolist()
    assert np.isnan(won[:3]).all() and won[3:] == [0, 2, 1]
    assert growth["Health & wellness share"].tolist()[4:] == pytest.approx([3 / 10, 2 / 4])
    assert growth["Word-of-mouth share"].tolist()[4:] == pytest.approx([4 / 10, 1 / 4])
    assert growth["Word-of-mouth share"].iloc[0] == 0


def test_growth_status_pools_the_last_three_months():
    growth = growth_of(encode(growth_history()), Filters())
    status = {s["label"]: s for s in growth_status(growth, GrowthTargets(1.0, 0.3, 0.5))}
    # New partners Apr-Jun: (0 + 2 + 1) / 3 = 1.0 >= 1 target.
    assert status["New partners a month"]["value"] == pytest.approx(1.0)
    assert status["New partners a month"]["met"] is True
    # Health & wellness Apr-Jun: (0 + 3 + 2) / (1 + 10 + 4) = 1/3 >= 30%.
    assert status["Health & wellness share"]["value"] == pytest.approx(5 / 15)
    assert status["Health & wellness share"]["met"] is True
    # Word of mouth: (0 + 4 + 1) / 15 = 1/3 < 50%.
    assert status["Word-of-mouth share"]["met"] is False
    assert "below the target of 50.0%" in status["Word-of-mouth share"]["sentence"]


def test_growth_status_with_nothing_to_judge():
    empty = growth_of(encode(make_frame([("2025-01-10", "Doc", "physician")])), Filters())
    status = growth_status(empty, GrowthTargets())
    assert status[0]["met"] is None and "Not enough months" in status[0]["sentence"]
