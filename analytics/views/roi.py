"""The Partner ROI page's data: totals, cost/revenue quadrants, ROI tables and responses."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.periods import Encoded
from analytics.outreach.roi import (
    partner_roi_of,
    quadrant_split,
    quadrants_of,
    roi_by_activity_type_of,
)
from analytics.outreach.touch_response import (
    WINDOWS,
    response_by_type_of,
    response_summary_of,
    touch_response_of,
)
from analytics.views.outreach_base import (
    RETURN,
    RETURN_ON_MARGIN,
    activity_labels,
    note_on_clinics,
    prepare_inputs,
    type_labels,
)

TOP_RESPONSES = 10


QUADRANT_NAMES = {
    "invest more": "Invest more",
    "keep": "Keep",
    "rethink": "Rethink",
    "light touch": "Keep light",
    "drop": "Review",
}
# Returns are shown as multiples of the cost; past this one the exact figure means nothing to
# an owner (a $5 call before a $2,000 referral) and reads as an error.
RETURN_CAP = 100


def roi_text(roi: float | None) -> str:
    """An ROI as the multiple of its cost it returns: 2.5 -> "3.5×", 103.97 -> "over 100×";
    "no cost logged" where nothing was spent."""
    if roi is None or pd.isna(roi):
        return "no cost logged"
    multiple = roi + 1
    if multiple > RETURN_CAP:
        return f"over {RETURN_CAP}×"
    if multiple >= 10:
        return f"{fmt.half_up(multiple):,.0f}×"
    return f"{fmt.half_up(max(multiple, 0), 1):.1f}×"


def _multiple(roi: pd.Series) -> pd.Series:
    """ROI as the multiple of its cost (revenue ÷ cost), NaN where nothing was spent."""
    return roi + 1


# Partner ROI ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoiPage:
    """Totals, the cost/revenue quadrants, the ROI table, ROI by activity and the response."""

    period: str
    referrals: int
    has_log: bool
    touches: int
    margin: float
    basis: str
    value: str
    totals: dict
    partners: pd.DataFrame
    scatter: pd.DataFrame
    cost_line: float | None
    value_line: float | None
    quadrant_note: str
    by_type: pd.DataFrame
    response: pd.DataFrame
    response_by_type: pd.DataFrame
    top_responses: pd.DataFrame
    clinic_note: str | None


def _totals(roi: pd.DataFrame, margin: float) -> dict:
    reached = roi[roi["touches"] > 0]
    cost = float(reached["cost"].sum())
    revenue = float(reached["revenue"].sum()) if reached["revenue"].notna().any() else None
    referrals = int(reached["referrals"].sum())
    return {
        "cost": cost,
        "touches": int(reached["touches"].sum()),
        "partners_reached": len(reached),
        "referrals_reached": referrals,
        "revenue_reached": revenue,
        "roi_reached": (revenue * margin - cost) / cost if cost and revenue is not None else None,
        "cost_per_referral": cost / referrals if referrals else None,
    }


def roi_page(
    encoded: Encoded,
    history: pd.DataFrame | None,
    activities: pd.DataFrame,
    filters: Filters,
    margin: float = 1.0,
) -> RoiPage:
    """The Partner ROI page for the filters, revenue read on a contribution `margin` (0..1]."""
    tables, touches, types = prepare_inputs(encoded, history, activities, filters)
    roi = partner_roi_of(tables, touches, types, margin=margin)
    quadrant = quadrants_of(roi)
    has_revenue = tables.revenue is not None
    on_margin = margin < 1
    partners = pd.DataFrame(
        {
            "Partner": roi["partner"],
            "Type": type_labels(roi["type"]),
            "Quadrant": quadrant.map(QUADRANT_NAMES).astype("str"),
            "Cost": roi["cost"],
            "Touches": roi["touches"],
            "Referrals": roi["referrals"],
            "Revenue": roi["revenue"],
            RETURN: _multiple(roi["roi"]),
            "Cost per referral": roi["cost_per_referral"],
            "Days since contact": roi["days_since_touch"].astype("Int64"),
        }
    )
    if on_margin:
        partners.insert(7, f"Revenue × {margin:.0%} margin", roi["margin_revenue"])
        partners.insert(9, RETURN_ON_MARGIN, _multiple(roi["roi_on_margin"]))
    reached = roi["touches"] > 0
    value = ("Revenue × margin" if on_margin else "Revenue") if has_revenue else "Referrals"
    source = roi["margin_revenue"] if has_revenue else roi["referrals"].astype("float64")
    scatter = pd.DataFrame(
        {
            "Partner": roi["partner"],
            "Type": type_labels(roi["type"]),
            "Cost": roi["cost"],
            "Touches": roi["touches"],
            "Referrals": roi["referrals"],
            value: source,
            "ROI": roi["roi_on_margin"],
            "Quadrant": quadrant,
        }
    )[reached.to_numpy()].reset_index(drop=True)
    cost_line, value_line = quadrant_split(roi)
    if value_line is not None and has_revenue:
        value_line *= margin
    shown_value = fmt.money(value_line) if has_revenue else fmt.count(value_line)
    quadrant_note = (
        "Each bubble is a partner reached in the period, sized by the referrals it sent. The "
        f"dotted lines are the medians of the partners reached: cost {fmt.money(cost_line)}, "
        f"{value.lower()} {shown_value}. Partners that sent no one sit on the bottom line, "
        "outreach that cost nothing (calls, emails) on the left one."
    )
    by_type = roi_by_activity_type_of(roi, touches)
    response = touch_response_of(encoded, touches)
    summary = response_summary_of(response)
    rose = [int((response[f"after_{w}"] > response[f"before_{w}"]).sum()) for w in WINDOWS]
    kinds = response_by_type_of(response)
    top = response.assign(change=response["after_90"] - response["before_90"])
    # Each partner's best touch, so one big referrer does not fill the list.
    top = (
        top[top["change"] > 0]
        .sort_values(["change", "date"], ascending=[False, True], kind="stable")
        .drop_duplicates("partner")
    )
    return RoiPage(
        period=fmt.period(tables.start, tables.end),
        referrals=tables.referrals,
        has_log=not activities.empty,
        touches=len(touches.in_period),
        margin=margin,
        basis="revenue" if not on_margin else f"revenue × {fmt.pct(margin, 0)} margin",
        value=value,
        totals=_totals(roi, margin),
        partners=partners,
        scatter=scatter,
        cost_line=cost_line,
        value_line=value_line,
        quadrant_note=quadrant_note,
        by_type=pd.DataFrame(
            {
                "Activity": activity_labels(by_type["activity_type"]),
                "Partners reached": by_type["partners"],
                "Touches": by_type["touches"],
                "Cost": by_type["cost"],
                "Referrals (shared)": by_type["referrals"],
                "Revenue (shared)": by_type["revenue"] * margin
                if has_revenue
                else by_type["revenue"],
                RETURN: _multiple(
                    by_type["roi"] if not on_margin else _margin_roi(by_type, margin)
                ),
                "Cost per referral": by_type["cost_per_referral"],
            }
        ),
        response=pd.DataFrame(
            {
                "Window": [f"{w} days" for w in summary["window"]],
                "Touches judged": summary["touches"],
                "Referrals before": summary["before"],
                "Referrals after": summary["after"],
                "Change per touch": summary["change_per_touch"],
                "Rose after": rose,
            }
        ),
        response_by_type=pd.DataFrame(
            {
                "Activity": activity_labels(kinds["activity_type"]),
                "Touches judged": kinds["touches"],
                "Referrals before": kinds["before"],
                "Referrals after": kinds["after"],
                "Change per touch": kinds["change_per_touch"],
            }
        ),
        top_responses=pd.DataFrame(
            {
                "Partner": top["partner"],
                "Activity": activity_labels(top["activity_type"]),
                "Date": top["date"],
                "Cost": top["cost"],
                "Referrals 90 days before": top["before_90"],
                "Referrals 90 days after": top["after_90"],
            }
        )
        .head(TOP_RESPONSES)
        .reset_index(drop=True),
        clinic_note=note_on_clinics(filters),
    )


def _margin_roi(by_type: pd.DataFrame, margin: float) -> pd.Series:
    cost = by_type["cost"].where(by_type["cost"] > 0)
    return (by_type["revenue"] * margin - by_type["cost"]) / cost


# Engagement -------------------------------------------------------------------------------
