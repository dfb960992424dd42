"""`metrics_summary`: the one JSON object of `python -m analytics metrics --json`."""

from __future__ import annotations

import math

import pandas as pd

from analytics.filters import Filters
from analytics.metrics.alerts import (
    DECLINING_COLUMNS,
    DORMANT_COLUMNS,
    declining_from,
    dormant_from,
)
from analytics.metrics.concentration import concentration_of
from analytics.metrics.dependence import physician_dependence_of
from analytics.metrics.mix import mix_of, partner_share_of, patient_share_of
from analytics.metrics.periods import PeriodTables, conversion_rate, encode, tables_of, to_day
from analytics.metrics.valuation import months_present_of, valuation_checks_from
from analytics.metrics.windows import HistoryWindows, partner_types_from, windows_of
from analytics.outreach.roi import roi_summary_from
from analytics.outreach.touches import organization_of

__all__ = ["SUMMARY_KEYS", "metrics_summary", "metrics_summary_from"]

SUMMARY_KEYS: tuple[str, ...] = (
    "period",
    "referrals",
    "arrived",
    "conversion_rate",
    "revenue",
    "revenue_basis",
    "concentration",
    "mix",
    "partner_share",
    "patient_share",
    "physician_dependence",
    "roi",
    "alerts",
    "valuation",
)
SHARE_DIGITS = 4
HHI_DIGITS = 1
MONEY_DIGITS = 2


def _round(value, digits: int) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _significant(value, digits: int = 4) -> float | None:
    if value is None or math.isnan(value):
        return None
    return float(f"{float(value):.{digits}g}")


def _iso(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _share(value) -> float | None:
    return _round(value, SHARE_DIGITS)


def _partner(entry: dict | None) -> dict | None:
    if entry is None:
        return None
    rounded = {**entry, "share": _share(entry["share"])}
    rounded["revenue"] = _round(entry["revenue"], MONEY_DIGITS)
    return rounded


def _empty_alert(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def _declining_records(table: pd.DataFrame) -> list[dict]:
    return [
        {
            "name": str(row.name),
            "type": str(row.type),
            "earlier_rate_per_90d": _round(row.earlier_rate_per_90d, 2),
            "last_90d": int(row.last_90d),
            "drop": _share(row.drop),
            "p_value": _significant(row.p_value),
        }
        for row in table.itertuples(index=False)
    ]


def _dormant_records(table: pd.DataFrame) -> list[dict]:
    return [
        {
            "name": str(row.name),
            "type": str(row.type),
            "last_referral": _iso(row.last_referral),
            "monthly_avg": _round(row.monthly_avg, 2),
        }
        for row in table.itertuples(index=False)
    ]


def _check_record(check: dict) -> dict:
    value = check["value"]
    if check["name"] == "hhi_band":
        value = _round(value, HHI_DIGITS)
    elif isinstance(value, dict):
        value = {k: _share(v) if isinstance(v, float) else v for k, v in value.items()}
    elif isinstance(value, float):
        value = _share(value)
    return {**check, "value": value}


def metrics_summary(
    frame: pd.DataFrame,
    filters: Filters,
    activities: pd.DataFrame | None = None,
    *,
    history: pd.DataFrame | None = None,
    tables: PeriodTables | None = None,
) -> dict:
    """Every headline metric of the period as one JSON-serialisable dict (DESIGN.md keys).

    `frame` is the period's referrals; `history` all referrals under the same clinic and
    source-type filters (for alerts and the partners trend; defaults to the period itself).
    `activities` is the outreach log for partner ROI (analytics.outreach.roi): the period's
    activities, or every activity up to the period end so `days_since_touch` can look before
    the period.
    `tables`, when given, are the period's tables already built elsewhere (from the store's
    SQL aggregation); `frame` is then not read and may be None.
    """
    period_encoded = None
    if tables is None:
        period_encoded = encode(frame, filters.level)
        tables = tables_of(period_encoded, filters)
    if history is not None and history is not frame:
        encoded = encode(history, filters.level)
    elif period_encoded is not None:
        encoded = period_encoded
    else:
        raise ValueError("metrics_summary needs the history when the tables are given.")
    end = to_day(tables.end) if tables.end is not None else None
    windows = windows_of(encoded, end) if end is not None and len(encoded.day) else None
    rows = history if history is not None else frame
    return metrics_summary_from(
        tables,
        windows,
        months_present_of(tables, encoded),
        activities,
        organizations=organization_of(rows) if filters.level == "organization" else {},
    )


def metrics_summary_from(
    tables: PeriodTables,
    windows: HistoryWindows | None,
    months_present: int,
    activities: pd.DataFrame | None = None,
    *,
    organizations: dict[str, str] | None = None,
) -> dict:
    """`metrics_summary` from the period's tables and the history's window sums up to the
    period end (analytics.metrics.windows; None when there is no history), the months of the
    period with referrals, and each partner source's practice group (organization level)."""
    empty = windows is None
    dormant_table = _empty_alert(DORMANT_COLUMNS) if empty else dormant_from(windows)
    declining_table = _empty_alert(DECLINING_COLUMNS) if empty else declining_from(windows)
    types = {} if empty else partner_types_from(windows)
    concentration = concentration_of(tables)
    dependence = physician_dependence_of(tables)
    return {
        "period": {"start": _iso(tables.start), "end": _iso(tables.end)},
        "referrals": tables.referrals,
        "arrived": tables.arrived if tables.known else None,
        "conversion_rate": _share(conversion_rate(tables)),
        "revenue": _round(tables.revenue, MONEY_DIGITS),
        "revenue_basis": tables.revenue_basis,
        "concentration": {
            "hhi": _round(concentration["hhi"], HHI_DIGITS),
            "hhi_band": concentration["hhi_band"],
            "cr1": _share(concentration["cr1"]),
            "cr3": _share(concentration["cr3"]),
            "cr5": _share(concentration["cr5"]),
            "effective_sources": _round(concentration["effective_sources"], 2),
            "gini": _share(concentration["gini"]),
            "partners": concentration["partners"],
            "partners_for_80pct": concentration["partners_for_80pct"],
        },
        "mix": {t: _share(v) for t, v in mix_of(tables).items()},
        "partner_share": _share(partner_share_of(tables)),
        "patient_share": _share(patient_share_of(tables)),
        "physician_dependence": {
            "physician_share": _share(dependence["physician_share"]),
            "top_physician": _partner(dependence["top_physician"]),
            "top5_physician_share": _share(dependence["top5_physician_share"]),
            "key_referrers": [_partner(k) for k in dependence["key_referrers"]],
        },
        "roi": roi_summary_from(tables, types, organizations or {}, activities),
        "alerts": {
            "declining": _declining_records(declining_table),
            "dormant": _dormant_records(dormant_table),
        },
        "valuation": {
            "checks": [
                _check_record(c)
                for c in valuation_checks_from(tables, windows, months_present, dormant_table)
            ]
        },
    }
