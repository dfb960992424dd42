"""Every metric family of METRICS.md: periods, concentration, mix, dependence, trends,
alerts, the summary, valuation readiness (scorecard, stress tests, scenarios) and planning."""

from analytics.metrics.monthly import LOST_AFTER_DAYS, WARM_UP_MONTHS
from analytics.metrics.scenarios import Scenario
from analytics.metrics.scorecard import STATUS_WORDS
from analytics.metrics.source_quality import SEEN_WITHIN_DAYS
from analytics.metrics.targets import RAG_YELLOW, parse_targets_csv

__all__ = [
    "LOST_AFTER_DAYS",
    "RAG_YELLOW",
    "SEEN_WITHIN_DAYS",
    "STATUS_WORDS",
    "WARM_UP_MONTHS",
    "Scenario",
    "parse_targets_csv",
]
