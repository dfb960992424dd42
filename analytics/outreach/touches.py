"""Outreach activities lined up with the referrals: keyed like them, dated like them.

Every ROI and engagement figure reads activities through `touches_of`: the activity log's
resolved `partner` is put at the filters' level (a doctor's lunch counts for their practice
group at the organization level, exactly as `periods.encode` rolls up their referrals) and
its date becomes the integer day the referral arrays use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.metrics.periods import TYPE_NAMES, Encoded, PeriodTables, dominant_type_codes, to_day
from analytics.schema import ACTIVITY_TYPES, PARTNER_TYPES

__all__ = [
    "TOUCH_COLUMNS",
    "Touches",
    "organization_of",
    "partner_types_of",
    "period_days",
    "touches_for",
    "touches_of",
]

TOUCH_COLUMNS: tuple[str, ...] = (
    "day",
    "partner",
    "partner_name",
    "activity_type",
    "cost",
    "staff",
    "notes",
)
_NS_PER_DAY = 86_400_000_000_000


@dataclass(frozen=True, eq=False)
class Touches:
    """Activities up to a period's end, keyed at the filters' level.

    `frame` has TOUCH_COLUMNS (day = days since 1970-01-01; partner = the level's key; cost 0
    where none was logged); `start` and `end` are the period's days, so `in_period` are the
    touches whose cost and count the period carries, while earlier ones still tell how long
    ago a partner was last contacted.
    """

    frame: pd.DataFrame
    start: int | None
    end: int | None

    @property
    def in_period(self) -> pd.DataFrame:
        """The touches from the period's first to its last day."""
        if self.start is None or self.end is None:
            return self.frame.iloc[:0]
        days = self.frame["day"]
        return self.frame[(days >= self.start) & (days <= self.end)]


def organization_of(history: pd.DataFrame | None) -> dict[str, str]:
    """Each partner source's practice group: the organization most of its referrals carry."""
    if history is None or history.empty:
        return {}
    rows = history[history["source_type"].isin(PARTNER_TYPES) & history["organization"].notna()]
    if rows.empty:
        return {}
    counts = (
        rows.groupby(["source", "organization"], sort=True)["count"]
        .sum()
        .reset_index()
        .sort_values(["source", "count"], ascending=[True, False], kind="stable")
        .drop_duplicates("source")
    )
    return dict(zip(counts["source"].astype(str), counts["organization"].astype(str), strict=True))


def touches_of(
    activities: pd.DataFrame | None,
    start: int | None,
    end: int | None,
    *,
    level: str = "partner",
    organizations: dict[str, str] | None = None,
) -> Touches:
    """The activities dated up to day `end`, keyed at `level` (organizations: source -> group)."""
    if activities is None or activities.empty or end is None:
        empty = pd.DataFrame({c: pd.Series(dtype="str") for c in TOUCH_COLUMNS})
        empty = empty.astype({"day": "int64", "cost": "float64"})
        return Touches(empty, start, end)
    dates = activities["activity_date"].to_numpy(dtype="datetime64[ns]")
    day = dates.view("int64") // _NS_PER_DAY
    partner = activities["partner"].astype("str")
    if level == "organization" and organizations:
        partner = partner.map(lambda name: organizations.get(name, name)).astype("str")
    kinds = activities["activity_type"].astype("str")
    frame = pd.DataFrame(
        {
            "day": day,
            "partner": partner.to_numpy(),
            "partner_name": activities["partner_name"].astype("str").to_numpy(),
            "activity_type": kinds.where(kinds.isin(ACTIVITY_TYPES), "other").to_numpy(),
            "cost": activities["cost"].fillna(0.0).to_numpy(dtype="float64"),
            "staff": activities["staff"].astype("str").to_numpy(),
            "notes": activities["notes"].astype("str").to_numpy(),
        }
    ).astype({"partner": "str", "partner_name": "str", "activity_type": "str"})
    frame = frame[frame["day"] <= end].sort_values(["day", "partner"], kind="stable")
    return Touches(frame.reset_index(drop=True), start, end)


def partner_types_of(encoded: Encoded, end: int | None) -> dict[str, str]:
    """Each key's source type from its referrals up to day `end` (most referrals' type)."""
    if end is None or not len(encoded.day):
        return {}
    upto = encoded.day <= end
    types = dominant_type_codes(encoded, upto)
    seen = np.bincount(encoded.key[upto], minlength=encoded.partners) > 0
    return {
        str(name): str(TYPE_NAMES[code])
        for name, code, ok in zip(encoded.names, types, seen, strict=True)
        if ok
    }


def period_days(tables: PeriodTables) -> tuple[int | None, int | None]:
    """The period's first and last days as the integer days the arrays use."""
    start = to_day(tables.start) if tables.start is not None else None
    end = to_day(tables.end) if tables.end is not None else None
    return start, end


def touches_for(
    activities: pd.DataFrame | None, tables: PeriodTables, history: pd.DataFrame | None
) -> Touches:
    """`touches_of` for a period's tables, with practice groups read from the referral history."""
    level = tables.filters.level
    organizations = organization_of(history) if level == "organization" else None
    return touches_of(activities, *period_days(tables), level=level, organizations=organizations)
