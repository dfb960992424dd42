"""What each page shows, computed once from the metrics: tiles, tables, alerts and texts,
without Streamlit."""

from analytics.views.kpis import EXPLAIN, plain_tile
from analytics.views.outreach import CADENCE_PARTNERS, NO_LOG, QUADRANT_NAMES, RETURN_CAP, roi_text

__all__ = [
    "CADENCE_PARTNERS",
    "EXPLAIN",
    "NO_LOG",
    "QUADRANT_NAMES",
    "RETURN_CAP",
    "plain_tile",
    "roi_text",
]
