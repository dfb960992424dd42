"""Figures of the Valuation readiness page and the reports: the scorecard's 12-month trend
and the stress-test scenarios side by side (a frame in, a `go.Figure` out)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.charts.style import ACCENT, MUTED, OKABE_ITO, level_line, styled
from analytics.metrics.scorecard import LABELS, LINES, SCORECARD_NAMES

__all__ = ["STATUS_COLORS", "STATUS_NAMES", "scenario_chart", "scorecard_trend_chart"]

STATUS_COLORS = {
    "ok": OKABE_ITO["bluish_green"],
    "watch": OKABE_ITO["orange"],
    "risk": OKABE_ITO["vermillion"],
}
STATUS_NAMES = {"ok": "OK", "watch": "Watch", "risk": "Risk"}  # "na" points are not drawn
# Shapes as well as colours, so the status reads in grey print and with any colour vision.
STATUS_SYMBOLS = {"ok": "circle", "watch": "diamond", "risk": "square"}
_PERCENT = {
    "largest_partner_share",
    "top3_share",
    "physician_share",
    "organization_dependence",
    "data_coverage",
}
_TITLES = LABELS | {
    "data_coverage": "Unknown-source share",
    "partners_trend": "Active partners, change on a year",
    "hhi_band": "Concentration (HHI)",
}


def _axis_format(name: str) -> dict:
    if name in _PERCENT:
        return {"tickformat": ".0%"}
    if name == "partners_trend":
        return {"tickformat": "+.0%"}
    return {"tickformat": ",.0f"}


def _hover(name: str) -> str:
    if name in _PERCENT:
        return "%{y:.1%}"
    if name == "partners_trend":
        return "%{y:+.1%}"
    return "%{y:,.0f}"


def scorecard_trend_chart(trend: pd.DataFrame, columns: int = 4) -> go.Figure:
    """One small panel per check: its value over the trailing 12 months ending in each month,
    dots coloured by status, the watch and risk lines dashed."""
    names = [n for n in SCORECARD_NAMES if n in set(trend["name"])]
    rows = max(1, math.ceil(len(names) / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[_TITLES[n] for n in names],
        horizontal_spacing=0.07 if columns > 2 else 0.1,
        # Room for each row's month labels and the next row's title.
        vertical_spacing=0.4 / rows,
    )
    shown_status: set[str] = set()
    # The watch and risk lines as plain shapes, set once (plotly's add_hline: ~20 ms each).
    shapes: list[dict] = []
    for i, name in enumerate(names):
        row, col = divmod(i, columns)
        series = trend[trend["name"] == name]
        values = series["Value"].to_numpy(dtype="float64")
        fig.add_scatter(
            x=series["Month"],
            y=values,
            mode="lines",
            line={"color": MUTED, "width": 1.5},
            showlegend=False,
            hoverinfo="skip",
            row=row + 1,
            col=col + 1,
        )
        for status, color in STATUS_COLORS.items():
            part = series[series["Status"] == status]
            if part.empty:
                continue
            fig.add_scatter(
                x=part["Month"],
                y=part["Value"],
                mode="markers",
                marker={"color": color, "size": 8, "symbol": STATUS_SYMBOLS[status]},
                name=STATUS_NAMES[status],
                legendgroup=status,
                legendrank=list(STATUS_COLORS).index(status),
                showlegend=status not in shown_status,
                hovertemplate="%{x|%b %Y}: " + _hover(name) + "<extra>" + status + "</extra>",
                row=row + 1,
                col=col + 1,
            )
            shown_status.add(status)
        lines = LINES.get(name)
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if lines:
            suffix = "" if i == 0 else str(i + 1)  # the panel's axes, as make_subplots names them
            for level, color in zip(
                lines, (STATUS_COLORS["watch"], STATUS_COLORS["risk"]), strict=True
            ):
                shapes.append(
                    level_line(level, color, yref=f"y{suffix}") | {"xref": f"x{suffix} domain"}
                )
            low, high = min(low, *lines), max(high, *lines)
        pad = (high - low) * 0.12 or (abs(high) * 0.2 or 1.0)
        bottom = low - pad if low < 0 or name == "partners_trend" else 0
        axis = _axis_format(name)
        if name == "dormant_key_referrers":
            axis |= {"dtick": 1}
            high = max(high, 2)
        fig.update_yaxes(range=[bottom, high + pad], row=row + 1, col=col + 1, **axis)
    fig.update_xaxes(tickformat="%b<br>%Y", dtick="M6" if columns > 2 else "M3", tickangle=0)
    fig.update_layout(shapes=shapes)
    fig = styled(
        fig,
        "Each check over the trailing 12 months, month by month",
        height=150 + 250 * rows,
    )
    # The legend sits above the panels' own titles, not on them.
    fig.update_layout(legend={"y": 1.0 + 60 / (250 * rows)}, margin={"t": 130})
    fig.update_annotations(font={"size": 13, "color": ACCENT})
    return fig


def scenario_chart(table: pd.DataFrame) -> go.Figure:
    """Referrals and revenue lost a year per scenario, as shares of the practice's total."""
    fig = go.Figure()
    fig.add_bar(
        x=table["Scenario"],
        y=table["Share of referrals"],
        name="Share of referrals lost",
        marker_color=OKABE_ITO["blue"],
        hovertemplate="%{x}: %{y:.1%} of referrals<extra></extra>",
    )
    if table["Share of revenue"].notna().any():
        fig.add_bar(
            x=table["Scenario"],
            y=table["Share of revenue"],
            name="Share of revenue lost",
            marker_color=OKABE_ITO["orange"],
            hovertemplate="%{x}: %{y:.1%} of revenue<extra></extra>",
        )
    fig.update_layout(barmode="group", bargap=0.35)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return styled(fig, "What each scenario takes away", None, "Share of the practice")
