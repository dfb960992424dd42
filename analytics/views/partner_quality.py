"""Source quality of one partner (the Partner page's section): its row of the period's
source quality table, from its own rows, ranked among every partner of the period.

The whole table (analytics.metrics.source_quality) sums every row of the period; one row of
it needs only the partner's rows plus two things every partner decides: the revenue basis
(payments when any partner's referral of the period has one, else charges) and the rank by
revenue. Both come from the page's month sums (`periods.Encoded` of buckets, exact for the
period: its bounds fall between buckets), summed per partner key as the table sums rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.encoded import Encoded, day_bounds, revenue_basis, revenue_of
from analytics.metrics.source_quality import QUALITY_COLUMNS, source_quality_of

__all__ = ["partner_quality_of", "quality_standings"]

RANK = "Rank by revenue"
_ORDER = ["_cents", "Referrals", "Partner"]


def quality_standings(encoded: Encoded, filters: Filters) -> tuple[str, pd.DataFrame]:
    """(revenue basis, one row per partner key with a referral row in the period: Partner,
    Referrals and revenue to the cent, `_cents`, NaN on basis "none"), as the source quality
    table counts them."""
    start, end = day_bounds(encoded, filters)
    keep = encoded.partner.copy()
    if start is not None and end is not None:
        keep &= (encoded.day >= start) & (encoded.day <= end)
    payments, charges = encoded.payments[keep], encoded.charges[keep]
    basis = revenue_basis(payments, charges)
    key, size = encoded.key[keep], len(encoded.names)
    present = np.bincount(key, minlength=size) > 0
    revenue = np.bincount(key, weights=revenue_of(payments, charges, basis), minlength=size)
    referrals = np.bincount(key, weights=encoded.count[keep], minlength=size)
    standings = pd.DataFrame(
        {
            "Partner": pd.Series(encoded.names[present], dtype="str"),
            "Referrals": referrals[present].astype("int64"),
            "_cents": np.nan if basis == "none" else revenue[present].round(2),
        }
    )
    return basis, standings


def _rank(standings: pd.DataFrame, own: pd.Series) -> int:
    """Where `own` (Partner, Referrals, Revenue) stands among the standings, ranked as the
    source quality table ranks: revenue to the cent, then referrals, then name."""
    others = standings[standings["Partner"] != own["Partner"]]
    mine = pd.DataFrame(
        {
            "Partner": pd.Series([own["Partner"]], dtype="str"),
            "Referrals": np.array([own["Referrals"]], dtype="int64"),
            "_cents": np.array([own["Revenue"]], dtype="float64").round(2),
        }
    )
    table = pd.concat([others, mine], ignore_index=True)
    ranked = table.sort_values(_ORDER, ascending=[False, False, True], kind="stable")
    return int(np.flatnonzero(ranked["Partner"].to_numpy() == own["Partner"])[-1]) + 1


def _nothing() -> pd.DataFrame:
    """The row of a partner without referrals in the period: none, under the table's columns."""
    return pd.DataFrame(columns=[RANK, "Partner", "Type", *QUALITY_COLUMNS])


def partner_quality_of(
    history: pd.DataFrame | None, encoded: Encoded, filters: Filters, name: str
) -> pd.DataFrame:
    """The source quality row (by partner) of `name` over the filters' period, empty when it
    sent no referral in it. `history`: the partner's rows (Store.partner_rows, with
    page_history.partner_encoding's anchors on the history's first and last days; None when
    it has none); `encoded`: every partner's rows or month sums under the same clinics and
    types."""
    if history is None:
        return _nothing()
    basis, standings = quality_standings(encoded, filters)
    table = source_quality_of(history, filters, "source", basis=basis)
    own = table[table["Partner"] == name].reset_index(drop=True)
    if own.empty:
        return _nothing()
    own[RANK] = np.array([_rank(standings, own.iloc[0])], dtype="int64")
    return own
