"""Valuation readiness checks: values, thresholds and statuses at their edges."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.valuation import CHECK_NAMES, valuation_checks
from tests.frames import make_frame

D = "2025-03-14"


def check(rows, name, filters=None, history=None) -> dict:
    frame = make_frame(rows)
    checks = valuation_checks(frame, filters or Filters(), history)
    return next(c for c in checks if c["name"] == name)


def padded(*partners: tuple[str, str, int], total: int = 100) -> list[tuple]:
    """The partners' rows plus patient referrals up to `total`."""
    rows = [(D, name, source_type, n) for name, source_type, n in partners]
    rest = total - sum(n for _, _, n in partners)
    return rows + ([(D, "Mom", "patient", rest)] if rest else [])


@pytest.mark.parametrize(
    ("share", "status"),
    [(9, "ok"), (10, "watch"), (19, "watch"), (20, "risk"), (45, "risk")],
)
def test_largest_partner_share(share, status):
    result = check(padded(("Dr A", "physician", share)), "largest_partner_share")
    assert result["value"] == pytest.approx(share / 100)
    assert result["status"] == status
    assert "Dr A" in result["sentence"]


@pytest.mark.parametrize(
    ("sizes", "status"),
    [
        ((12, 12, 11), "ok"),  # 35%
        ((12, 12, 12), "watch"),  # 36%
        ((17, 17, 16), "watch"),  # 50%
        ((17, 17, 17), "risk"),  # 51%
    ],
)
def test_top3_share(sizes, status):
    partners = [(f"P{i}", "health_wellness", n) for i, n in enumerate(sizes)]
    result = check(padded(*partners), "top3_share")
    assert result["value"] == pytest.approx(sum(sizes) / 100)
    assert result["status"] == status


@pytest.mark.parametrize(
    ("sizes", "hhi", "status"),
    [
        ((9,), 81, "ok"),
        ((10, 10, 10, 10, 10, 10, 10, 10, 10, 10), 1000, "watch"),
        ((30, 30), 1800, "watch"),
        ((30, 30, 10), 1900, "risk"),
    ],
)
def test_hhi_band(sizes, hhi, status):
    partners = [(f"P{i}", "chiropractor", n) for i, n in enumerate(sizes)]
    result = check(padded(*partners), "hhi_band")
    assert result["value"] == pytest.approx(hhi)
    assert result["status"] == status


@pytest.mark.parametrize(
    ("physicians", "status"),
    [(49, "ok"), (50, "watch"), (69, "watch"), (70, "risk")],
)
def test_physician_share(physicians, status):
    # Spread over many doctors so no single one matters.
    doctors = [(f"Dr {i}", "physician", 1) for i in range(physicians)]
    result = check(padded(*doctors), "physician_share")
    assert result["value"] == pytest.approx(physicians / 100)
    assert result["status"] == status


def two_years(before: int, now: int) -> pd.DataFrame:
    """`before` partners in July 2023 - June 2024, `now` partners in July 2024 - June 2025."""
    rows = [("2023-07-01", "Mom", "patient", 1)]
    rows += [("2023-09-01", f"Dr {i}", "physician", 1) for i in range(before)]
    rows += [("2024-09-01", f"Dr {i}", "physician", 1) for i in range(now)]
    return make_frame(rows)


@pytest.mark.parametrize(
    ("before", "now", "value", "status"),
    [
        (10, 10, 0.0, "ok"),
        (10, 12, 0.2, "ok"),
        (10, 9, -0.1, "watch"),
        (20, 16, -0.2, "watch"),
        (4, 3, -0.25, "risk"),
        (10, 7, -0.3, "risk"),
    ],
)
def test_partners_trend(before, now, value, status):
    history = two_years(before, now)
    period = history[history["referral_date"] >= "2024-07-01"]
    checks = valuation_checks(period, Filters(end=date(2025, 6, 30)), history)
    result = next(c for c in checks if c["name"] == "partners_trend")
    assert result["value"] == pytest.approx(value)
    assert result["status"] == status


def test_partners_trend_needs_two_years_of_data():
    history = two_years(10, 10)
    short = history[history["referral_date"] >= "2023-09-01"]  # starts 2 months in
    result = check([], "partners_trend", Filters(end=date(2025, 6, 30)), short)
    assert result["value"] is None and result["status"] == "na"  # not enough data, not Watch


@pytest.mark.parametrize(
    ("gone", "others", "status", "value"),
    [
        # Referrals in the 6 months: gone + others + Dr Here's 30.
        (12, 18, "risk", 1),  # 12 of 60 (20%), then silent for 60 days
        (6, 24, "watch", 1),  # 6 of 60 (10%)
        (6, 64, "ok", 0),  # dormant, but 6 of 100 is no key referrer
        (5, 25, "ok", 0),  # under 1 a month: not a regular referrer
    ],
)
def test_dormant_key_referrers(gone, others, status, value):
    # Period end June 30: the 6 months before the last 60 days are November 2 - May 1.
    rows = [
        ("2025-01-15", "Mom", "patient", others),
        ("2025-02-10", "Dr Gone", "physician", gone),
        ("2025-02-10", "Dr Here", "physician", 30),
        ("2025-06-20", "Dr Here", "physician", 1),  # still referring
    ]
    history = make_frame(rows)
    checks = valuation_checks(history, Filters(end=date(2025, 6, 30)))
    result = next(c for c in checks if c["name"] == "dormant_key_referrers")
    assert result["status"] == status
    assert result["value"] == value
    assert ("Dr Gone" in result["sentence"]) is bool(value)


@pytest.mark.parametrize(
    ("rows", "status", "value"),
    [
        pytest.param(
            [
                ("2025-01-05", "Dr A", "physician", 9),
                ("2025-02-05", "U", "unknown", 1),
                ("2025-03-05", "Dr A", "physician", 10),
            ],
            "ok",
            {"months_present": 3, "months_in_period": 3, "unknown_share": 0.05},
            id="complete",
        ),
        pytest.param(
            [("2025-01-05", "Dr A", "physician", 9), ("2025-03-05", "Unknown", "unknown", 1)],
            "risk",  # 2 of 3 months: under 75%
            {"months_present": 2, "months_in_period": 3, "unknown_share": 0.1},
            id="missing-month",
        ),
        pytest.param(
            [
                ("2025-01-05", "Dr A", "physician", 9),
                ("2025-02-05", "U", "unknown", 1),
                ("2025-03-05", None, "physician", 1),
            ],
            "watch",  # unknown 2 of 11 = 18%: a nameless physician is unknown too
            {"months_present": 3, "months_in_period": 3, "unknown_share": 2 / 11},
            id="unknown-share",
        ),
        pytest.param(
            [
                ("2025-01-05", "Dr A", "physician", 1),
                ("2025-02-05", "U", "unknown", 1),
                ("2025-03-05", "U", "unknown", 2),
            ],
            "risk",
            {"months_present": 3, "months_in_period": 3, "unknown_share": 0.75},
            id="mostly-unknown",
        ),
    ],
)
def test_data_coverage(rows, status, value):
    result = check(rows, "data_coverage", Filters(start=date(2025, 1, 1), end=date(2025, 3, 31)))
    assert result["status"] == status
    assert result["value"] == {**value, "unknown_share": pytest.approx(value["unknown_share"])}


def test_every_check_has_the_same_shape_in_order():
    checks = valuation_checks(make_frame(padded(("Dr A", "physician", 30))), Filters())
    assert [c["name"] for c in checks] == list(CHECK_NAMES)
    for c in checks:
        assert set(c) == {"name", "value", "threshold", "status", "sentence"}
        assert c["status"] in {"ok", "watch", "risk", "na"}
        assert c["sentence"] and c["threshold"]


def test_no_data_is_never_ok_except_for_nothing_gone_quiet():
    checks = valuation_checks(make_frame(), Filters())
    statuses = {c["name"]: c["status"] for c in checks}
    assert statuses.pop("dormant_key_referrers") == "ok"
    assert statuses.pop("data_coverage") == "risk"
    # Not enough data: neither OK nor counted as a Watch (issue 12).
    assert set(statuses.values()) == {"na"}


def test_revenue_basis_largest_partner_uses_revenue():
    rows = [(D, "Dr A", "physician", 1, 900.0), (D, "Dr B", "physician", 9, 100.0)]
    result = check(rows, "largest_partner_share", Filters(basis="revenue"))
    assert result["value"] == pytest.approx(0.9)
    assert "Dr A" in result["sentence"] and "revenue" in result["sentence"]
