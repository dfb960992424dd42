"""The sentences the PDF and the deck share: the summary at a glance, what each section
shows, and where the scorecard's thresholds come from."""

from __future__ import annotations

from analytics import formatting as fmt
from analytics.metrics.scenarios import EBITDA_MULTIPLES
from analytics.report.content import ReportContent

__all__ = [
    "ACTION_COLUMNS",
    "SOURCES",
    "action_rows",
    "at_a_glance",
    "concentration_sentence",
    "dependence_sentence",
    "stress_note",
    "unset_measures",
]

SOURCES: tuple[tuple[str, str], ...] = (
    (
        "HHI bands",
        "U.S. DOJ/FTC Merger Guidelines (2023), section 2.1: above 1,800 is highly "
        "concentrated; a change of more than 100 is significant. The 2010 Horizontal Merger "
        "Guidelines, section 5.3, used 1,500 and 2,500. A familiar scale, not a legal test.",
    ),
    (
        "10% single source",
        "FASB ASC 280-10-50-42: public companies disclose any customer at 10% or more of "
        "revenue. The same line marks a key referrer.",
    ),
    (
        "Customer concentration",
        "Business-broker and SBA-lending guides: one customer at 10-15% of sales is already a "
        "negative; one above 25% or the top three above 50% is flagged; illustrative value "
        "discounts of up to 10% (25-35%), 15-20% (36-50%) and 25-35% (above 50%). Published "
        "rules of thumb, not law.",
    ),
    (
        "Practice multiples",
        "Broker publications put small outpatient PT practices at about 3-5x adjusted EBITDA "
        "(under $1M) or 2-3x SDE. The stress test's value effect uses that range only as a "
        "labelled rule of thumb.",
    ),
    (
        "Physician share, partners trend, coverage",
        "No published line: the 50% / 70% physician bands, the 10% / 25% fall in active "
        "partners and the coverage bands are this project's (docs/valuation.md).",
    ),
)
ACTION_COLUMNS = ("Action", "Partner", "Why", "Referrals", "Last contact")


def _status_count(content: ReportContent, status: str) -> int:
    return sum(c["status"] == status for c in content.scorecard)


def at_a_glance(content: ReportContent) -> list[str]:
    """Three or four sentences an owner or a buyer reads first."""
    s = content.summary
    c = s["concentration"]
    lines = [
        f"{fmt.count(s['referrals'])} referrals in the period"
        + (f", {fmt.money(s['revenue'])} collected." if s["revenue"] is not None else "."),
    ]
    top = content.dependence.dependence["top_physician"]
    if c["cr1"] is not None and c["partners"]:
        largest = content.concentration.pareto["Partner"].iloc[0]
        basis = content.concentration.basis
        lines.append(
            f"{c['partners']:,} partners referred; the largest, {largest}, sent "
            f"{fmt.pct(c['cr1'])} of {basis} and the top three {fmt.pct(c['cr3'])} "
            f"(HHI {c['hhi']:,.0f}, {c['hhi_band']})."
        )
    elif top is None:
        lines.append("No partner referred in the period.")
    risks, watches = _status_count(content, "risk"), _status_count(content, "watch")
    lines.append(
        f"Valuation readiness: {risks} of {len(content.scorecard)} checks at risk, "
        f"{watches} to watch."
    )
    if content.scenarios:
        first = content.scenarios[0]
        if first["referrals_lost_per_year"] is not None:
            revenue = first["revenue_lost_per_year"]
            lines.append(
                f"If {first['name'].removesuffix(' stops')} stopped: "
                f"{fmt.count(first['referrals_lost_per_year'])} referrals a year"
                + (f" and {fmt.money(revenue)} of revenue" if revenue is not None else "")
                + " lost before any replacement."
            )
    return lines


def concentration_sentence(content: ReportContent) -> str:
    """What the concentration charts say, in one sentence."""
    c = content.concentration.concentration
    basis = content.concentration.basis
    if c["hhi"] is None:
        return "No referrals in the period."
    return (
        f"{c['partners_for_80pct']:,} of {c['partners']:,} partners send 80% of partner "
        f"{basis}. HHI {c['hhi']:,.0f} ({c['hhi_band']}): like "
        f"{c['effective_sources'] or 0:,.1f} equally busy partners."
    )


def dependence_sentence(content: ReportContent) -> str:
    """What the physician-dependence chart says, in one sentence."""
    d = content.dependence.dependence
    if d["physician_share"] is None:
        return "No referrals in the period."
    text = f"Physicians, PAs and NPs send {fmt.pct(d['physician_share'])} of referrals"
    if d["top_physician"]:
        top = d["top_physician"]
        text += f"; the top one, {top['name']}, {fmt.pct(top['share'])}"
    keys = d["key_referrers"]
    if keys:
        text += f". Key referrers (10% or more): {', '.join(k['name'] for k in keys)}."
    else:
        text += ". No single partner sends 10% or more."
    return text


def unset_measures(content: ReportContent) -> list[str]:
    """Rows of the stress test's side-by-side table with nothing to say in this report."""
    if content.margin is None:
        return ["Contribution lost a year", "Value effect (3-5x EBITDA)"]
    return []


def stress_note(content: ReportContent) -> str:
    """How to read the stress test."""
    low, high = EBITDA_MULTIPLES
    text = (
        "Each scenario removes the partners' referrals from the period, before any "
        "replacement; losses are per year (the period's losses scaled to twelve months)."
    )
    if content.margin is not None:
        text += (
            f" Contribution is revenue lost times a {fmt.pct(content.margin, 0)} margin; the "
            f"value effect multiplies it by {low:.0f}-{high:.0f}x adjusted EBITDA, a broker "
            "rule of thumb, not a valuation."
        )
    return text


def action_rows(content: ReportContent, limit: int | None = None) -> list[list[str]]:
    """The action list as text rows (ACTION_COLUMNS), the first `limit` of them."""
    actions = content.actions
    if actions.empty:
        return []
    rows = [
        [
            str(r["Action"]),
            str(r["Partner"]),
            str(r["Why"]),
            fmt.count(r["Referrals"]),
            str(r["Last contact"]),
        ]
        for _, r in actions.iterrows()
    ]
    return rows if limit is None else rows[:limit]
