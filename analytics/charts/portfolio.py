"""The portfolio map: each practice placed by concentration and physician share."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go


def portfolio_chart(table: pd.DataFrame) -> go.Figure:
    """Each practice placed by concentration (HHI) and physician share, sized by referrals."""
    shown = table[table["HHI"].notna() & table["Physician share"].notna()]
    names = [html.escape(str(n)) for n in shown["Practice"]]
    size = np.sqrt(shown["Referrals"].clip(lower=1).to_numpy(dtype="float64"))
    fig = go.Figure(
        go.Scatter(
            x=shown["HHI"],
            y=shown["Physician share"],
            mode="markers+text",
            text=names,
            textposition="top center",
            marker={"size": 12 + 28 * size / max(size.max(initial=0.0), 1), "color": "#0072B2"},
            hovertemplate="%{text}<br>HHI %{x:,.0f}<br>Physician share %{y:.1%}<extra></extra>",
        )
    )
    for x in (1_000, 1_800):
        fig.add_vline(x=x, line_dash="dot", line_color="#999999")
    fig.update_layout(
        xaxis_title="Referral concentration (HHI)",
        yaxis_title="Share from physicians, PAs & NPs",
        yaxis_tickformat=".0%",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=420,
    )
    return fig
