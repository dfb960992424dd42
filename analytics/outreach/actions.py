"""This week's action list: who is slipping, who to call, who to thank, with the reason.

Each partner appears once, under the first heading that fits:
1. Slipping: flagged `declining` or `dormant` (analytics.metrics.alerts): call and ask what changed.
2. Call: a valuable partner not contacted in the overdue window (analytics.outreach.engagement).
3. Thank: referred in the last THANK_DAYS days with no contact logged in those days, and either
   sent at least THANK_MIN_REFERRALS in them or is new (first referral ever in them).
"This week" is the week ending on the period end (the last day with data, unless the owner
picked an earlier end).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.metrics.monthly import last_referral_days
from analytics.metrics.periods import Encoded
from analytics.metrics.trends import first_referral_days
from analytics.schema import PARTNER_TYPES, SOURCE_TYPE_LABELS

__all__ = [
    "ACTIONS",
    "ACTION_COLUMNS",
    "THANK_DAYS",
    "THANK_MIN_REFERRALS",
    "action_list_html",
    "contact_text",
    "this_week_of",
]

THANK_DAYS = 30
THANK_MIN_REFERRALS = 2
ACTIONS = ("Slipping", "Call", "Thank")
# Referrals and revenue are the period's; last contact may be before the period.
ACTION_COLUMNS: tuple[str, ...] = (
    "Action",
    "Partner",
    "Type",
    "Why",
    "Referrals",
    "Revenue",
    "Last referral",
    "Last contact",
)


def contact_text(days: float) -> str:
    """How long ago a partner was last contacted, in words: "44 days ago", "today", "never"."""
    if pd.isna(days):
        return "never"
    return "today" if days == 0 else f"{int(days):,} days ago"


def _date(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))


def _recent_referrals(encoded: Encoded, end: int, days: int) -> dict[str, int]:
    rows = encoded.partner & (encoded.day > end - days) & (encoded.day <= end)
    counts = np.bincount(encoded.key[rows], weights=encoded.count[rows], minlength=encoded.partners)
    found = np.flatnonzero(counts)
    return {str(encoded.names[i]): int(counts[i]) for i in found}


def this_week_of(
    contacts: pd.DataFrame,
    declining: pd.DataFrame,
    dormant: pd.DataFrame,
    encoded: Encoded,
    end: int | None,
    overdue_days: int,
) -> pd.DataFrame:
    """The action list (columns ACTION_COLUMNS), Slipping, then Call, then Thank.

    `contacts` is `engagement.contacts_of` for the period; `declining` and `dormant` are the
    alerts at the period end (day `end`)."""
    if end is None:
        return pd.DataFrame({c: [] for c in ACTION_COLUMNS})
    info = contacts.set_index("partner")
    has_revenue = bool(contacts["revenue"].notna().any())
    last = last_referral_days(encoded, end)
    last_by_name = {
        str(n): d for n, d in zip(encoded.names, last, strict=True) if d > np.iinfo("int64").min
    }
    rows: list[dict] = []
    listed: set[str] = set()
    # Plain dicts, not info.at per partner: thousands of partners, each lookup a pandas call.
    days_of = info["days_since_touch"].to_dict()
    referrals_of = info["referrals"].to_dict()
    revenue_of = info["revenue"].to_dict()

    def add(action: str, name: str, kind: str, why: str) -> None:
        listed.add(name)
        known = name in days_of
        days = days_of[name] if known else np.nan
        rows.append(
            {
                "Action": action,
                "Partner": name,
                "Type": SOURCE_TYPE_LABELS.get(kind, kind),
                "Why": why,
                "Referrals": int(referrals_of[name]) if known else 0,
                "Revenue": float(revenue_of[name]) if known and has_revenue else np.nan,
                "Last referral": _date(last_by_name[name]) if name in last_by_name else pd.NaT,
                "Last contact": contact_text(days),
            }
        )

    for r in declining.itertuples(index=False):
        why = f"Declining: {r.last_90d:,} in 90 days, was about {r.earlier_rate_per_90d:.0f}"
        add("Slipping", str(r.name), str(r.type), why)
    for r in dormant.itertuples(index=False):
        if str(r.name) in listed:
            continue
        why = f"Dormant since {fmt.day(r.last_referral)}, was {r.monthly_avg:.1f} a month"
        add("Slipping", str(r.name), str(r.type), why)
    value_word = "revenue" if has_revenue else "referrals"
    for r in contacts[contacts["overdue"]].itertuples(index=False):
        if r.partner in listed:
            continue
        why = f"No. {r.rank} by {value_word}, no contact in {overdue_days} days"
        add("Call", str(r.partner), str(r.type), why)
    recent = _recent_referrals(encoded, end, THANK_DAYS)
    first = first_referral_days(encoded, end)
    first_by_name = dict(zip(encoded.names.astype(str), first, strict=True))
    types = info["type"].to_dict()
    for name, sent in sorted(recent.items(), key=lambda item: (-item[1], item[0])):
        days = days_of.get(name, np.nan)
        if name in listed or (pd.notna(days) and days < THANK_DAYS):
            continue
        kind = types.get(name, "unknown")
        is_new = first_by_name[name] > end - THANK_DAYS
        if kind not in PARTNER_TYPES or (sent < THANK_MIN_REFERRALS and not is_new):
            continue
        plural = "referral" if sent == 1 else "referrals"
        why = f"Sent {sent} {plural} in {THANK_DAYS} days"
        if is_new:
            why = f"New since {fmt.day(_date(first_by_name[name]))}, {sent} {plural}"
        add("Thank", name, kind, why)
    table = pd.DataFrame(rows, columns=list(ACTION_COLUMNS))
    return table.astype(
        {
            "Action": "str",
            "Partner": "str",
            "Type": "str",
            "Why": "str",
            "Referrals": "int64",
            "Revenue": "float64",
            "Last referral": "datetime64[ns]",
            "Last contact": "str",
        }
    )


_PRINT_CSS = """
body { font-family: "Source Sans 3", "Helvetica Neue", Arial, sans-serif; color: #1F2A33;
       margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 6px; }
p.sub { color: #56606A; margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border-bottom: 1px solid #D6DCE1; padding: 5px 6px; text-align: left;
         vertical-align: top; }
th { background: #F2F4F6; } td.num { text-align: right; white-space: nowrap; }
td.done { width: 22px; }
button { margin: 8px 0 16px; padding: 6px 14px; font-size: 13px; }
@media print { button { display: none; } body { margin: 0; } tr { break-inside: avoid; } }
"""


def _cell(column: str, value) -> str:
    if pd.isna(value):
        return ""
    if column == "Revenue":
        return fmt.money(value)
    if column == "Last referral":
        return fmt.day(value)
    if column == "Referrals":
        return fmt.count(value)
    return str(value)


def action_list_html(actions: pd.DataFrame, title: str, subtitle: str) -> str:
    """A self-contained printable page of the action list, one table per heading, with a
    box to tick. Every value is HTML-escaped (names come from uploaded files)."""
    shown = [c for c in ACTION_COLUMNS if c != "Action"]
    numeric = {"Referrals", "Revenue"}
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_PRINT_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p class='sub'>{html.escape(subtitle)}</p>",
        "<button onclick='window.print()'>Print</button>",
    ]
    if actions.empty:
        parts.append("<p>Nothing to do this week: no partner is slipping or overdue.</p>")
    for action in ACTIONS:
        rows = actions[actions["Action"] == action]
        if rows.empty:
            continue
        parts.append(f"<h2>{html.escape(action)} ({len(rows)})</h2><table><tr><th></th>")
        parts += [f"<th>{html.escape(c)}</th>" for c in shown]
        parts.append("</tr>")
        for values in rows[shown].itertuples(index=False, name=None):
            parts.append("<tr><td class='done'>&#9744;</td>")
            for c, value in zip(shown, values, strict=True):
                css = " class='num'" if c in numeric else ""
                parts.append(f"<td{css}>{html.escape(_cell(c, value))}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
