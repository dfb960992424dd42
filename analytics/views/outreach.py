"""What the Partner ROI and Engagement pages show, computed once per filter choice: frozen
bundles of small frames with the owner's column names, ready to chart, render and download.

Both read the encoded referral history (all dates, the clinic filter applied), the history
frame (practice groups at the organization level) and the whole activity log; the ROI
figures are `roi.partner_roi_of`'s, so the pages agree with `metrics --json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.alerts import declining_of, dormant_of
from analytics.metrics.periods import Encoded, PeriodTables, tables_of
from analytics.outreach.actions import (
    ACTIONS,
    THANK_DAYS,
    action_list_html,
    contact_text,
    this_week_of,
)
from analytics.outreach.engagement import (
    cadence_of,
    contacts_of,
    overdue_of,
    rethink_of,
    thank_of,
)
from analytics.outreach.growth import growth_of
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
from analytics.outreach.touches import Touches, partner_types_of, period_days, touches_for
from analytics.schema import ACTIVITY_TYPES, SOURCE_TYPE_LABELS
from analytics.views.freshness import data_through, stale_note

__all__ = [
    "ACTIVITY_LABELS",
    "CADENCE_PARTNERS",
    "NO_LOG",
    "EngagementPage",
    "RoiPage",
    "column_kinds",
    "engagement_page",
    "roi_page",
    "roi_text",
]

NO_LOG = (
    "No outreach log yet. Open **Upload**, choose “Outreach / marketing log” and drop the "
    "spreadsheet where you record lunches, visits, calls and gifts (date, partner, activity, "
    "cost)."
)
CADENCE_PARTNERS = 30
TOP_RESPONSES = 10
ACTIVITY_LABELS = {t: t.capitalize() for t in ACTIVITY_TYPES} | {"in-service": "In-service"}
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
RETURN = "Return (× cost)"
RETURN_ON_MARGIN = "Return on margin (× cost)"


def _labels(types: pd.Series) -> pd.Series:
    return types.map(lambda t: SOURCE_TYPE_LABELS.get(t, "Unknown")).astype("str")


def _activities(kinds: pd.Series) -> pd.Series:
    return kinds.map(lambda t: ACTIVITY_LABELS.get(t, str(t))).astype("str")


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


def _clinic_note(filters: Filters) -> str | None:
    if not filters.clinics:
        return None
    return (
        "Outreach is not logged per clinic: the whole cost is set against the referrals of "
        f"{', '.join(filters.clinics)} only."
    )


def _prepare(
    encoded: Encoded, history: pd.DataFrame | None, activities: pd.DataFrame, filters: Filters
) -> tuple[PeriodTables, Touches, pd.DataFrame]:
    tables = tables_of(encoded, filters)
    touches = touches_for(activities, tables, history)
    types = partner_types_of(encoded, period_days(tables)[1])
    return tables, touches, types


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
    tables, touches, types = _prepare(encoded, history, activities, filters)
    roi = partner_roi_of(tables, touches, types, margin=margin)
    quadrant = quadrants_of(roi)
    has_revenue = tables.revenue is not None
    on_margin = margin < 1
    partners = pd.DataFrame(
        {
            "Partner": roi["partner"],
            "Type": _labels(roi["type"]),
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
            "Type": _labels(roi["type"]),
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
                "Activity": _activities(by_type["activity_type"]),
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
                "Activity": _activities(kinds["activity_type"]),
                "Touches judged": kinds["touches"],
                "Referrals before": kinds["before"],
                "Referrals after": kinds["after"],
                "Change per touch": kinds["change_per_touch"],
            }
        ),
        top_responses=pd.DataFrame(
            {
                "Partner": top["partner"],
                "Activity": _activities(top["activity_type"]),
                "Date": top["date"],
                "Cost": top["cost"],
                "Referrals 90 days before": top["before_90"],
                "Referrals 90 days after": top["after_90"],
            }
        )
        .head(TOP_RESPONSES)
        .reset_index(drop=True),
        clinic_note=_clinic_note(filters),
    )


def _margin_roi(by_type: pd.DataFrame, margin: float) -> pd.Series:
    cost = by_type["cost"].where(by_type["cost"] > 0)
    return (by_type["revenue"] * margin - by_type["cost"]) / cost


# Engagement -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementPage:
    """Contact recency against value, overdue, thank and rethink lists, contact cadence,
    growth against targets, and this week's action list."""

    period: str
    end: str
    referrals: int
    has_log: bool
    overdue_days: int
    value: str
    valuable: int
    contacts: pd.DataFrame
    overdue: pd.DataFrame
    thank: pd.DataFrame
    rethink: pd.DataFrame
    cadence: pd.DataFrame
    cadence_note: str
    growth: pd.DataFrame
    actions: pd.DataFrame
    action_counts: dict[str, int]
    actions_html: str
    clinic_note: str | None
    stale_note: str | None = None


def _people(table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Rows of the contacts / ROI table under owner column names, with the last contact in
    words ("44 days ago", "never")."""
    out = pd.DataFrame({label: table[column] for label, column in columns.items()})
    if "Type" in out:
        out["Type"] = _labels(out["Type"])
    out["Last contact"] = table["days_since_touch"].map(contact_text).astype("str")
    return out.reset_index(drop=True)


def _cadence_note(partners: int) -> str:
    more = partners - CADENCE_PARTNERS
    shown = f"the {CADENCE_PARTNERS} partners" if more > 0 else "the partners"
    rest = f" The other {more} are in the CSV." if more > 0 else ""
    return (
        f"Contacts logged per month for {shown} reached most often in the period; hover for "
        f"that month's referrals.{rest}"
    )


def engagement_page(
    encoded: Encoded,
    history: pd.DataFrame | None,
    activities: pd.DataFrame,
    filters: Filters,
    overdue_days: int,
    today: date | None = None,
) -> EngagementPage:
    """The Engagement page for the filters, overdue after `overdue_days` days without contact;
    with `today`, a note when the data ends weeks before it (on the page and printed list)."""
    tables, touches, types = _prepare(encoded, history, activities, filters)
    stale = None if today is None else stale_note(tables.end, today)
    roi = partner_roi_of(tables, touches, types)
    contacts = contacts_of(roi, overdue_days)
    has_revenue = tables.revenue is not None
    value = "Revenue" if has_revenue else "Referrals"
    shown = contacts[(contacts["value"] > 0) | (contacts["touches"] > 0)]
    _, end = period_days(tables)
    declining = declining_of(encoded, end)
    dormant = dormant_of(encoded, end)
    actions = this_week_of(contacts, declining, dormant, encoded, end, overdue_days)
    touched = touches.in_period["partner"].value_counts(sort=False)
    order = touched.rename("n").reset_index().sort_values(["n", "partner"], ascending=[False, True])
    cadence_partners = [str(p) for p in order["partner"]]
    cadence = cadence_of(encoded, touches, cadence_partners)
    base = {
        "Partner": "partner",
        "Type": "type",
        "Referrals": "referrals",
        "Revenue": "revenue",
    }
    end_text = fmt.day(tables.end)
    return EngagementPage(
        period=fmt.period(tables.start, tables.end),
        end=end_text,
        referrals=tables.referrals,
        has_log=not activities.empty,
        overdue_days=overdue_days,
        value=value,
        valuable=int(contacts["valuable"].sum()),
        contacts=pd.DataFrame(
            {
                "Partner": shown["partner"],
                "Type": _labels(shown["type"]),
                "Days since contact": shown["days_since_touch"],
                value: shown["value"],
                "Referrals": shown["referrals"],
                "Valuable": shown["valuable"],
                "Overdue": shown["overdue"],
            }
        ).reset_index(drop=True),
        overdue=_people(
            overdue_of(contacts), base | {f"Share of partner {value.lower()}": "value_share"}
        ),
        thank=_people(
            thank_of(roi), {"Partner": "partner", "Referrals": "referrals", "Revenue": "revenue"}
        ),
        rethink=_people(
            rethink_of(roi), {"Partner": "partner", "Touches": "touches", "Cost": "cost"}
        ),
        cadence=pd.DataFrame(
            {
                "Partner": cadence["partner"],
                "Month": cadence["month"],
                "Touches": cadence["touches"],
                "Cost": cadence["cost"],
                "Referrals": cadence["referrals"],
            }
        ),
        cadence_note=_cadence_note(len(order)),
        growth=growth_of(encoded, filters),
        actions=actions,
        action_counts={a: int((actions["Action"] == a).sum()) for a in ACTIONS},
        actions_html=action_list_html(
            actions,
            "Referral partners: this week",
            f"Week ending {end_text} ({data_through(tables.end).lower()}). "
            + (f"{stale} " if stale else "")
            + "Slipping and overdue partners to call, recent referrers to thank (referrals in "
            f"the last {THANK_DAYS} days, no contact logged in them). Overdue: no contact in "
            f"{overdue_days} days. Referrals and revenue: {fmt.period(tables.start, tables.end)}.",
        ),
        stale_note=stale,
        clinic_note=_clinic_note(filters),
    )


# How the tables show their columns ---------------------------------------------------------

MONEY_COLUMNS = ("Cost", "Cost per referral", "Revenue", "Revenue (shared)")
MULTIPLE_COLUMNS = (RETURN, RETURN_ON_MARGIN)
DECIMAL_COLUMNS = ("Referrals (shared)", "Change per touch")


def column_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """How each column of these pages' tables reads: money, percent (ROI, shares), date,
    decimal, count or text."""
    kinds = {}
    for column in frame.columns:
        name = str(column)
        if name in DECIMAL_COLUMNS:
            kinds[name] = "decimal"
        elif name in MONEY_COLUMNS or name.startswith("Revenue"):
            kinds[name] = "money"
        elif name in MULTIPLE_COLUMNS:
            kinds[name] = "multiple"
        elif name.lower().startswith("share"):
            kinds[name] = "percent"
        elif pd.api.types.is_datetime64_any_dtype(frame[column]):
            kinds[name] = "date"
        elif pd.api.types.is_numeric_dtype(frame[column]):
            kinds[name] = "count"
    return kinds
