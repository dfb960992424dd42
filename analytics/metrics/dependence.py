"""Dependence on physicians and on key referrers, and the revenue each partner puts at risk."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from analytics.metrics.periods import PeriodTables, period_tables
from analytics.schema import PHYSICIAN_TYPES

__all__ = [
    "KEY_REFERRER_SHARE",
    "key_referrers_of",
    "physician_dependence",
    "physician_dependence_of",
    "physician_share_of",
    "revenue_at_risk",
    "revenue_at_risk_of",
    "top_physician_of",
]

# ASC 280-10-50-42: public companies disclose any single customer at 10% or more.
KEY_REFERRER_SHARE = 0.10


def _revenue(tables: PeriodTables, value: float) -> float | None:
    return None if tables.revenue_basis == "none" else float(value)


def top_physician_of(tables: PeriodTables) -> dict | None:
    """{name, share, revenue} of the physician/PA/NP with most referrals (ties: revenue, name)."""
    physicians = tables.partners[tables.partners["physician_referrals"] > 0]
    if physicians.empty:
        return None
    top = physicians.sort_values(
        ["physician_referrals", "physician_revenue", "partner"],
        ascending=[False, False, True],
        kind="stable",
    ).iloc[0]
    return {
        "name": str(top["partner"]),
        "share": int(top["physician_referrals"]) / tables.referrals,
        "revenue": _revenue(tables, top["physician_revenue"]),
    }


def key_referrers_of(tables: PeriodTables) -> list[dict]:
    """Partners with >= 10% of all referrals, largest first: [{name, type, share, revenue}]."""
    if not tables.referrals:
        return []
    partners = tables.partners
    # Integer comparison so exactly 10% is always in.
    is_key = partners["referrals"] * 10 >= tables.referrals
    return [
        {
            "name": str(row.partner),
            "type": str(row.type),
            "share": int(row.referrals) / tables.referrals,
            "revenue": _revenue(tables, row.revenue),
        }
        for row in partners[is_key].itertuples(index=False)
    ]


def physician_share_of(tables: PeriodTables) -> float | None:
    """Physicians' share of the period's referrals (None without referrals): read from the
    types table alone, so the light tables of Segments.check_tables answer it too."""
    if not tables.referrals:
        return None
    physician_referrals = int(tables.types.loc[sorted(PHYSICIAN_TYPES), "referrals"].sum())
    return physician_referrals / tables.referrals


def physician_dependence_of(tables: PeriodTables) -> dict:
    """physician_share, top_physician, top5_physician_share, key_referrers of a period."""
    total = tables.referrals
    if not total:
        return {
            "physician_share": None,
            "top_physician": None,
            "top5_physician_share": None,
            "key_referrers": [],
        }
    largest = tables.partners["physician_referrals"].nlargest(5)
    return {
        "physician_share": physician_share_of(tables),
        "top_physician": top_physician_of(tables),
        "top5_physician_share": int(largest.sum()) / total,
        "key_referrers": key_referrers_of(tables),
    }


def physician_dependence(frame: pd.DataFrame, filters: Filters) -> dict:
    """How much of the period's referrals depend on physicians and on single partners."""
    return physician_dependence_of(period_tables(frame, filters))


def revenue_at_risk_of(tables: PeriodTables) -> pd.DataFrame:
    """Per partner: referrals, share, revenue_at_risk (its period revenue) and revenue_share."""
    partners = tables.partners
    table = pd.DataFrame(
        {
            "partner": partners["partner"],
            "type": partners["type"],
            "referrals": partners["referrals"],
            "share": partners["share"],
            "revenue_at_risk": partners["revenue"],
            "revenue_share": partners["revenue"] / tables.revenue
            if tables.revenue
            else float("nan"),
        }
    )
    return table.sort_values(
        ["revenue_at_risk", "referrals", "partner"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def revenue_at_risk(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """What the practice loses if each partner stops referring, before any replacement."""
    return revenue_at_risk_of(period_tables(frame, filters))
