"""Every metric family of METRICS.md: periods, concentration, mix, dependence, trends,
alerts, the summary, valuation readiness (scorecard, stress tests, scenarios) and planning."""
