"""Partner ROI (METRICS.md "Partner ROI"): hand-computed per partner and per activity type."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.periods import encode, tables_of
from analytics.metrics.summary import metrics_summary
from analytics.outreach.roi import (
    ROI_COLUMNS,
    partner_roi,
    partner_roi_of,
    quadrant_split,
    quadrants_of,
    roi_by_activity_type_of,
    roi_records,
)
from analytics.outreach.touches import touches_for
from analytics.schema import ACTIVITY_COLUMNS
from tests.frames import make_frame

MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))
FEBRUARY = Filters(start=date(2025, 2, 1), end=date(2025, 2, 28))


def make_activities(rows: list[tuple]) -> pd.DataFrame:
    """An activity frame as the store returns it: (date, partner_name, partner, type, cost)."""
    frame = pd.DataFrame(
        {
            "activity_date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
            "partner_name": pd.Series([r[1] for r in rows], dtype="str"),
            "partner": pd.Series([r[2] for r in rows], dtype="str"),
            "activity_type": pd.Series([r[3] for r in rows], dtype="str"),
            "cost": pd.Series([float(r[4]) for r in rows], dtype="float64"),
            "staff": pd.Series(["Sam"] * len(rows), dtype="str"),
            "notes": pd.Series([None] * len(rows), dtype="str"),
            "upload_id": pd.Series([1] * len(rows), dtype="int64"),
        }
    )
    return frame[list(ACTIVITY_COLUMNS)]


OKAFOR = "Maria Okafor, MD"
LEE = "Ann Lee, DC"
LANE = "Greg Lane, MD"


def referrals() -> pd.DataFrame:
    """Okafor: 3 in March ($500 + $300 + $200) and 1 in February ($999); Lee: 2 in March
    ($400, one unpaid); a patient word-of-mouth referral; Lane never refers."""
    org = {"organization": "Summit Ortho"}
    return make_frame(
        [
            {"referral_date": "2025-02-12", "source": OKAFOR, "source_type": "physician",
             "payments": 999, **org},
            {"referral_date": "2025-03-03", "source": OKAFOR, "source_type": "physician",
             "payments": 500, **org},
            {"referral_date": "2025-03-12", "source": OKAFOR, "source_type": "physician",
             "payments": 300, **org},
            {"referral_date": "2025-03-21", "source": OKAFOR, "source_type": "physician",
             "payments": 200, **org},
            ("2025-03-07", LEE, "chiropractor", 1, 400),
            ("2025-03-28", LEE, "chiropractor", 1, None),
            ("2025-03-15", "Friend/Family", "patient", 1, 100),
        ]
    )  # fmt: skip


def activities() -> pd.DataFrame:
    """ "Dr. Okafor" and "Maria Okafor MD" are already resolved to OKAFOR, as the ingest does."""
    return make_activities(
        [
            ("2025-02-10", "Dr. Okafor", OKAFOR, "gift", 40),
            ("2025-03-05", "Dr. Okafor", OKAFOR, "lunch", 120),
            ("2025-03-20", "Maria Okafor MD", OKAFOR, "call", 0),
            ("2025-03-10", "Greg Lane MD", LANE, "office visit", 150),
            ("2025-03-25", "Greg Lane MD", LANE, "lunch", 50),
            ("2025-04-02", "Dr. Okafor", OKAFOR, "office visit", 30),
        ]
    )


def by_partner(table: pd.DataFrame) -> dict[str, dict]:
    return {row["partner"]: row for row in table.to_dict("records")}


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# March: Okafor cost 120 (lunch; the $0 call is a touch; February's gift and April's visit
# fall outside), revenue 500 + 300 + 200 = 1,000: roi = (1000 - 120) / 120 = 7.3333, cost per
# referral 120 / 3 = 40, last touch Mar 20, 11 days before Mar 31.
# Lee: no outreach, revenue 400 (the unpaid referral adds 0): roi null, cost per referral 0.
# Lane: cost 150 + 50 = 200, no referral: roi (0 - 200) / 200 = -1, cost per referral null,
# last touch Mar 25, 6 days before the end; his type comes from the name ("MD").
EXPECTED_MARCH = {
    OKAFOR: ("physician", 120.0, 2, 3, 1000.0, 880 / 120, 40.0, "2025-03-20", 11),
    LEE: ("chiropractor", 0.0, 0, 2, 400.0, None, 0.0, None, None),
    LANE: ("physician", 200.0, 2, 0, 0.0, -1.0, None, "2025-03-25", 6),
}


@pytest.mark.parametrize("name", list(EXPECTED_MARCH))
def test_partner_roi_by_hand(name):
    table = partner_roi(referrals(), activities(), MARCH)
    row = by_partner(table)[name]
    kind, cost, touches, refs, revenue, roi, per_referral, last, days = EXPECTED_MARCH[name]
    assert row["type"] == kind
    assert row["cost"] == pytest.approx(cost)
    assert row["touches"] == touches
    assert row["referrals"] == refs
    assert row["revenue"] == pytest.approx(revenue)
    assert missing(row["roi"]) if roi is None else row["roi"] == pytest.approx(roi)
    if per_referral is None:
        assert missing(row["cost_per_referral"])
    else:
        assert row["cost_per_referral"] == pytest.approx(per_referral)
    if last is None:
        assert pd.isna(row["last_touch"]) and missing(row["days_since_touch"])
    else:
        assert row["last_touch"] == pd.Timestamp(last)
        assert row["days_since_touch"] == days


def test_partner_roi_rows_order_and_channels():
    table = partner_roi(referrals(), activities(), MARCH)
    assert tuple(table.columns) == ROI_COLUMNS
    # Most spent first; the patient channel is not a partner and got no outreach.
    assert list(table["partner"]) == [LANE, OKAFOR, LEE]


def test_period_filter_moves_cost_and_referrals():
    # February: Okafor's $40 gift and his $999 referral: roi = (999 - 40) / 40 = 23.975; last
    # touch Feb 10, 18 days before Feb 28. Lane and Lee did nothing in February.
    table = partner_roi(referrals(), activities(), FEBRUARY)
    assert list(table["partner"]) == [OKAFOR]
    row = table.iloc[0]
    assert (row["cost"], row["touches"], row["referrals"]) == (40.0, 1, 1)
    assert row["roi"] == pytest.approx(959 / 40)
    assert row["days_since_touch"] == 18


def test_days_since_touch_looks_before_the_period():
    # Only Okafor's March 3 referral is in this period, and no touch: his last contact was the
    # Feb 10 gift, 21 days before Mar 3.
    period = Filters(start=date(2025, 3, 1), end=date(2025, 3, 3))
    row = by_partner(partner_roi(referrals(), activities(), period))[OKAFOR]
    assert (row["cost"], row["touches"]) == (0.0, 0)
    assert row["days_since_touch"] == 21


def test_no_period_runs_from_first_to_last_referral():
    # Feb 12 to Mar 28: the Feb 10 gift and the Apr 2 visit are outside; Lane's Mar 25 lunch
    # is 3 days before the end.
    table = by_partner(partner_roi(referrals(), activities(), Filters()))
    assert table[OKAFOR]["cost"] == 120.0
    assert table[OKAFOR]["referrals"] == 4
    assert table[LANE]["days_since_touch"] == 3


def test_contribution_margin():
    # At a 40% margin Okafor's $1,000 counts as $400: (400 - 120) / 120 = 2.3333; Lane stays -1.
    table = by_partner(partner_roi(referrals(), activities(), MARCH, margin=0.4))
    assert table[OKAFOR]["margin_revenue"] == pytest.approx(400.0)
    assert table[OKAFOR]["roi_on_margin"] == pytest.approx(280 / 120)
    assert table[OKAFOR]["roi"] == pytest.approx(880 / 120)
    assert table[LANE]["roi_on_margin"] == pytest.approx(-1.0)
    assert missing(table[LEE]["roi_on_margin"])


@pytest.mark.parametrize("margin", [0, -0.1, 1.5])
def test_margin_must_be_a_fraction(margin):
    with pytest.raises(ValueError, match="contribution margin"):
        partner_roi(referrals(), activities(), MARCH, margin=margin)


def test_no_revenue_basis_gives_null_revenue_and_roi():
    frame = referrals().assign(payments=float("nan"))
    row = by_partner(partner_roi(frame, activities(), MARCH))[OKAFOR]
    assert missing(row["revenue"]) and missing(row["roi"])
    assert row["cost_per_referral"] == pytest.approx(40.0)


def test_organization_level_rolls_touches_up_with_referrals():
    table = by_partner(partner_roi(referrals(), activities(), replace(MARCH, level="organization")))
    assert "Summit Ortho" in table and OKAFOR not in table
    assert table["Summit Ortho"]["cost"] == 120.0
    assert table["Summit Ortho"]["referrals"] == 3


def test_roi_by_activity_type():
    # Okafor's 3 referrals and $1,000 are shared by his two touches (lunch, call): 1.5 and $500
    # each. Lane's two touches (visit, lunch) share nothing.
    encoded = encode(referrals())
    tables = tables_of(encoded, MARCH)
    touches = touches_for(activities(), tables, referrals())
    roi = partner_roi_of(tables, touches)
    rows = {r["activity_type"]: r for r in roi_by_activity_type_of(roi, touches).to_dict("records")}
    assert list(rows) == ["lunch", "office visit", "call"]
    lunch = rows["lunch"]
    assert (lunch["partners"], lunch["touches"], lunch["cost"]) == (2, 2, 170.0)
    assert lunch["referrals"] == pytest.approx(1.5)
    assert lunch["revenue"] == pytest.approx(500.0)
    assert lunch["roi"] == pytest.approx((500 - 170) / 170)
    assert lunch["cost_per_referral"] == pytest.approx(170 / 1.5)
    assert missing(rows["call"]["roi"]) and rows["call"]["cost_per_referral"] == 0
    assert rows["office visit"]["roi"] == pytest.approx(-1.0)
    assert missing(rows["office visit"]["cost_per_referral"])


def test_quadrants_split_at_the_medians():
    # Touched: Okafor ($120, $1,000) and Lane ($200, $0): medians $160 and $500.
    table = partner_roi(referrals(), activities(), MARCH)
    assert quadrant_split(table) == (160.0, 500.0)
    quadrant = dict(zip(table["partner"], quadrants_of(table), strict=True))
    assert quadrant[OKAFOR] == "invest more"
    assert quadrant[LANE] == "rethink"
    assert pd.isna(quadrant[LEE])


@pytest.mark.parametrize(
    ("cost", "revenue", "expected"),
    [
        (10, 900, "invest more"),
        (90, 900, "keep"),
        (90, 10, "rethink"),
        (10, 10, "drop"),  # returns 1× its cost and less than most: review it
        (10, 19.99, "drop"),
        # Little back against the others, yet 2× and 40× its cost: never told to drop.
        (10, 20, "light touch"),
        (5, 200, "light touch"),
    ],
)
def test_quadrant_table(cost, revenue, expected):
    # Against partners at (50, 500) and (50, 500) the medians stay at 50 and 500.
    table = pd.DataFrame(
        {
            "partner": ["A", "B", "C"],
            "cost": [50.0, 50.0, float(cost)],
            "revenue": [500.0, 500.0, float(revenue)],
            "referrals": [1, 1, 1],
            "touches": [1, 1, 1],
        }
    )
    assert quadrants_of(table).iloc[2] == expected


def test_roi_records_are_json_and_rounded():
    records = roi_records(partner_roi(referrals(), activities(), MARCH))
    json.dumps(records)
    okafor = next(r for r in records if r["name"] == OKAFOR)
    assert okafor == {
        "name": OKAFOR,
        "type": "physician",
        "cost": 120.0,
        "touches": 2,
        "referrals": 3,
        "revenue": 1000.0,
        "roi": 7.3333,
        "cost_per_referral": 40.0,
        "last_touch": "2025-03-20",
        "days_since_touch": 11,
    }
    lee = next(r for r in records if r["name"] == LEE)
    assert lee["roi"] is None and lee["last_touch"] is None and lee["days_since_touch"] is None


def test_metrics_summary_fills_roi():
    history = referrals()
    period = history[history["referral_date"] >= "2025-03-01"]
    summary = metrics_summary(period, MARCH, activities(), history=history)
    assert summary["roi"] == roi_records(partner_roi(history, activities(), MARCH))
    json.dumps(summary)
    assert metrics_summary(period, MARCH, None, history=history)["roi"] == []
    assert metrics_summary(period, MARCH, activities().iloc[:0], history=history)["roi"] == []
