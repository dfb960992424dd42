"""The published rules buyers apply to a referral book, beside the valuation scorecard.

Each rule is a check like analytics.metrics.valuation's: {name, value, threshold, status, sentence}.
Sources are cited in docs/valuation.md ("Buyers' rules").
"""

from __future__ import annotations

import numpy as np

from analytics.metrics.diligence import HISTORY_MONTHS
from analytics.metrics.periods import PeriodTables

__all__ = ["RULE_LABELS", "RULE_NAMES", "buyer_rules_of"]

RULE_NAMES: tuple[str, ...] = (
    "surgeon_or_group_referrals",
    "physician_revenue",
    "customer_concentration",
    "history_months",
)
RULE_LABELS: dict[str, str] = {
    "surgeon_or_group_referrals": "One surgeon or group: share of referrals",
    "physician_revenue": "One physician: share of revenue",
    "customer_concentration": "Customer concentration (revenue)",
    "history_months": "Months of history loaded",
}
SURGEON_RISK = 0.40
PHYSICIAN_ONE, PHYSICIAN_TWO = 0.40, 0.60
CUSTOMER_WATCH, CUSTOMER_RISK, CUSTOMER_TOP5 = 0.10, 0.15, 0.40


def _rule(name: str, value, threshold: str, status: str, sentence: str) -> dict:
    return {
        "name": name,
        "value": value,
        "threshold": threshold,
        "status": status,
        "sentence": sentence,
    }


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _surgeon_or_group(tables: PeriodTables, org: PeriodTables, groups) -> dict:
    threshold = "ok < 40% <= risk"
    name = "surgeon_or_group_referrals"
    if not tables.referrals:
        return _rule(name, None, threshold, "watch", "No referrals in the period.")
    partners = tables.partners
    physicians = partners[partners["physician_referrals"] > 0]
    candidates = []
    if not physicians.empty:
        top = physicians.sort_values("physician_referrals", ascending=False, kind="stable").iloc[0]
        candidates.append((int(top["physician_referrals"]) / tables.referrals, str(top["partner"])))
    real = org.partners[org.partners["partner"].isin(list(groups))]
    if not real.empty:
        top = real.iloc[0]
        candidates.append((int(top["referrals"]) / org.referrals, str(top["partner"])))
    if not candidates:
        return _rule(name, 0.0, threshold, "ok", "No physician or practice group refers.")
    share, who = max(candidates, key=lambda c: c[0])
    status = "risk" if share >= SURGEON_RISK else "ok"
    sentence = f"The largest physician or practice group, {who}, sends {_pct(share)} of referrals."
    if status == "risk":
        sentence += " PT practice brokers treat 40% or more from one surgeon or group as a risk."
    return _rule(name, share, threshold, status, sentence)


def _revenue_shares(tables: PeriodTables, column: str) -> np.ndarray:
    values = tables.partners[column].fillna(0).to_numpy(dtype="float64")
    return np.sort(values)[::-1] / tables.revenue


def _physician_revenue(tables: PeriodTables) -> dict:
    threshold = "risk: one >= 40% or the top two > 60%"
    name = "physician_revenue"
    if not tables.revenue:
        return _rule(name, None, threshold, "watch", "No revenue recorded in the period.")
    shares = _revenue_shares(tables, "physician_revenue")
    top1, top2 = float(shares[:1].sum()), float(shares[:2].sum())
    value = {"top1": top1, "top2": top2}
    status = "risk" if top1 >= PHYSICIAN_ONE or top2 > PHYSICIAN_TWO else "ok"
    sentence = f"The largest physician brings {_pct(top1)} of revenue; the top two {_pct(top2)}."
    if status == "risk":
        sentence += " Practice valuers model a physician this large separately."
    return _rule(name, value, threshold, status, sentence)


def _customer(tables: PeriodTables) -> dict:
    threshold = "ok <= 10% < watch <= 15% < risk; risk when the top five > 40%"
    name = "customer_concentration"
    if not tables.revenue:
        return _rule(name, None, threshold, "watch", "No revenue recorded in the period.")
    shares = _revenue_shares(tables, "revenue")
    top1, top5 = float(shares[:1].sum()), float(shares[:5].sum())
    value = {"top1": top1, "top5": top5}
    if top1 > CUSTOMER_RISK or top5 > CUSTOMER_TOP5:
        status = "risk"
    elif top1 > CUSTOMER_WATCH:
        status = "watch"
    else:
        status = "ok"
    sentence = f"The largest partner brings {_pct(top1)} of revenue; the top five {_pct(top5)}."
    if status != "ok":
        sentence += " Buyers read one customer above 10-15% or five above 40% as concentrated."
    return _rule(name, value, threshold, status, sentence)


def _history(months: int) -> dict:
    threshold = f"ok >= {HISTORY_MONTHS} months"
    if months >= HISTORY_MONTHS:
        return _rule(
            "history_months", months, threshold, "ok", f"{months} months of referrals loaded."
        )
    return _rule(
        "history_months",
        months,
        threshold,
        "watch",
        f"Only {months} months of referrals are loaded; buyers read {HISTORY_MONTHS}.",
    )


def buyer_rules_of(
    tables: PeriodTables, org: PeriodTables, groups, months_loaded: int
) -> list[dict]:
    """The buyers' rules over the period: `tables` per partner and `org` per organisation
    (the same period), `groups` the names of real practice groups, `months_loaded` the
    history's length in calendar months."""
    return [
        _surgeon_or_group(tables, org, groups),
        _physician_revenue(tables),
        _customer(tables),
        _history(months_loaded),
    ]
