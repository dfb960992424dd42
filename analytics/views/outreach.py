"""What the Partner ROI and Engagement pages show, computed once per filter choice: frozen
bundles of small frames with the owner's column names, ready to chart, render and download.

Both read the encoded referral history (all dates, the clinic filter applied), the history
frame (practice groups at the organization level) and the whole activity log; the ROI
figures are `roi.partner_roi_of`'s, so the pages agree with `metrics --json`. The pages'
data lives in `views.roi` and `views.engagement`, what they share in `views.outreach_base`;
this module is the one import for both.
"""

from __future__ import annotations

from analytics.views.engagement import CADENCE_PARTNERS, EngagementPage, engagement_page
from analytics.views.outreach_base import ACTIVITY_LABELS, NO_LOG, column_kinds
from analytics.views.roi import RETURN_CAP, RoiPage, roi_page, roi_text

__all__ = [
    "ACTIVITY_LABELS",
    "CADENCE_PARTNERS",
    "NO_LOG",
    "RETURN_CAP",
    "EngagementPage",
    "RoiPage",
    "column_kinds",
    "engagement_page",
    "roi_page",
    "roi_text",
]
