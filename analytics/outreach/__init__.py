"""Outreach: the activity log read as touches, ROI, engagement, touch response, growth
targets and the action list."""

from analytics.outreach.growth import RECENT_MONTHS, GrowthTargets, growth_status
from analytics.outreach.roi import QUADRANTS
from analytics.outreach.touches import (
    TOUCH_COLUMNS,
    Touches,
    organization_of,
    partner_types_of,
    period_days,
    touches_for,
    touches_of,
)

__all__ = [
    "QUADRANTS",
    "RECENT_MONTHS",
    "TOUCH_COLUMNS",
    "GrowthTargets",
    "Touches",
    "growth_status",
    "organization_of",
    "partner_types_of",
    "period_days",
    "touches_for",
    "touches_of",
]
