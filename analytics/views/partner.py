"""One partner's own view: its figures in the period, monthly series, clinics, payers, members."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.alerts import declining_from, dormant_from
from analytics.metrics.dependence import KEY_REFERRER_SHARE
from analytics.metrics.monthly import partner_months_of
from analytics.metrics.periods import (
    TYPE_NAMES,
    Encoded,
    PeriodTables,
    day_bounds,
    dominant_type_codes,
    revenue_of,
    to_day,
)
from analytics.metrics.windows import windows_of
from analytics.schema import SOURCE_TYPE_LABELS, UNASSIGNED_CLINIC
from analytics.views.kpis import Kpi, plain_tile

__all__ = ["SERIES_MONTHS", "PartnerView", "partner_names_of", "partner_view_of"]

# The monthly chart shows at least this many months, so a one-month period still has a trend.
SERIES_MONTHS = 12
NOT_RECORDED = "(Not recorded)"


@dataclass(frozen=True)
class PartnerView:
    """What the drill-down page shows for one partner."""

    name: str
    type_label: str
    facts: dict
    monthly: pd.DataFrame
    clinics: pd.DataFrame
    payers: pd.DataFrame
    members: pd.DataFrame
    members_label: str
    status: tuple[str, ...]
    tiles: tuple[Kpi, ...]


def partner_names_of(encoded: Encoded, tables: PeriodTables) -> list[str]:
    """Partners to choose from: the period's (most referrals first), then every other partner
    seen before the period end, by name."""
    _, end = day_bounds(encoded, tables.filters)
    in_period = [str(p) for p in tables.partners["partner"]]
    if end is None:
        return in_period
    seen = np.unique(encoded.key[encoded.partner & (encoded.day <= end)])
    earlier = sorted(set(encoded.names[seen].astype(str)) - set(in_period))
    return in_period + earlier


def _breakdown(values: pd.Series, counts: pd.Series, label: str, empty: str) -> pd.DataFrame:
    """Referrals and share by a text column (missing values under `empty`), most first."""
    keys = values.fillna(empty).replace("", empty)
    sums = (
        counts.groupby(keys.to_numpy(), sort=False)
        .sum()
        .sort_values(ascending=False, kind="stable")
    )
    total = sums.sum()
    return pd.DataFrame(
        {
            label: pd.Series(sums.index, dtype="str"),
            "Referrals": sums.to_numpy(dtype="int64"),
            "Share": sums.to_numpy() / total if total else np.nan,
        }
    )


def _facts(tables: PeriodTables, name: str, first: int, last: int, end: int) -> dict:
    rows = tables.partners[tables.partners["partner"] == name]
    row = rows.iloc[0] if len(rows) else None
    referrals = int(row["referrals"]) if row is not None else 0
    revenue = float(row["revenue"]) if row is not None and tables.revenue is not None else None
    known = int(row["known"]) if row is not None else 0
    visits = row["visits"] if row is not None else np.nan
    has_visits = bool(tables.sources["visit_referrals"].sum())
    return {
        "referrals": referrals,
        "share": referrals / tables.referrals if tables.referrals else None,
        "revenue": revenue,
        "revenue_share": (
            revenue / tables.revenue if revenue is not None and tables.revenue else None
        ),
        "conversion_rate": int(row["arrived"]) / known if known else None,
        "visits_per_referral": (0.0 if pd.isna(visits) else float(visits)) / referrals
        if has_visits and referrals
        else None,
        "first_referral": pd.Timestamp(np.datetime64(first, "D")),
        "last_referral": pd.Timestamp(np.datetime64(last, "D")),
        "days_since_last": int(end - last),
        "revenue_basis": tables.revenue_basis,
    }


def _tiles(facts: dict) -> tuple[Kpi, ...]:
    visits = facts["visits_per_referral"]
    return (
        plain_tile("Referrals", fmt.count(facts["referrals"])),
        plain_tile(
            "Share of referrals",
            fmt.pct(facts["share"]),
            help="Of every referral in the period, patients and other channels included.",
        ),
        plain_tile(
            "Revenue",
            fmt.money(facts["revenue"]),
            help="What the practice would lose if this partner stopped, before any replacement.",
            note=None
            if facts["revenue_share"] is None
            else f"{fmt.pct(facts['revenue_share'])} of all",
        ),
        plain_tile(
            "Conversion",
            fmt.pct(facts["conversion_rate"]),
            help="Of this partner's referrals whose outcome is known, the share that came in.",
        ),
        plain_tile(
            "Visits per referral",
            "n/a" if visits is None else f"{visits:.1f}",
            help="Visits their patients had, divided by all their referrals.",
        ),
    )


def _status(encoded: Encoded, name: str, facts: dict, end: int) -> tuple[str, ...]:
    """Plain sentences on what to watch: key referrer, declining, dormant."""
    notes = []
    if facts["share"] is not None and facts["share"] >= KEY_REFERRER_SHARE:
        notes.append(
            f"Key referrer: {fmt.pct(facts['share'])} of all referrals in the period"
            + (
                f", {fmt.money(facts['revenue'])} of revenue at risk if they stop."
                if facts["revenue"] is not None
                else "."
            )
        )
    # The alerts of one key read only its rows (and the history's first day): the same
    # figures for it as over every row, without summing every partner.
    codes = np.flatnonzero(encoded.names == name)
    own = encoded.take(encoded.key == codes[0]) if len(codes) else encoded
    windows = windows_of(own, end, data_first=encoded.first_day())
    declining = declining_from(windows)
    for row in declining[declining["name"] == name].itertuples(index=False):
        notes.append(
            f"Declining: {row.last_90d:,} referrals in the last 90 days against about "
            f"{row.earlier_rate_per_90d:.0f} at the earlier pace ({fmt.pct(-row.drop, 0)}; "
            f"odds by luck {fmt.chance(row.p_value)})."
        )
    dormant = dormant_from(windows)
    for row in dormant[dormant["name"] == name].itertuples(index=False):
        notes.append(
            f"Dormant: no referral in the last 60 days after about {row.monthly_avg:.1f} a month."
        )
    return tuple(notes)


def partner_view_of(
    history: pd.DataFrame, encoded: Encoded, tables: PeriodTables, name: str
) -> PartnerView | None:
    """The drill-down of partner `name` (a name of `encoded.names` at the filters' level), or
    None when it never referred before the period end. `history` is the frame `encoded` was
    built from (same rows, same order)."""
    filters: Filters = tables.filters
    start, end = day_bounds(encoded, filters)
    codes = np.flatnonzero(encoded.names == name)
    if start is None or end is None or not len(codes):
        return None
    code = int(codes[0])
    mine = encoded.partner & (encoded.key == code) & (encoded.day <= end)
    if not mine.any():
        return None
    days = encoded.day[mine]
    type_code = dominant_type_codes(encoded, mine)[code]
    facts = _facts(tables, name, int(days.min()), int(days.max()), end)

    end_month = pd.Timestamp(np.datetime64(end, "D")).to_period("M")
    series_start = min(start, to_day((end_month - (SERIES_MONTHS - 1)).to_timestamp()))
    months, counts = partner_months_of(encoded, np.array([code]), series_start, end)
    revenue = revenue_of(encoded.payments, encoded.charges, tables.revenue_basis)
    money = np.zeros(len(months))
    arrived = np.zeros(len(months))
    in_series = mine & (encoded.day >= series_start)
    month_of = (
        np.searchsorted(
            months.to_numpy().astype("datetime64[D]").astype("int64"),
            encoded.day[in_series],
            side="right",
        )
        - 1
    )
    np.add.at(money, month_of, revenue[in_series])
    np.add.at(arrived, month_of, encoded.arrived[in_series])
    monthly = pd.DataFrame(
        {
            "Month": months,
            "Referrals": counts[0],
            "Arrived": arrived.astype("int64"),
            "Revenue": money if tables.revenue is not None else np.nan,
        }
    )

    in_period = mine & (encoded.day >= start)
    # Positions, not a mask: a few hundred rows taken, not a million-row mask per column.
    rows = history[["clinic", "payer", "source", "organization", "count"]].iloc[
        np.flatnonzero(in_period)
    ]
    if filters.level == "organization":
        members = _breakdown(rows["source"], rows["count"], "Referrer", NOT_RECORDED)
        members_label = "Referrers in this organization"
    else:
        members = _breakdown(rows["organization"], rows["count"], "Organization", NOT_RECORDED)
        members_label = "Organization"
    return PartnerView(
        status=_status(encoded, name, facts, end),
        tiles=_tiles(facts),
        name=name,
        type_label=SOURCE_TYPE_LABELS[str(TYPE_NAMES[type_code])],
        facts=facts,
        monthly=monthly,
        clinics=_breakdown(rows["clinic"], rows["count"], "Clinic", UNASSIGNED_CLINIC),
        payers=_breakdown(rows["payer"], rows["count"], "Payer", NOT_RECORDED),
        members=members,
        members_label=members_label,
    )
