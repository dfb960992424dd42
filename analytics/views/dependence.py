"""The physician dependence page's data: physicians against other partners over time, top
physicians with their last 12 months, key referrers and the stress test's tiles."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.dependence import physician_dependence_of
from analytics.metrics.monthly import group_shares_of, partner_months_of
from analytics.metrics.periods import Encoded, tables_of
from analytics.views.kpis import EXPLAIN, Kpi, plain_tile
from analytics.views.overview import end_day, key_codes, months_back, type_labels

__all__ = ["SPARKLINE_MONTHS", "DependencePage", "dependence_page", "stress_tiles"]

SPARKLINE_MONTHS = 12
TOP_PHYSICIANS = 10


@dataclass(frozen=True)
class DependencePage:
    """Physicians against other partners over time, top physicians, key referrers."""

    referrals: int
    dependence: dict
    tiles: tuple[Kpi, ...]
    revenue_basis: str
    groups_monthly: pd.DataFrame
    top_physicians: pd.DataFrame
    key_referrers: pd.DataFrame
    partners: tuple[str, ...]


def _sparklines(encoded: Encoded, names: pd.Series, end: int | None) -> list[list[int]]:
    if end is None or names.empty:
        return [[] for _ in names]
    _, counts = partner_months_of(
        encoded, key_codes(encoded, names), months_back(end, SPARKLINE_MONTHS), end
    )
    return [row.tolist() for row in counts]


def _dependence_tiles(dep: dict) -> tuple[Kpi, ...]:
    top = dep["top_physician"]
    return (
        plain_tile(
            "Physician share",
            fmt.pct(dep["physician_share"]),
            help=EXPLAIN["physician_share"],
        ),
        plain_tile(
            "Top physician",
            fmt.pct(top["share"]) if top else "n/a",
            help="The physician or PA/NP who sends the most referrals, as a share of all.",
            note=fmt.short_name(top["name"], 30) if top else None,
        ),
        plain_tile(
            "Top five physicians",
            fmt.pct(dep["top5_physician_share"]),
            help="The five largest physician and PA/NP senders together.",
        ),
        plain_tile(
            "Key referrers (≥ 10%)",
            fmt.count(len(dep["key_referrers"])),
            help=EXPLAIN["key_referrers"],
        ),
    )


def stress_tiles(result: dict) -> tuple[Kpi, ...]:
    """The stress test's answer as tiles: referrals and revenue lost, concentration after."""
    largest = result["largest_after"]
    return (
        plain_tile(
            "Referrals lost",
            fmt.count(result["referrals_lost"]),
            note=f"{fmt.pct(result['referral_share_lost'])} of all",
        ),
        plain_tile(
            "Revenue lost",
            fmt.money(result["revenue_lost"]),
            note=f"{fmt.pct(result['revenue_share_lost'])} of all",
        ),
        plain_tile(
            "HHI afterwards",
            fmt.count(result["hhi_after"]),
            note=f"was {fmt.count(result['hhi_before'])} ({result['band_before']})",
        ),
        plain_tile(
            "Largest partner after",
            fmt.pct(largest["share"]) if largest else "n/a",
            note=fmt.short_name(largest["name"], 30) if largest else None,
        ),
    )


def dependence_page(encoded: Encoded, filters: Filters) -> DependencePage:
    """How much of the practice rides on physicians and on single partners."""
    tables = tables_of(encoded, filters)
    partners = tables.partners
    physicians = (
        partners[partners["physician_referrals"] > 0]
        .sort_values(
            ["physician_referrals", "physician_revenue", "partner"],
            ascending=[False, False, True],
            kind="stable",
        )
        .head(TOP_PHYSICIANS)
    )
    has_revenue = tables.revenue is not None
    top = pd.DataFrame(
        {
            "Partner": physicians["partner"].astype("str"),
            "Type": type_labels(physicians["type"]),
            "Referrals": physicians["physician_referrals"],
            "Share": physicians["physician_referrals"] / tables.referrals,
            "Revenue": physicians["physician_revenue"] if has_revenue else np.nan,
            f"Last {SPARKLINE_MONTHS} months": _sparklines(
                encoded, physicians["partner"], end_day(tables)
            ),
        }
    ).reset_index(drop=True)
    if tables.referrals:
        key = partners[partners["referrals"] * 10 >= tables.referrals]
    else:
        key = partners.iloc[:0]
    key_referrers = pd.DataFrame(
        {
            "Partner": key["partner"].astype("str"),
            "Type": type_labels(key["type"]),
            "Share of referrals": key["share"],
            "Revenue at risk": key["revenue"] if has_revenue else np.nan,
            "Share of revenue": key["revenue"] / tables.revenue if tables.revenue else np.nan,
        }
    )
    dependence = physician_dependence_of(tables)
    return DependencePage(
        referrals=tables.referrals,
        dependence=dependence,
        tiles=_dependence_tiles(dependence),
        revenue_basis=tables.revenue_basis,
        groups_monthly=group_shares_of(encoded, filters),
        top_physicians=top,
        key_referrers=key_referrers.reset_index(drop=True),
        partners=tuple(str(p) for p in partners["partner"]),
    )
