"""Concentration of referrals (or revenue) among partners: HHI, CRn, Gini, Pareto, Lorenz."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.periods import PeriodTables, period_tables

__all__ = [
    "HHI_HIGH",
    "HHI_MODERATE",
    "concentration",
    "concentration_of",
    "gini",
    "hhi_band",
    "lorenz_points",
    "lorenz_points_of",
    "pareto_table",
    "pareto_table_of",
]

# 2023 U.S. Merger Guidelines scale (section 2.1): a familiar scale, not a legal test.
HHI_MODERATE = 1_000
HHI_HIGH = 1_800
PARETO_SHARE = 0.80


def hhi_band(hhi: float | None) -> str | None:
    """ "unconcentrated" < 1,000 <= "moderate" <= 1,800 < "high"; None when hhi is undefined."""
    if hhi is None:
        return None
    if hhi < HHI_MODERATE:
        return "unconcentrated"
    if hhi <= HHI_HIGH:
        return "moderate"
    return "high"


def gini(values: np.ndarray | pd.Series) -> float | None:
    """Gini coefficient of non-negative values (0 = all equal); None for fewer than 2 or a 0 sum."""
    x = np.sort(np.asarray(values, dtype="float64"))
    n = len(x)
    total = x.sum()
    if n < 2 or total <= 0:
        return None
    ranks = np.arange(1, n + 1)
    return float(2.0 * np.dot(ranks, x) / (n * total) - (n + 1) / n)


def _basis_values(tables: PeriodTables) -> tuple[np.ndarray, float]:
    """Partner values on the filters' basis, largest first, and the all-source total."""
    partners = tables.partners
    if tables.filters.basis == "revenue":
        values = partners["revenue"].to_numpy(dtype="float64")
        total = tables.revenue or 0.0
    else:
        values = partners["referrals"].to_numpy(dtype="int64")
        total = tables.referrals
    return np.sort(values)[::-1], total


def _partners_needed(values: np.ndarray, share: float = PARETO_SHARE) -> int | None:
    """Fewest of the (descending) values whose sum reaches `share` of their total."""
    if len(values) == 0:
        return 0
    partner_total = values.sum()
    if partner_total <= 0:
        return None
    cumulative = np.cumsum(values)
    # A relative tolerance so 0.8 of a float total is not missed by a rounding hair.
    reached = cumulative >= share * partner_total * (1 - 1e-12)
    return int(np.argmax(reached)) + 1


def concentration_of(tables: PeriodTables) -> dict:
    """hhi, hhi_band, cr1/cr3/cr5, effective_sources, gini, partners, partners_for_80pct."""
    values, total = _basis_values(tables)
    result: dict = {
        "hhi": None,
        "hhi_band": None,
        "cr1": None,
        "cr3": None,
        "cr5": None,
        "effective_sources": None,
        "gini": gini(values),
        "partners": int((tables.partners["referrals"] > 0).sum()),
        "partners_for_80pct": _partners_needed(values),
    }
    if total <= 0:
        return result
    if values.dtype.kind == "i":
        # Integer counts: sum of squares is exact, so 50/30/20 gives exactly 3,800.
        hhi = 10_000 * float(np.dot(values, values)) / float(total) ** 2
    else:
        shares = values / total
        hhi = 10_000 * float(np.dot(shares, shares))
    result.update(
        hhi=hhi,
        hhi_band=hhi_band(hhi),
        cr1=float(values[:1].sum() / total),
        cr3=float(values[:3].sum() / total),
        cr5=float(values[:5].sum() / total),
        effective_sources=10_000 / hhi if hhi > 0 else None,
    )
    return result


def concentration(frame: pd.DataFrame, filters: Filters) -> dict:
    """Concentration metrics of the period's partners on the filters' basis."""
    return concentration_of(period_tables(frame, filters))


def pareto_table_of(tables: PeriodTables) -> pd.DataFrame:
    """Partners ranked on the basis, with share of all and cumulative share of partner totals."""
    partners = tables.partners
    basis_column = "revenue" if tables.filters.basis == "revenue" else "referrals"
    ranked = partners.sort_values(
        [basis_column, "referrals" if basis_column == "revenue" else "revenue", "partner"],
        ascending=[False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    total = tables.revenue if basis_column == "revenue" else tables.referrals
    values = ranked[basis_column].astype("float64")
    partner_total = values.sum()
    table = pd.DataFrame(
        {
            "rank": np.arange(1, len(ranked) + 1),
            "partner": ranked["partner"],
            "type": ranked["type"],
            "referrals": ranked["referrals"],
            "share": values / total if total else np.nan,
            "cumulative_partner_share": (
                values.cumsum() / partner_total if partner_total else np.nan
            ),
            "revenue": ranked["revenue"],
        }
    )
    return table


def pareto_table(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Partners ranked (rank, partner, type, referrals, share, cumulative_partner_share, revenue).

    `share` is of ALL referrals (or revenue) on the basis; `cumulative_partner_share` is of
    partner referrals (or revenue), so it crosses 0.8 at `partners_for_80pct`.
    """
    return pareto_table_of(period_tables(frame, filters))


def lorenz_points_of(tables: PeriodTables) -> pd.DataFrame:
    """Lorenz curve of partners on the basis: (0, 0) then one point per partner, smallest first."""
    values, _ = _basis_values(tables)
    ascending = values[::-1].astype("float64")
    total = ascending.sum()
    n = len(ascending)
    partners_fraction = np.arange(0, n + 1) / n if n else np.array([0.0])
    if total > 0:
        value_fraction = np.concatenate([[0.0], np.cumsum(ascending) / total])
    else:
        value_fraction = np.zeros(n + 1)
    return pd.DataFrame({"partners_fraction": partners_fraction, "value_fraction": value_fraction})


def lorenz_points(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Points (partners_fraction, value_fraction) of the partners' Lorenz curve, for charts."""
    return lorenz_points_of(period_tables(frame, filters))
