"""Chart builders, checked as figure objects: traces, values, colours, threshold lines, labels."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics import charts
from analytics.charts.style import LABEL_COLORS, TYPE_COLORS
from analytics.charts.ticks import month_ticks
from analytics.filters import Filters
from analytics.metrics.monthly import GROUPS
from analytics.metrics.periods import encode
from analytics.schema import SOURCE_TYPES
from analytics.views.alerts import trends_page
from analytics.views.dependence import dependence_page
from analytics.views.overview import concentration_page, overview_page
from tests.frames import daily_rows, make_frame, repeat

MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))
LONG_NAME = "Riverside University Athletics Department of Sports Medicine"


@pytest.fixture
def practice() -> pd.DataFrame:
    return make_frame(
        repeat("2025-02-03", "Dr A", "physician", 2, payments=90.0)
        + repeat("2025-03-03", "Dr A", "physician", 5, payments=100.0, arrived=True)
        + repeat("2025-03-10", "Dr B", "chiropractor", 3, payments=50.0)
        + repeat("2025-03-12", LONG_NAME, "organization", 1, payments=10.0)
        + repeat("2025-03-20", "Mom", "patient", 2, payments=25.0)
    )


def titles(fig) -> str:
    return fig.layout.title.text


def test_palette_is_okabe_ito_and_covers_every_type():
    assert set(TYPE_COLORS) == set(SOURCE_TYPES)
    assert len(set(TYPE_COLORS.values())) == len(SOURCE_TYPES)  # one colour per type
    assert set(TYPE_COLORS.values()) - {"#BBBBBB"} <= set(charts.OKABE_ITO.values())


def test_mix_chart_stacks_one_bar_trace_per_type_present(practice):
    page = overview_page(encode(practice), Filters(start=date(2025, 2, 1), end=MARCH.end))
    fig = charts.mix_chart(page.mix_monthly)
    names = [t.name for t in fig.data]
    assert names == ["Physician", "Chiropractor", "Organization", "Patient word-of-mouth"]
    assert fig.layout.barmode == "stack"
    physician = fig.data[0]
    assert list(physician.y) == [2, 5]
    assert physician.marker.color == LABEL_COLORS["Physician"]
    assert titles(fig) == "Referrals per month, by source"
    assert fig.layout.yaxis.title.text == "Referrals"
    assert fig.layout.legend.traceorder == "normal"


def test_pareto_chart_has_cumulative_line_and_80_percent_mark(practice):
    page = concentration_page(encode(practice), MARCH)
    fig = charts.pareto_chart(page.pareto, page.basis)
    bars = [t for t in fig.data if t.type == "bar"]
    line = next(t for t in fig.data if t.type == "scatter")
    assert sum(len(b.x) for b in bars) == 3
    assert {b.name for b in bars} == {"Physician", "Chiropractor", "Organization"}
    # The line reads the right axis and ends at 100% of partner referrals (5, 3, 1 of 9).
    assert line.yaxis == "y2"
    assert list(line.y) == pytest.approx([5 / 9, 8 / 9, 1.0])
    eighty = [s for s in fig.layout.shapes if s.type == "line" and s.y0 == 0.8]
    assert eighty and eighty[0].yref == "y2"
    assert any("2 partners send 80%" in a.text for a in fig.layout.annotations)
    # Clicks carry the full partner name; tick labels are cut so long names cannot overflow.
    assert [b.customdata[0][0] for b in bars if b.name == "Organization"] == [LONG_NAME]
    assert all(len(t) <= 22 for t in fig.layout.xaxis.ticktext)
    assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.yaxis2.tickformat == ".0%"
    assert titles(fig) == "Partners ranked by referrals"


def test_pareto_chart_shows_the_top_partners_only():
    frame = make_frame([("2025-03-03", f"Partner {i:02d}", "physician", 30 - i) for i in range(30)])
    page = concentration_page(encode(frame), MARCH)
    fig = charts.pareto_chart(page.pareto, "referrals", top=10)
    assert sum(len(t.x) for t in fig.data if t.type == "bar") == 10
    assert titles(fig) == "Partners ranked by referrals (top 10 of 30)"


def test_lorenz_chart(practice):
    page = concentration_page(encode(practice), MARCH)
    fig = charts.lorenz_chart(page.lorenz, page.concentration["gini"], page.basis)
    diagonal, curve = fig.data
    assert list(diagonal.x) == [0, 1] and list(diagonal.y) == [0, 1]
    assert list(curve.x) == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert list(curve.y) == pytest.approx([0, 1 / 9, 4 / 9, 1])
    assert titles(fig) == f"Lorenz curve (Gini {page.concentration['gini']:.2f})"
    assert fig.layout.xaxis.title.text == "Share of partners, smallest first"


def test_type_treemap_nests_partners_under_types(practice):
    page = concentration_page(encode(practice), MARCH)
    fig = charts.type_treemap(page.partners, "referrals")
    tree = fig.data[0]
    parents = dict(zip(tree.ids, tree.parents, strict=True))
    values = dict(zip(tree.ids, tree.values, strict=True))
    assert parents["p/Dr A"] == "type/Physician" and parents["type/Physician"] == "all"
    assert values["all"] == 9 and values["type/Chiropractor"] == 3
    assert tree.branchvalues == "total"
    assert LONG_NAME not in tree.labels  # shortened on the box, full in the hover
    assert LONG_NAME in tree.customdata
    # The subtitle names the base: shares of partner referrals, not of all referrals.
    assert fig.layout.title.subtitle.text == "% of partner referrals (9)"


def test_hhi_chart_draws_the_band_thresholds(practice):
    page = concentration_page(encode(practice), Filters(start=date(2025, 2, 1), end=MARCH.end))
    fig = charts.hhi_chart(page.hhi_trend)
    lines = sorted(s.y0 for s in fig.layout.shapes if s.type == "line")
    assert lines == [1_000, 1_800]
    assert {a.text for a in fig.layout.annotations} >= {"Moderate: 1,000", "High: 1,800"}
    trailing = next(t for t in fig.data if t.name == "Trailing 12 months")
    # Feb: A 2 of 2 -> 10,000; Feb+Mar: A 7, B 3, org 1 of 13 -> (49 + 9 + 1) / 169.
    assert list(trailing.y) == pytest.approx([10_000, 590_000 / 169])
    assert fig.layout.yaxis.range[1] >= 10_000
    assert fig.layout.yaxis.title.text == "HHI (0 to 10,000)"


def test_group_share_chart_has_referral_and_revenue_panels(practice):
    page = dependence_page(encode(practice), MARCH)
    fig = charts.group_share_chart(page.groups_monthly)
    assert [t.name for t in fig.data] == [
        GROUPS[0],
        GROUPS[0],
        GROUPS[1],
        GROUPS[1],
        GROUPS[2],
        GROUPS[2],
    ]
    referral_physicians = fig.data[0]
    assert list(referral_physicians.y) == pytest.approx([5 / 11])
    revenue_physicians = fig.data[1]
    assert list(revenue_physicians.y) == pytest.approx([500 / 710])
    assert fig.layout.xaxis.title.text == "Share of referrals"
    assert fig.layout.xaxis2.title.text == "Share of revenue"
    assert sum(t.showlegend for t in fig.data) == 3  # one legend entry per group


def test_group_share_chart_without_revenue():
    frame = make_frame(repeat("2025-03-03", "Dr A", "physician", 2))
    page = dependence_page(encode(frame), MARCH)
    fig = charts.group_share_chart(page.groups_monthly)
    assert len(fig.data) == 3 and "xaxis2" not in fig.layout.to_plotly_json()


def test_trend_and_won_lost_charts():
    history = make_frame(
        [
            ("2024-01-05", "A", "physician"),
            ("2025-02-10", "B", "physician"),
            ("2025-06-20", "C", "physician"),
        ]
    )
    page = trends_page(encode(history), Filters(start=date(2025, 1, 1), end=date(2025, 6, 30)))
    trend = charts.trend_chart(page.monthly)
    assert [t.name for t in trend.data] == ["Referrals", "Active partners (right axis)"]
    assert trend.data[1].yaxis == "y2" and trend.layout.yaxis2.tickmode == "auto"
    won_lost = charts.won_lost_chart(page.won_lost)
    won, lost = won_lost.data
    assert list(won.y)[1] == 1  # B won in February
    assert list(lost.y)[1] == -1  # ...and lost in February: plotted downwards
    assert won_lost.layout.barmode == "relative"


def test_evidence_chart_has_a_panel_per_flagged_partner():
    steady = [1 if i % 3 == 0 else 0 for i in range(365)]
    history = make_frame(
        daily_rows("Dr Fading", "physician", steady + [0] * 90, "2024-01-01")
        + daily_rows(
            "Dr Slow",
            "physician",
            steady + [1 if i % 30 == 0 else 0 for i in range(90)],
            "2024-01-01",
        )
    )
    end = pd.Timestamp("2024-01-01") + pd.Timedelta(days=454)
    page = trends_page(encode(history), Filters(start=date(2025, 1, 1), end=end.date()))
    fig = charts.evidence_chart(page.evidence, page.end_date)
    panels = [a.text for a in fig.layout.annotations]
    assert panels == ["Dr Fading (declining)", "Dr Slow (declining)"]
    assert len([t for t in fig.data if t.type == "bar"]) == 2
    shaded = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(shaded) == 2  # the last 90 days, on each panel


def test_partner_chart(practice):
    monthly = pd.DataFrame(
        {
            "Month": pd.to_datetime(["2025-02-01", "2025-03-01"]),
            "Referrals": [2, 5],
            "Arrived": [0, 5],
            "Revenue": [180.0, 500.0],
        }
    )
    fig = charts.partner_chart(monthly, LONG_NAME, LABEL_COLORS["Organization"])
    assert [t.name for t in fig.data] == [
        "Referrals",
        "Arrived (evaluated)",
        "Revenue (right axis)",
    ]
    assert fig.data[0].marker.color == LABEL_COLORS["Organization"]
    assert fig.layout.yaxis2.tickprefix == "$"
    assert titles(fig).startswith("Riverside University") and len(titles(fig)) < 80


@pytest.mark.parametrize(
    ("event", "partner"),
    [
        (None, None),
        ({"selection": {"points": []}}, None),
        ({"selection": {"points": [{"customdata": ["Dr A"], "x": 1}]}}, "Dr A"),
        ({"selection": {"points": [{"customdata": "Dr B"}]}}, "Dr B"),
        ({"selection": {"points": [{"x": 3}]}}, None),
    ],
)
def test_selected_partner(event, partner):
    assert charts.selected_partner(event) == partner


@pytest.mark.parametrize(
    ("months", "dtick"), [(1, "M1"), (12, "M1"), (13, "M2"), (24, "M2"), (60, "M6")]
)
def test_month_ticks_thin_out(months, dtick):
    fig = charts.trend_chart(
        pd.DataFrame(
            {
                "Month": pd.date_range("2020-01-01", periods=months, freq="MS"),
                "Referrals": 1,
                "Active partners": 1,
            }
        )
    )
    month_ticks(fig, months)
    assert fig.layout.xaxis.dtick == dtick and fig.layout.xaxis.tickangle == 0


def test_png_export(practice):
    if not charts.png_available():
        pytest.skip("Chromium is not installed: PNG export falls back to the chart's camera icon.")
    page = concentration_page(encode(practice), MARCH)
    try:
        png = charts.to_png(charts.lorenz_chart(page.lorenz, 0.3, "referrals"), width=600)
    finally:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)  # not left running past the test
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("top", "step"), [(0, 1), (5, 1), (6, 2), (10, 2), (11, 5), (31, 10), (51, 20), (300, 100)]
)
def test_evidence_ticks_are_round_whole_numbers(top, step):
    from analytics.charts.time import _whole_step

    assert _whole_step(top) == step


def test_type_treemap_folds_small_partners_into_one_box_per_type():
    frame = make_frame(
        [("2025-03-03", f"Dr {i:02d}", "physician", 20 - i) for i in range(10)]
        + [("2025-03-04", f"Chiro {i}", "chiropractor", 1) for i in range(3)]
    )
    page = concentration_page(encode(frame), MARCH)
    tree = charts.type_treemap(page.partners, "referrals", top=4).data[0]
    values = dict(zip(tree.ids, tree.values, strict=True))
    labels = dict(zip(tree.ids, tree.labels, strict=True))
    assert [i for i in tree.ids if i.startswith("p/")] == [
        "p/Dr 00",
        "p/Dr 01",
        "p/Dr 02",
        "p/Dr 03",
    ]
    assert labels["rest/Physician"] == "6 other partners"
    assert values["rest/Physician"] == sum(20 - i for i in range(4, 10))
    assert values["rest/Chiropractor"] == 3
    assert values["all"] == sum(20 - i for i in range(10)) + 3


def test_scorecard_trend_chart_draws_each_panels_watch_and_risk_lines():
    months = pd.date_range("2026-01-01", periods=3, freq="MS")
    trend = pd.DataFrame(
        {
            "Month": list(months) * 2,
            "name": ["top3_share"] * 3 + ["dormant_key_referrers"] * 3,
            "Check": ["Top 3"] * 3 + ["Dormant"] * 3,
            "Value": [0.3, 0.4, 0.6, 0.0, 1.0, 2.0],
            "Status": ["ok", "watch", "risk", "ok", "watch", "risk"],
        }
    )
    fig = charts.scorecard_trend_chart(trend)
    lines = [(s.xref, s.yref, s.y0, s.line.color) for s in fig.layout.shapes]
    # Top 3 is the first panel (watch 35 %, risk 50 %); the dormant panel has no lines.
    assert lines == [
        ("x domain", "y", 0.35, "#E69F00"),
        ("x domain", "y", 0.5, "#D55E00"),
    ]
