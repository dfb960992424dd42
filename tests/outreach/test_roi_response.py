"""Referral response after touches: referrals in the 30/60/90 days after against before."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.metrics.periods import encode, tables_of
from analytics.outreach.touch_response import (
    response_by_type_of,
    response_summary_of,
    touch_response_of,
)
from analytics.outreach.touches import touches_for
from tests.frames import make_frame
from tests.outreach.test_roi import make_activities

YEAR = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))


def history() -> pd.DataFrame:
    """Z spans the data (Jan 1 to Dec 31). A refers 75 and 26 days before Jun 15, on the day,
    then 5, 25 (two) and 66 days after."""
    return make_frame(
        [
            ("2025-01-01", "Z", "physician"),
            ("2025-12-31", "Z", "physician"),
            ("2025-04-01", "A", "physician"),
            ("2025-05-20", "A", "physician"),
            ("2025-06-15", "A", "physician"),
            ("2025-06-20", "A", "physician"),
            ("2025-07-10", "A", "physician", 2),
            ("2025-08-20", "A", "physician"),
        ]
    )


def response() -> pd.DataFrame:
    frame = history()
    acts = make_activities(
        [
            ("2025-06-15", "Dr A", "A", "lunch", 100),
            ("2025-12-01", "Dr A", "A", "call", 0),
            ("2025-06-15", "Nobody", "Nobody", "call", 0),
            ("2024-12-01", "Dr A", "A", "gift", 20),  # before the period: not judged
        ]
    )
    encoded = encode(frame)
    touches = touches_for(acts, tables_of(encoded, YEAR), frame)
    return touch_response_of(encoded, touches)


def test_windows_by_hand():
    table = response()
    june = table[(table["partner"] == "A") & (table["date"] == "2025-06-15")].iloc[0]
    # before 30: May 16 - Jun 14 -> May 20; before 90: Mar 17 - Jun 14 -> Apr 1 and May 20.
    # after 30: Jun 16 - Jul 15 -> Jun 20 + 2 on Jul 10; after 90 adds Aug 20. Jun 15 is neither.
    assert [june[f"before_{w}"] for w in (30, 60, 90)] == [1, 1, 2]
    assert [june[f"after_{w}"] for w in (30, 60, 90)] == [3, 3, 4]


def test_incomplete_windows_are_not_judged():
    table = response()
    december = table[table["date"] == "2025-12-01"].iloc[0]
    # Dec 1 + 30 days is Dec 31, the data's last day: judged. 60 and 90 run past it.
    assert (december["before_30"], december["after_30"]) == (0, 0)
    assert all(math.isnan(december[f"after_{w}"]) for w in (60, 90))
    assert len(table) == 3  # the December 2024 gift is before the period


def test_partner_without_referrals_counts_zero():
    nobody = response().query("partner == 'Nobody'").iloc[0]
    assert (nobody["before_90"], nobody["after_90"]) == (0, 0)


def test_summary_and_by_type():
    summary = response_summary_of(response()).set_index("window")
    # 30 days: three touches judged, before 1 + 0 + 0, after 3 + 0 + 0.
    assert summary.loc[30, ["touches", "before", "after", "change"]].tolist() == [3, 1, 3, 2]
    assert summary.loc[30, "change_per_touch"] == pytest.approx(2 / 3)
    assert summary.loc[90, ["touches", "before", "after"]].tolist() == [2, 2, 4]
    kinds = response_by_type_of(response()).set_index("activity_type")
    assert kinds.loc["lunch", ["touches", "before", "after", "change_per_touch"]].tolist() == [
        1,
        2,
        4,
        2,
    ]
    assert kinds.loc["call", "touches"] == 1  # the December call has no 90 days after it
    assert list(kinds.index) == ["lunch", "call"]


def test_no_touches_gives_empty_frames():
    frame = history()
    encoded = encode(frame)
    touches = touches_for(None, tables_of(encoded, YEAR), frame)
    table = touch_response_of(encoded, touches)
    assert table.empty
    summary = response_summary_of(table)
    assert summary["touches"].tolist() == [0, 0, 0]
    assert summary["change_per_touch"].isna().all()
    assert response_by_type_of(table).empty
