"""What each page shows, computed once from the metrics: tiles, tables, alerts and texts,
without Streamlit."""

from analytics.views.engagement import CADENCE_PARTNERS
from analytics.views.kpis import EXPLAIN, plain_tile
from analytics.views.outreach_base import NO_LOG
from analytics.views.roi import QUADRANT_NAMES, RETURN_CAP, roi_text

__all__ = [
    "CADENCE_PARTNERS",
    "EXPLAIN",
    "NO_LOG",
    "QUADRANT_NAMES",
    "RETURN_CAP",
    "plain_tile",
    "roi_text",
]
