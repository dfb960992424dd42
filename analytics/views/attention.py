"""The overview's "needs attention" list: key referrers, partners cooling off, unknown sources."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics import formatting as fmt
from analytics.metrics.concentration import concentration_of
from analytics.metrics.dependence import KEY_REFERRER_SHARE, key_referrers_of
from analytics.metrics.periods import PeriodTables
from analytics.metrics.valuation import (
    LARGEST_RISK,
    PHYSICIAN_WATCH,
    UNKNOWN_RISK,
    UNKNOWN_WATCH,
)

__all__ = ["Attention", "attention_items"]

SEVERITY_ORDER = {"risk": 0, "watch": 1}


@dataclass(frozen=True)
class Attention:
    """One thing the owner should look at: how bad, what, why, and the partner it is about."""

    severity: str  # "risk" | "watch"
    kind: str
    title: str
    detail: str
    partner: str | None = None


def _key_referrers(tables: PeriodTables) -> list[Attention]:
    items = []
    for k in key_referrers_of(tables):
        at_risk = (
            f"{fmt.money(k['revenue'])} of revenue rides on them"
            if k["revenue"] is not None
            else "revenue not exported"
        )
        items.append(
            Attention(
                severity="risk" if k["share"] >= LARGEST_RISK else "watch",
                kind="key_referrer",
                title=f"{k['name']} sends {fmt.pct(k['share'])} of your referrals",
                detail=f"{at_risk}. Keep in regular touch, and grow other partners so one "
                "change of heart cannot hurt the practice.",
                partner=k["name"],
            )
        )
    return items


def _quiet(dormant: pd.DataFrame, declining: pd.DataFrame, end: pd.Timestamp) -> list[Attention]:
    items = []
    drops = declining.set_index("name")
    for row in dormant.itertuples(index=False):
        days = (end - row.last_referral).days
        detail = (
            f"No referral since {fmt.day(row.last_referral)} ({days} days); they sent about "
            f"{row.monthly_avg:.1f} a month before. A call or visit this week is cheap."
        )
        items.append(
            Attention(
                severity="risk" if row.base_share >= KEY_REFERRER_SHARE else "watch",
                kind="dormant",
                title=f"{row.name} has gone quiet",
                detail=detail,
                partner=str(row.name),
            )
        )
    quiet = set(dormant["name"])
    for row in drops.itertuples():
        if row.Index in quiet:
            continue
        items.append(
            Attention(
                severity="risk",
                kind="declining",
                title=f"{row.Index} is sending fewer patients",
                detail=(
                    f"{row.last_90d:,} in the last 90 days against about "
                    f"{row.earlier_rate_per_90d:.0f} at their earlier pace "
                    f"({fmt.pct(-row.drop, 0)}); odds of a drop this size by luck: "
                    f"{fmt.chance(row.p_value)}."
                ),
                partner=str(row.Index),
            )
        )
    return items


def _data_and_mix(tables: PeriodTables) -> list[Attention]:
    items = []
    if not tables.referrals:
        return items
    unknown = int(tables.types.at["unknown", "referrals"]) / tables.referrals
    if unknown >= UNKNOWN_WATCH:
        items.append(
            Attention(
                severity="risk" if unknown >= UNKNOWN_RISK else "watch",
                kind="unknown_sources",
                title=f"{fmt.pct(unknown)} of referrals have no known source",
                detail="Ask the front desk to record who sent each new patient: an unknown "
                "source is a partner you cannot thank, and numbers a buyer cannot check.",
            )
        )
    physicians = int(tables.types.loc[["physician", "physician_extender"], "referrals"].sum())
    physician_share = physicians / tables.referrals
    if physician_share >= PHYSICIAN_WATCH:
        items.append(
            Attention(
                severity="watch",
                kind="physician_share",
                title=f"Physicians, PAs and NPs send {fmt.pct(physician_share)} of referrals",
                detail="Most of your growth is in the hands of people you do not employ; "
                "chiropractors, trainers, gyms and patient referrals would spread it.",
            )
        )
    concentration = concentration_of(tables)
    hhi = concentration["hhi"]
    if concentration["hhi_band"] == "high":
        items.append(
            Attention(
                severity="risk",
                kind="concentration",
                title=f"Referrals are highly concentrated (HHI {fmt.count(hhi)})",
                detail="A few partners hold most of your referrals; losing one would show in "
                "next month's schedule.",
            )
        )
    return items


def attention_items(
    tables: PeriodTables, declining: pd.DataFrame, dormant: pd.DataFrame
) -> list[Attention]:
    """Everything worth a look this period, most serious first: key referrers, partners gone
    quiet or declining, a large unknown-source share, heavy physician dependence, high HHI.

    `declining` and `dormant` are the alert tables (alerts.declining_of / dormant_of) at the
    period end. A partner both dormant and declining is listed once, as dormant.
    """
    end = tables.end if tables.end is not None else pd.Timestamp.now().normalize()
    items = _key_referrers(tables) + _quiet(dormant, declining, end) + _data_and_mix(tables)
    # Stable sort: within a severity the order above (key referrers, quiet, data) holds.
    return sorted(items, key=lambda item: SEVERITY_ORDER[item.severity])
