"""Plotly figures of the Partner ROI and Engagement pages: a page frame in, a `go.Figure` out.

The colours, fonts and layout are the dashboard's (`analytics.charts.style`): Okabe-Ito per
source type, so a physician is the same blue here as on every other page.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.charts.style import (
    ACCENT,
    LABEL_COLORS,
    LIGHT,
    MUTED,
    OKABE_ITO,
    band,
    level_line,
    styled,
)
from analytics.formatting import money, short_name

__all__ = [
    "activity_type_chart",
    "cadence_chart",
    "contact_chart",
    "growth_chart",
    "response_chart",
    "roi_scatter",
]

QUADRANT_LABELS = {
    "invest more": "Invest more",
    "keep": "Keep",
    "rethink": "Rethink",
    "light touch": "Keep light",
    "drop": "Review",
}
BEFORE_AFTER = {"Before": MUTED, "After": OKABE_ITO["bluish_green"]}
TARGET_COLOR = OKABE_ITO["vermillion"]


def _floor(values: pd.Series) -> float:
    """Where a zero sits on a log axis: a step below the smallest positive value."""
    positive = values[values > 0]
    if positive.empty:
        return 1.0
    return 10 ** math.floor(math.log10(float(positive.min())) - 0.5)


def _log_ticks(floor: float, top: float, zero_label: str, prefix: str = "") -> dict:
    """Tick values and labels for a log axis whose lowest tick stands for zero."""
    values, labels = [floor], [zero_label]
    power = floor * 10
    while power <= top * 1.01:
        values.append(power)
        labels.append(money(power) if prefix == "$" else f"{power:,.0f}")
        power *= 10
    return {"tickvals": values, "ticktext": labels}


def roi_scatter(
    scatter: pd.DataFrame, cost_line: float | None, value_line: float | None, value: str
) -> go.Figure:
    """Cost against revenue (`value` column) of the partners reached, both on log scales with
    zero at the axis' start, bubble area = referrals, colour = type, and the median lines that
    make the invest more / keep / rethink / drop quadrants."""
    fig = go.Figure()
    is_money = value != "Referrals"
    if scatter.empty:
        return styled(fig, "Outreach cost against revenue", height=560)
    x_floor, y_floor = _floor(scatter["Cost"]), _floor(scatter[value])
    x_top = max(float(scatter["Cost"].max()), x_floor * 10)
    y_top = max(float(scatter[value].max()), y_floor * 10)
    x = scatter["Cost"].where(scatter["Cost"] > 0, x_floor)
    y = scatter[value].where(scatter[value] > 0, y_floor)
    sizeref = 2.0 * max(float(scatter["Referrals"].max()), 1.0) / 44**2
    for label, color in LABEL_COLORS.items():
        rows = scatter["Type"] == label
        if not rows.any():
            continue
        part = scatter[rows]
        fig.add_scatter(
            x=x[rows],
            y=y[rows],
            mode="markers",
            name=label,
            marker={
                # A partner that sent no one still gets a dot (sizemin), not nothing.
                "size": part["Referrals"].clip(lower=1),
                "sizemode": "area",
                "sizeref": sizeref,
                "sizemin": 6,
                "color": color,
                "opacity": 0.8,
                "line": {"color": ACCENT if label == "Unknown" else "white", "width": 1},
            },
            customdata=np.column_stack(
                [
                    part["Partner"],
                    part["Cost"].map(money),
                    part["Touches"],
                    part["Referrals"],
                    part[value].map(money if is_money else "{:,.0f}".format),
                    part["Quadrant"].map(QUADRANT_LABELS).fillna(""),
                ]
            ),
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>Cost %{customdata[1]} over %{customdata[2]} touches"
                "<br>%{customdata[3]} referrals, " + value.lower() + " %{customdata[4]}"
                "<br>%{customdata[5]}<extra></extra>"
            ),
        )
    x_range = [math.log10(x_floor) - 0.15, math.log10(x_top) + 0.15]
    y_range = [math.log10(y_floor) - 0.25, math.log10(y_top) + 0.35]
    if cost_line is not None and value_line is not None:
        # Plain shape dicts: plotly's add_vline / add_hline cost ~20 ms each.
        x_line = max(cost_line, x_floor)
        fig.update_layout(
            shapes=[
                {"line": {"color": ACCENT, "dash": "dot", "width": 1.2}, "type": "line",
                 "x0": x_line, "x1": x_line, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"},
                level_line(max(value_line, y_floor), ACCENT, dash="dot") | {"xref": "x domain"},
            ]
        )  # fmt: skip
        corners = (
            ("invest more", x_range[0], "left", y_range[1], "top"),
            ("keep", x_range[1], "right", y_range[1], "top"),
            ("rethink", x_range[1], "right", y_range[0], "bottom"),
            ("drop", x_range[0], "left", y_range[0], "bottom"),
        )
        for key, x_log, xanchor, y_log, yanchor in corners:
            fig.add_annotation(
                x=x_log,
                y=y_log,
                text=f"<b>{QUADRANT_LABELS[key]}</b>",
                showarrow=False,
                xanchor=xanchor,
                yanchor=yanchor,
                xshift=6 if xanchor == "left" else -6,
                font={"size": 14, "color": MUTED},
            )
    fig.update_xaxes(type="log", range=x_range, **_log_ticks(x_floor, x_top, "$0", "$"))
    fig.update_yaxes(
        type="log",
        range=y_range,
        **_log_ticks(y_floor, y_top, "$0" if is_money else "0", "$" if is_money else ""),
    )
    title = f"Outreach cost against {value.lower()}, per partner reached"
    fig = styled(
        fig, title, "Outreach cost in the period (log scale)", value + " (log scale)", height=560
    )
    fig.update_layout(legend={"itemsizing": "constant"})
    return fig


def activity_type_chart(by_type: pd.DataFrame) -> go.Figure:
    """Per activity type: what it cost (left) and the revenue of the partners it reached,
    shared among the types they received (right)."""
    has_revenue = "Revenue (shared)" in by_type and by_type["Revenue (shared)"].notna().any()
    value = "Revenue (shared)" if has_revenue else "Referrals (shared)"
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=["Cost", "Revenue of the partners reached" if has_revenue else value],
    )
    labels = by_type["Activity"]
    fig.add_bar(
        y=labels,
        x=by_type["Cost"],
        orientation="h",
        marker_color=OKABE_ITO["vermillion"],
        name="Cost",
        customdata=by_type[["Touches"]].to_numpy(),
        hovertemplate="%{y}: $%{x:,.0f} over %{customdata[0]} touches<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_bar(
        y=labels,
        x=by_type[value],
        orientation="h",
        marker_color=OKABE_ITO["bluish_green"],
        name=value,
        hovertemplate="%{y}: " + ("$%{x:,.0f}" if has_revenue else "%{x:,.1f}") + "<extra></extra>",
        row=1,
        col=2,
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickprefix="$", tickformat="~s", row=1, col=1)
    if has_revenue:
        fig.update_xaxes(tickprefix="$", tickformat="~s", row=1, col=2)
    height = 140 + 42 * max(len(by_type), 3)
    fig = styled(fig, "What each kind of outreach cost and reached", height=height, legend=False)
    fig.update_annotations(font={"size": 13, "color": ACCENT})
    return fig


def response_chart(response: pd.DataFrame) -> go.Figure:
    """Referrals from the partners touched in the W days before and after each touch."""
    windows = response["Window"].astype(str)
    fig = go.Figure()
    for side, color in BEFORE_AFTER.items():
        column = f"Referrals {side.lower()}"
        fig.add_bar(
            x=windows,
            y=response[column],
            name=f"{side} the touch",
            marker_color=color,
            customdata=response[["Touches judged"]].to_numpy(),
            hovertemplate="%{x} " + side.lower() + ": %{y:,.0f} referrals over "
            "%{customdata[0]} touches<extra></extra>",
        )
    top = float(response[["Referrals before", "Referrals after"]].max().max() or 1)
    fig.update_yaxes(range=[0, top * 1.15], tickformat=",.0f")
    fig.update_layout(barmode="group", bargap=0.35)
    return styled(fig, "Referrals before and after touches", None, "Referrals", height=400)


def contact_chart(contacts: pd.DataFrame, overdue_days: int, value: str) -> go.Figure:
    """Days since each partner's last contact against its referral value; partners never
    contacted stand in a column on the right, and the overdue line is drawn at N days."""
    days = contacts["Days since contact"]
    longest = float(days.max()) if days.notna().any() else float(overdue_days)
    never_x = max(longest, overdue_days) * 1.12 + 10
    # Partners never contacted share one column; a fixed spread keeps their dots apart.
    spread = ((np.arange(len(days)) * 0.618) % 1 - 0.5) * never_x * 0.05
    x = days.where(days.notna(), never_x + spread)
    is_money = value != "Referrals"
    floor = _floor(contacts[value]) if len(contacts) else 1.0
    top = max(float(contacts[value].max()) if len(contacts) else 10.0, floor * 10)
    y = contacts[value].where(contacts[value] > 0, floor)
    fig = go.Figure()
    fig.update_layout(legend={"itemsizing": "constant"})
    # The overdue band, its edge and label as plain dicts (plotly's add_vrect / add_vline
    # cost ~20 ms each).
    fig.update_layout(
        shapes=[
            band(x=(overdue_days, never_x * 1.06), fill="rgba(213, 94, 0, 0.06)"),
            {"line": {"color": TARGET_COLOR, "dash": "dash", "width": 1.2}, "type": "line",
             "x0": overdue_days, "x1": overdue_days, "xref": "x", "y0": 0, "y1": 1,
             "yref": "y domain"},
        ],
        annotations=[
            {"font": {"color": TARGET_COLOR, "size": 12}, "showarrow": False,
             "text": f"Overdue after {overdue_days} days", "x": overdue_days, "xanchor": "left",
             "xref": "x", "y": 1, "yanchor": "top", "yref": "y domain"}
        ],
    )  # fmt: skip
    for label, color in LABEL_COLORS.items():
        rows = contacts["Type"] == label
        if not rows.any():
            continue
        part = contacts[rows]
        fig.add_scatter(
            x=x[rows],
            y=y[rows],
            mode="markers",
            name=label,
            marker={
                "color": color,
                "size": np.where(part["Valuable"], 13, 8),
                "opacity": 0.85,
                "line": {"color": np.where(part["Overdue"], ACCENT, "white"), "width": 1.5},
            },
            customdata=np.column_stack(
                [
                    part["Partner"],
                    part["Days since contact"].map(
                        lambda d: "never contacted" if pd.isna(d) else f"{d:,.0f} days ago"
                    ),
                    part[value].map(money if is_money else "{:,.0f}".format),
                ]
            ),
            hovertemplate="<b>%{customdata[0]}</b><br>Last contact %{customdata[1]}<br>"
            + value
            + " %{customdata[2]}<extra></extra>",
        )
    step = 30 if never_x <= 400 else 90 if never_x <= 1200 else 180
    ticks = list(range(0, int(never_x * 0.92), step))
    fig.update_xaxes(
        range=[-5, never_x * 1.06],
        tickvals=[*ticks, never_x],
        ticktext=[*(f"{t:,}" for t in ticks), "<b>Never</b>"],
    )
    fig.update_yaxes(
        type="log",
        range=[math.log10(floor) - 0.25, math.log10(top) + 0.3],
        **_log_ticks(floor, top, "$0" if is_money else "0", "$" if is_money else ""),
    )
    return styled(
        fig,
        f"Days since last contact against {value.lower()} in the period",
        "Days since the last logged contact (larger dots: the partners who bring 80%)",
        value,
        height=520,
    )


def cadence_chart(cadence: pd.DataFrame, top: int = 30) -> go.Figure:
    """Touches per partner per month as a heat map of the first `top` partners (in the order
    given), with the month's referrals from that partner in the hover."""
    partners = list(dict.fromkeys(cadence["Partner"]))[:top]
    cadence = cadence[cadence["Partner"].isin(partners)]
    months = pd.DatetimeIndex(sorted(cadence["Month"].unique()))
    touches = cadence.pivot(index="Partner", columns="Month", values="Touches").loc[partners]
    referrals = cadence.pivot(index="Partner", columns="Month", values="Referrals").loc[partners]
    costs = cadence.pivot(index="Partner", columns="Month", values="Cost").loc[partners]
    z = touches.to_numpy(dtype=float)
    fig = go.Figure(
        go.Heatmap(
            x=months,
            y=[short_name(p, 30) for p in partners],
            z=np.where(z > 0, z, np.nan),
            text=np.where(z > 0, z.astype(int).astype(str), ""),
            texttemplate="%{text}",
            colorscale=[[0, "#CFE8F7"], [1, OKABE_ITO["blue"]]],
            zmin=1,
            showscale=False,
            xgap=2,
            ygap=2,
            customdata=np.dstack([referrals.to_numpy(dtype=float), costs.to_numpy(dtype=float)]),
            hovertemplate="%{y}, %{x|%b %Y}: %{z:.0f} touches ($%{customdata[1]:,.0f}), "
            "%{customdata[0]:.0f} referrals<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(
        tickformat="%b<br>%Y", dtick="M1" if len(months) <= 18 else "M3", showgrid=False
    )
    fig.update_layout(plot_bgcolor=LIGHT)
    height = 130 + 24 * max(len(partners), 4)
    fig = styled(fig, "Contacts per month, per partner", height=height, legend=False)
    fig.update_layout(plot_bgcolor="#F6F8FA")
    return fig


def growth_chart(growth: pd.DataFrame, column: str, target: float, title: str) -> go.Figure:
    """One growth measure per month (bars for counts, a line for shares) against the owner's
    target (a dashed line)."""
    is_share = column.endswith("share")
    fig = go.Figure()
    color = OKABE_ITO["bluish_green"] if is_share else OKABE_ITO["blue"]
    if is_share:
        fig.add_scatter(
            x=growth["Month"],
            y=growth[column],
            mode="lines+markers",
            name=column,
            line={"color": color, "width": 2.5},
            hovertemplate="%{x|%b %Y}: %{y:.1%}<extra></extra>",
        )
    else:
        fig.add_bar(
            x=growth["Month"],
            y=growth[column],
            name=column,
            marker_color=color,
            hovertemplate="%{x|%b %Y}: %{y:,.0f}<extra></extra>",
        )
    shown = f"{target:.0%}" if is_share else f"{target:g}"
    # The target line and its label as plain dicts (plotly's add_hline: ~20 ms a chart).
    fig.update_layout(
        shapes=[level_line(target, TARGET_COLOR, width=1.5) | {"xref": "x domain"}],
        annotations=[
            {
                "font": {"color": TARGET_COLOR, "size": 12},
                "showarrow": False,
                "text": f"Target {shown}",
                "x": 1,
                "xanchor": "right",
                "xref": "x domain",
                "y": target,
                "yanchor": "bottom",
                "yref": "y",
            }
        ],
    )
    values = growth[column].to_numpy(dtype=float)
    top = max(float(np.nanmax(values, initial=0)), target) * 1.25 or 1.0
    fig.update_yaxes(range=[0, top], tickformat=".0%" if is_share else ",.0f")
    if not is_share and top <= 8:
        fig.update_yaxes(tick0=0, dtick=1)
    # Three charts share a row: a tick every quarter (or year) keeps the labels apart.
    months = len(growth)
    fig.update_xaxes(
        tickformat="%b<br>%Y", dtick="M3" if months <= 15 else "M6" if months <= 30 else "M12"
    )
    return styled(fig, title, height=330, legend=False)
