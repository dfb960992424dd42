"""Plotly figures for the dashboard and the reports: a frame in, a `go.Figure` out."""

from analytics.charts.export import PNG_MISSING, png_available, to_png
from analytics.charts.portfolio import portfolio_chart
from analytics.charts.roi import (
    activity_type_chart,
    cadence_chart,
    contact_chart,
    growth_chart,
    response_chart,
    roi_scatter,
)
from analytics.charts.select import selected_partner
from analytics.charts.sources import lorenz_chart, mix_chart, pareto_chart, type_treemap
from analytics.charts.style import GROUP_COLORS, LABEL_COLORS, OKABE_ITO, TYPE_COLORS
from analytics.charts.time import (
    evidence_chart,
    group_share_chart,
    hhi_chart,
    partner_chart,
    trend_chart,
    won_lost_chart,
)
from analytics.charts.valuation import scenario_chart, scorecard_trend_chart

__all__ = [
    "GROUP_COLORS",
    "LABEL_COLORS",
    "OKABE_ITO",
    "PNG_MISSING",
    "TYPE_COLORS",
    "activity_type_chart",
    "cadence_chart",
    "contact_chart",
    "evidence_chart",
    "group_share_chart",
    "growth_chart",
    "hhi_chart",
    "lorenz_chart",
    "mix_chart",
    "pareto_chart",
    "partner_chart",
    "png_available",
    "portfolio_chart",
    "response_chart",
    "roi_scatter",
    "scenario_chart",
    "scorecard_trend_chart",
    "selected_partner",
    "to_png",
    "trend_chart",
    "type_treemap",
    "won_lost_chart",
]
