"""The overview's headline tiles: each figure, its change on the period before, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.comparison import Comparison, comparison_of
from analytics.metrics.concentration import concentration_of
from analytics.metrics.mix import patient_share_of
from analytics.metrics.periods import Encoded, PeriodTables, conversion_rate, tables_of

__all__ = ["EXPLAIN", "Kpi", "headline_of", "kpi_tiles_of", "plain_tile"]

# One line per metric in the owner's words (shown as the tile's help and next to charts).
EXPLAIN: dict[str, str] = {
    "referrals": "New patients referred to you in the period, from every source.",
    "arrived": "Referred patients who came in for their evaluation.",
    "conversion_rate": "Of the referrals whose outcome you recorded, the share that came in.",
    "revenue": "Money collected for these referrals (charges when no payments were exported).",
    "partners": "Doctors and other partners who sent at least one patient: your network's size.",
    "hhi": "How concentrated your referrals are, 0 to 10,000: under 1,000 they are spread over "
    "many partners; over 1,800 a few partners hold most of them and losing one would hurt.",
    "cr1": "The share of all referrals your single biggest partner sends: at 10% or more, "
    "buyers and lenders see a key-referrer risk.",
    "patient_share": "Referrals from patients, friends and family: word-of-mouth you earn by "
    "asking happy patients to tell others.",
    "gini": "How unequal your partners are, 0 to 1: near 0 they all send alike; near 1 a few "
    "send almost everything and the rest send one or two.",
    "pareto": "The fewest partners who together send 80% of your partner referrals.",
    "physician_share": "Referrals from physicians, PAs and NPs: growth that depends on people "
    "you do not employ.",
    "key_referrers": "A partner sending 10% or more of referrals (the line at which public "
    "companies must name a customer): what you would lose if they stopped.",
    "declining": "Partners whose last 90 days fell well below their own earlier pace, by more "
    "than bad luck would explain.",
    "dormant": "Regular partners (about one a month or more) with no referral in 60 days.",
}


@dataclass(frozen=True)
class Kpi:
    """One headline tile: the value as shown, its change on the period before, and help."""

    key: str
    label: str
    value: float | None
    text: str
    previous: float | None
    delta: str | None
    delta_color: str
    help: str
    note: str | None = None
    delta_arrow: str = "auto"


def plain_tile(label: str, text: str, *, help: str = "", note: str | None = None) -> Kpi:
    """A tile with no comparison: a figure, its one-line explanation and a note under it."""
    return Kpi(
        key=label,
        label=label,
        value=None,
        text=text,
        previous=None,
        delta=None,
        delta_color="off",
        help=help,
        note=note,
    )


def headline_of(tables: PeriodTables) -> dict:
    """The overview's figures of one period (the same definitions as `metrics --json`)."""
    concentration = concentration_of(tables)
    return {
        "referrals": tables.referrals,
        "arrived": tables.arrived if tables.known else None,
        "conversion_rate": conversion_rate(tables),
        "revenue": tables.revenue,
        "partners": concentration["partners"],
        "hhi": concentration["hhi"],
        "hhi_band": concentration["hhi_band"],
        "cr1": concentration["cr1"],
        "patient_share": patient_share_of(tables),
    }


def _relative(now: float | None, then: float | None) -> str | None:
    if now is None or not then:
        return None
    return fmt.change((now - then) / then)


def _difference(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def _tiles(now: dict, then: dict | None, why_not: str | None = None) -> list[Kpi]:
    """The tiles against `then`; with `why_not`, each says in a word why no change is shown."""

    def tile(key, label, text, delta, color="normal", note=None) -> Kpi:
        if why_not:
            return Kpi(
                key=key,
                label=label,
                value=now[key],
                text=text(now[key]),
                previous=None,
                delta="no comparison",
                delta_color="off",
                delta_arrow="off",
                help=EXPLAIN[key],
                note=f"{note} · {why_not}" if note else why_not,
            )
        change = None if then is None else delta(now[key], then[key])
        # "+0.0 pts" after rounding is no change: no sign, no arrow, no colour.
        unchanged = change is not None and not any(d in change for d in "123456789")
        return Kpi(
            key=key,
            label=label,
            value=now[key],
            text=text(now[key]),
            previous=None if then is None else then[key],
            delta=change.lstrip("+-") if unchanged else change,
            delta_color="off" if unchanged else color,
            delta_arrow="off" if unchanged else "auto",
            help=EXPLAIN[key],
            note=note,
        )

    def points(a, b):
        return fmt.points(_difference(a, b))

    def whole(a, b):
        difference = _difference(a, b)
        return None if difference is None else f"{difference:+,.0f}"

    revenue_label = "Revenue" if now["revenue"] is not None else "Revenue (not exported)"
    return [
        tile("referrals", "Referrals", fmt.count, _relative),
        tile("arrived", "Arrived (evaluated)", fmt.count, _relative),
        tile("conversion_rate", "Conversion", fmt.pct, points),
        tile("revenue", revenue_label, fmt.money, _relative),
        tile("partners", "Active partners", fmt.count, whole),
        tile("hhi", "Concentration (HHI)", fmt.count, whole, "inverse", now["hhi_band"]),
        tile("cr1", "Largest partner", fmt.pct, points, "inverse"),
        tile("patient_share", "Patient word-of-mouth", fmt.pct, points),
    ]


def kpi_tiles_of(
    encoded: Encoded, filters: Filters, compare: str = "previous"
) -> tuple[list[Kpi], Comparison | None]:
    """The eight overview tiles of the period, each against the comparison period of
    `compare` ("previous": the previous calendar month or quarter; "last_year": the same
    period a year earlier). No change is shown where the data does not cover that period
    (each tile says so) or where it holds no referral. Also returns the comparison."""
    tables = tables_of(encoded, filters)
    now = headline_of(tables)
    if tables.start is None or tables.end is None:
        return _tiles(now, None), None
    first = encoded.first_day()
    first_day = None if first is None else np.datetime64(first, "D").astype(object)
    comparison = comparison_of(compare, tables.start.date(), tables.end.date(), first_day)
    if not comparison.covered:
        return _tiles(now, None, f"data from {first_day:%b %Y}"), comparison
    then = headline_of(tables_of(encoded, filters.with_period(comparison.start, comparison.end)))
    return _tiles(now, then if then["referrals"] else None), comparison
