"""Diligence schedules: the last three fiscal years side by side, as a buyer's analyst reads
a referral book (referrals, revenue, top 10 with rank moves, concentration, organisations,
physician share, partners won and lost, the owner's personal relationships)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.concentration import concentration_of
from analytics.metrics.dependence import physician_share_of
from analytics.metrics.periods import PeriodTables, tables_of, to_day
from analytics.metrics.scorecard import Encodings

__all__ = [
    "HISTORY_MONTHS",
    "YEARS",
    "Diligence",
    "FiscalYear",
    "diligence_from",
    "diligence_of",
    "diligence_windows",
    "fiscal_years",
    "months_loaded",
]

YEARS = 3
TOP = 10
# Buyers' quality-of-earnings work reads three years of monthly history.
HISTORY_MONTHS = 36


@dataclass(frozen=True)
class FiscalYear:
    """One fiscal year, named by the calendar year it ends in, and how much of it is loaded."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    months_loaded: int

    @property
    def complete(self) -> bool:
        """True when every month of the year is within the loaded data."""
        return self.months_loaded == 12


def _month_span(first: pd.Timestamp, last: pd.Timestamp) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def months_loaded(first: pd.Timestamp | None, last: pd.Timestamp | None) -> int:
    """Calendar months from the first loaded referral's month to the last's (0 with no data)."""
    if first is None or last is None:
        return 0
    return _month_span(pd.Timestamp(first), pd.Timestamp(last))


def fiscal_years(
    first: pd.Timestamp, last: pd.Timestamp, start_month: int = 1, years: int = YEARS
) -> list[FiscalYear]:
    """The fiscal year holding `last` and the `years - 1` before it that hold any data, oldest
    first; a year starting in month `start_month` is named FY<the year it ends in>."""
    if not 1 <= start_month <= 12:
        raise ValueError(f"The fiscal year starts in a month 1 to 12, not {start_month}.")
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    year = last.year if last.month >= start_month else last.year - 1
    out = []
    for i in range(years):
        start = pd.Timestamp(year - i, start_month, 1)
        end = start + pd.DateOffset(years=1) - pd.Timedelta(days=1)
        if end < first:
            break
        lo, hi = max(start, first), min(end, last)
        label = f"FY{end.year}" if start_month != 1 else str(start.year)
        out.append(FiscalYear(label, start, end, _month_span(lo, hi)))
    return out[::-1]


@dataclass(frozen=True, eq=False)
class Diligence:
    """The schedules: one row per year, the top 10 per year, organisations per year."""

    years: pd.DataFrame
    top10: pd.DataFrame
    organizations: pd.DataFrame
    months_loaded: int
    notes: tuple[str, ...]


def _window(year: FiscalYear) -> Filters:
    return Filters(start=year.start.date(), end=year.end.date())


def _active(tables: PeriodTables) -> set[str]:
    partners = tables.partners
    return set(partners.loc[partners["referrals"] > 0, "partner"].astype(str))


def _ranks(tables: PeriodTables) -> dict[str, int]:
    return {str(p): i + 1 for i, p in enumerate(tables.partners["partner"])}


def _year_row(
    year: FiscalYear,
    tables: PeriodTables,
    org: PeriodTables,
    prior: PeriodTables | None,
    owner_managed: Collection[str],
) -> dict:
    c = concentration_of(tables)
    referrals = tables.referrals
    owned = tables.partners[tables.partners["partner"].isin(list(owner_managed))]
    won = lost = None
    if prior is not None:
        now, before = _active(tables), _active(prior)
        won, lost = len(now - before), len(before - now)
    return {
        "Year": year.label,
        "Start": year.start,
        "End": year.end,
        "Months loaded": year.months_loaded,
        "Referrals": referrals,
        "Revenue": tables.revenue if tables.revenue is not None else np.nan,
        "HHI": c["hhi"] if c["hhi"] is not None else np.nan,
        "CR1 share": c["cr1"] if c["cr1"] is not None else np.nan,
        "CR3 share": c["cr3"] if c["cr3"] is not None else np.nan,
        "CR5 share": c["cr5"] if c["cr5"] is not None else np.nan,
        "Largest organisation share": concentration_of(org)["cr1"] if referrals else np.nan,
        "Physician share": physician_share_of(tables) if referrals else np.nan,
        "Partners": c["partners"],
        "Partners won": won,
        "Partners lost": lost,
        "Owner-managed share": int(owned["referrals"].sum()) / referrals if referrals else np.nan,
    }


def _top10(year: FiscalYear, tables: PeriodTables, prior: PeriodTables | None) -> list[dict]:
    before = _ranks(prior) if prior is not None else {}
    revenue = tables.revenue or 0.0
    rows = []
    for rank, row in enumerate(tables.partners.head(TOP).itertuples(index=False), start=1):
        prior_rank = before.get(str(row.partner))
        if prior is None:
            move = "no prior year"
        elif prior_rank is None:
            move = "new"
        elif prior_rank == rank:
            move = "="
        else:
            move = f"{'+' if prior_rank > rank else '-'}{abs(prior_rank - rank)}"
        rows.append(
            {
                "Year": year.label,
                "Rank": rank,
                "Partner": str(row.partner),
                "Type": str(row.type),
                "Referrals": int(row.referrals),
                "Referral share": float(row.share),
                "Revenue": float(row.revenue),
                "Revenue share": float(row.revenue) / revenue if revenue else np.nan,
                "Prior rank": prior_rank,
                "Rank change": move,
            }
        )
    return rows


def _organizations(year: FiscalYear, org: PeriodTables, groups: frozenset[str]) -> list[dict]:
    table = org.partners[org.partners["partner"].isin(list(groups))].head(TOP)
    return [
        {
            "Year": year.label,
            "Rank": rank,
            "Organisation": str(row.partner),
            "Referrals": int(row.referrals),
            "Referral share": float(row.share),
            "Revenue": float(row.revenue),
        }
        for rank, row in enumerate(table.itertuples(index=False), start=1)
    ]


def _notes(years: list[FiscalYear], loaded: int, prior_loaded: dict[str, int]) -> list[str]:
    notes = []
    if loaded < HISTORY_MONTHS:
        notes.append(
            f"Only {loaded} months of referrals are loaded; buyers read {HISTORY_MONTHS} "
            "(three full years). Load older exports to complete the schedules."
        )
    for i, y in enumerate(years):
        if not y.complete:
            note = f"{y.label} has {y.months_loaded} of 12 months loaded: its totals are partial"
            if i == len(years) - 1 and i > 0:
                note += " and its partners lost include partners not yet seen that year"
            notes.append(note + ".")
    for label, months in prior_loaded.items():
        if months < 12:
            notes.append(
                f"The year before {label} has {months} of 12 months loaded: {label}'s partners "
                "won are overstated."
            )
    return notes


def _int_column(frame: pd.DataFrame, column: str) -> None:
    if column in frame:
        frame[column] = frame[column].astype("Int64")


def diligence_of(
    encodings: Encodings,
    start_month: int = 1,
    owner_managed: Collection[str] = (),
    years: int = YEARS,
) -> Diligence:
    """The schedules of the encoded history (all of it: the years are the last `years` fiscal
    years ending with the one that holds the last referral). Counted per partner; the
    organisation shares count each real practice group's doctors together."""

    def tables_for(window: Filters, level: str) -> PeriodTables:
        return tables_of(encodings.at(level), window)

    encoded = encodings.partners
    return diligence_from(
        encoded.first_day(),
        encoded.last_day(),
        tables_for,
        encodings.groups,
        start_month,
        owner_managed,
        years,
    )


def diligence_windows(
    first: int, last: int, start_month: int = 1, years: int = YEARS
) -> list[tuple[object, object]]:
    """The (start, end) dates whose tables diligence_from asks for: each fiscal year and the
    year before it (the first and last days of the history, as integer days)."""
    first_ts = pd.Timestamp(np.datetime64(first, "D"))
    last_ts = pd.Timestamp(np.datetime64(last, "D"))
    out = []
    for year in fiscal_years(first_ts, last_ts, start_month, years):
        out.append((year.start.date(), year.end.date()))
        prior_end = year.start - pd.Timedelta(days=1)
        if to_day(prior_end) >= first:
            out.append(((year.start - pd.DateOffset(years=1)).date(), prior_end.date()))
    return out


def diligence_from(
    first: int | None,
    last: int | None,
    tables_for: Callable[[Filters, str], PeriodTables],
    groups: Callable[[], frozenset[str]],
    start_month: int = 1,
    owner_managed: Collection[str] = (),
    years: int = YEARS,
) -> Diligence:
    """diligence_of from the history's first and last days (integer days, None without
    data), `tables_for(window, level)` (a window's tables at "partner" or "organization";
    rows or SQL aggregates) and `groups()` (the real practice groups' names)."""
    if first is None:
        empty = pd.DataFrame()
        return Diligence(empty, empty, empty, 0, ("No referrals loaded.",))
    first_ts = pd.Timestamp(np.datetime64(first, "D"))
    last_ts = pd.Timestamp(np.datetime64(last, "D"))
    chosen = fiscal_years(first_ts, last_ts, start_month, years)
    names = groups()
    rows, top, orgs, prior_loaded = [], [], [], {}
    for year in chosen:
        window = _window(year)
        tables = tables_for(window, "partner")
        org = tables_for(window, "organization")
        prior_start = year.start - pd.DateOffset(years=1)
        prior_end = year.start - pd.Timedelta(days=1)
        prior = None
        if to_day(prior_end) >= first:
            prior = tables_for(Filters(start=prior_start.date(), end=prior_end.date()), "partner")
            prior_loaded[year.label] = _month_span(max(prior_start, first_ts), prior_end)
        rows.append(_year_row(year, tables, org, prior, owner_managed))
        top += _top10(year, tables, prior)
        orgs += _organizations(year, org, names)
    table = pd.DataFrame(rows)
    for column in ("Partners won", "Partners lost"):
        _int_column(table, column)
    top_frame = pd.DataFrame(
        top,
        columns=[
            "Year",
            "Rank",
            "Partner",
            "Type",
            "Referrals",
            "Referral share",
            "Revenue",
            "Revenue share",
            "Prior rank",
            "Rank change",
        ],
    )
    _int_column(top_frame, "Prior rank")
    org_frame = pd.DataFrame(
        orgs, columns=["Year", "Rank", "Organisation", "Referrals", "Referral share", "Revenue"]
    )
    loaded = _month_span(first_ts, last_ts)
    return Diligence(
        years=table,
        top10=top_frame,
        organizations=org_frame,
        months_loaded=loaded,
        notes=tuple(_notes(chosen, loaded, prior_loaded)),
    )
