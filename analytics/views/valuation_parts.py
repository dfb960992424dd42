"""The Valuation readiness page from DuckDB aggregates: scorecard, trend and scenarios.

`valuation_parts` reads one segment table (analytics.metrics.segments) of the store's history under
the filters' clinics and types, cut at the period, at each of the trend's trailing 12 months
and at the day windows of the alerts before each of their ends. The scorecard, its 24-window
trend and every stress scenario (the scorecard again without some partners' groups) are sums
of those segments: the same functions as the row path (valuation.valuation_checks_from,
scorecard.scorecard_trend_from, stress.stress_test_of), fed small tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.alerts import DORMANT_COLUMNS, dormant_from
from analytics.metrics.buyer_rules import buyer_rules_of
from analytics.metrics.diligence import months_loaded
from analytics.metrics.periods import PeriodTables, to_day
from analytics.metrics.scenarios import (
    Scenario,
    scenario_result,
    scenario_table,
    side_by_side,
)
from analytics.metrics.scorecard import (
    TREND_MONTHS,
    labelled_checks,
    scorecard_table,
    scorecard_trend_from,
    trend_table,
    trend_windows,
)
from analytics.metrics.segments import Segments, month_starts, window_cuts
from analytics.metrics.stress import stress_test_of
from analytics.metrics.valuation import valuation_checks_from
from analytics.views.valuation import StressPage, ValuationPage

__all__ = ["ValuationParts", "stress_page_from", "valuation_page_from", "valuation_parts"]


def _stamp(day: int | None) -> pd.Timestamp | None:
    return None if day is None else pd.Timestamp(np.datetime64(day, "D"))


def _month_of(day: int) -> int:
    stamp = _stamp(day)
    return stamp.year * 12 + stamp.month - 1


def valuation_cuts(start: int | None, end: int | None, first: int | None) -> list[int]:
    """The days the page's windows start or end after: the period, and per trend window its
    start, its month starts and the alert windows before its end."""
    if start is None or end is None:
        return []
    cuts = [start, end + 1, *window_cuts(end)]
    for lo, hi in trend_windows(_stamp(end), first, TREND_MONTHS):
        lo, hi = to_day(lo), to_day(hi)
        cuts += [lo, hi + 1, *window_cuts(hi), *month_starts(lo, hi)]
    return sorted(set(cuts))


@dataclass(frozen=True, eq=False)
class ValuationParts:
    """A store's segments for the page (every date of the filters' clinics and types), the
    period's days (`start`, `end`) and the rows per month of the period."""

    store: object
    filters: Filters
    segments: Segments
    start: int | None
    end: int | None
    months: pd.DataFrame

    @cached_property
    def groups(self) -> frozenset[str]:
        return self.segments.practice_groups()

    @cached_property
    def _period_tables(self) -> dict[str, PeriodTables]:
        return {}

    def period_tables(self, level: str | None = None) -> PeriodTables:
        """The period's full tables at `level` (default: the filters'), computed once."""
        level = level or self.filters.level
        if level not in self._period_tables:
            self._period_tables[level] = self.tables(self.filters, level=level)
        return self._period_tables[level]

    def tables(
        self, filters: Filters, drop=None, level: str | None = None, light: bool = False
    ) -> PeriodTables:
        """The tables of the period of `filters` (its dates, else the rows' first and last
        days without `drop`); `light`: only what the checks read (Segments.check_tables)."""
        s = self.segments
        start = to_day(filters.start) if filters.start else s.first_day(drop)
        end = to_day(filters.end) if filters.end else s.last_day(drop)
        build = s.check_tables if light else s.tables
        return build(filters, start, end, drop, level)

    def checks(self, window: Filters, drop=None, months_present: int | None = None) -> list[dict]:
        """valuation.valuation_checks_of of the window (organisation check included when
        the store records practice groups)."""
        s = self.segments
        tables = self.tables(window, drop, light=True)
        organizations = None
        if self.groups:
            organizations = (self.tables(window, drop, "organization", light=True), self.groups)
        any_rows = s.firsts[s.window(None, None, drop)].size > 0
        windows = None
        if tables.end is not None and any_rows:
            windows = s.windows(window.level, to_day(tables.end), drop)
        dormant = dormant_from(windows) if windows is not None else _no_dormant()
        if months_present is None:
            months_present = 0
            if tables.start is not None and tables.end is not None:
                months_present = s.months_present(to_day(tables.start), to_day(tables.end), drop)
        return valuation_checks_from(
            tables, windows, months_present, dormant, organizations=organizations
        )

    def months_present(self, dropped: pd.DataFrame | None = None) -> int:
        """Months of the period with a row (without the dropped groups' rows per month)."""
        rows = self.months.set_index("month")["rows"]
        if dropped is not None and len(dropped):
            rows = rows.sub(dropped.groupby("month")["rows"].sum(), fill_value=0)
        return int((rows > 0).sum())

    def scorecard(self, drop=None, dropped: pd.DataFrame | None = None) -> list[dict]:
        """scorecard.scorecard_of of the period (without the groups of `drop`)."""
        if drop is not None:
            s = self.segments
            bounds = (
                to_day(self.filters.start) if self.filters.start else s.first_day(drop),
                to_day(self.filters.end) if self.filters.end else s.last_day(drop),
            )
            if bounds != (self.start, self.end):
                # The stopped partners held the first or last day: another period.
                return _moved_scorecard(self, drop, bounds)
            present = self.months_present(dropped)
            return labelled_checks(self.checks(self.filters, drop, present))
        if "_today" not in self.__dict__:
            # Asked for by the page and again beside every stress test: computed once.
            self.__dict__["_today"] = self.checks(self.filters, None, self.months_present())
        return labelled_checks(self.__dict__["_today"])

    def trend(self) -> pd.DataFrame:
        """scorecard.scorecard_trend_of."""
        first = self.segments.first_day()
        return scorecard_trend_from(
            _stamp(self.end), first, self.filters, self.checks, TREND_MONTHS
        )

    def buyer_rules(self) -> list[dict]:
        """buyer_rules.buyer_rules_of the period, the history read up to its end (as the
        diligence page and `metrics --json` read it)."""
        s = self.segments
        upto = s.rows_between(None, None if self.end is None else self.end + 1)
        last = int(s.lasts[upto].max()) if upto.any() else None
        months = months_loaded(_stamp(s.first_day()), _stamp(last))
        return buyer_rules_of(
            self.period_tables("partner"),
            self.period_tables("organization"),
            s.practice_groups(upto),
            months,
        )

    def practice_groups_in_period(self) -> list[str]:
        """scenarios.group_names_of."""
        org = self.period_tables("organization")
        return [str(p) for p in org.partners["partner"] if p in self.groups]

    def stopped(self, scenario: Scenario) -> np.ndarray:
        """scenarios._stopped_rows per group: partner groups named at the filters' level or
        rolled up into one of the scenario's practice groups."""
        s = self.segments
        level = s.at(self.filters.level)
        org = s.organizations
        chosen = np.isin(level.names, list(scenario.partners))[level.key]
        chosen |= np.isin(org.names, list(scenario.organizations))[org.key]
        return s.partners.partner & chosen


def _no_dormant() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in DORMANT_COLUMNS})


def _moved_scorecard(parts: ValuationParts, drop: np.ndarray, bounds) -> list[dict]:
    """The scorecard without the dropped groups when they held the period's first or last
    day (rare): the segments are read again, cut at the period they leave."""
    start, end = bounds
    chosen = parts.segments.groups[drop]
    cuts = [] if start is None or end is None else sorted({start, end + 1, *window_cuts(end)})
    fresh = Segments(parts.store.segment_sums(_scope(parts.filters), cuts), cuts)
    months = _month_rows(parts.store, parts.filters, start, end)
    moved = ValuationParts(parts.store, parts.filters, fresh, start, end, months)
    moved.__dict__["groups"] = parts.groups  # the whole history's, as recorded
    dropped = _group_months(parts.store, parts.filters, start, end, chosen)
    present = moved.months_present(dropped[["month", "rows"]])
    return labelled_checks(moved.checks(parts.filters, _same_groups(fresh.groups, chosen), present))


def _month_rows(store, filters: Filters, start: int | None, end: int | None) -> pd.DataFrame:
    if start is None or end is None:
        return pd.DataFrame({"month": [], "rows": []})
    return store.month_rows(_period(filters, start, end))


def _same_groups(groups: pd.DataFrame, chosen: pd.DataFrame) -> np.ndarray:
    """Which of `groups` are among `chosen` (same source, type and organization; a missing
    value matches a missing value)."""

    def keys(frame: pd.DataFrame) -> list[tuple]:
        columns = [frame[c].astype(object).where(frame[c].notna(), None) for c in frame.columns]
        return list(zip(*columns, strict=True))

    wanted = set(keys(chosen))
    return np.array([k in wanted for k in keys(groups)], dtype=bool)


def _scope(filters: Filters) -> Filters:
    return Filters(clinics=filters.clinics, source_types=filters.source_types)


def _period(filters: Filters, start: int | None, end: int | None) -> Filters:
    return _scope(filters).with_period(_date(start), _date(end))


def _date(day: int | None):
    return None if day is None else _stamp(day).date()


def _group_months(store, filters: Filters, start, end, groups: pd.DataFrame) -> pd.DataFrame:
    """Rows per (source, type, organization, month) of the period of the given groups."""
    columns = ["source", "source_type", "organization"]
    if groups.empty or start is None:
        return pd.DataFrame({c: [] for c in [*columns, "month", "rows"]}, dtype=object)
    frame = store.group_months(_period(filters, start, end), sorted(set(groups["source"])))
    return frame[_same_groups(frame[columns], groups)]


def valuation_parts(store, filters: Filters, known: Segments | None = None) -> ValuationParts:
    """The store's segments for the Valuation readiness page of the filters; `known`, a
    segment table of the same store and clinics and types, is read again only when it
    lacks a cut these filters need (a table cut at more days sums the same windows)."""
    scope = _scope(filters)
    first, last = store.day_bounds(scope)
    start = to_day(filters.start) if filters.start else first
    end = to_day(filters.end) if filters.end else last
    cuts = valuation_cuts(start, end, first)
    if known is not None and known.has_cuts(cuts):
        segments = known
    else:
        segments = Segments(store.segment_sums(scope, cuts), cuts)
    months = _month_rows(store, filters, start, end)
    return ValuationParts(store, filters, segments, start, end, months)


def valuation_page_from(parts: ValuationParts, trend: pd.DataFrame | None = None) -> ValuationPage:
    """valuation_page.valuation_page from the aggregates (`trend`: parts.trend(), when the
    caller remembers it from another period with the same last day)."""
    filters = parts.filters
    tables = parts.period_tables()
    checks = parts.scorecard()
    trend = parts.trend() if trend is None else trend
    groups = parts.practice_groups_in_period() if filters.level == "partner" else []
    return ValuationPage(
        period=fmt.period(tables.start, tables.end),
        referrals=tables.referrals,
        basis=filters.basis,
        checks=tuple(checks),
        scorecard=scorecard_table(checks),
        trend=trend,
        trend_table=trend_table(trend),
        partners=tuple(str(p) for p in tables.partners["partner"]),
        groups=tuple(groups),
        defaults=tuple(_default_scenarios(parts, tables, groups)),
    )


def _default_scenarios(parts: ValuationParts, tables: PeriodTables, groups) -> list[Scenario]:
    """scenarios.default_scenarios."""
    filters = parts.filters
    column = "revenue" if filters.basis == "revenue" else "referrals"
    ranked = tables.partners.sort_values(column, ascending=False, kind="stable")
    top = [str(p) for p in ranked["partner"].head(3)]
    scenarios = []
    if top:
        scenarios.append(Scenario(f"{fmt.short_name(top[0], 30)} stops", partners=(top[0],)))
    if filters.level == "partner":
        groups = groups or parts.practice_groups_in_period()
        if groups:
            scenarios.append(
                Scenario(f"{fmt.short_name(groups[0], 30)} stops", organizations=(groups[0],))
            )
    if len(top) == 3:
        scenarios.append(Scenario("Top three partners stop", partners=tuple(top)))
    return scenarios


def _per_year(value: float | None, years: float | None) -> float | None:
    return None if value is None or not years else value / years


def _any_of(segments: Segments, drops: list[np.ndarray]) -> pd.DataFrame:
    """The groups any of the masks holds."""
    every = np.zeros(len(segments.groups), dtype=bool)
    for drop in drops:
        every |= drop
    return segments.groups[every]


def _run(
    parts: ValuationParts,
    tables: PeriodTables,
    groups: list[str],
    scenario: Scenario,
    margin: float | None,
    drop: np.ndarray,
    months: pd.DataFrame,
) -> dict:
    """scenarios.run_scenario; `drop` marks the scenario's groups, `months` holds the rows
    per (source, type, organization, month) of every scenario's groups."""
    s = parts.segments
    filters = parts.filters
    level = s.at(filters.level)
    rows = np.zeros(len(s.group), dtype=bool)
    if tables.start is not None and tables.end is not None:
        rows = s.rows_between(to_day(tables.start), to_day(tables.end) + 1)
    rows &= drop[s.group]
    hit = {str(n) for n in level.names[np.unique(level.key[s.group[rows]])]}
    level_names = [str(p) for p in tables.partners["partner"] if p in hit]
    stopped = level.partner & np.isin(level.names, level_names)[level.key]
    after = None
    if tables.start is not None and tables.end is not None:
        after = s.check_tables(filters, to_day(tables.start), to_day(tables.end), stopped)
    stress = stress_test_of(tables, level_names, after)
    known = set(tables.partners["partner"]) | set(groups)
    ours = _same_groups(months[["source", "source_type", "organization"]], s.groups[drop])
    dropped = months[ours][["month", "rows"]]
    return scenario_result(scenario, tables, stress, known, margin, parts.scorecard(drop, dropped))


def stress_page_from(
    parts: ValuationParts, scenarios: Sequence[Scenario], margin: float | None
) -> StressPage:
    """valuation_page.stress_page from the aggregates."""
    chosen = [s for s in scenarios if s.partners or s.organizations]
    tables = parts.period_tables()
    groups = parts.practice_groups_in_period()
    drops = [parts.stopped(s) for s in chosen]
    months = _group_months(
        parts.store, parts.filters, parts.start, parts.end, _any_of(parts.segments, drops)
    )
    results = tuple(
        _run(parts, tables, groups, s, margin, drop, months)
        for s, drop in zip(chosen, drops, strict=True)
    )
    today = parts.scorecard()
    return StressPage(
        results=results,
        side_by_side=side_by_side(results, today),
        table=scenario_table(results) if results else pd.DataFrame(),
    )
