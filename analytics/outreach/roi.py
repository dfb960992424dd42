"""Partner ROI: what the outreach to each partner cost and what its referrals brought in.

METRICS.md, "Partner ROI": per partner over the period, `cost` (sum of activity costs),
`touches` (activities), `referrals`, `revenue`, `roi` = (revenue - cost) / cost (null when
cost is 0), `cost_per_referral` = cost / referrals (null when referrals is 0) and
`days_since_touch` (days from its last activity, in or before the period, to the period
end). A contribution margin m reads the same on margin: `roi_on_margin` =
(m * revenue - cost) / cost. Outreach costs are not split by clinic: with clinics chosen,
the whole cost stands against those clinics' referrals.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.ingest.source_types import infer_type
from analytics.metrics.periods import Encoded, PeriodTables, cents, encode, tables_of
from analytics.outreach.touches import (
    Touches,
    partner_types_of,
    period_days,
    touches_for,
    touches_of,
)
from analytics.schema import ACTIVITY_TYPES

__all__ = [
    "QUADRANTS",
    "ROI_COLUMNS",
    "TYPE_ROI_COLUMNS",
    "partner_roi",
    "partner_roi_of",
    "quadrant_split",
    "quadrants_of",
    "roi_by_activity_type_of",
    "roi_records",
    "roi_summary_from",
    "roi_summary_of",
]

ROI_COLUMNS: tuple[str, ...] = (
    "partner",
    "type",
    "cost",
    "touches",
    "referrals",
    "revenue",
    "roi",
    "cost_per_referral",
    "last_touch",
    "days_since_touch",
    "margin_revenue",
    "roi_on_margin",
)
TYPE_ROI_COLUMNS: tuple[str, ...] = (
    "activity_type",
    "partners",
    "touches",
    "cost",
    "referrals",
    "revenue",
    "roi",
    "cost_per_referral",
)
# Quadrants of cost against revenue, split at the medians of the partners reached.
QUADRANTS: dict[str, str] = {
    "invest more": "Brings in more than most for less than most: room to do more.",
    "keep": "Costs more than most and brings in more than most: keep it going.",
    "rethink": "Costs more than most and brings in less than most: change the approach.",
    "light touch": "Little spent, yet several times its cost back: keep the light touch.",
    "drop": "Little spent and less back than most: try a new approach once; take it off the "
    "list only if it still returns less than it costs.",
}
# A low-cost, low-value partner returning at least this many times its cost is never told to
# drop: "little back" is relative to the other partners, not to what it cost.
PAYS_WELL = 2.0
MONEY_DIGITS = 2
RATIO_DIGITS = 4


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is 0 or either side is missing."""
    safe = denominator.where(denominator > 0)
    return (numerator / safe).astype("float64")


def partner_roi_of(
    tables: PeriodTables,
    touches: Touches,
    types: dict[str, str] | None = None,
    *,
    margin: float = 1.0,
) -> pd.DataFrame:
    """ROI per partner (columns ROI_COLUMNS): every partner that referred in the period and
    every partner touched in it, most spent first.

    `types` gives a key's source type when it did not refer in the period (from its earlier
    referrals); a partner never seen among the referrals gets the type its name suggests
    ("Greg Lane MD": physician), else "unknown". Revenue is NaN when the period has no
    revenue basis, and so are roi and the margin figures.
    """
    if not 0 < margin <= 1:
        raise ValueError("The contribution margin must be above 0% and at most 100%.")
    sources = tables.sources
    by_name = sources.groupby(sources["source"].astype(str), sort=False)[
        ["referrals", "revenue"]
    ].sum()
    by_name["revenue"] = cents(by_name["revenue"].to_numpy(dtype="float64"))
    dominant = (
        sources.sort_values("referrals", ascending=False, kind="stable")
        .drop_duplicates("source")
        .set_index("source")["source_type"]
    )
    period = touches.in_period
    spent = period.groupby("partner", sort=False).agg(
        cost=("cost", "sum"), touches=("cost", "size")
    )
    last = touches.frame.groupby("partner", sort=False)["day"].max()
    names = list(dict.fromkeys([*tables.partners["partner"].astype(str), *spent.index]))
    table = pd.DataFrame({"partner": pd.Series(names, dtype="str")})
    known_types = {**(types or {}), **dominant.astype(str).to_dict()}
    known_types.update(tables.partners.set_index("partner")["type"].astype(str).to_dict())
    table["type"] = table["partner"].map(lambda n: known_types.get(n) or infer_type(n))
    table["type"] = table["type"].astype("str")
    table["cost"] = table["partner"].map(spent["cost"]).fillna(0.0).astype("float64")
    table["touches"] = table["partner"].map(spent["touches"]).fillna(0).astype("int64")
    table["referrals"] = table["partner"].map(by_name["referrals"]).fillna(0).astype("int64")
    has_revenue = tables.revenue is not None
    revenue = table["partner"].map(by_name["revenue"]).fillna(0.0).astype("float64")
    table["revenue"] = revenue if has_revenue else np.nan
    table["roi"] = _ratio(table["revenue"] - table["cost"], table["cost"])
    table["cost_per_referral"] = _ratio(table["cost"], table["referrals"].astype("float64"))
    last_day = table["partner"].map(last)
    table["last_touch"] = pd.to_datetime(last_day, unit="D").astype("datetime64[ns]")
    _, end = period_days(tables)
    table["days_since_touch"] = (end - last_day).astype("float64") if end is not None else np.nan
    table["margin_revenue"] = table["revenue"] * margin
    table["roi_on_margin"] = _ratio(table["margin_revenue"] - table["cost"], table["cost"])
    table = table.sort_values(
        ["cost", "revenue", "referrals", "partner"],
        ascending=[False, False, False, True],
        kind="stable",
        na_position="last",
    )
    return table.reset_index(drop=True)[list(ROI_COLUMNS)]


def partner_roi(
    history: pd.DataFrame, activities: pd.DataFrame, filters: Filters, *, margin: float = 1.0
) -> pd.DataFrame:
    """`partner_roi_of` from frames: referral history (any dates) and the activity log."""
    encoded = encode(history, filters.level)
    tables = tables_of(encoded, filters)
    touches = touches_for(activities, tables, history)
    return partner_roi_of(
        tables, touches, partner_types_of(encoded, period_days(tables)[1]), margin=margin
    )


def roi_summary_of(
    tables: PeriodTables,
    encoded: Encoded,
    activities: pd.DataFrame | None,
    history: pd.DataFrame | None,
) -> list[dict]:
    """The `roi` list of `metrics --json` ([] when no activity is dated up to the period end).

    `encoded` and `history` are the referral history (types of partners not in the period,
    practice groups at the organization level); `activities` may reach back before the period
    (they then inform `days_since_touch` only)."""
    touches = touches_for(activities, tables, history)
    if touches.frame.empty:
        return []
    types = partner_types_of(encoded, period_days(tables)[1])
    return roi_records(partner_roi_of(tables, touches, types))


def roi_summary_from(
    tables: PeriodTables,
    types: dict[str, str],
    organizations: dict[str, str],
    activities: pd.DataFrame | None,
) -> list[dict]:
    """`roi_summary_of` from the history's partner types and practice groups (outreach's
    partner_types_of and organization_of, computed in the store)."""
    level = tables.filters.level
    groups = organizations if level == "organization" else None
    touches = touches_of(activities, *period_days(tables), level=level, organizations=groups)
    if touches.frame.empty:
        return []
    return roi_records(partner_roi_of(tables, touches, types))


def roi_by_activity_type_of(roi_table: pd.DataFrame, touches: Touches) -> pd.DataFrame:
    """ROI per activity type (columns TYPE_ROI_COLUMNS), in ACTIVITY_TYPES order.

    A referral cannot be traced to one lunch or call, so each touched partner's referrals and
    revenue are shared among the activity types it received in the period, in proportion to
    its touches of each type (two lunches and a call: two thirds to lunch). The types' figures
    add up to those of the partners reached; partners never touched are left out.
    """
    period = touches.in_period
    if period.empty:
        return pd.DataFrame({c: [] for c in TYPE_ROI_COLUMNS}).astype(
            {
                "activity_type": "str",
                "partners": "int64",
                "touches": "int64",
                "referrals": "float64",
            }
        )
    value = roi_table.set_index("partner")[["referrals", "revenue"]]
    per_partner = period.groupby("partner")["cost"].size()
    rows = period.assign(
        weight=1.0 / period["partner"].map(per_partner),
    )
    rows = rows.assign(
        referrals=rows["weight"] * rows["partner"].map(value["referrals"]).fillna(0),
        revenue=rows["weight"] * rows["partner"].map(value["revenue"]),
    )
    grouped = rows.groupby("activity_type")
    table = pd.DataFrame(
        {
            "partners": grouped["partner"].nunique(),
            "touches": grouped.size(),
            "cost": grouped["cost"].sum(),
            "referrals": grouped["referrals"].sum(),
            "revenue": grouped["revenue"].sum(min_count=1),
        }
    )
    order = [t for t in ACTIVITY_TYPES if t in table.index]
    table = table.loc[order].rename_axis("activity_type").reset_index()
    table["activity_type"] = table["activity_type"].astype("str")
    table["roi"] = _ratio(table["revenue"] - table["cost"], table["cost"])
    table["cost_per_referral"] = _ratio(table["cost"], table["referrals"])
    return table[list(TYPE_ROI_COLUMNS)]


def quadrant_split(roi_table: pd.DataFrame) -> tuple[float | None, float | None]:
    """(cost, value) medians over the partners touched in the period: the quadrant lines.

    Value is revenue, or referrals when the period has no revenue basis."""
    reached = roi_table[roi_table["touches"] > 0]
    if reached.empty:
        return None, None
    value = _value(reached)
    return float(reached["cost"].median()), float(value.median())


def _returns(table: pd.DataFrame) -> pd.Series:
    """ROI on the margin revenue where the table has it, else on revenue, else from the
    cost and revenue columns themselves (NaN without a cost)."""
    for column in ("roi_on_margin", "roi"):
        if column in table:
            return table[column]
    return _ratio(table["revenue"] - table["cost"], table["cost"])


def _value(table: pd.DataFrame) -> pd.Series:
    return table["revenue"] if table["revenue"].notna().any() else table["referrals"]


def quadrants_of(roi_table: pd.DataFrame) -> pd.Series:
    """Each touched partner's quadrant (QUADRANTS keys); NA for partners not touched.

    Above the cost median is "high cost", above the value median "high value": invest more
    (value high, cost not), keep (both high), rethink (cost high, value not), drop (neither),
    except "light touch" for a partner in neither that returns PAYS_WELL times its cost or
    more (on the margin revenue when the table has it).
    """
    cost_line, value_line = quadrant_split(roi_table)
    quadrant = pd.Series(pd.NA, index=roi_table.index, dtype="str")
    if cost_line is None:
        return quadrant
    reached = roi_table["touches"] > 0
    high_cost = roi_table["cost"] > cost_line
    high_value = _value(roi_table).fillna(0) > value_line
    roi = _returns(roi_table)
    pays_well = (roi.fillna(-1) + 1 >= PAYS_WELL).to_numpy()
    choices = np.select(
        [high_value & ~high_cost, high_value & high_cost, ~high_value & high_cost, pays_well],
        ["invest more", "keep", "rethink", "light touch"],
        default="drop",
    )
    return quadrant.mask(reached, pd.Series(choices, index=roi_table.index, dtype="str"))


def _number(value, digits: int) -> float | None:
    if value is None or pd.isna(value) or (isinstance(value, float) and math.isinf(value)):
        return None
    return round(float(value), digits)


def roi_records(roi_table: pd.DataFrame) -> list[dict]:
    """The `roi` list of `metrics --json`: one JSON-ready object per row of `partner_roi_of`."""
    return [
        {
            "name": str(row.partner),
            "type": str(row.type),
            "cost": _number(row.cost, MONEY_DIGITS),
            "touches": int(row.touches),
            "referrals": int(row.referrals),
            "revenue": _number(row.revenue, MONEY_DIGITS),
            "roi": _number(row.roi, RATIO_DIGITS),
            "cost_per_referral": _number(row.cost_per_referral, MONEY_DIGITS),
            "last_touch": None
            if pd.isna(row.last_touch)
            else pd.Timestamp(row.last_touch).date().isoformat(),
            "days_since_touch": None
            if pd.isna(row.days_since_touch)
            else int(row.days_since_touch),
        }
        for row in roi_table.itertuples(index=False)
    ]
