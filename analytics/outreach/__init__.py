"""Outreach: the activity log read as touches, ROI, engagement, touch response, growth
targets and the action list."""
