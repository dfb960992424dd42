"""Outreach: the activity log read as touches, ROI, engagement, touch response, growth
targets and the action list."""

from analytics.outreach.growth import RECENT_MONTHS, GrowthTargets, growth_status
from analytics.outreach.roi import QUADRANTS

__all__ = [
    "QUADRANTS",
    "RECENT_MONTHS",
    "GrowthTargets",
    "growth_status",
]
