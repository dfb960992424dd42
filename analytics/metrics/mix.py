"""Referral mix: where new patients come from, by source type and partner group."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from analytics.metrics.periods import PeriodTables, period_tables
from analytics.schema import PARTNER_TYPES, PHYSICIAN_TYPES, SOURCE_TYPE_LABELS, SOURCE_TYPES

__all__ = [
    "PARTNER_GROUPS",
    "mix",
    "mix_of",
    "mix_table",
    "mix_table_of",
    "partner_groups",
    "partner_groups_of",
    "partner_share",
    "partner_share_of",
    "patient_share",
    "patient_share_of",
]

# Physicians against the other partners the practice can build (the product's point:
# power comes from many partners, not a few doctors).
PARTNER_GROUPS: dict[str, tuple[str, ...]] = {
    "physicians": tuple(sorted(PHYSICIAN_TYPES)),
    "health_wellness": ("chiropractor", "health_wellness"),
    "organizations": ("organization",),
}


def _share(referrals: int, total: int) -> float | None:
    return referrals / total if total else None


def mix_of(tables: PeriodTables) -> dict[str, float | None]:
    """Share of all referrals by source_type, every type listed; None for each when empty."""
    counts = tables.types["referrals"]
    return {t: _share(int(counts[t]), tables.referrals) for t in SOURCE_TYPES}


def mix(frame: pd.DataFrame, filters: Filters) -> dict[str, float | None]:
    """Share of all referrals by source_type (sums to 1; 0 where a type is absent)."""
    return mix_of(period_tables(frame, filters))


def partner_share_of(tables: PeriodTables) -> float | None:
    """Share of referrals from partners (the partner source types)."""
    counts = tables.types["referrals"]
    return _share(int(counts[list(PARTNER_TYPES)].sum()), tables.referrals)


def patient_share_of(tables: PeriodTables) -> float | None:
    """Share of referrals from patients' word-of-mouth (source_type patient)."""
    return _share(int(tables.types.at["patient", "referrals"]), tables.referrals)


def partner_share(frame: pd.DataFrame, filters: Filters) -> float | None:
    """Share of the period's referrals from partners."""
    return partner_share_of(period_tables(frame, filters))


def patient_share(frame: pd.DataFrame, filters: Filters) -> float | None:
    """Share of the period's referrals from patients' word-of-mouth."""
    return patient_share_of(period_tables(frame, filters))


def partner_groups_of(tables: PeriodTables) -> dict[str, float | None]:
    """Share of all referrals from physicians, other health & wellness partners, organizations."""
    counts = tables.types["referrals"]
    return {
        group: _share(int(counts[list(types)].sum()), tables.referrals)
        for group, types in PARTNER_GROUPS.items()
    }


def partner_groups(frame: pd.DataFrame, filters: Filters) -> dict[str, float | None]:
    """Physicians vs other health & wellness partners vs organizations, as shares of referrals."""
    return partner_groups_of(period_tables(frame, filters))


def mix_table_of(tables: PeriodTables) -> pd.DataFrame:
    """One row per source type: label, partner?, referrals, share, revenue, revenue_share."""
    types = tables.types
    revenue_total = tables.revenue
    return pd.DataFrame(
        {
            "source_type": list(SOURCE_TYPES),
            "label": [SOURCE_TYPE_LABELS[t] for t in SOURCE_TYPES],
            "partner": [t in PARTNER_TYPES for t in SOURCE_TYPES],
            "referrals": types["referrals"].to_numpy(),
            "share": (types["referrals"] / tables.referrals).to_numpy()
            if tables.referrals
            else float("nan"),
            "revenue": types["revenue"].to_numpy(),
            "revenue_share": (types["revenue"] / revenue_total).to_numpy()
            if revenue_total
            else float("nan"),
        }
    )


def mix_table(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The mix as a table for charts (every source type, in schema order)."""
    return mix_table_of(period_tables(frame, filters))
