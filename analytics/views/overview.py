"""What each dashboard page shows, computed once per filter choice: plain frozen bundles of
small frames with the owner's column names, ready to chart, render and download. The overview
and concentration pages are here; physician dependence in `dependence_view`, trends and alerts
in `alerts_view`.

The app caches these (analytics.app_state); the pages only render them. Every builder reads
the encoded history (all referrals under the clinic filter, `periods.encode` at the filters'
level) and the filters; the figures are the metric functions', so the pages agree with
`python -m analytics metrics --json`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.alerts import declining_of, dormant_of
from analytics.metrics.concentration import concentration_of, lorenz_points_of, pareto_table_of
from analytics.metrics.mix import mix_table_of
from analytics.metrics.monthly import (
    type_counts_of,
)
from analytics.metrics.periods import Encoded, PeriodTables, tables_of, to_day
from analytics.metrics.trends import monthly_series_of
from analytics.schema import SOURCE_TYPE_LABELS
from analytics.views.attention import Attention, attention_items
from analytics.views.kpis import EXPLAIN, Kpi, kpi_tiles_of, plain_tile

__all__ = [
    "EMPTY_PERIOD",
    "EMPTY_STORE",
    "ConcentrationPage",
    "OverviewPage",
    "column_kinds",
    "concentration_page",
    "end_day",
    "key_codes",
    "mix_by_type",
    "months_back",
    "overview_page",
    "partner_table",
    "type_labels",
]

EMPTY_STORE = (
    "No referrals yet. Open **Upload** in the sidebar and drop last month's referral export "
    "from your EMR (WebPT, Raintree, Prompt, Nookal or your own Excel log)."
)
EMPTY_PERIOD = (
    "No referrals in this period for the clinics chosen. Pick a longer period or more clinics "
    "in the sidebar, or upload the export that covers these dates."
)


def type_labels(types: pd.Series) -> pd.Series:
    """Source type keys as the owner reads them (physician_extender -> PA / NP)."""
    return types.map(SOURCE_TYPE_LABELS).astype("str")


def end_day(tables: PeriodTables) -> int | None:
    """The period's last day as a day number (None for an empty store)."""
    return to_day(tables.end) if tables.end is not None else None


def months_back(end: int, months: int) -> int:
    """The first day of the calendar month `months - 1` months before the month of `end`."""
    month = pd.Timestamp(np.datetime64(end, "D")).to_period("M") - (months - 1)
    return to_day(month.to_timestamp())


def key_codes(encoded: Encoded, names: pd.Series) -> np.ndarray:
    """The encoded key code of each partner name (-1 where unknown)."""
    return pd.Index(encoded.names).get_indexer(names.astype(object))


# Overview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewPage:
    """Headline tiles, the monthly mix, and what needs attention."""

    period: str
    compared_with: str | None
    referrals: int
    kpis: tuple[Kpi, ...]
    mix_monthly: pd.DataFrame
    mix: pd.DataFrame
    attention: tuple[Attention, ...]
    comparing: str = ""


def mix_by_type(tables: PeriodTables) -> pd.DataFrame:
    """Referrals, share, revenue and conversion per source type (types with referrals only)."""
    mix = mix_table_of(tables).set_index("source_type")
    outcomes = tables.sources.groupby("source_type")[["arrived", "known"]].sum()
    outcomes = outcomes.reindex(mix.index, fill_value=0)
    shown = mix["referrals"] > 0
    return pd.DataFrame(
        {
            "Source": mix["label"].astype("str"),
            "Referrals": mix["referrals"].astype("int64"),
            "Share": mix["share"],
            "Revenue": mix["revenue"] if tables.revenue is not None else np.nan,
            "Share of revenue": mix["revenue_share"],
            "Conversion": outcomes["arrived"] / outcomes["known"].where(outcomes["known"] > 0),
        }
    )[shown.to_numpy()].reset_index(drop=True)


def overview_page(encoded: Encoded, filters: Filters, compare: str = "previous") -> OverviewPage:
    """The overview of the period, its changes against the comparison of `compare`."""
    tables = tables_of(encoded, filters)
    tiles, before = kpi_tiles_of(encoded, filters, compare)
    end = end_day(tables)
    has_previous = any(k.previous is not None for k in tiles)
    if before is None:
        comparing = "No comparison: the store holds no dates."
    elif not before.covered:
        comparing = before.reason
    elif not has_previous:
        comparing = f"No change shown: no referrals in {before.name} ({before.dates})."
    else:
        comparing = f"Changes compare with {before.name}, {before.dates}."
    return OverviewPage(
        period=fmt.period(tables.start, tables.end),
        compared_with=before.dates if before and before.covered and has_previous else None,
        comparing=comparing,
        referrals=tables.referrals,
        kpis=tuple(tiles),
        mix_monthly=type_counts_of(encoded, filters),
        mix=mix_by_type(tables),
        attention=tuple(
            attention_items(tables, declining_of(encoded, end), dormant_of(encoded, end))
        ),
    )


# Sources and concentration ----------------------------------------------------------------


def partner_table(tables: PeriodTables) -> pd.DataFrame:
    """Every partner of the period: referrals, share, revenue, conversion, visits per referral,
    first and last referral in the period, most referrals first."""
    partners = tables.partners
    has_visits = bool(tables.sources["visit_referrals"].sum())
    referrals = partners["referrals"].where(partners["referrals"] > 0)
    return pd.DataFrame(
        {
            "Partner": partners["partner"].astype("str"),
            "Type": type_labels(partners["type"]),
            "Referrals": partners["referrals"],
            "Share": partners["share"],
            "Revenue": partners["revenue"] if tables.revenue is not None else np.nan,
            "Conversion": partners["arrived"] / partners["known"].where(partners["known"] > 0),
            "Visits per referral": partners["visits"].fillna(0) / referrals
            if has_visits
            else np.nan,
            "First referral": partners["first_referral"],
            "Last referral": partners["last_referral"],
        }
    )


@dataclass(frozen=True)
class ConcentrationPage:
    """Pareto, Lorenz, the type -> partner map, the HHI trend and the partner table."""

    referrals: int
    basis: str
    concentration: dict
    tiles: tuple[Kpi, ...]
    pareto: pd.DataFrame
    lorenz: pd.DataFrame
    hhi_trend: pd.DataFrame
    partners: pd.DataFrame


def _concentration_tiles(c: dict) -> tuple[Kpi, ...]:
    equal = c["effective_sources"]
    return (
        plain_tile(
            "Concentration (HHI)", fmt.count(c["hhi"]), help=EXPLAIN["hhi"], note=c["hhi_band"]
        ),
        plain_tile(
            "Effective partners",
            "n/a" if equal is None else f"{equal:,.1f}",
            help="10,000 ÷ HHI: how many equally busy partners would give the same "
            "concentration. More is safer.",
        ),
        plain_tile(
            "Gini", "n/a" if c["gini"] is None else f"{c['gini']:.2f}", help=EXPLAIN["gini"]
        ),
        plain_tile(
            "Partners sending 80%",
            f"{c['partners_for_80pct']:,} of {c['partners']:,}",
            help=EXPLAIN["pareto"],
        ),
    )


def concentration_page(encoded: Encoded, filters: Filters) -> ConcentrationPage:
    """How spread out the period's referrals (or revenue) are among partners."""
    tables = tables_of(encoded, filters)
    basis = "revenue" if filters.basis == "revenue" else "referrals"
    pareto = pareto_table_of(tables)
    lorenz = lorenz_points_of(tables)
    series = monthly_series_of(encoded, filters)
    concentration = concentration_of(tables)
    return ConcentrationPage(
        referrals=tables.referrals,
        basis=basis,
        concentration=concentration,
        tiles=_concentration_tiles(concentration),
        pareto=pd.DataFrame(
            {
                "Rank": pareto["rank"],
                "Partner": pareto["partner"].astype("str"),
                "Type": type_labels(pareto["type"]),
                "Referrals": pareto["referrals"],
                "Revenue": pareto["revenue"] if tables.revenue is not None else np.nan,
                f"Share of {basis}": pareto["share"],
                f"Cumulative share of partner {basis}": pareto["cumulative_partner_share"],
            }
        ),
        lorenz=pd.DataFrame(
            {
                "Share of partners": lorenz["partners_fraction"],
                f"Share of partner {basis}": lorenz["value_fraction"],
            }
        ),
        hhi_trend=pd.DataFrame(
            {
                "Month": series["month"],
                "HHI, trailing 12 months": series["hhi_12m"],
                "HHI, this month": series["hhi"],
            }
        ),
        partners=partner_table(tables),
    )


# How tables show their columns ------------------------------------------------------------

PERCENT_COLUMNS = ("Conversion", "Drop")
DECIMAL_COLUMNS = ("Expected in 90 days", "Per month before", "Visits per referral")


def column_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """How each column of a page table reads: month, date, percent, money, sparkline, p_value,
    decimal or count (anything else is shown as it is)."""
    kinds = {}
    for column in frame.columns:
        name = str(column)
        if name == "Month":
            kinds[name] = "month"
        elif pd.api.types.is_datetime64_any_dtype(frame[column]):
            kinds[name] = "date"
        elif "share" in name.lower() or name in PERCENT_COLUMNS:
            kinds[name] = "percent"
        elif name.startswith("Revenue"):
            kinds[name] = "money"
        elif name.startswith("Last ") and name.endswith(" months"):
            kinds[name] = "sparkline"
        elif name == "P-value":
            kinds[name] = "p_value"
        elif name in DECIMAL_COLUMNS:
            kinds[name] = "decimal"
        elif pd.api.types.is_integer_dtype(frame[column]):
            kinds[name] = "count"
    return kinds
