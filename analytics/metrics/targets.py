"""Referral targets: an expected count per partner per month, who is on target this month,
and each partner against its own 3-month average (red / yellow / green)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.metrics.alerts import declining_of
from analytics.metrics.periods import TYPE_NAMES, Encoded, dominant_type_codes, to_day

__all__ = [
    "AVERAGE_MONTHS",
    "RAG_YELLOW",
    "TargetImport",
    "month_bounds",
    "month_counts",
    "month_counts_from",
    "on_target_from",
    "on_target_of",
    "parse_targets_csv",
    "proposed_targets",
    "proposed_targets_from",
    "rag_from",
    "rag_of",
    "share_at_target",
]

AVERAGE_MONTHS = 3
# This month at or above its own average is green; down to 75% of it yellow; below, red.
RAG_YELLOW = 0.75
MAX_TARGET = 10_000


@dataclass(frozen=True)
class MonthWindow:
    """The month being judged (the one holding `end`), how much of it the data covers, and
    the complete months before it that make the average."""

    start: int
    end: int
    fraction: float
    base_start: int
    base_end: int


def _window(end: pd.Timestamp, months: int = AVERAGE_MONTHS) -> MonthWindow:
    end = pd.Timestamp(end).normalize()
    start = end.replace(day=1)
    base_start = start - pd.DateOffset(months=months)
    return MonthWindow(
        start=to_day(start),
        end=to_day(end),
        fraction=end.day / end.days_in_month,
        base_start=to_day(base_start),
        base_end=to_day(start) - 1,
    )


def _sum_between(encoded: Encoded, lo: int, hi: int) -> np.ndarray:
    rows = encoded.partner & (encoded.day >= lo) & (encoded.day <= hi)
    return np.bincount(encoded.key[rows], weights=encoded.count[rows], minlength=encoded.partners)


def month_counts(encoded: Encoded, end: pd.Timestamp, months: int = AVERAGE_MONTHS) -> pd.DataFrame:
    """Per partner with referrals this month or in the `months` before: this month's count,
    the monthly average of the complete months before it, and the partner's type."""
    w = _window(end, months)
    now = _sum_between(encoded, w.start, w.end)
    before = _sum_between(encoded, w.base_start, w.base_end)
    types = dominant_type_codes(encoded, encoded.partner)
    return month_counts_from(encoded.names, types, now, before, months)


def month_counts_from(
    names: np.ndarray,
    types: np.ndarray,
    now: np.ndarray,
    before: np.ndarray,
    months: int = AVERAGE_MONTHS,
) -> pd.DataFrame:
    """month_counts from per-key arrays: names, type codes (of most of the key's partner
    referrals), referrals this month and in the `months` complete months before."""
    seen = np.flatnonzero((now > 0) | (before > 0))
    # By name: the same order whichever way the keys were numbered (rows or aggregates).
    seen = seen[np.argsort(names[seen].astype(str), kind="stable")]
    return pd.DataFrame(
        {
            "partner": pd.Series(names[seen], dtype="str"),
            "type": pd.Series(TYPE_NAMES[types[seen]], dtype="str"),
            "this_month": now[seen].astype("int64"),
            "average": before[seen] / months,
        }
    )


def month_bounds(end: pd.Timestamp, months: int = AVERAGE_MONTHS) -> tuple[int, int, int]:
    """(first day of the month holding `end`, `end`, first day of the `months` before it)."""
    w = _window(end, months)
    return w.start, w.end, w.base_start


def proposed_targets(
    encoded: Encoded, end: pd.Timestamp, months: int = AVERAGE_MONTHS
) -> dict[str, float]:
    """A target per partner: its average over the `months` complete months before the month
    of `end`, to one decimal; partners with none in those months get no proposal."""
    return proposed_targets_from(month_counts(encoded, end, months))


def proposed_targets_from(counts: pd.DataFrame) -> dict[str, float]:
    """proposed_targets from the month counts (month_counts or month_counts_from)."""
    counts = counts[counts["average"] > 0]
    return {
        str(p): round(float(a), 1)
        for p, a in zip(counts["partner"], counts["average"], strict=True)
    }


def on_target_of(encoded: Encoded, end: pd.Timestamp, targets: Mapping[str, float]) -> pd.DataFrame:
    """Every partner with a target: Partner, Type, Target, Expected so far (the target times
    the share of the month the data covers), This month, Gap, On target."""
    return on_target_from(month_counts(encoded, end), end, targets)


def on_target_from(
    counts: pd.DataFrame, end: pd.Timestamp, targets: Mapping[str, float]
) -> pd.DataFrame:
    """on_target_of from the month counts (month_counts or month_counts_from)."""
    w = _window(end)
    counts = counts.set_index("partner")
    rows = []
    for partner, target in sorted(targets.items()):
        actual = int(counts["this_month"].get(partner, 0))
        expected = float(target) * w.fraction
        rows.append(
            {
                "Partner": partner,
                "Type": str(counts["type"].get(partner, "")),
                "Target": float(target),
                "Expected so far": expected,
                "This month": actual,
                "Gap": actual - expected,
                # A hair of tolerance: 3 of a 3.0 target is on target.
                "On target": bool(actual >= expected - 1e-9),
            }
        )
    columns = ["Partner", "Type", "Target", "Expected so far", "This month", "Gap", "On target"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["On target", "Gap"], kind="stable").reset_index(drop=True)


def share_at_target(table: pd.DataFrame) -> float | None:
    """The share of partners with a target that are at or above it this month."""
    if table.empty:
        return None
    return float(table["On target"].sum()) / len(table)


def _status(ratio: float) -> str:
    if np.isnan(ratio):
        return "no average"
    if ratio >= 1:
        return "green"
    return "yellow" if ratio >= RAG_YELLOW else "red"


def rag_of(encoded: Encoded, end: pd.Timestamp) -> pd.DataFrame:
    """Each partner's month against its own 3-month average: Partner, Type, This month,
    3-month average, Ratio (this month over the average, pro-rated to the days covered),
    Status (green / yellow / red), and whether the Poisson decline test flags it."""
    declining = set(declining_of(encoded, to_day(end))["name"])
    return rag_from(month_counts(encoded, end), end, declining)


def rag_from(counts: pd.DataFrame, end: pd.Timestamp, declining: set[str]) -> pd.DataFrame:
    """rag_of from the month counts and the names the Poisson decline test flags."""
    w = _window(end)
    expected = counts["average"] * w.fraction
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, counts["this_month"] / expected, np.nan)
    frame = pd.DataFrame(
        {
            "Partner": counts["partner"],
            "Type": counts["type"],
            "This month": counts["this_month"],
            "3-month average": counts["average"],
            "Ratio": ratio,
            "Status": pd.Series([_status(r) for r in ratio], dtype="str"),
            "Declining (Poisson test)": counts["partner"].isin(declining).to_numpy(),
        }
    )
    order = {"red": 0, "yellow": 1, "green": 2, "no average": 3}
    return (
        frame.assign(_o=frame["Status"].map(order))
        .sort_values(["_o", "3-month average"], ascending=[True, False], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class TargetImport:
    """Targets read from a CSV, and one sentence per row left out or name not yet seen."""

    targets: dict[str, float]
    problems: tuple[str, ...]


_PARTNER_HEADERS = ("partner", "referrer", "source", "name")
_TARGET_HEADERS = ("monthly_target", "target", "monthly target", "expected per month")


def _column(columns: list[str], names: tuple[str, ...]) -> str | None:
    folded = {c.strip().lower(): c for c in columns}
    return next((folded[n] for n in names if n in folded), None)


def parse_targets_csv(data: bytes, known: set[str] | None = None) -> TargetImport:
    """Targets from CSV bytes with a partner column and a monthly_target column. Rows with no
    name or no number are left out and listed; names not among `known` are kept and listed."""
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype="str", keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        raise ValueError(
            "The targets file is not a readable CSV; save it as CSV (UTF-8)."
        ) from None
    partner = _column(list(frame.columns), _PARTNER_HEADERS)
    target = _column(list(frame.columns), _TARGET_HEADERS)
    if partner is None or target is None:
        raise ValueError("The targets file needs a 'partner' column and a 'monthly_target' column.")
    targets: dict[str, float] = {}
    problems = []
    for i, (name, text) in enumerate(zip(frame[partner], frame[target], strict=True), start=2):
        name = " ".join(str(name).split())
        try:
            value = float(str(text).strip())
        except ValueError:
            value = np.nan
        if not name:
            problems.append(f"Row {i}: no partner name; left out.")
        elif not np.isfinite(value) or not 0 <= value <= MAX_TARGET:
            problems.append(f"Row {i}: the target for {name} is not a number from 0 up; left out.")
        else:
            targets[name] = value
    if known is not None:
        unseen = sorted(set(targets) - known)
        if unseen:
            problems.append(
                f"{len(unseen)} partner{'s' if len(unseen) > 1 else ''} not yet seen in the "
                f"referrals kept as named: {', '.join(unseen)}."
            )
    return TargetImport(targets=targets, problems=tuple(problems))
