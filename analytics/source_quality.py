"""Source quality: what a partner's or a source type's referrals are worth, not how many
there are: revenue per referral and per episode, visits, payer mix, speed to first visit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.periods import TYPE_NAMES, day_bounds, encode, revenue_basis, revenue_of

__all__ = ["QUALITY_COLUMNS", "SEEN_WITHIN_DAYS", "payer_mix_of", "source_quality_of"]

# One EMR counts a referral converted only when the first visit is within 7 days.
SEEN_WITHIN_DAYS = 7
NO_PAYER = "(no payer)"
TOP_PAYERS = 3
QUALITY_COLUMNS = (
    "Referrals",
    "Episodes",
    "Revenue",
    "Revenue per referral",
    "Revenue per episode",
    "Visits per referral",
    "Median days to first visit",
    "90th percentile days",
    "Seen within 7 days share",
    "Arrived, date unknown",
    "Top payers",
)


def _rows(frame: pd.DataFrame, filters: Filters, by: str) -> pd.DataFrame:
    """The period's rows as one small frame: group, count, money, outcome, days, payer."""
    encoded = encode(frame, filters.level)
    start, end = day_bounds(encoded, filters)
    keep = np.ones(len(encoded.day), dtype=bool)
    if start is not None and end is not None:
        keep = (encoded.day >= start) & (encoded.day <= end)
    if by == "source_type":
        group = TYPE_NAMES[encoded.type]
        ptype = group
    else:
        keep &= encoded.partner
        group = encoded.names[encoded.key]
        ptype = TYPE_NAMES[encoded.type]
    basis = revenue_basis(encoded.payments[keep], encoded.charges[keep])
    payer = frame["payer"].fillna(NO_PAYER).astype("str").to_numpy(dtype=object)
    rows = pd.DataFrame(
        {
            "group": pd.Series(group[keep], dtype="str"),
            "type": pd.Series(ptype[keep], dtype="str"),
            "count": encoded.count[keep],
            "revenue": revenue_of(encoded.payments[keep], encoded.charges[keep], basis),
            "arrived": encoded.arrived[keep],
            "known": encoded.known[keep],
            "visits": encoded.visits[keep],
            "days": encoded.eval_days[keep],
            "payer": pd.Series(payer[keep], dtype="str"),
        }
    )
    rows.attrs["basis"] = basis
    return rows


def _nearest_rank(days: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest day at or below which a fraction q of the (weighted) referrals fall."""
    order = np.argsort(days, kind="stable")
    cumulative = np.cumsum(weights[order])
    rank = math.ceil(q * cumulative[-1])
    return float(days[order][np.searchsorted(cumulative, rank)])


def _timing(rows: pd.DataFrame) -> pd.DataFrame:
    timed = rows[rows["days"].notna()]
    out = {}
    for group, part in timed.groupby("group", sort=False):
        days = part["days"].to_numpy(dtype="float64")
        weights = part["count"].to_numpy(dtype="int64")
        low = _nearest_rank(days, weights, 0.5)
        # An even count's median is the mean of the two middle values (funnel's median).
        total = int(weights.sum())
        high = low
        if total % 2 == 0:
            order = np.sort(np.repeat(days, weights))
            low, high = order[total // 2 - 1], order[total // 2]
        within = int(weights[days <= SEEN_WITHIN_DAYS].sum())
        out[group] = {
            "Median days to first visit": (low + high) / 2,
            "90th percentile days": _nearest_rank(days, weights, 0.9),
            "within": within,
        }
    columns = ["Median days to first visit", "90th percentile days", "within"]
    return pd.DataFrame.from_dict(out, orient="index", columns=columns).astype("float64")


def payer_mix_of(frame: pd.DataFrame, filters: Filters, by: str = "source") -> pd.DataFrame:
    """Referrals per payer within each partner (or type): Group, Payer, Referrals, Payer share
    (of the group's referrals; rows without a payer are "(no payer)")."""
    rows = _rows(frame, filters, by)
    mix = rows.groupby(["group", "payer"], sort=False)["count"].sum().reset_index()
    mix["share"] = mix["count"] / mix.groupby("group")["count"].transform("sum")
    mix = mix.sort_values(["group", "count", "payer"], ascending=[True, False, True])
    return mix.rename(
        columns={"group": "Group", "payer": "Payer", "count": "Referrals", "share": "Payer share"}
    ).reset_index(drop=True)


def _top_payers(mix: pd.DataFrame) -> dict[str, str]:
    out = {}
    for group, part in mix.groupby("Group", sort=False):
        top = part.head(TOP_PAYERS)
        out[group] = ", ".join(
            f"{p} {100 * s:.0f}%" for p, s in zip(top["Payer"], top["Payer share"], strict=True)
        )
    return out


def source_quality_of(frame: pd.DataFrame, filters: Filters, by: str = "source") -> pd.DataFrame:
    """One row per partner (by="source") or source type (by="source_type") of the period,
    ranked by revenue (ties: referrals, then name): QUALITY_COLUMNS after the name and type.

    Episodes are arrived referrals. Per-referral figures divide by all the group's referrals;
    revenue per episode by its episodes. Days run from referral to evaluation, each row
    weighing its count; the 90th percentile is the nearest rank. The 7-day share is of the
    referrals whose outcome is known; arrivals without an evaluation date cannot be timed and
    are counted in "Arrived, date unknown"."""
    rows = _rows(frame, filters, by)
    name = "Source type" if by == "source_type" else "Partner"
    if rows.empty:
        return pd.DataFrame(columns=[name, "Type", *QUALITY_COLUMNS])
    rows["visits_known"] = rows["visits"].notna()
    rows["untimed"] = np.where(rows["days"].isna(), rows["arrived"], 0)
    grouped = rows.groupby("group", sort=False)
    sums = grouped[["count", "revenue", "arrived", "known", "untimed"]].sum()
    sums["visits"] = grouped["visits"].sum(min_count=1)
    sums["type"] = (
        rows.sort_values("count", ascending=False, kind="stable").groupby("group")["type"].first()
    )
    timing = _timing(rows).reindex(sums.index)
    basis = rows.attrs["basis"]
    revenue = sums["revenue"] if basis != "none" else pd.Series(np.nan, index=sums.index)
    episodes = sums["arrived"].astype("float64")
    table = pd.DataFrame(
        {
            name: sums.index.astype("str"),
            "Type": sums["type"].to_numpy(),
            "Referrals": sums["count"].astype("int64").to_numpy(),
            "Episodes": sums["arrived"].astype("int64").to_numpy(),
            "Revenue": revenue.to_numpy(),
            "Revenue per referral": (revenue / sums["count"]).to_numpy(),
            "Revenue per episode": (revenue / episodes.where(episodes > 0)).to_numpy(),
            "Visits per referral": (sums["visits"] / sums["count"]).to_numpy(),
            "Median days to first visit": timing["Median days to first visit"].to_numpy(),
            "90th percentile days": timing["90th percentile days"].to_numpy(),
            "Seen within 7 days share": (
                timing["within"].fillna(0) / sums["known"].where(sums["known"] > 0)
            ).to_numpy(),
            "Arrived, date unknown": sums["untimed"].astype("int64").to_numpy(),
        }
    )
    table["Top payers"] = table[name].map(_top_payers(payer_mix_of(frame, filters, by)))
    # Sums of floats differ in their last bits with the order rows come in: rank on cents, so
    # ties fall to the name whatever the order.
    table["_cents"] = table["Revenue"].round(2)
    table = table.sort_values(
        ["_cents", "Referrals", name], ascending=[False, False, True], kind="stable"
    ).drop(columns="_cents")
    table.insert(0, "Rank by revenue", range(1, len(table) + 1))
    return table.reset_index(drop=True)
