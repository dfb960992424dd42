"""Charts over months: HHI with its bands, physician share, trend, won/lost, alert evidence."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.charts.style import (
    ACCENT,
    GROUP_COLORS,
    MUTED,
    NEUTRAL,
    OKABE_ITO,
    RIGHT_AXIS,
    WON_LOST_COLORS,
    band,
    level_line,
    line_label,
    styled,
)
from analytics.charts.ticks import month_ticks
from analytics.formatting import short_name
from analytics.metrics.concentration import HHI_HIGH, HHI_MODERATE

__all__ = [
    "evidence_chart",
    "group_share_chart",
    "hhi_chart",
    "partner_chart",
    "trend_chart",
    "won_lost_chart",
]

PANEL_TITLES = {"Referral share": "Share of referrals", "Revenue share": "Share of revenue"}
RECENT_FILL = "rgba(213, 94, 0, 0.10)"
BAND_FILLS = {"moderate": "rgba(230, 159, 0, 0.08)", "high": "rgba(213, 94, 0, 0.08)"}


def hhi_chart(hhi_trend: pd.DataFrame) -> go.Figure:
    """Trailing-12-month HHI per month, with the 1,000 and 1,800 band lines drawn and shaded."""
    trailing = hhi_trend["HHI, trailing 12 months"]
    top = max(2_200.0, float(np.nanmax(trailing.to_numpy(dtype=float), initial=0)) * 1.15)
    fig = go.Figure()
    vermillion = OKABE_ITO["vermillion"]
    fig.update_layout(
        shapes=[
            band(y=(HHI_MODERATE, HHI_HIGH), fill=BAND_FILLS["moderate"]),
            band(y=(HHI_HIGH, top), fill=BAND_FILLS["high"]),
            level_line(HHI_MODERATE, vermillion),
            level_line(HHI_HIGH, vermillion),
        ],
        annotations=[
            line_label("Moderate: 1,000", HHI_MODERATE, vermillion),
            line_label("High: 1,800", HHI_HIGH, vermillion),
        ],
    )
    fig.add_scatter(
        x=hhi_trend["Month"],
        y=hhi_trend["HHI, this month"],
        name="This month alone",
        mode="markers",
        marker={"color": MUTED, "size": 6},
        hovertemplate="%{x|%b %Y}: HHI %{y:,.0f} this month<extra></extra>",
    )
    fig.add_scatter(
        x=hhi_trend["Month"],
        y=trailing,
        name="Trailing 12 months",
        mode="lines+markers",
        line={"color": ACCENT, "width": 2.5},
        marker={"size": 5},
        hovertemplate="%{x|%b %Y}: HHI %{y:,.0f} over 12 months<extra></extra>",
    )
    fig.update_yaxes(range=[0, top], tickformat=",.0f")
    month_ticks(fig, len(hhi_trend))
    return styled(fig, "Referral concentration (HHI) over time", None, "HHI (0 to 10,000)")


def group_share_chart(groups_monthly: pd.DataFrame) -> go.Figure:
    """Per month, the share of referrals (left) and of revenue (right) from physicians, other
    partners, and patients & other channels, as 100% stacked bars."""
    has_revenue = bool(groups_monthly["Revenue share"].notna().any())
    panels = ["Referral share", "Revenue share"] if has_revenue else ["Referral share"]
    fig = make_subplots(rows=1, cols=len(panels), shared_yaxes=True, horizontal_spacing=0.05)
    for group, color in GROUP_COLORS.items():
        rows = groups_monthly[groups_monthly["Group"] == group]
        for col, panel in enumerate(panels, start=1):
            fig.add_bar(
                x=rows["Month"],
                y=rows[panel],
                name=group,
                legendgroup=group,
                showlegend=col == 1,
                marker_color=color,
                hovertemplate="%{x|%b %Y}<br>" + group + ": %{y:.1%}<extra></extra>",
                row=1,
                col=col,
            )
    fig.update_layout(barmode="stack", bargap=0.2)
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    month_ticks(fig, groups_monthly["Month"].nunique(), panel_width=12 // len(panels))
    fig = styled(fig, "Physicians against other partners, per month", None, "Share")
    # Each panel names what it splits under its own axis.
    for col, panel in enumerate(panels, start=1):
        fig.update_xaxes(title_text=PANEL_TITLES[panel], row=1, col=col)
    return fig


def trend_chart(monthly: pd.DataFrame) -> go.Figure:
    """Referrals per month (bars) and partners active that month (line, right axis)."""
    fig = go.Figure()
    fig.add_bar(
        x=monthly["Month"],
        y=monthly["Referrals"],
        name="Referrals",
        marker_color=NEUTRAL,
        hovertemplate="%{x|%b %Y}: %{y:,} referrals<extra></extra>",
    )
    fig.add_scatter(
        x=monthly["Month"],
        y=monthly["Active partners"],
        name="Active partners (right axis)",
        mode="lines+markers",
        line={"color": OKABE_ITO["orange"], "width": 2.5},
        yaxis="y2",
        hovertemplate="%{x|%b %Y}: %{y:,} partners referred<extra></extra>",
    )
    fig.update_layout(
        yaxis2=RIGHT_AXIS | {"rangemode": "tozero", "title": {"text": "Active partners"}}
    )
    month_ticks(fig, len(monthly))
    return styled(fig, "Referrals and active partners, per month", None, "Referrals")


def won_lost_chart(won_lost: pd.DataFrame) -> go.Figure:
    """Partners won (up) and lost (down) per month."""
    fig = go.Figure()
    fig.add_bar(
        x=won_lost["Month"],
        y=won_lost["Won"],
        name="Won: first referral ever",
        marker_color=WON_LOST_COLORS["Won"],
        hovertemplate="%{x|%b %Y}: %{y:,} new partners<extra></extra>",
    )
    fig.add_bar(
        x=won_lost["Month"],
        y=-won_lost["Lost"],
        name="Lost: last referral, none in 90 days since",
        marker_color=WON_LOST_COLORS["Lost"],
        customdata=won_lost["Lost"],
        hovertemplate="%{x|%b %Y}: %{customdata:,} partners lost<extra></extra>",
    )
    fig.update_layout(
        barmode="relative", bargap=0.25, shapes=[level_line(0, MUTED, dash="solid", width=1)]
    )
    month_ticks(fig, len(won_lost))
    return styled(fig, "Partners won and lost, per month", None, "Partners")


def _whole_step(top: float, ticks: int = 5) -> int:
    """A round tick step (1, 2, 5, 10, 20, 50...) giving at most about `ticks` ticks to `top`."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if step * ticks >= top:
                return step
        magnitude *= 10


def _panel_grid(count: int, columns: int, gap_x: float = 0.06, gap_y: float = 0.2):
    """(x domain, y domain) of `count` small panels laid out `columns` to a row."""
    rows = max(1, math.ceil(count / columns))
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    for i in range(count):
        row, col = divmod(i, columns)
        left = col * (width + gap_x)
        top = 1 - row * (height + gap_y)
        yield [left, left + width], [top - height, top]


def evidence_chart(evidence: pd.DataFrame, end: pd.Timestamp, columns: int = 3) -> go.Figure:
    """One small panel per flagged partner: monthly referrals against the earlier pace, the
    last 90 days (declining) or 60 days (dormant) shaded."""
    names = list(dict.fromkeys(evidence["Partner"]))
    rows = max(1, math.ceil(len(names) / columns))
    flags = dict(zip(evidence["Partner"], evidence["Flag"], strict=False))
    # Built as one layout, not with make_subplots: a page rerun pays for every plotly update.
    traces, shapes, annotations, layout = [], [], [], {}
    panels = _panel_grid(len(names), columns, gap_y=0.22 if rows > 1 else 0.1)
    for i, (name, (x_domain, y_domain)) in enumerate(zip(names, panels, strict=False)):
        suffix = str(i + 1) if i else ""
        series = evidence[evidence["Partner"] == name]
        top = max(float(series["Referrals"].max()), float(series["Earlier pace per month"].max()))
        traces += [
            go.Bar(
                x=series["Month"],
                y=series["Referrals"],
                name="Referrals per month",
                marker_color=NEUTRAL,
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                hovertemplate="%{x|%b %Y}: %{y:,}<extra>" + short_name(name, 30) + "</extra>",
            ),
            go.Scatter(
                x=series["Month"],
                y=series["Earlier pace per month"],
                name="Earlier pace per month",
                mode="lines",
                line={"color": OKABE_ITO["vermillion"], "dash": "dash", "width": 2},
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                hovertemplate="Earlier pace: %{y:.1f} a month<extra></extra>",
            ),
        ]
        layout[f"xaxis{suffix}"] = {
            "domain": x_domain,
            "anchor": f"y{suffix}",
            # "Oct 25": a panel a third of a laptop screen wide has no room for four-digit
            # years every three months.
            "tickformat": "%b<br>%y",
            "dtick": "M4",
            "tickangle": 0,
        }
        # Whole referrals on the axis, however few.
        layout[f"yaxis{suffix}"] = {
            "domain": y_domain,
            "anchor": f"x{suffix}",
            "rangemode": "tozero",
            "tick0": 0,
            "dtick": _whole_step(top),
        }
        days = 90 if flags[name] == "declining" else 60
        recent = (end - pd.Timedelta(days=days - 1), end + pd.Timedelta(days=15))
        shapes.append(band(x=recent, fill=RECENT_FILL, axis=suffix))
        annotations.append(
            {"text": f"{short_name(name, 30)} ({flags[name]})", "xref": "paper",
             "x": sum(x_domain) / 2, "xanchor": "center", "yref": "paper", "y": y_domain[1],
             "yanchor": "bottom", "showarrow": False, "font": {"size": 13, "color": ACCENT}}
        )  # fmt: skip
    fig = go.Figure(data=traces, layout={**layout, "shapes": shapes, "annotations": annotations})
    fig = styled(
        fig,
        "The evidence: monthly referrals against each partner's earlier pace",
        height=130 + 260 * rows,
        legend=False,
    )
    # Room between the chart's title and the panels' own titles.
    fig.update_layout(margin={"t": 56})
    return fig


def partner_chart(monthly: pd.DataFrame, name: str, color: str) -> go.Figure:
    """One partner's referrals per month (bars) and revenue (line, right axis, when exported)."""
    fig = go.Figure()
    fig.add_bar(
        x=monthly["Month"],
        y=monthly["Referrals"],
        name="Referrals",
        marker_color=color,
        hovertemplate="%{x|%b %Y}: %{y:,} referrals<extra></extra>",
    )
    fig.add_bar(
        x=monthly["Month"],
        y=monthly["Arrived"],
        name="Arrived (evaluated)",
        marker_color=MUTED,
        hovertemplate="%{x|%b %Y}: %{y:,} came in<extra></extra>",
    )
    if monthly["Revenue"].notna().any():
        fig.add_scatter(
            x=monthly["Month"],
            y=monthly["Revenue"],
            name="Revenue (right axis)",
            mode="lines+markers",
            line={"color": OKABE_ITO["orange"], "width": 2.5},
            yaxis="y2",
            hovertemplate="%{x|%b %Y}: $%{y:,.0f}<extra></extra>",
        )
        fig.update_layout(
            yaxis2=RIGHT_AXIS
            | {
                "rangemode": "tozero",
                "tickprefix": "$",
                "tickformat": "~s",
                "title": {"text": "Revenue"},
            }
        )
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    month_ticks(fig, len(monthly))
    return styled(fig, f"{short_name(name, 48)}: referrals per month", None, "Referrals")
