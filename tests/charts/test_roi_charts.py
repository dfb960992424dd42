"""The ROI and engagement figures: built from the page frames, one look, nothing dropped."""

from __future__ import annotations

import math

import pandas as pd

from analytics.charts.roi import (
    activity_type_chart,
    cadence_chart,
    contact_chart,
    growth_chart,
    response_chart,
    roi_scatter,
)
from analytics.charts.style import LABEL_COLORS

SCATTER = pd.DataFrame(
    {
        "Partner": ["Okafor", "Lane", "Gym", "Chiro"],
        "Type": ["Physician", "Physician", "Health & wellness", "Chiropractor"],
        "Cost": [120.0, 200.0, 0.0, 30.0],
        "Touches": [2, 2, 1, 1],
        "Referrals": [3, 0, 1, 2],
        "Revenue": [1000.0, 0.0, 50.0, 300.0],
        "ROI": [880 / 120, -1.0, math.nan, 9.0],
        "Quadrant": ["invest more", "rethink", "drop", "keep"],
    }
)


def test_scatter_one_trace_per_type_every_partner_drawn():
    fig = roi_scatter(SCATTER, 75.0, 175.0, "Revenue")
    names = [t.name for t in fig.data]
    assert names == [label for label in LABEL_COLORS if label in set(SCATTER["Type"])]
    assert sum(len(t.x) for t in fig.data) == len(SCATTER)
    for trace in fig.data:
        assert trace.marker.color == LABEL_COLORS[trace.name]
        assert min(trace.marker.size) >= 1  # a partner that sent no one still shows
    # Zeros sit on the axes' first tick, labelled $0.
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis.ticktext[0] == "$0"
    lane = next(t for t in fig.data if t.name == "Physician")
    assert lane.y[1] == fig.layout.yaxis.tickvals[0]
    labels = {a.text for a in fig.layout.annotations}
    assert {"<b>Invest more</b>", "<b>Keep</b>", "<b>Rethink</b>", "<b>Review</b>"} <= labels
    assert any(s.x0 == 75.0 for s in fig.layout.shapes)
    assert any(s.y0 == 175.0 for s in fig.layout.shapes)


def test_scatter_of_nothing_is_an_empty_figure():
    assert roi_scatter(SCATTER.iloc[:0], None, None, "Revenue").data == ()


def test_activity_and_response_charts():
    by_type = pd.DataFrame(
        {
            "Activity": ["Lunch", "Call"],
            "Touches": [2, 1],
            "Cost": [170.0, 0.0],
            "Revenue (shared)": [500.0, 500.0],
        }
    )
    fig = activity_type_chart(by_type)
    assert list(fig.data[0].x) == [170.0, 0.0] and list(fig.data[1].x) == [500.0, 500.0]
    response = pd.DataFrame(
        {
            "Window": ["30 days", "60 days"],
            "Touches judged": [3, 2],
            "Referrals before": [1.0, 1.0],
            "Referrals after": [3.0, 3.0],
        }
    )
    fig = response_chart(response)
    assert [t.name for t in fig.data] == ["Before the touch", "After the touch"]
    assert list(fig.data[1].y) == [3.0, 3.0]


def test_contact_chart_puts_never_contacted_in_their_own_column():
    contacts = pd.DataFrame(
        {
            "Partner": ["A", "B", "C"],
            "Type": ["Physician", "Physician", "Chiropractor"],
            "Days since contact": [10.0, math.nan, 90.0],
            "Revenue": [600.0, 300.0, 0.0],
            "Referrals": [6, 3, 0],
            "Valuable": [True, True, False],
            "Overdue": [False, True, False],
        }
    )
    fig = contact_chart(contacts, 60, "Revenue")
    physicians = next(t for t in fig.data if t.name == "Physician")
    assert physicians.x[0] == 10.0 and physicians.x[1] > 90.0
    assert fig.layout.xaxis.ticktext[-1] == "<b>Never</b>"
    assert any(s.x0 == 60 for s in fig.layout.shapes)


def test_cadence_and_growth_charts():
    months = pd.date_range("2025-01-01", periods=2, freq="MS")
    cadence = pd.DataFrame(
        {
            "Partner": ["A", "A", "B", "B"],
            "Month": list(months) * 2,
            "Touches": [2, 0, 0, 1],
            "Cost": [100.0, 0.0, 0.0, 10.0],
            "Referrals": [1, 3, 0, 0],
        }
    )
    fig = cadence_chart(cadence)
    z = fig.data[0].z
    assert z[0][0] == 2 and math.isnan(z[0][1]) and z[1][1] == 1
    growth = pd.DataFrame({"Month": months, "Word-of-mouth share": [0.1, 0.12]})
    fig = growth_chart(growth, "Word-of-mouth share", 0.15, "Patients referring friends")
    assert any(s.y0 == 0.15 for s in fig.layout.shapes)
    assert fig.layout.yaxis.tickformat == ".0%"
