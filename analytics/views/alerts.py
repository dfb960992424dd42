"""The trends and alerts page's data: the monthly trend, declining and dormant partners with
the evidence behind each flag, new partners, and partners won and lost by month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.alerts import declining_of, dormant_of
from analytics.metrics.monthly import LOST_AFTER_DAYS, partner_months_of, won_lost_of
from analytics.metrics.periods import Encoded, tables_of, to_day
from analytics.metrics.trends import monthly_series_of, new_partners_of
from analytics.metrics.valuation import FULL_YEAR_SLACK_DAYS
from analytics.views.kpis import EXPLAIN, Kpi, plain_tile
from analytics.views.overview import end_day, key_codes, months_back, type_labels

__all__ = ["EVIDENCE_PARTNERS", "TrendsPage", "trends_page"]

EVIDENCE_PARTNERS = 6
EVIDENCE_MONTHS = 15
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class TrendsPage:
    """Monthly trend, declining and dormant partners with their evidence, partners won/lost."""

    referrals: int
    end: str
    end_date: pd.Timestamp | None
    tiles: tuple[Kpi, ...]
    monthly: pd.DataFrame
    declining: pd.DataFrame
    dormant: pd.DataFrame
    evidence: pd.DataFrame
    new_partners: pd.DataFrame
    won_lost: pd.DataFrame
    # Whether a year of data precedes the period: without it every partner looks new (and a
    # one-off referrer looks lost), so neither is counted.
    partners_judged: bool = True


def _evidence(
    encoded: Encoded, declining: pd.DataFrame, dormant: pd.DataFrame, end: int | None
) -> pd.DataFrame:
    """Monthly referrals of the flagged partners over the last EVIDENCE_MONTHS months, with the
    monthly pace each was judged against."""
    pace = {
        str(r.name): r.earlier_rate_per_90d / 90 * DAYS_PER_MONTH
        for r in declining.itertuples(index=False)
    }
    for r in dormant.itertuples(index=False):
        pace.setdefault(str(r.name), float(r.monthly_avg))
    names = pd.Series(list(pace)[:EVIDENCE_PARTNERS], dtype="str")
    columns = ["Partner", "Month", "Referrals", "Earlier pace per month", "Flag"]
    if end is None or names.empty:
        return pd.DataFrame({c: [] for c in columns})
    months, counts = partner_months_of(
        encoded, key_codes(encoded, names), months_back(end, EVIDENCE_MONTHS), end
    )
    flags = {str(n): "dormant" for n in dormant["name"]} | {
        str(n): "declining" for n in declining["name"]
    }
    return pd.DataFrame(
        {
            "Partner": np.repeat(names.to_numpy(), len(months)),
            "Month": np.tile(months, len(names)),
            "Referrals": counts.ravel(),
            "Earlier pace per month": np.repeat([pace[n] for n in names], len(months)),
            "Flag": np.repeat([flags[n] for n in names], len(months)),
        }
    ).astype({"Partner": "str", "Flag": "str"})


NOT_JUDGED = "needs a full year of data before the period"


def year_before_covered(encoded: Encoded, start: pd.Timestamp | None) -> bool:
    """Whether the data covers the year before `start` (within a month's slack), so a
    partner new in the period is new, not merely new to the data."""
    first = encoded.first_day()
    if first is None or start is None:
        return False
    year_before = pd.Timestamp(start) - pd.DateOffset(years=1)
    return first <= to_day(year_before) + FULL_YEAR_SLACK_DAYS


def trends_page(encoded: Encoded, filters: Filters) -> TrendsPage:
    """The period's monthly trend and the partners who need a call."""
    tables = tables_of(encoded, filters)
    end = end_day(tables)
    series = monthly_series_of(encoded, filters)
    declining = declining_of(encoded, end)
    dormant = dormant_of(encoded, end)
    new = new_partners_of(encoded, filters)
    won_lost = won_lost_of(encoded, filters)
    judged = year_before_covered(encoded, tables.start)
    return TrendsPage(
        partners_judged=judged,
        referrals=tables.referrals,
        end=fmt.day(tables.end),
        end_date=tables.end,
        tiles=(
            plain_tile("Declining partners", fmt.count(len(declining)), help=EXPLAIN["declining"]),
            plain_tile("Dormant partners", fmt.count(len(dormant)), help=EXPLAIN["dormant"]),
            plain_tile(
                "New partners",
                fmt.count(len(new)) if judged else "not enough data",
                help="Partners whose first referral ever falls in the period.",
                note=None if judged else NOT_JUDGED,
            ),
            plain_tile(
                "Partners lost",
                fmt.count(np.nansum(won_lost["Lost"])) if judged else "not enough data",
                note=None if judged else NOT_JUDGED,
                help="Partners whose last referral fell in the period with none in the "
                f"{LOST_AFTER_DAYS} days after (the latest months cannot be judged yet).",
            ),
        ),
        monthly=pd.DataFrame(
            {
                "Month": series["month"],
                "Referrals": series["referrals"],
                "Revenue": series["revenue"] if tables.revenue is not None else np.nan,
                "Active partners": series["partners_active"],
                "New partners": series["new_partners"],
            }
        ),
        declining=pd.DataFrame(
            {
                "Partner": declining["name"].astype("str"),
                "Type": type_labels(declining["type"]),
                "Expected in 90 days": declining["earlier_rate_per_90d"],
                "Last 90 days": declining["last_90d"],
                "Drop": declining["drop"],
                "P-value": declining["p_value"],
                "Odds by luck": declining["p_value"].map(fmt.chance).astype("str"),
            }
        ),
        dormant=pd.DataFrame(
            {
                "Partner": dormant["name"].astype("str"),
                "Type": type_labels(dormant["type"]),
                "Last referral": pd.to_datetime(dormant["last_referral"]),
                "Days quiet": (tables.end - pd.to_datetime(dormant["last_referral"])).dt.days
                if tables.end is not None
                else np.nan,
                "Per month before": dormant["monthly_avg"],
                "Share before": dormant["base_share"],
            }
        ),
        evidence=_evidence(encoded, declining, dormant, end),
        new_partners=pd.DataFrame(
            {
                "Partner": new["partner"].astype("str"),
                "Type": type_labels(new["type"]),
                "First referral": new["first_referral"],
                "Referrals": new["referrals"],
            }
        ),
        won_lost=won_lost,
    )
