"""Month axes that stay readable at any width: horizontal two-line labels, thinned out."""

from __future__ import annotations

import math

import plotly.graph_objects as go

__all__ = ["month_ticks"]


def month_ticks(fig: go.Figure, months: int, panel_width: int = 12, **where) -> None:
    """Label every month, or every 2nd, 3rd, 6th or 12th so at most about `panel_width`
    labels share the axis; labels read "Nov<br>2025" and never rotate."""
    step = next((s for s in (1, 2, 3, 6, 12) if math.ceil(months / s) <= panel_width), 12)
    fig.update_xaxes(dtick=f"M{step}", tickformat="%b<br>%Y", tickangle=0, **where)
