"""The stress test: what the practice loses if chosen partners stop referring tomorrow."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analytics.filters import Filters
from analytics.metrics.concentration import concentration_of, hhi_band
from analytics.metrics.periods import PeriodTables, period_tables, tables_from_sources
from analytics.schema import PARTNER_TYPES

__all__ = ["stress_test", "stress_test_of"]


def _share(part: float | None, whole: float | None) -> float | None:
    return part / whole if part is not None and whole else None


def stress_test_of(
    tables: PeriodTables, partners: Iterable[str], after: PeriodTables | None = None
) -> dict:
    """`stress_test` from the period's tables; `after`, when given, is the period's tables
    without those partners' referrals (computed from the sources when not)."""
    chosen = list(dict.fromkeys(str(p) for p in partners))
    table = tables.partners
    present = set(table["partner"])  # once, not once per chosen partner
    hit = (
        table[table["partner"].isin(chosen)]
        .set_index("partner")
        .reindex([p for p in chosen if p in present])
    )
    has_revenue = tables.revenue_basis != "none"
    referrals_lost = int(hit["referrals"].sum())
    revenue_lost = float(hit["revenue"].sum()) if has_revenue else None
    sources = tables.sources
    stopped = sources["source"].isin(chosen) & sources["source_type"].isin(PARTNER_TYPES)
    if after is None:
        after = tables_from_sources(sources[~stopped], tables.filters, tables.start, tables.end)
    before_conc = concentration_of(tables)
    after_conc = concentration_of(after)
    if tables.filters.basis == "revenue" and after.revenue_basis != tables.revenue_basis:
        # The stopped partners held every payment: shares of what is left are undefined.
        after_conc = dict.fromkeys(after_conc, None)
    largest = None
    if not after.partners.empty and after.referrals:
        column = "revenue" if tables.filters.basis == "revenue" else "referrals"
        ranked = after.partners.sort_values(column, ascending=False, kind="stable")
        largest = {"name": str(ranked["partner"].iloc[0]), "share": after_conc["cr1"]}
    return {
        "partners": [
            {
                "name": name,
                "type": str(row["type"]),
                "referrals": int(row["referrals"]),
                "share": _share(int(row["referrals"]), tables.referrals),
                "revenue": float(row["revenue"]) if has_revenue else None,
                "revenue_share": _share(float(row["revenue"]), tables.revenue),
            }
            for name, row in hit.iterrows()
        ],
        "not_found": [p for p in chosen if p not in hit.index],
        "revenue_basis": tables.revenue_basis,
        "referrals_lost": referrals_lost,
        "referral_share_lost": _share(referrals_lost, tables.referrals),
        "revenue_lost": revenue_lost,
        "revenue_share_lost": _share(revenue_lost, tables.revenue),
        "referrals_after": tables.referrals - referrals_lost,
        "revenue_after": tables.revenue - revenue_lost if has_revenue else None,
        "hhi_before": before_conc["hhi"],
        "hhi_after": after_conc["hhi"],
        "band_before": hhi_band(before_conc["hhi"]),
        "band_after": hhi_band(after_conc["hhi"]),
        "largest_after": largest,
    }


def stress_test(frame: pd.DataFrame, filters: Filters, partners: Iterable[str]) -> dict:
    """Referrals and revenue lost if `partners` stop, before any replacement, and what is left.

    Shares are of the period's totals; `hhi_after` and `largest_after` are the concentration of
    what remains (on the filters' basis). Names not among the period's partners are listed in
    `not_found` and change nothing. Works on organisations at the organization level.
    """
    return stress_test_of(period_tables(frame, filters), partners)
