"""This week's action list: slipping, call, thank; its CSV is formula-safe and its printable
page escapes what came from uploaded files."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.filters import Filters
from analytics.metrics.alerts import DECLINING_COLUMNS, DORMANT_COLUMNS
from analytics.metrics.periods import encode, tables_of
from analytics.outreach.actions import ACTION_COLUMNS, action_list_html, this_week_of
from analytics.outreach.engagement import contacts_of
from analytics.outreach.roi import partner_roi_of
from analytics.outreach.touches import partner_types_of, period_days, touches_for
from analytics.safe_csv import to_safe_csv
from tests.frames import make_frame, repeat
from tests.outreach.test_roi import make_activities

PERIOD = Filters(start=date(2025, 1, 1), end=date(2025, 6, 30))
EVIL = '=HYPERLINK("http://x")<script>'


def setting():
    """Big: the most valuable partner, never contacted. Slip: valuable, contacted long ago, and
    dormant. Fresh: one in January, 2 in June, no contact. Newbie: first referral ever on Jun 20.
    Single: one June referral after one in February (not thanked). Called: 2 in June but called
    on Jun 15."""
    rows = []
    for month in ("01", "02", "03", "04", "05", "06"):
        rows += repeat(f"2025-{month}-02", "Big", "physician", 10, payments=100)
    for month in ("01", "02", "03"):
        rows += repeat(f"2025-{month}-03", "Slip", "physician", 4, payments=100)
    rows += repeat("2025-01-10", "Fresh", "chiropractor", 1, payments=50)
    rows += repeat("2025-06-10", "Fresh", "chiropractor", 2, payments=50)
    rows += repeat("2025-06-20", "Newbie", "health_wellness", 1, payments=50)
    rows += repeat("2025-02-11", "Single", "physician", 1, payments=50)
    rows += repeat("2025-06-11", "Single", "physician", 1, payments=50)
    rows += repeat("2025-06-12", "Called", "physician", 2, payments=50)
    rows += repeat("2025-06-13", EVIL, "physician", 2, payments=50)
    rows += repeat("2025-06-14", "Friend", "patient", 5, payments=50)
    frame = make_frame(rows)
    acts = make_activities(
        [("2025-01-15", "Slip", "Slip", "lunch", 80), ("2025-06-15", "Called", "Called", "call", 0)]
    )
    encoded = encode(frame)
    tables = tables_of(encoded, PERIOD)
    touches = touches_for(acts, tables, frame)
    end = period_days(tables)[1]
    roi = partner_roi_of(tables, touches, partner_types_of(encoded, end))
    return contacts_of(roi, 60), encoded, end


def dormant_slip() -> pd.DataFrame:
    return pd.DataFrame(
        [("Slip", "physician", pd.Timestamp("2025-03-03"), 2.0, 0.1)], columns=DORMANT_COLUMNS
    )


def test_actions_in_order_each_partner_once():
    contacts, encoded, end = setting()
    declining = pd.DataFrame({c: [] for c in DECLINING_COLUMNS})
    actions = this_week_of(contacts, declining, dormant_slip(), encoded, end, 60)
    assert tuple(actions.columns) == ACTION_COLUMNS
    listed = list(zip(actions["Action"], actions["Partner"], strict=True))
    # Partner revenue 6,000 (Big) + 1,200 (Slip) + 150 + 3 x 100 + 50 = 7,700: Big is 77.9%, under
    # 80%, so Slip is valuable too (and listed once, as slipping).
    assert listed[:2] == [("Slipping", "Slip"), ("Call", "Big")]
    thanked = [p for a, p in listed if a == "Thank"]
    # June 1-30: Fresh (2), the =HYPERLINK partner (2), Newbie (first ever); Single sent one,
    # Called was called on Jun 15, Friend is a patient channel.
    assert thanked == [EVIL, "Fresh", "Newbie"]
    assert len(set(actions["Partner"])) == len(actions)
    slip = actions.iloc[0]
    assert slip["Why"] == "Dormant since Mar 3, 2025, was 2.0 a month"
    assert slip["Last contact"] == "166 days ago"  # Jan 15 to Jun 30
    big = actions.iloc[1]
    assert big["Why"] == "No. 1 by revenue, no contact in 60 days"
    assert big["Last contact"] == "never"
    assert big["Referrals"] == 60 and big["Revenue"] == 6000.0
    assert big["Last referral"] == pd.Timestamp("2025-06-02")
    newbie = actions[actions["Partner"] == "Newbie"].iloc[0]
    assert newbie["Why"] == "New since Jun 20, 2025, 1 referral"
    fresh = actions[actions["Partner"] == "Fresh"].iloc[0]
    assert fresh["Why"] == "Sent 2 referrals in 30 days"


def test_no_end_gives_an_empty_list():
    contacts, encoded, _ = setting()
    empty = pd.DataFrame({c: [] for c in DECLINING_COLUMNS})
    assert this_week_of(contacts, empty, empty, encoded, None, 60).empty


def test_csv_is_formula_safe_and_html_is_escaped():
    contacts, encoded, end = setting()
    declining = pd.DataFrame({c: [] for c in DECLINING_COLUMNS})
    actions = this_week_of(contacts, declining, dormant_slip(), encoded, end, 60)
    text = to_safe_csv(actions).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    page = action_list_html(actions, "This week", "Week ending Jun 30, 2025 & co")
    assert "<script>" not in page
    assert "=HYPERLINK(&quot;http://x&quot;)&lt;script&gt;" in page
    assert "Week ending Jun 30, 2025 &amp; co" in page
    assert page.count("<h2>") == 3 and "window.print()" in page
    assert "@media print" in page


def test_printable_page_without_actions():
    empty = pd.DataFrame({c: [] for c in ACTION_COLUMNS})
    assert "Nothing to do this week" in action_list_html(empty, "t", "s")
