"""Relationship engagement: how recently each partner was contacted against what it sends.

All of it reads the partner ROI table (`roi.partner_roi_of`), so a partner's referrals,
revenue and days since its last contact are the same figures on every page:
- valuable partners: the fewest partners whose referral value (revenue, or referrals when
  no revenue was exported) makes 80% of all partners' value in the period;
- overdue: a valuable partner not contacted in the last N days (N an owner's setting), or
  never contacted;
- thank: partners who referred in the period without any outreach in it;
- rethink: partners who got outreach in the period and sent no referral in it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.metrics.monthly import month_grid, months_of, partner_months_of
from analytics.metrics.periods import Encoded
from analytics.outreach.touches import Touches
from analytics.schema import PARTNER_TYPES

__all__ = [
    "CADENCE_COLUMNS",
    "OVERDUE_DAYS",
    "VALUABLE_SHARE",
    "cadence_of",
    "contacts_of",
    "overdue_of",
    "rethink_of",
    "thank_of",
]

OVERDUE_DAYS = 60
VALUABLE_SHARE = 0.80
CADENCE_COLUMNS: tuple[str, ...] = ("partner", "month", "touches", "cost", "referrals")


def _value(roi_table: pd.DataFrame) -> pd.Series:
    """Referral value: revenue, or referrals where the period has no revenue basis."""
    if roi_table["revenue"].notna().any():
        return roi_table["revenue"].fillna(0.0)
    return roi_table["referrals"].astype("float64")


def contacts_of(roi_table: pd.DataFrame, overdue_days: int = OVERDUE_DAYS) -> pd.DataFrame:
    """The ROI table with `value`, `value_share` (of all partners' value), `rank` (by value
    among the partners that referred), `valuable` and `overdue` (valuable and not contacted in
    `overdue_days` days, or never), most valuable first."""
    if overdue_days < 1:
        raise ValueError("The overdue threshold must be at least 1 day.")
    table = roi_table.assign(value=_value(roi_table))
    is_partner = table["type"].isin(PARTNER_TYPES) & (table["referrals"] > 0)
    total = float(table.loc[is_partner, "value"].sum())
    table["value_share"] = table["value"].where(is_partner) / total if total else np.nan
    table = table.sort_values(
        ["value", "referrals", "partner"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    ranked = table["value_share"].where(table["value"] > 0)
    # A partner is valuable while the partners ranked above it still make less than 80%.
    before = ranked.fillna(0).cumsum() - ranked.fillna(0)
    table["valuable"] = ranked.notna() & (before < VALUABLE_SHARE - 1e-12)
    table["rank"] = ranked.notna().cumsum().where(ranked.notna()).astype("Int64")
    not_recent = table["days_since_touch"].isna() | (table["days_since_touch"] > overdue_days)
    table["overdue"] = table["valuable"] & not_recent
    return table


def overdue_of(contacts: pd.DataFrame) -> pd.DataFrame:
    """Valuable partners not contacted recently, most valuable first."""
    return contacts[contacts["overdue"]].reset_index(drop=True)


def thank_of(roi_table: pd.DataFrame) -> pd.DataFrame:
    """Partners who referred in the period without any outreach in it, most referrals first."""
    rows = roi_table[
        roi_table["type"].isin(PARTNER_TYPES)
        & (roi_table["referrals"] > 0)
        & (roi_table["touches"] == 0)
    ]
    return rows.sort_values(
        ["referrals", "revenue", "partner"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def rethink_of(roi_table: pd.DataFrame) -> pd.DataFrame:
    """Partners who got outreach in the period and sent no referral in it, most spent first."""
    rows = roi_table[(roi_table["touches"] > 0) & (roi_table["referrals"] == 0)]
    return rows.sort_values(
        ["cost", "touches", "partner"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def cadence_of(encoded: Encoded, touches: Touches, partners: list[str]) -> pd.DataFrame:
    """Touches, their cost and the referrals per calendar month of the period for the given
    partners (columns CADENCE_COLUMNS, every partner x month, zeros included)."""
    start, end = touches.start, touches.end
    if start is None or end is None or not partners:
        return pd.DataFrame({c: [] for c in CADENCE_COLUMNS}).astype(
            {"partner": "str", "month": "datetime64[ns]"}
        )
    grid = month_grid(start, end)
    months = months_of(grid)
    period = touches.in_period
    period = period[period["partner"].isin(partners)]
    month = np.searchsorted(grid, period["day"].to_numpy(), side="right") - 1
    position = {name: i for i, name in enumerate(partners)}
    cell = period["partner"].map(position).to_numpy(dtype="int64") * len(months) + month
    size = len(partners) * len(months)
    touch_counts = np.bincount(cell, minlength=size)
    costs = np.bincount(cell, weights=period["cost"].to_numpy(), minlength=size)
    codes = pd.Index(encoded.names).get_indexer(pd.Index(partners, dtype=object))
    referrals = np.zeros((len(partners), len(months)), dtype="int64")
    known = codes >= 0
    if known.any():
        _, counts = partner_months_of(encoded, codes[known], start, end)
        referrals[known] = counts
    return pd.DataFrame(
        {
            "partner": np.repeat(np.array(partners, dtype=object), len(months)),
            "month": np.tile(months, len(partners)),
            "touches": touch_counts.astype("int64"),
            "cost": costs,
            "referrals": referrals.ravel(),
        }
    ).astype({"partner": "str"})
