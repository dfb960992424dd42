"""The valuation-readiness scorecard: the checks of `valuation` plus the organisation-level
dependence, each with a label and its value as shown, and the trailing-12-month trend of
every check (so an owner can show concentration falling before a sale).

The organisation check needs the referrals counted both per partner and per practice group:
`Encodings` holds the history encoded at both levels (same rows, same order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.concentration import hhi_band
from analytics.metrics.periods import Encoded, encode, tables_of, to_day
from analytics.metrics.valuation import (
    LARGEST_RISK,
    LARGEST_WATCH,
    ORGANIZATION_RISK,
    ORGANIZATION_WATCH,
    PARTNERS_FALL_RISK,
    PARTNERS_FALL_WATCH,
    PHYSICIAN_RISK,
    PHYSICIAN_WATCH,
    SCORECARD_NAMES,
    TOP3_RISK,
    TOP3_WATCH,
    UNKNOWN_RISK,
    UNKNOWN_WATCH,
    valuation_checks_of,
)

__all__ = [
    "LABELS",
    "LINES",
    "SCORECARD_NAMES",
    "STATUS_WORDS",
    "THRESHOLDS",
    "TREND_MONTHS",
    "Encodings",
    "encodings_of",
    "labelled_checks",
    "scorecard_of",
    "scorecard_table",
    "scorecard_trend_from",
    "scorecard_trend_of",
    "trend_table",
    "trend_windows",
]

TREND_MONTHS = 12
LABELS: dict[str, str] = {
    "largest_partner_share": "Largest partner's share",
    "top3_share": "Top three partners' share",
    "hhi_band": "Concentration (HHI)",
    "physician_share": "Share from physicians, PAs & NPs",
    "organization_dependence": "Largest practice group's share",
    "partners_trend": "Active partners, year on year",
    "dormant_key_referrers": "Key referrers gone quiet",
    "data_coverage": "Data coverage",
}
# The thresholds in plain words (valuation.py's constants; their sources in docs/valuation.md).
THRESHOLDS: dict[str, str] = {
    "largest_partner_share": "ok under 10%; watch from 10%; risk from 20%",
    "top3_share": "ok up to 35%; watch above 35%; risk above 50%",
    "hhi_band": "ok under 1,000; watch 1,000 to 1,800; risk above 1,800",
    "physician_share": "ok under 50%; watch from 50%; risk from 70%",
    "organization_dependence": "ok under 10%; watch from 10%; risk from 20%",
    "partners_trend": "ok unless down 10%; watch down 10%; risk down 25% or more",
    "dormant_key_referrers": "ok none; watch any; risk 20% of referrals together",
    "data_coverage": "ok every month, unknown under 10%; watch unknown from 10%; "
    "risk under 75% of months or unknown from 25%",
}
# Where each trend chart draws its watch and risk lines (in the trend value's units).
LINES: dict[str, tuple[float, float] | None] = {
    "largest_partner_share": (LARGEST_WATCH, LARGEST_RISK),
    "top3_share": (TOP3_WATCH, TOP3_RISK),
    "hhi_band": (1_000.0, 1_800.0),
    "physician_share": (PHYSICIAN_WATCH, PHYSICIAN_RISK),
    "organization_dependence": (ORGANIZATION_WATCH, ORGANIZATION_RISK),
    "partners_trend": (-PARTNERS_FALL_WATCH, -PARTNERS_FALL_RISK),
    "dormant_key_referrers": None,
    "data_coverage": (UNKNOWN_WATCH, UNKNOWN_RISK),
}
STATUS_WORDS = {"ok": "OK", "watch": "Watch", "risk": "Risk", "na": "Not enough data"}
_SHARES = ("largest_partner_share", "top3_share", "physician_share", "organization_dependence")


@dataclass(frozen=True, eq=False)
class Encodings:
    """The referral history encoded per partner and per practice group (same rows, in order)."""

    partners: Encoded
    organizations: Encoded
    # The groups of the whole history, kept by `without`: a stress test that stops the only
    # group still reads the scorecard with the practice-group check.
    recorded: frozenset[str] | None = None

    def at(self, level: str) -> Encoded:
        """The encoding the filters' level counts partners by."""
        return self.organizations if level == "organization" else self.partners

    def without(self, rows: np.ndarray) -> Encodings:
        """Both encodings with the rows of a boolean mask left out."""
        keep = ~rows
        return Encodings(
            self.partners.take(keep), self.organizations.take(keep), recorded=self.groups()
        )

    def groups(self) -> frozenset[str]:
        """Names of the real practice groups and health systems (a partner with none stays
        itself at the organization level)."""
        if self.recorded is not None:
            return self.recorded
        cached = self.__dict__.get("_groups")
        if cached is not None:
            return cached
        p, o = self.partners, self.organizations
        rows = p.partner
        # One integer per (partner, group) pair: a 1-D unique is far cheaper than axis=1.
        pairs = np.unique(p.key[rows] * o.partners + o.key[rows])
        partner_keys, group_keys = pairs // o.partners, pairs % o.partners
        rolled = p.names[partner_keys] != o.names[group_keys]
        groups = frozenset(str(n) for n in o.names[group_keys[rolled]])
        # Frozen, so cached by hand: scorecards and scenarios ask for it many times.
        object.__setattr__(self, "_groups", groups)
        return groups


def encodings_of(history: pd.DataFrame) -> Encodings:
    """Encode the history once at each level."""
    return Encodings(encode(history, "partner"), encode(history, "organization"))


def _shown(check: dict) -> str:
    name, value = check["name"], check["value"]
    if name == "data_coverage":
        v = value or {}
        if not v.get("months_in_period"):
            return "no data"
        return (
            f"{v['months_present']} of {v['months_in_period']} months; "
            f"{fmt.pct(v['unknown_share'])} unknown"
        )
    if value is None:
        return "n/a"
    if name in _SHARES:
        return fmt.pct(value)
    if name == "hhi_band":
        return f"{value:,.0f} ({hhi_band(value)})"
    if name == "partners_trend":
        return fmt.change(value) or "n/a"
    return fmt.count(value)


def _labelled(checks: list[dict]) -> list[dict]:
    return [
        {**c, "label": LABELS[c["name"]], "shown": _shown(c), "rule": THRESHOLDS[c["name"]]}
        for c in checks
    ]


def labelled_checks(checks: list[dict]) -> list[dict]:
    """Checks (valuation.py's) with their label, value as read and rule in plain words."""
    return _labelled(checks)


def scorecard_of(encodings: Encodings, filters: Filters) -> list[dict]:
    """The period's checks in SCORECARD_NAMES order: valuation.py's {name, value, threshold,
    status, sentence} plus `label`, `shown` (the value as read) and `rule` (the threshold in
    plain words)."""
    encoded = encodings.at(filters.level)
    tables = tables_of(encoded, filters)
    checks = valuation_checks_of(tables, encoded, organizations=_organizations(encodings, filters))
    return _labelled(checks)


def _organizations(encodings: Encodings, filters: Filters):
    """The practice-group check's input, only when groups are recorded: without them it
    would repeat the largest-partner check and count one risk twice."""
    groups = encodings.groups()
    if not groups:
        return None
    return tables_of(encodings.organizations, filters), groups


def scorecard_table(checks: list[dict]) -> pd.DataFrame:
    """The scorecard as a table: Check, Value, Status, Threshold, What it means."""
    return pd.DataFrame(
        {
            "Check": [c["label"] for c in checks],
            "Value": [c["shown"] for c in checks],
            "Status": [STATUS_WORDS[c["status"]] for c in checks],
            "Threshold": [c["rule"] for c in checks],
            "What it means": [c["sentence"] for c in checks],
        },
        dtype="str",
    )


def _trend_value(check: dict) -> float:
    value = check["value"]
    if check["name"] == "data_coverage":
        value = (value or {}).get("unknown_share")
    return np.nan if value is None else float(value)


def _window_ends(end: pd.Timestamp, months: int) -> list[pd.Timestamp]:
    """The last day of each of `months` months up to the month of `end` (the last is `end`)."""
    last = end.to_period("M")
    ends = [(last - i).to_timestamp(how="end").normalize() for i in range(months - 1, 0, -1)]
    return [*ends, end.normalize()]


def scorecard_trend_of(
    encodings: Encodings, filters: Filters, months: int = TREND_MONTHS
) -> pd.DataFrame:
    """Each check over the trailing 12 months ending in each of the last `months` months of the
    period: Month (the month the window ends in), name, Check, Value (a number: shares as
    0..1, HHI, partner change, dormant count, unknown share for coverage) and Status."""
    encoded = encodings.at(filters.level)
    tables = tables_of(encoded, filters)

    def checks_for(window: Filters) -> list[dict]:
        return valuation_checks_of(
            tables_of(encoded, window),
            encoded,
            organizations=_organizations(encodings, window),
        )

    return scorecard_trend_from(tables.end, encoded.first_day(), filters, checks_for, months)


def trend_windows(
    end: pd.Timestamp | None, first_day: int | None, months: int = TREND_MONTHS
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """(start, end) of each trailing 12 months the trend reads: ending in each of the last
    `months` months up to `end`, those ending before the data's first day left out."""
    if end is None:
        return []
    out = []
    for window_end in _window_ends(pd.Timestamp(end), months):
        start = window_end - pd.DateOffset(months=12) + pd.Timedelta(days=1)
        if to_day(window_end) < (first_day or 0):
            continue
        out.append((start, window_end))
    return out


def scorecard_trend_from(
    end: pd.Timestamp | None,
    first_day: int | None,
    filters: Filters,
    checks_for,
    months: int = TREND_MONTHS,
) -> pd.DataFrame:
    """scorecard_trend_of from the period's last day, the data's first day and
    `checks_for(window filters)`: the checks of one window (rows or aggregates)."""
    columns = ["Month", "name", "Check", "Value", "Status"]
    if end is None:
        return pd.DataFrame({c: [] for c in columns})
    rows = []
    for start, window_end in trend_windows(end, first_day, months):
        checks = checks_for(filters.with_period(start.date(), window_end.date()))
        month = window_end.to_period("M").to_timestamp()
        rows += [
            {
                "Month": month,
                "name": c["name"],
                "Check": LABELS[c["name"]],
                "Value": _trend_value(c),
                "Status": c["status"],
            }
            for c in checks
        ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(
        {"Month": "datetime64[ns]", "name": "str", "Check": "str", "Value": "float64"}
    ).astype({"Status": "str"})


def trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    """The trend with one row per month and one column per check (its trend value)."""
    if trend.empty:
        return pd.DataFrame({"Month": pd.Series([], dtype="datetime64[ns]")})
    wide = trend.pivot(index="Month", columns="name", values="Value")
    order = [n for n in SCORECARD_NAMES if n in wide.columns]
    headers = {n: LABELS[n] for n in order}
    headers["data_coverage"] = "Unknown-source share"
    headers["partners_trend"] = "Active partners, change on the year before"
    headers["hhi_band"] = "HHI"
    return wide[order].rename(columns=headers).reset_index().rename_axis(columns=None)
