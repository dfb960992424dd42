"""Stress-test scenarios: chosen partners, or whole practice groups, stop referring.

On top of `analytics.metrics.stress` (referrals and revenue lost in the period, concentration of
what is left), a scenario adds: practice groups expanded to their partners, the losses per year,
the contribution lost at a margin, a rule-of-thumb range of what that does to the practice's
value, and the whole scorecard read again without those partners. Two or three scenarios are
set side by side for the Valuation readiness page and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.periods import Encoded, PeriodTables, tables_of, to_day
from analytics.metrics.scorecard import STATUS_WORDS, Encodings, scorecard_of
from analytics.metrics.stress import stress_test_of

__all__ = [
    "EBITDA_MULTIPLES",
    "Scenario",
    "default_scenarios",
    "group_names_of",
    "period_years",
    "run_scenario",
    "scenario_table",
    "side_by_side",
]

# Broker publications on small outpatient PT practices: about 3-5x adjusted EBITDA (under $1M).
# A rule of thumb shown as a labelled range, never as a valuation (docs/valuation.md).
EBITDA_MULTIPLES = (3.0, 5.0)


@dataclass(frozen=True)
class Scenario:
    """Who stops: partners (names as counted at the filters' level) and practice groups."""

    name: str
    partners: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "partners", tuple(dict.fromkeys(self.partners)))
        object.__setattr__(self, "organizations", tuple(dict.fromkeys(self.organizations)))


def period_years(tables: PeriodTables) -> float | None:
    """The period's length in years, counting each calendar month as a twelfth (a partial
    month by its share of days), so a trailing 12 months is exactly 1 and two years 2."""
    if tables.start is None or tables.end is None:
        return None
    start, end = pd.Timestamp(tables.start), pd.Timestamp(tables.end)
    months = 0.0
    for month in pd.period_range(start, end, freq="M"):
        first = max(start, month.start_time.normalize())
        last = min(end, month.end_time.normalize())
        months += ((last - first).days + 1) / month.days_in_month
    return months / 12


def group_names_of(encodings: Encodings, filters: Filters) -> list[str]:
    """The practice groups with referrals in the period, most referrals first."""
    groups = encodings.groups()
    partners = tables_of(encodings.organizations, filters).partners
    return [str(p) for p in partners["partner"] if p in groups]


def _rows_named(encoded: Encoded, names: Sequence[str]) -> np.ndarray:
    """Rows whose key is one of the names (matched once per key, not once per row)."""
    return np.isin(encoded.names, list(names))[encoded.key]


def _stopped_rows(encodings: Encodings, filters: Filters, scenario: Scenario) -> np.ndarray:
    """Partner rows of the chosen partners (at the filters' level) and of the chosen groups."""
    chosen = _rows_named(encodings.at(filters.level), scenario.partners) | _rows_named(
        encodings.organizations, scenario.organizations
    )
    return encodings.partners.partner & chosen


def _per_year(value: float | None, years: float | None) -> float | None:
    return None if value is None or not years else value / years


def run_scenario(
    encodings: Encodings,
    filters: Filters,
    scenario: Scenario,
    margin: float | None = None,
) -> dict:
    """What the practice loses if the scenario's partners stop, before any replacement.

    The period's losses come from `stress.stress_test_of` (groups expanded to the partners
    they hold at the filters' level); `*_per_year` divide by `period_years`; the contribution
    lost is the revenue lost a year times `margin` (0..1; None leaves it out) and
    `value_effect` the range EBITDA_MULTIPLES times that contribution. `scorecard_after` is the
    whole scorecard of the same period without those partners' referrals.
    """
    encoded = encodings.at(filters.level)
    tables = tables_of(encoded, filters)
    stopped = _stopped_rows(encodings, filters, scenario)
    if tables.start is None or tables.end is None:
        in_period = np.zeros_like(stopped)
    else:
        days = encoded.day
        in_period = stopped & (days >= to_day(tables.start)) & (days <= to_day(tables.end))
    # Partners are listed as counted at the filters' level, largest first (stress's order).
    hit = {str(n) for n in encoded.names[np.unique(encoded.key[in_period])]}
    level_names = [str(p) for p in tables.partners["partner"] if p in hit]
    stress = stress_test_of(tables, level_names)
    known = set(tables.partners["partner"]) | set(group_names_of(encodings, filters))
    after = scorecard_of(encodings.without(stopped), filters)
    return scenario_result(scenario, tables, stress, known, margin, after)


def scenario_result(
    scenario: Scenario,
    tables: PeriodTables,
    stress: dict,
    known: set,
    margin: float | None,
    scorecard_after: object,
) -> dict:
    """A scenario's result from its stress test: losses per year, the contribution lost at
    `margin` and its value effect (one shape for the row and the aggregate paths)."""
    chosen = [*scenario.partners, *scenario.organizations]
    years = period_years(tables)
    revenue_year = _per_year(stress["revenue_lost"], years)
    contribution = None
    if margin is not None and revenue_year is not None:
        contribution = revenue_year * margin
    return {
        "name": scenario.name,
        "scenario": scenario,
        "partners": stress["partners"],
        "not_found": [c for c in chosen if c not in known],
        "revenue_basis": stress["revenue_basis"],
        "years": years,
        "referrals_lost": stress["referrals_lost"],
        "referral_share_lost": stress["referral_share_lost"],
        "revenue_lost": stress["revenue_lost"],
        "revenue_share_lost": stress["revenue_share_lost"],
        "referrals_lost_per_year": _per_year(stress["referrals_lost"], years),
        "revenue_lost_per_year": revenue_year,
        "margin": margin,
        "contribution_lost_per_year": contribution,
        "value_effect": None
        if contribution is None
        else tuple(contribution * m for m in EBITDA_MULTIPLES),
        "hhi_before": stress["hhi_before"],
        "hhi_after": stress["hhi_after"],
        "band_after": stress["band_after"],
        "largest_after": stress["largest_after"],
        "scorecard_after": scorecard_after,
    }


def default_scenarios(encodings: Encodings, filters: Filters) -> list[Scenario]:
    """The three a buyer asks about: the largest partner stops, the largest practice group
    stops, the three largest partners stop (those that exist in the period)."""
    tables = tables_of(encodings.at(filters.level), filters)
    column = "revenue" if filters.basis == "revenue" else "referrals"
    ranked = tables.partners.sort_values(column, ascending=False, kind="stable")
    top = [str(p) for p in ranked["partner"].head(3)]
    scenarios = []
    if top:
        scenarios.append(Scenario(f"{fmt.short_name(top[0], 30)} stops", partners=(top[0],)))
    groups = group_names_of(encodings, filters)
    if groups and filters.level == "partner":
        scenarios.append(
            Scenario(f"{fmt.short_name(groups[0], 30)} stops", organizations=(groups[0],))
        )
    if len(top) == 3:
        scenarios.append(Scenario("Top three partners stop", partners=tuple(top)))
    return scenarios


def _names(result: dict) -> str:
    names = [p["name"] for p in result["partners"]]
    if len(names) > 4:
        return f"{', '.join(names[:3])} and {len(names) - 3} more"
    return ", ".join(names) or "nobody in this period"


_NUMBERS_AFTER = ("HHI after", "Largest share after")


def scenario_table(results: Sequence[dict]) -> pd.DataFrame:
    """One row per scenario with the figures as numbers (the workbook's stress-test sheet)."""
    rows = []
    for r in results:
        largest = r["largest_after"] or {}
        row = {
            "Scenario": r["name"],
            "Partners who stop": ", ".join(p["name"] for p in r["partners"]),
            "Referrals lost": r["referrals_lost"],
            "Share of referrals": r["referral_share_lost"],
            "Revenue lost": r["revenue_lost"],
            "Share of revenue": r["revenue_share_lost"],
            "Referrals lost a year": r["referrals_lost_per_year"],
            "Revenue lost a year": r["revenue_lost_per_year"],
            "Contribution margin": r["margin"],
            "Contribution lost a year": r["contribution_lost_per_year"],
            "Value effect, low (3x EBITDA)": (r["value_effect"] or (None, None))[0],
            "Value effect, high (5x EBITDA)": (r["value_effect"] or (None, None))[1],
            "HHI before": r["hhi_before"],
            "HHI after": r["hhi_after"],
            "Largest partner after": largest.get("name"),
            "Largest share after": largest.get("share"),
        }
        row |= {f"{c['label']} after": STATUS_WORDS[c["status"]] for c in r["scorecard_after"]}
        rows.append(row)
    frame = pd.DataFrame(rows)
    text = ["Scenario", "Partners who stop", "Largest partner after"]
    text += [c for c in frame.columns if c.endswith(" after") and c not in _NUMBERS_AFTER]
    for column in frame.columns:
        if column not in text:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame.astype({c: "str" for c in text if c in frame.columns})


def _money(value: float | None) -> str:
    return fmt.money(value) if value is not None else "n/a"


def side_by_side(results: Sequence[dict], today: Iterable[dict]) -> pd.DataFrame:
    """The scenarios as columns next to today: losses a year, contribution, value effect,
    concentration afterwards, and each scorecard check as it would read ("20.3% · Risk")."""
    today = list(today)
    measures = [
        "Partners who stop",
        "Referrals lost a year",
        "Revenue lost a year",
        "Contribution lost a year",
        "Value effect (3-5x EBITDA)",
        "HHI afterwards",
        "Largest partner afterwards",
        *(c["label"] for c in today),
    ]
    columns = {"Measure": measures, "Today": ["", "", "", "", "", "", ""]}
    columns["Today"] += [f"{c['shown']} · {STATUS_WORDS[c['status']]}" for c in today]
    for r in results:
        largest = r["largest_after"]
        per_year = r["referrals_lost_per_year"]
        share = fmt.pct(r["referral_share_lost"])
        revenue_share = fmt.pct(r["revenue_share_lost"])
        value = r["value_effect"]
        margin = r["margin"]
        cells = [
            _names(r),
            f"{fmt.count(per_year)} ({share})" if per_year is not None else "n/a",
            f"{_money(r['revenue_lost_per_year'])} ({revenue_share})"
            if r["revenue_lost_per_year"] is not None
            else "n/a",
            f"{_money(r['contribution_lost_per_year'])} at {fmt.pct(margin, 0)}"
            if r["contribution_lost_per_year"] is not None
            else "set a margin",
            f"{_money(value[0])} to {_money(value[1])}" if value else "n/a",
            "n/a"
            if r["hhi_after"] is None
            else f"{r['hhi_after']:,.0f} ({r['band_after']}), was {r['hhi_before']:,.0f}",
            f"{largest['name']}, {fmt.pct(largest['share'])}" if largest else "n/a",
            *(f"{c['shown']} · {STATUS_WORDS[c['status']]}" for c in r["scorecard_after"]),
        ]
        name = r["name"]
        while name in columns:
            name += " "
        columns[name] = cells
    return pd.DataFrame(columns, dtype="str")
