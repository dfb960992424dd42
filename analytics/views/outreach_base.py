"""What the Partner ROI and Engagement pages share: inputs read once, labels, column kinds."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from analytics.metrics.periods import Encoded, PeriodTables, tables_of
from analytics.outreach.touches import Touches, partner_types_of, period_days, touches_for
from analytics.schema import ACTIVITY_TYPES, SOURCE_TYPE_LABELS

NO_LOG = (
    "No outreach log yet. Open **Upload**, choose “Outreach / marketing log” and drop the "
    "spreadsheet where you record lunches, visits, calls and gifts (date, partner, activity, "
    "cost)."
)


ACTIVITY_LABELS = {t: t.capitalize() for t in ACTIVITY_TYPES} | {"in-service": "In-service"}


RETURN = "Return (× cost)"
RETURN_ON_MARGIN = "Return on margin (× cost)"


def type_labels(types: pd.Series) -> pd.Series:
    return types.map(lambda t: SOURCE_TYPE_LABELS.get(t, "Unknown")).astype("str")


def activity_labels(kinds: pd.Series) -> pd.Series:
    return kinds.map(lambda t: ACTIVITY_LABELS.get(t, str(t))).astype("str")


def note_on_clinics(filters: Filters) -> str | None:
    if not filters.clinics:
        return None
    return (
        "Outreach is not logged per clinic: the whole cost is set against the referrals of "
        f"{', '.join(filters.clinics)} only."
    )


def prepare_inputs(
    encoded: Encoded, history: pd.DataFrame | None, activities: pd.DataFrame, filters: Filters
) -> tuple[PeriodTables, Touches, pd.DataFrame]:
    tables = tables_of(encoded, filters)
    touches = touches_for(activities, tables, history)
    types = partner_types_of(encoded, period_days(tables)[1])
    return tables, touches, types


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
