"""The report's charts as PNG images: the dashboard's own figures, sized for paper and slides,
rendered by kaleido in one shared headless Chromium (started once, reused for every image)."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from analytics import charts
from analytics.charts.valuation import scenario_chart, scorecard_trend_chart
from analytics.report.content import ReportContent

__all__ = ["CHART_WIDTH", "SIZES", "ReportImages", "report_figures", "report_images"]

# Narrower than the dashboard's 1200 px so the charts' 13 px labels read at print size.
CHART_WIDTH = 900
# (width, height) in pixels: portrait-page charts at CHART_WIDTH; the wide trend and the
# narrow scenarios chart are the slides' versions.
SIZES = {
    "mix": (CHART_WIDTH, 420),
    "pareto": (CHART_WIDTH, 520),
    "pareto_wide": (1150, 540),
    "hhi": (CHART_WIDTH, 400),
    "groups": (CHART_WIDTH, 420),
    "scorecard_trend": (1300, 640),
    "scorecard_trend_tall": (CHART_WIDTH, 1150),
    "scenarios": (CHART_WIDTH, 380),
    "scenarios_narrow": (560, 520),
}


@dataclass(frozen=True)
class ReportImages:
    """PNG bytes per chart name, with each image's width and height in pixels."""

    png: dict[str, bytes]
    size: dict[str, tuple[int, int]]

    def aspect(self, name: str) -> float:
        """Height over width."""
        width, height = self.size[name]
        return height / width


def _print_ready(fig: go.Figure, height: int) -> go.Figure:
    # On paper nothing can be hovered or zoomed: the title stays, the height fits the page.
    fig = go.Figure(fig)
    fig.update_layout(height=height, hovermode=False)
    return fig


def report_figures(content: ReportContent) -> dict[str, go.Figure]:
    """The figures a report shows, built by the same chart functions as the pages."""
    figures = {
        "mix": charts.mix_chart(content.overview.mix_monthly),
        "pareto": charts.pareto_chart(content.concentration.pareto, content.concentration.basis),
        "pareto_wide": charts.pareto_chart(
            content.concentration.pareto, content.concentration.basis
        ),
        "hhi": charts.hhi_chart(content.concentration.hhi_trend),
        "groups": charts.group_share_chart(content.dependence.groups_monthly),
    }
    if not content.scorecard_trend.empty:
        figures["scorecard_trend"] = scorecard_trend_chart(content.scorecard_trend)
        # Two panels a row for a portrait page.
        figures["scorecard_trend_tall"] = scorecard_trend_chart(content.scorecard_trend, 2)
    if content.scenarios:
        figures["scenarios"] = scenario_chart(content.scenario_table)
        figures["scenarios_narrow"] = scenario_chart(content.scenario_table)
    return {name: _print_ready(fig, SIZES[name][1]) for name, fig in figures.items()}


def report_images(content: ReportContent) -> ReportImages:
    """Every report chart as a PNG (twice screen resolution, for print)."""
    png, size = {}, {}
    for name, fig in report_figures(content).items():
        png[name] = charts.to_png(fig, width=SIZES[name][0])
        size[name] = SIZES[name]
    return ReportImages(png=png, size=size)
