"""One look for every chart: the Okabe-Ito palette per source type, fonts, titles, legends."""

from __future__ import annotations

import plotly.graph_objects as go

from analytics.metrics.monthly import GROUPS
from analytics.schema import SOURCE_TYPE_LABELS

__all__ = [
    "ACCENT",
    "GROUP_COLORS",
    "LABEL_COLORS",
    "LIGHT",
    "MUTED",
    "NEUTRAL",
    "OKABE_ITO",
    "RIGHT_AXIS",
    "TYPE_COLORS",
    "WON_LOST_COLORS",
    "band",
    "level_line",
    "line_label",
    "styled",
]

# Okabe & Ito (2008), "Color Universal Design": told apart with every common colour-vision
# deficiency. Grey is added for "unknown", which should recede.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
TYPE_COLORS: dict[str, str] = {
    "physician": OKABE_ITO["blue"],
    "physician_extender": OKABE_ITO["sky_blue"],
    "chiropractor": OKABE_ITO["bluish_green"],
    "health_wellness": OKABE_ITO["yellow"],
    "organization": OKABE_ITO["reddish_purple"],
    "patient": OKABE_ITO["orange"],
    "self": OKABE_ITO["vermillion"],
    "marketing": OKABE_ITO["black"],
    "unknown": "#BBBBBB",
}
LABEL_COLORS: dict[str, str] = {SOURCE_TYPE_LABELS[t]: c for t, c in TYPE_COLORS.items()}
GROUP_COLORS: dict[str, str] = dict(
    zip(GROUPS, (OKABE_ITO["blue"], OKABE_ITO["bluish_green"], OKABE_ITO["orange"]), strict=True)
)
WON_LOST_COLORS = {"Won": OKABE_ITO["bluish_green"], "Lost": OKABE_ITO["vermillion"]}
ACCENT = "#1F2A33"
# Totals that are not one source type (all referrals, one partner's months) stay neutral,
# so blue keeps meaning "physician" everywhere.
NEUTRAL = "#5F7180"
MUTED = "#8A97A3"
LIGHT = "#E4E9ED"
# A right-hand axis with its own round ticks (plotly.js would otherwise sync them to the left).
RIGHT_AXIS = {"overlaying": "y", "side": "right", "showgrid": False, "tickmode": "auto"}
FONT = '"Source Sans Pro", "Source Sans 3", "Helvetica Neue", Arial, sans-serif'


# A small template of our own: plotly's "plotly_white" works too, but copying it costs
# ~25 ms per figure, a good part of a page rerun.
TEMPLATE = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": list(OKABE_ITO.values()),
        "font": {"family": FONT, "size": 13, "color": ACCENT},
        "xaxis": {"gridcolor": LIGHT, "linecolor": LIGHT, "zerolinecolor": LIGHT, "ticks": ""},
        "yaxis": {"gridcolor": LIGHT, "linecolor": LIGHT, "zerolinecolor": LIGHT, "ticks": ""},
        "hoverlabel": {"font": {"family": FONT, "size": 13}},
    }
)


def styled(
    fig: go.Figure,
    title: str,
    x_title: str | None = None,
    y_title: str | None = None,
    *,
    height: int = 420,
    legend: bool = True,
) -> go.Figure:
    """The shared layout: left-aligned title, legend in a row under it, quiet grid lines.

    The title reserves its own space (automargin), so a legend that wraps onto several rows
    on a narrow screen pushes the plot down instead of running into the title.
    """
    layout = {
        "template": TEMPLATE,
        "height": height,
        "title": {
            "text": title,
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "automargin": True,
            "pad": {"t": 6, "b": 10},
            "font": {"size": 17, "color": ACCENT, "weight": 600},
        },
        "margin": {"l": 10, "r": 10, "t": 10, "b": 20},
        "showlegend": legend,
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.01,
            "xanchor": "left",
            "x": 0.0,
            "title": {"text": ""},
            "font": {"size": 12},
            "traceorder": "normal",
        },
        "separators": ".,",
    }
    # Tick labels and axis titles push the margins; only the first axes get titles here (a
    # right-hand axis or a second panel names itself).
    for axis in (k for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))):
        layout[f"{axis}_automargin"] = True
    layout["xaxis_automargin"] = layout["yaxis_automargin"] = True
    layout["xaxis_title_text"], layout["yaxis_title_text"] = x_title, y_title
    # One update call: each plotly update re-validates the figure.
    fig.update_layout(**layout)
    return fig


# Shapes as plain dicts, set once per figure: plotly's add_hline / add_vrect cost ~30 ms each.


def level_line(y: float, color: str, *, yref: str = "y", dash: str = "dash", width=1.2) -> dict:
    """A horizontal line across the plot at `y`."""
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": yref,
        "y0": y,
        "y1": y,
        "line": {"color": color, "dash": dash, "width": width},
    }


def band(*, x: tuple | None = None, y: tuple | None = None, fill: str, axis: str = "") -> dict:
    """A filled rectangle spanning the plot across x (between y values) or along y (between
    x values); `axis` is the subplot's axis suffix ("", "2", ...)."""
    rect = {"type": "rect", "fillcolor": fill, "line": {"width": 0}, "layer": "below"}
    if x is not None:
        return rect | {"xref": f"x{axis}", "x0": x[0], "x1": x[1],
                       "yref": f"y{axis} domain", "y0": 0, "y1": 1}  # fmt: skip
    return rect | {"xref": "paper", "x0": 0, "x1": 1, "yref": f"y{axis}", "y0": y[0], "y1": y[1]}


def line_label(text: str, y: float, color: str, *, yref: str = "y") -> dict:
    """A small label sitting on a level line, at the left edge of the plot."""
    return {
        "text": text,
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": yref,
        "y": y,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"color": color, "size": 12},
    }
