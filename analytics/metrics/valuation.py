"""Valuation readiness: the scorecard checks a buyer's diligence asks of referral data.

Each check is {name, value, threshold, status ("ok" | "watch" | "risk" | "na"), sentence}.
The threshold sources are in docs/metrics.md. A value that cannot be computed (no data, too
little history) is "na", not enough data: neither fine nor a warning, and not counted as one.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.metrics.alerts import dormant_from, dormant_of
from analytics.metrics.concentration import concentration_of, hhi_band
from analytics.metrics.periods import Encoded, PeriodTables, encode, period_tables, to_day
from analytics.metrics.windows import HistoryWindows, windows_of

__all__ = [
    "CHECK_NAMES",
    "SCORECARD_NAMES",
    "months_present_of",
    "organization_check",
    "valuation_checks",
    "valuation_checks_from",
    "valuation_checks_of",
]

CHECK_NAMES: tuple[str, ...] = (
    "largest_partner_share",
    "top3_share",
    "hhi_band",
    "physician_share",
    "partners_trend",
    "dormant_key_referrers",
    "data_coverage",
)
# The scorecard of the Valuation readiness page and the reports: CHECK_NAMES with the
# organisation-level dependence after the physician share (it needs the organization level).
SCORECARD_NAMES: tuple[str, ...] = (
    *CHECK_NAMES[:4],
    "organization_dependence",
    *CHECK_NAMES[4:],
)
LARGEST_WATCH, LARGEST_RISK = 0.10, 0.20
TOP3_WATCH, TOP3_RISK = 0.35, 0.50
PHYSICIAN_WATCH, PHYSICIAN_RISK = 0.50, 0.70
# The same lines as one partner: a health system that moves its doctors' referrals in-house
# is one customer to a buyer, however many names it sends under.
ORGANIZATION_WATCH, ORGANIZATION_RISK = LARGEST_WATCH, LARGEST_RISK
PARTNERS_FALL_WATCH, PARTNERS_FALL_RISK = 0.10, 0.25
DORMANT_KEY_SHARE, DORMANT_RISK_SHARE = 0.10, 0.20
COVERAGE_RISK, UNKNOWN_WATCH, UNKNOWN_RISK = 0.75, 0.10, 0.25
FULL_YEAR_SLACK_DAYS = 31


def _check(name: str, value, threshold: str, status: str, sentence: str) -> dict:
    # No value is not enough data, never a "watch" a buyer would count as a warning.
    if value is None and status == "watch":
        status = "na"
    return {
        "name": name,
        "value": value,
        "threshold": threshold,
        "status": status,
        "sentence": sentence,
    }


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _basis_word(tables: PeriodTables) -> str:
    return "revenue" if tables.filters.basis == "revenue" else "referrals"


def _largest_partner(tables: PeriodTables, cr1: float | None) -> dict:
    threshold = "ok < 10% <= watch < 20% <= risk"
    if cr1 is None:
        return _check("largest_partner_share", None, threshold, "watch", "No data in the period.")
    column = "revenue" if tables.filters.basis == "revenue" else "referrals"
    names = tables.partners.sort_values(column, ascending=False, kind="stable")["partner"]
    status = "ok" if cr1 < LARGEST_WATCH else "watch" if cr1 < LARGEST_RISK else "risk"
    if names.empty:
        sentence = "No partner sends referrals: all come from patients, self, marketing or unknown."
        return _check("largest_partner_share", cr1, threshold, status, sentence)
    sentence = f"The largest partner, {names.iloc[0]}, sends {_pct(cr1)} of {_basis_word(tables)}."
    if status != "ok":
        sentence += " Buyers discount a practice that leans on one referrer."
    return _check("largest_partner_share", cr1, threshold, status, sentence)


def _top3(tables: PeriodTables, cr3: float | None) -> dict:
    threshold = "ok <= 35% < watch <= 50% < risk"
    if cr3 is None:
        return _check("top3_share", None, threshold, "watch", "No data in the period.")
    status = "ok" if cr3 <= TOP3_WATCH else "watch" if cr3 <= TOP3_RISK else "risk"
    sentence = f"The three largest partners send {_pct(cr3)} of {_basis_word(tables)}."
    if status == "risk":
        sentence += " Lenders' guides flag top-three customers above 50%."
    return _check("top3_share", cr3, threshold, status, sentence)


def _hhi(hhi: float | None) -> dict:
    threshold = "ok < 1,000 <= watch <= 1,800 < risk"
    band = hhi_band(hhi)
    if hhi is None:
        return _check("hhi_band", None, threshold, "watch", "No data in the period.")
    status = {"unconcentrated": "ok", "moderate": "watch", "high": "risk"}[band]
    sentence = (
        f"Referral concentration (HHI) is {hhi:,.0f}: {band} on the merger-guidelines scale, "
        f"like {10_000 / hhi:,.1f} equal sources."
        if hhi > 0
        else "No partner sends referrals: HHI is 0, fully fragmented."
    )
    return _check("hhi_band", hhi, threshold, status, sentence)


def _physician_share(tables: PeriodTables) -> dict:
    threshold = "ok < 50% <= watch < 70% <= risk"
    if not tables.referrals:
        return _check("physician_share", None, threshold, "watch", "No data in the period.")
    share = int(tables.types.loc[["physician", "physician_extender"], "referrals"].sum()) / (
        tables.referrals
    )
    status = "ok" if share < PHYSICIAN_WATCH else "watch" if share < PHYSICIAN_RISK else "risk"
    sentence = f"Physicians and PAs/NPs send {_pct(share)} of referrals."
    if status != "ok":
        sentence += " More health-and-wellness partners and patient referrals would spread it."
    return _check("physician_share", share, threshold, status, sentence)


def organization_check(org_tables: PeriodTables, organizations: Collection[str]) -> dict:
    """The share of the largest practice group or health system, from the period's tables at
    the organization level; `organizations` names the real groups (partners with none stay
    themselves at that level)."""
    name = "organization_dependence"
    threshold = "ok < 10% <= watch < 20% <= risk"
    share = concentration_of(org_tables)["cr1"]
    if share is None:
        return _check(name, None, threshold, "watch", "No data in the period.")
    status = (
        "ok" if share < ORGANIZATION_WATCH else "watch" if share < ORGANIZATION_RISK else "risk"
    )
    column = "revenue" if org_tables.filters.basis == "revenue" else "referrals"
    ranked = org_tables.partners.sort_values(column, ascending=False, kind="stable")["partner"]
    basis = _basis_word(org_tables)
    if ranked.empty:
        sentence = "No partner sends referrals, so no practice group does either."
    elif not organizations:
        sentence = (
            "No partner has a practice group or health system recorded: this reads as the "
            f"largest partner, {ranked.iloc[0]}, with {_pct(share)} of {basis}."
        )
    elif ranked.iloc[0] in organizations:
        sentence = (
            f"The largest practice group or health system, {ranked.iloc[0]}, sends "
            f"{_pct(share)} of {basis} through all its doctors together."
        )
    else:
        sentence = (
            f"No practice group sends more than {ranked.iloc[0]} on its own: "
            f"{_pct(share)} of {basis}."
        )
    if status != "ok" and not ranked.empty:
        sentence += " A group that moves its referrals in-house takes them all at once."
    return _check(name, share, threshold, status, sentence)


def _partners_trend(windows: HistoryWindows | None) -> dict:
    threshold = "ok: fall < 10%; watch: 10-25%; risk: >= 25%"
    name = "partners_trend"
    if windows is None or not windows.any_rows:
        return _check(name, None, threshold, "watch", "No data to compare partners over time.")
    # The earlier year must be (almost) all in the data, or its partner count is too low.
    if windows.data_first > windows.days.prior_year_start + FULL_YEAR_SLACK_DAYS:
        return _check(
            name,
            None,
            threshold,
            "watch",
            "Less than two years of data: the partner count cannot be compared year on year.",
        )
    now, before = windows.year_partners, windows.prior_year_partners
    if before == 0:
        status = "ok" if now else "watch"
        return _check(name, None, threshold, status, f"{now} active partners; none a year before.")
    change = now / before - 1
    # Compared in whole partners so 10 -> 9 is exactly the 10% line.
    if before - now >= PARTNERS_FALL_RISK * before:
        status = "risk"
    elif before - now >= PARTNERS_FALL_WATCH * before:
        status = "watch"
    else:
        status = "ok"
    direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
    return _check(
        name,
        change,
        threshold,
        status,
        f"{now} partners referred in the last 12 months against {before} in the 12 before "
        f"({direction} {_pct(abs(change))}).",
    )


def _dormant_key_referrers(dormant_table: pd.DataFrame) -> dict:
    threshold = "ok: none; watch: any; risk: together >= 20% of referrals"
    key = dormant_table[dormant_table["base_share"] >= DORMANT_KEY_SHARE]
    if key.empty:
        return _check(
            "dormant_key_referrers",
            0,
            threshold,
            "ok",
            "No key referrer has gone quiet in the last 60 days.",
        )
    combined = float(key["base_share"].sum())
    status = "risk" if combined >= DORMANT_RISK_SHARE else "watch"
    names = ", ".join(key["name"])
    return _check(
        "dormant_key_referrers",
        len(key),
        threshold,
        status,
        f"Key referrers with no referral in 60 days: {names} "
        f"({_pct(combined)} of referrals in the 6 months before).",
    )


def months_present_of(tables: PeriodTables, history: Encoded) -> int:
    """How many calendar months of the period hold a referral of the history."""
    if tables.start is None or tables.end is None:
        return 0
    months = pd.period_range(tables.start, tables.end, freq="M")
    starts = months.to_timestamp().to_numpy().astype("datetime64[D]").astype("int64")
    day = history.day
    in_period = (day >= to_day(tables.start)) & (day <= to_day(tables.end))
    month = np.searchsorted(starts, day[in_period], side="right") - 1
    return int((np.bincount(month, minlength=len(months)) > 0).sum())


def _data_coverage(tables: PeriodTables, months_present: int) -> dict:
    threshold = "ok: every month present, unknown < 10%; risk: < 75% of months or unknown >= 25%"
    if tables.start is None or tables.end is None or not tables.referrals:
        value = {"months_present": 0, "months_in_period": 0, "unknown_share": None}
        return _check("data_coverage", value, threshold, "risk", "No referrals in the period.")
    months = pd.period_range(tables.start, tables.end, freq="M")
    unknown = int(tables.types.at["unknown", "referrals"]) / tables.referrals
    coverage = months_present / len(months)
    if coverage < COVERAGE_RISK or unknown >= UNKNOWN_RISK:
        status = "risk"
    elif coverage < 1 or unknown >= UNKNOWN_WATCH:
        status = "watch"
    else:
        status = "ok"
    value = {
        "months_present": months_present,
        "months_in_period": len(months),
        "unknown_share": unknown,
    }
    return _check(
        "data_coverage",
        value,
        threshold,
        status,
        f"{months_present} of {len(months)} months have referrals; "
        f"{_pct(unknown)} of referrals have no known source.",
    )


def valuation_checks_of(
    tables: PeriodTables,
    history: Encoded,
    dormant_table: pd.DataFrame | None = None,
    *,
    organizations: tuple[PeriodTables, Collection[str]] | None = None,
) -> list[dict]:
    """The scorecard from the period's tables and the encoded history (same level).

    With `organizations` (the period's tables at the organization level and the names of the
    real groups), the organisation-level dependence check is included (SCORECARD_NAMES)."""
    end = to_day(tables.end) if tables.end is not None else None
    windows = windows_of(history, end) if end is not None and len(history.day) else None
    if dormant_table is None:
        dormant_table = dormant_from(windows) if windows is not None else dormant_of(history, end)
    return valuation_checks_from(
        tables,
        windows,
        months_present_of(tables, history),
        dormant_table,
        organizations=organizations,
    )


def valuation_checks_from(
    tables: PeriodTables,
    windows: HistoryWindows | None,
    months_present: int,
    dormant_table: pd.DataFrame,
    *,
    organizations: tuple[PeriodTables, Collection[str]] | None = None,
) -> list[dict]:
    """The scorecard from the period's tables, the history's window sums up to the period end
    (None without history), the months of the period with referrals and the dormant table."""
    concentration = concentration_of(tables)
    checks = [
        _largest_partner(tables, concentration["cr1"]),
        _top3(tables, concentration["cr3"]),
        _hhi(concentration["hhi"]),
        _physician_share(tables),
        _partners_trend(windows),
        _dormant_key_referrers(dormant_table),
        _data_coverage(tables, months_present),
    ]
    if organizations is not None:
        checks.insert(4, organization_check(*organizations))
    return checks


def valuation_checks(
    frame: pd.DataFrame, filters: Filters, history: pd.DataFrame | None = None
) -> list[dict]:
    """The valuation-readiness checks of the period; `history` (default: the period itself)
    gives the partners trend and dormant key referrers the months before the period."""
    tables = period_tables(frame, filters)
    encoded = encode(frame if history is None else history, filters.level)
    return valuation_checks_of(tables, encoded)
