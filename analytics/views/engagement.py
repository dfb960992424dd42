"""The Engagement page's data: recency against value, overdue, thank and rethink lists, cadence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.alerts import declining_of, dormant_of
from analytics.metrics.periods import Encoded
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
)
from analytics.outreach.touches import period_days
from analytics.views.freshness import data_through, stale_note
from analytics.views.outreach_base import note_on_clinics, prepare_inputs, type_labels

CADENCE_PARTNERS = 30
ACTIONS_TITLE = "Referral partners: this week"


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
    actions_subtitle: str
    clinic_note: str | None
    stale_note: str | None = None

    def actions_html(self) -> str:
        """The printable action list: made when it is downloaded, not with the page (an
        HTML row per partner listed: thousands in a large practice)."""
        return action_list_html(self.actions, ACTIONS_TITLE, self.actions_subtitle)


def _people(table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Rows of the contacts / ROI table under owner column names, with the last contact in
    words ("44 days ago", "never")."""
    out = pd.DataFrame({label: table[column] for label, column in columns.items()})
    if "Type" in out:
        out["Type"] = type_labels(out["Type"])
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
    tables, touches, types = prepare_inputs(encoded, history, activities, filters)
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
                "Type": type_labels(shown["type"]),
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
        actions_subtitle=(
            f"Week ending {end_text} ({data_through(tables.end).lower()}). "
            + (f"{stale} " if stale else "")
            + "Slipping and overdue partners to call, recent referrers to thank (referrals in "
            f"the last {THANK_DAYS} days, no contact logged in them). Overdue: no contact in "
            f"{overdue_days} days. Referrals and revenue: {fmt.period(tables.start, tables.end)}."
        ),
        stale_note=stale,
        clinic_note=note_on_clinics(filters),
    )
