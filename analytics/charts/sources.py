"""Where referrals come from: the monthly mix, the Pareto of partners, Lorenz, the type map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.charts.style import (
    ACCENT,
    LABEL_COLORS,
    MUTED,
    OKABE_ITO,
    RIGHT_AXIS,
    level_line,
    line_label,
    styled,
)
from analytics.charts.ticks import month_ticks
from analytics.formatting import money, short_name
from analytics.metrics.concentration import PARETO_SHARE

__all__ = ["PARETO_TOP", "lorenz_chart", "mix_chart", "pareto_chart", "type_treemap"]

PARETO_TOP = 25
# Past this many boxes a treemap is noise, and each box costs time on every page rerun.
TREEMAP_TOP = 120


def mix_chart(mix_monthly: pd.DataFrame) -> go.Figure:
    """Referrals per month stacked by source type (types with no referral left out)."""
    fig = go.Figure()
    for label, color in LABEL_COLORS.items():
        if label not in mix_monthly or not mix_monthly[label].any():
            continue
        fig.add_bar(
            x=mix_monthly["Month"],
            y=mix_monthly[label],
            name=label,
            marker_color=color,
            hovertemplate="%{x|%b %Y}<br>" + label + ": %{y:,}<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.25)
    month_ticks(fig, len(mix_monthly), panel_width=7)
    return styled(fig, "Referrals per month, by source", None, "Referrals")


def pareto_chart(pareto: pd.DataFrame, basis: str, top: int = PARETO_TOP) -> go.Figure:
    """Partners ranked on the basis (top `top`), bars coloured by type, with the cumulative
    share of partner referrals (revenue) on the right axis and the 80% line."""
    share = f"Share of {basis}"
    cumulative = f"Cumulative share of partner {basis}"
    shown = pareto.head(top)
    traces = []
    for label, color in LABEL_COLORS.items():
        part = shown[shown["Type"] == label]
        if part.empty:
            continue
        bar = go.Bar(
            x=part["Rank"],
            y=part[share],
            name=label,
            marker_color=color,
            # Explicit width: each type is its own trace, and plotly would size a trace's
            # bars by the gaps between its own ranks.
            width=0.8,
            customdata=part[["Partner"]].to_numpy(),
            hovertemplate="%{customdata[0]}<br>%{y:.1%} of " + basis + "<extra></extra>",
        )
        traces.append(bar)
    line = go.Scatter(
        x=shown["Rank"],
        y=shown[cumulative],
        name="Cumulative share (right axis)",
        mode="lines+markers",
        line={"color": ACCENT, "width": 2},
        marker={"size": 5},
        yaxis="y2",
        hovertemplate="Top %{x}: %{y:.1%} of partner " + basis + "<extra></extra>",
    )
    vermillion = OKABE_ITO["vermillion"]
    shapes = [level_line(PARETO_SHARE, vermillion, yref="y2", width=1.5)]
    annotations = [line_label("80%", PARETO_SHARE, vermillion, yref="y2")]
    reached = np.flatnonzero(shown[cumulative].to_numpy() >= PARETO_SHARE * (1 - 1e-12))
    if len(reached):
        n = int(shown["Rank"].iloc[reached[0]])
        shapes.append(
            {"type": "line", "xref": "x", "x0": n, "x1": n, "yref": "paper", "y0": 0, "y1": 1,
             "line": {"color": MUTED, "dash": "dot", "width": 1}}
        )  # fmt: skip
        annotations.append(
            {"x": n, "y": PARETO_SHARE, "yref": "y2", "text": f"{n} partners send 80%",
             "showarrow": True, "arrowhead": 0, "ax": 50, "ay": 40, "font": {"color": ACCENT}}
        )  # fmt: skip
    # One figure from finished parts: every plotly update call costs page time.
    fig = go.Figure(
        data=[*traces, line],
        layout={
            "shapes": shapes,
            "annotations": annotations,
            "barmode": "overlay",
            "bargap": 0.2,
            "yaxis": {"tickformat": ".0%"},
            "yaxis2": RIGHT_AXIS
            | {
                "range": [0, 1.05],
                "tickmode": "linear",
                "tick0": 0,
                "dtick": 0.2,
                "tickformat": ".0%",
                "title": {"text": f"Cumulative share of partner {basis}"},
            },
            "xaxis": {
                "tickmode": "array",
                "tickvals": shown["Rank"].tolist(),
                "ticktext": [short_name(p, 22) for p in shown["Partner"]],
                "tickangle": -45,
            },
        },
    )
    title = f"Partners ranked by {basis}"
    if len(pareto) > top:
        title += f" (top {top} of {len(pareto)})"
    return styled(fig, title, None, share, height=520)


def lorenz_chart(lorenz: pd.DataFrame, gini: float | None, basis: str) -> go.Figure:
    """The partners' Lorenz curve against the line of perfect equality, with the Gini."""
    x, y = lorenz.columns[:2]
    fig = go.Figure()
    fig.add_scatter(
        x=[0, 1],
        y=[0, 1],
        name="Every partner sends the same",
        mode="lines",
        line={"color": MUTED, "dash": "dash", "width": 1.5},
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=lorenz[x],
        y=lorenz[y],
        name="Your partners",
        mode="lines",
        line={"color": OKABE_ITO["blue"], "width": 2.5, "shape": "linear"},
        fill="tonexty",
        fillcolor="rgba(0, 114, 178, 0.12)",
        hovertemplate="The smallest %{x:.0%} of partners send %{y:.1%}<extra></extra>",
    )
    gini_text = "n/a" if gini is None else f"{gini:.2f}"
    fig.update_xaxes(tickformat=".0%", range=[0, 1], constrain="domain")
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return styled(
        fig,
        f"Lorenz curve (Gini {gini_text})",
        "Share of partners, smallest first",
        f"Share of partner {basis}",
        height=440,
    )


def type_treemap(partners: pd.DataFrame, basis: str, top: int = TREEMAP_TOP) -> go.Figure:
    """Source type -> partner, sized by referrals (or revenue), coloured by type. Beyond the
    `top` largest partners the rest of each type is one box ("212 other partners")."""
    value = "Revenue" if basis == "revenue" else "Referrals"
    rows = partners[partners[value].fillna(0) > 0].sort_values(
        value, ascending=False, kind="stable"
    )
    types = rows.groupby("Type", sort=False)[value].sum()
    shown, rest = rows.head(top), rows.iloc[top:]
    others = rest.groupby("Type", sort=False)[value].agg(["sum", "size"])
    ids = ["all", *(f"type/{t}" for t in types.index), *(f"p/{p}" for p in shown["Partner"])]
    ids += [f"rest/{t}" for t in others.index]
    labels = ["All partners", *types.index, *(short_name(p, 24) for p in shown["Partner"])]
    labels += [f"{n:,} other partners" for n in others["size"]]
    parents = ["", *(["all"] * len(types)), *(f"type/{t}" for t in shown["Type"])]
    parents += [f"type/{t}" for t in others.index]
    values = [float(types.sum()), *types.to_numpy(dtype=float), *shown[value].to_numpy(float)]
    values += list(others["sum"].to_numpy(dtype=float))
    colors = ["#FFFFFF", *(LABEL_COLORS.get(t, MUTED) for t in types.index)]
    colors += [LABEL_COLORS.get(t, MUTED) for t in shown["Type"]]
    colors += [LABEL_COLORS.get(t, MUTED) for t in others.index]
    customdata = ["", *types.index, *shown["Partner"]]
    customdata += [f"{n:,} other {t} partners" for t, n in others["size"].items()]
    fmt_value = "$%{value:,.0f}" if basis == "revenue" else "%{value:,} referrals"
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            marker={"colors": colors, "line": {"color": "white", "width": 1}},
            customdata=customdata,
            texttemplate="%{label}<br>%{percentRoot:.1%}",
            hovertemplate="%{customdata}<br>" + fmt_value + "<br>%{percentRoot:.1%} of partner "
            f"{basis}<extra></extra>",
            maxdepth=3,
            textfont={"size": 13},
            pathbar={"visible": False},
            tiling={"pad": 2},
        )
    )
    total = money(float(types.sum())) if basis == "revenue" else f"{int(types.sum()):,}"
    return styled(
        fig,
        # A short title and a subtitle: one long title was cut off in a half-width column.
        "Partners by type",
        legend=False,
        height=480,
    ).update_layout(
        margin={"t": 10, "l": 0, "r": 0, "b": 0},
        title_subtitle_text=f"% of partner {basis} ({total})",
        # Boxes too small for a readable name stay blank (their name shows on hover).
        uniformtext={"minsize": 11, "mode": "hide"},
    )
