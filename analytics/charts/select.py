"""Which partner a click on a chart picked (Streamlit's plotly selection event, read plainly)."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["selected_partner"]


def selected_partner(event: Mapping | None) -> str | None:
    """The partner name carried in `customdata` of the first selected point, if any."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if isinstance(data, str) and data:
            return data
    return None
