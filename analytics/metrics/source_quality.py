"""Source quality: what a partner's or a source type's referrals are worth, not how many
there are: revenue per referral and per episode, visits, payer mix, speed to first visit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.periods import TYPE_NAMES, day_bounds, encode, revenue_basis, revenue_of
from analytics.schema import SOURCE_TYPES
from analytics.store.planning_sql import NO_PAYER

__all__ = [
    "QUALITY_COLUMNS",
    "SEEN_WITHIN_DAYS",
    "payer_mix_from",
    "payer_mix_of",
    "source_quality_from",
    "source_quality_of",
]

# One EMR counts a referral converted only when the first visit is within 7 days.
SEEN_WITHIN_DAYS = 7
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


def _rows(frame: pd.DataFrame, filters: Filters, by: str, basis: str | None) -> pd.DataFrame:
    """The period's rows as one small frame: group, count, money, outcome, days, payer.
    Revenue on `basis`, else on the basis of the rows kept."""
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
    if basis is None:
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


def _timing(rows: pd.DataFrame) -> pd.DataFrame:
    """Per group: median and 90th-percentile days to first visit (weighted by count, nearest
    rank; an even count's median is the mean of the two middle values) and referrals seen
    within SEEN_WITHIN_DAYS. One sort for every group, not a loop per partner."""
    columns = ["Median days to first visit", "90th percentile days", "within"]
    timed = rows[rows["days"].notna()]
    if timed.empty:
        return pd.DataFrame(columns=columns, dtype="float64")
    codes, names = pd.factorize(timed["group"], sort=False)
    days = timed["days"].to_numpy(dtype="float64")
    weights = timed["count"].to_numpy(dtype="int64")
    order = np.lexsort((days, codes))
    codes, days, weights = codes[order], days[order], weights[order]
    cumulative = np.cumsum(weights)
    totals = np.bincount(codes, weights=weights, minlength=len(names)).astype("int64")
    before = np.concatenate(([0], np.cumsum(totals)[:-1]))

    def at_rank(rank: np.ndarray) -> np.ndarray:
        # The day of the rank-th referral (1-based) of each group in the sorted order.
        return days[np.searchsorted(cumulative, before + rank, side="left")]

    low = at_rank(np.ceil(0.5 * totals).astype("int64"))
    even = totals % 2 == 0
    high = low.copy()
    low[even] = at_rank(totals // 2)[even]
    high[even] = at_rank(totals // 2 + 1)[even]
    seen = days <= SEEN_WITHIN_DAYS
    within = np.bincount(codes[seen], weights=weights[seen], minlength=len(names))
    return pd.DataFrame(
        {
            columns[0]: (low + high) / 2,
            columns[1]: at_rank(np.ceil(0.9 * totals).astype("int64")),
            columns[2]: within,
        },
        index=pd.Index(names, dtype=object),
    ).astype("float64")


def payer_mix_of(frame: pd.DataFrame, filters: Filters, by: str = "source") -> pd.DataFrame:
    """Referrals per payer within each partner (or type): Group, Payer, Referrals, Payer share
    (of the group's referrals; rows without a payer are "(no payer)")."""
    return _mix(_rows(frame, filters, by, None))


def _mix(rows: pd.DataFrame) -> pd.DataFrame:
    mix = rows.groupby(["group", "payer"], sort=False)["count"].sum().reset_index()
    mix["share"] = mix["count"] / mix.groupby("group")["count"].transform("sum")
    mix = mix.sort_values(["group", "count", "payer"], ascending=[True, False, True])
    return mix.rename(
        columns={"group": "Group", "payer": "Payer", "count": "Referrals", "share": "Payer share"}
    ).reset_index(drop=True)


def _top_payers(mix: pd.DataFrame) -> dict[str, str]:
    """ "Medicare 40%, Aetna 25%" per group: its first TOP_PAYERS payers as the mix is sorted."""
    top = mix[mix.groupby("Group", sort=False).cumcount() < TOP_PAYERS]
    shown = pd.Series(
        [f"{p} {100 * s:.0f}%" for p, s in zip(top["Payer"], top["Payer share"], strict=True)],
        index=top.index,
        dtype=object,
    )
    return shown.groupby(top["Group"], sort=False).agg(", ".join).to_dict()


def source_quality_of(
    frame: pd.DataFrame, filters: Filters, by: str = "source", basis: str | None = None
) -> pd.DataFrame:
    """One row per partner (by="source") or source type (by="source_type") of the period,
    ranked by revenue (ties: referrals, then name): QUALITY_COLUMNS after the name and type.

    Episodes are arrived referrals. Per-referral figures divide by all the group's referrals;
    revenue per episode by its episodes. Days run from referral to evaluation, each row
    weighing its count; the 90th percentile is the nearest rank. The 7-day share is of the
    referrals whose outcome is known; arrivals without an evaluation date cannot be timed and
    are counted in "Arrived, date unknown".

    `basis` ("payments", "charges" or "none") is the revenue basis of every group's rows
    when `frame` holds only some groups (one partner's rows); by default, the frame's."""
    rows = _rows(frame, filters, by, basis)
    name = "Source type" if by == "source_type" else "Partner"
    if rows.empty:
        return pd.DataFrame(columns=[name, "Type", *QUALITY_COLUMNS])
    rows["visits_known"] = rows["visits"].notna()
    rows["untimed"] = np.where(rows["days"].isna(), rows["arrived"], 0)
    grouped = rows.groupby("group", sort=False)
    sums = grouped[["count", "revenue", "arrived", "known", "untimed"]].sum()
    sums["visits"] = grouped["visits"].sum(min_count=1)
    sums["type"] = _dominant_types(rows.groupby(["group", "type"], sort=False)["count"].sum())
    return _quality_table(sums, _timing(rows), _mix(rows), rows.attrs["basis"], name)


def _dominant_types(counts: pd.Series) -> pd.Series:
    """Per group: the type of most of its referrals (ties: the first in SOURCE_TYPES)."""
    order = {t: i for i, t in enumerate(SOURCE_TYPES)}
    frame = counts.rename("n").reset_index()
    frame["o"] = frame["type"].map(order)
    frame = frame.sort_values(["group", "n", "o"], ascending=[True, False, True])
    return frame.drop_duplicates("group").set_index("group")["type"]


def _quality_table(
    sums: pd.DataFrame, timing: pd.DataFrame, mix: pd.DataFrame, basis: str, name: str
) -> pd.DataFrame:
    """The ranked table from per-group sums (count, revenue, arrived, known, untimed, visits,
    type), the timing per group (_timing), the payer mix (_mix) and the revenue basis."""
    timing = timing.reindex(sums.index)
    # To the cent: a sum taken in another order (DuckDB's, or of partial sums) differs in its
    # last bit, which turned 2,081.93 / 2 into 1,040.97 instead of 1,040.96.
    revenue = sums["revenue"].round(2)
    if basis == "none":
        revenue = pd.Series(np.nan, index=sums.index)
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
    table["Top payers"] = table[name].map(_top_payers(mix))
    # Sums of floats differ in their last bits with the order rows come in: rank on cents, so
    # ties fall to the name whatever the order.
    table["_cents"] = table["Revenue"].round(2)
    table = table.sort_values(
        ["_cents", "Referrals", name], ascending=[False, False, True], kind="stable"
    ).drop(columns="_cents")
    table.insert(0, "Rank by revenue", range(1, len(table) + 1))
    return table.reset_index(drop=True)


def _kept_sums(table, by: str, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The store's sums (Store.quality_sums, per resolved group and payer or days) as the
    rows _rows would give, grouped: (per payer, per days), with `group` and `type`."""
    from analytics.metrics.group_identity import encoded_groups, identity_of

    groups, index = identity_of(table)
    encoded = encoded_groups(groups, level)
    key, kind = encoded.key[index], encoded.type[index]
    keep = np.ones(len(index), dtype=bool) if by == "source_type" else encoded.partner[index]
    group = TYPE_NAMES[kind] if by == "source_type" else encoded.names[key]
    frame = table.to_pandas()
    frame["group"] = pd.Series(group, dtype="str")
    frame["type"] = pd.Series(TYPE_NAMES[kind], dtype="str")
    frame = frame[keep]
    payers = frame[frame["set"] == 0]
    days = frame[(frame["set"] == 1) & frame["days"].notna()]
    return payers, days


def source_quality_from(table, by: str = "source", level: str = "partner") -> pd.DataFrame:
    """source_quality_of from the store's sums over the period (Store.quality_sums)."""
    name = "Source type" if by == "source_type" else "Partner"
    payers, days = _kept_sums(table, by, level)
    if payers.empty:
        return pd.DataFrame(columns=[name, "Type", *QUALITY_COLUMNS])
    paid, charged = int(payers["paid"].sum()), int(payers["charged"].sum())
    basis = "payments" if paid else "charges" if charged else "none"
    rows = pd.DataFrame(
        {
            "group": payers["group"],
            "type": payers["type"],
            "payer": payers["payer"].astype("str"),
            "count": payers["referrals"].astype("int64"),
            "revenue": payers["charges" if basis == "charges" else "payments"].astype("float64"),
            "arrived": payers["arrived"].astype("int64"),
            "known": payers["known"].astype("int64"),
            "untimed": payers["untimed"].astype("int64"),
            "visits": payers["visits"].astype("float64"),
            "visit_rows": payers["visit_rows"].astype("int64"),
        }
    )
    grouped = rows.groupby("group", sort=False)
    summed = ["count", "revenue", "arrived", "known", "untimed", "visits", "visit_rows"]
    sums = grouped[summed].sum()
    sums["visits"] = sums["visits"].where(sums["visit_rows"] > 0)
    sums["type"] = _dominant_types(rows.groupby(["group", "type"], sort=False)["count"].sum())
    timed = pd.DataFrame(
        {
            "group": days["group"],
            "days": days["days"].astype("float64"),
            "count": days["referrals"].astype("int64"),
        }
    )
    return _quality_table(sums, _timing(timed), _mix(rows), basis, name)


def payer_mix_from(table, by: str = "source", level: str = "partner") -> pd.DataFrame:
    """payer_mix_of from the store's sums over the period (Store.quality_sums)."""
    payers, _ = _kept_sums(table, by, level)
    rows = pd.DataFrame(
        {
            "group": payers["group"],
            "payer": payers["payer"].astype("str"),
            "count": payers["referrals"].astype("int64"),
        }
    )
    return _mix(rows)
