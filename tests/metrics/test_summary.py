"""metrics_summary: exactly the DESIGN.md `metrics --json` object, JSON-clean and consistent."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from analytics.filters import Filters
from analytics.metrics.concentration import concentration
from analytics.metrics.summary import metrics_summary
from analytics.schema import SOURCE_TYPES
from tests.frames import make_frame

# The keys DESIGN.md lists for `metrics --json`, written out here rather than imported.
TOP_KEYS = {
    "period",
    "referrals",
    "arrived",
    "conversion_rate",
    "revenue",
    "revenue_basis",
    "concentration",
    "mix",
    "partner_share",
    "patient_share",
    "physician_dependence",
    "roi",
    "alerts",
    "valuation",
}
CONCENTRATION_KEYS = {
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
DEPENDENCE_KEYS = {"physician_share", "top_physician", "top5_physician_share", "key_referrers"}
D = "2025-02-03"


def practice() -> pd.DataFrame:
    return make_frame(
        [
            {
                "referral_date": D,
                "source": "Dr A",
                "source_type": "physician",
                "count": 5,
                "payments": 1000.0,
                "arrived": True,
            },
            {
                "referral_date": D,
                "source": "Lee DC",
                "source_type": "chiropractor",
                "count": 3,
                "payments": 333.333,
                "arrived": False,
            },
            {"referral_date": "2025-02-20", "source": "Mom", "source_type": "patient", "count": 2},
        ]
    )


def assert_shape(summary: dict) -> None:
    assert set(summary) == TOP_KEYS
    assert set(summary["period"]) == {"start", "end"}
    assert set(summary["concentration"]) == CONCENTRATION_KEYS
    assert list(summary["mix"]) == list(SOURCE_TYPES)
    assert set(summary["physician_dependence"]) == DEPENDENCE_KEYS
    assert set(summary["alerts"]) == {"declining", "dormant"}
    assert set(summary["valuation"]) == {"checks"}
    assert summary["roi"] == []
    # Strict JSON: no NaN, no numpy scalars, no timestamps.
    json.dumps(summary, allow_nan=False)


def test_summary_by_hand():
    summary = metrics_summary(practice(), Filters())
    assert_shape(summary)
    assert summary["period"] == {"start": "2025-02-03", "end": "2025-02-20"}
    assert summary["referrals"] == 10
    assert summary["arrived"] == 5
    assert summary["conversion_rate"] == 0.625  # 5 of 8 known
    assert summary["revenue"] == 1333.33
    assert summary["revenue_basis"] == "payments"
    assert summary["concentration"] == {
        "hhi": 3400.0,
        "hhi_band": "high",
        "cr1": 0.5,
        "cr3": 0.8,
        "cr5": 0.8,
        "effective_sources": 2.94,
        "gini": 0.125,
        "partners": 2,
        "partners_for_80pct": 2,
    }
    assert summary["mix"]["physician"] == 0.5 and summary["mix"]["patient"] == 0.2
    assert summary["partner_share"] == 0.8
    assert summary["patient_share"] == 0.2
    assert summary["physician_dependence"] == {
        "physician_share": 0.5,
        "top_physician": {"name": "Dr A", "share": 0.5, "revenue": 1000.0},
        "top5_physician_share": 0.5,
        "key_referrers": [
            {"name": "Dr A", "type": "physician", "share": 0.5, "revenue": 1000.0},
            {"name": "Lee DC", "type": "chiropractor", "share": 0.3, "revenue": 333.33},
        ],
    }
    statuses = {c["name"]: c["status"] for c in summary["valuation"]["checks"]}
    assert statuses["largest_partner_share"] == "risk"
    assert statuses["hhi_band"] == "risk"


def test_empty_store_has_every_key_with_nulls_and_zero_counts():
    summary = metrics_summary(make_frame(), Filters())
    assert_shape(summary)
    assert summary["period"] == {"start": None, "end": None}
    assert summary["referrals"] == 0
    assert summary["arrived"] is None and summary["conversion_rate"] is None
    assert summary["revenue"] is None and summary["revenue_basis"] == "none"
    assert summary["concentration"]["hhi"] is None
    assert summary["concentration"]["partners"] == 0
    assert summary["concentration"]["partners_for_80pct"] == 0
    assert set(summary["mix"].values()) == {None}
    assert summary["physician_dependence"]["top_physician"] is None
    assert summary["physician_dependence"]["key_referrers"] == []
    assert summary["alerts"] == {"declining": [], "dormant": []}


def test_period_bounds_come_from_the_filters_when_given():
    filters = Filters(start=date(2025, 2, 1), end=date(2025, 2, 28))
    assert metrics_summary(practice(), filters)["period"] == {
        "start": "2025-02-01",
        "end": "2025-02-28",
    }


def test_no_payments_falls_back_to_charges_and_says_so():
    frame = make_frame([(D, "Dr A", "physician", 1, None, 120.5), (D, "Mom", "patient", 1)])
    summary = metrics_summary(frame, Filters())
    assert summary["revenue_basis"] == "charges"
    assert summary["revenue"] == 120.5
    assert summary["physician_dependence"]["top_physician"]["revenue"] == 120.5


def test_no_money_at_all_is_basis_none_and_null_revenue():
    summary = metrics_summary(make_frame([(D, "Dr A", "physician", 2)]), Filters())
    assert summary["revenue_basis"] == "none"
    assert summary["revenue"] is None
    assert summary["physician_dependence"]["key_referrers"][0]["revenue"] is None


def test_only_non_partner_channels():
    frame = make_frame([(D, "Mom", "patient", 3), (D, "Google", "marketing", 1)])
    concentration_ = metrics_summary(frame, Filters())["concentration"]
    assert concentration_["hhi"] == 0.0
    assert concentration_["hhi_band"] == "unconcentrated"
    assert concentration_["effective_sources"] is None
    assert concentration_["partners"] == 0


def test_rounding_shares_to_4_and_hhi_to_1_decimal():
    frame = make_frame([(D, "Dr A", "physician", 1), (D, "Mom", "patient", 2)])
    summary = metrics_summary(frame, Filters())
    assert summary["concentration"]["cr1"] == 0.3333
    assert summary["concentration"]["hhi"] == 1111.1
    assert summary["mix"]["patient"] == 0.6667


def test_summary_agrees_with_the_metric_functions():
    frame = practice()
    for filters in (Filters(), Filters(basis="revenue")):
        direct = concentration(frame, filters)
        summary = metrics_summary(frame, filters)["concentration"]
        assert summary["hhi"] == round(direct["hhi"], 1)
        assert summary["cr1"] == round(direct["cr1"], 4)


def test_history_feeds_the_alerts():
    history = make_frame(
        [(f"2024-{m:02d}-15", "Dr Gone", "physician", 3) for m in range(1, 13)]
        + [("2025-03-01", "Mom", "patient", 1)]
    )
    period = history[history["referral_date"] >= "2025-01-01"]
    filters = Filters(start=date(2025, 1, 1), end=date(2025, 3, 31))
    summary = metrics_summary(period, filters, history=history)
    dormant = summary["alerts"]["dormant"]
    # Silent since January 31; the 6 months before (July 31 - January 30) hold Aug-Dec: 15.
    assert dormant == [
        {"name": "Dr Gone", "type": "physician", "last_referral": "2024-12-15", "monthly_avg": 2.5}
    ]
    declining = summary["alerts"]["declining"]
    assert [d["name"] for d in declining] == ["Dr Gone"]
    assert set(declining[0]) == {
        "name",
        "type",
        "earlier_rate_per_90d",
        "last_90d",
        "drop",
        "p_value",
    }
    assert declining[0]["last_90d"] == 0 and declining[0]["drop"] == 1.0
    # Without the history the period alone has nothing to compare with.
    alone = metrics_summary(period, filters)
    assert alone["alerts"] == {"declining": [], "dormant": []}
