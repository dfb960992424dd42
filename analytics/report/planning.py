"""Issue 17's workbook sheets: diligence schedules and buyers' rules, targets, source quality
and cohorts for the data-room workbook, and the consultant's portfolio workbook."""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

import pandas as pd
from openpyxl import Workbook

from analytics.filters import Filters
from analytics.metrics.buyer_rules import RULE_LABELS, buyer_rules_of
from analytics.metrics.cohorts import cohort_curve_of, cohort_table_of
from analytics.metrics.diligence import diligence_of, months_loaded
from analytics.metrics.periods import tables_of
from analytics.metrics.portfolio import MEASURES
from analytics.metrics.scorecard import STATUS_WORDS, encodings_of
from analytics.metrics.source_quality import payer_mix_of, source_quality_of
from analytics.metrics.targets import on_target_of, rag_of
from analytics.report.sheets import Sheet, write_sheet, write_text

__all__ = ["planning_sheets", "planning_sheets_of", "portfolio_workbook", "rules_table"]

DILIGENCE = "Diligence schedules"


def _shown(rule: dict) -> str:
    value = rule["value"]
    if value is None:
        return "n/a"
    if isinstance(value, dict):
        return "; ".join(f"{k} {100 * v:.1f}%" for k, v in value.items())
    if rule["name"] == "history_months":
        return f"{value} months"
    return f"{100 * value:.1f}%"


def rules_table(rules: Sequence[dict]) -> pd.DataFrame:
    """The buyers' rules as a table: Rule, Value, Status, Threshold, What it means."""
    return pd.DataFrame(
        {
            "Rule": [RULE_LABELS[r["name"]] for r in rules],
            "Value": [_shown(r) for r in rules],
            "Status": [STATUS_WORDS[r["status"]] for r in rules],
            "Threshold": [r["threshold"] for r in rules],
            "What it means": [r["sentence"] for r in rules],
        },
        dtype="str",
    )


def planning_sheets(
    history: pd.DataFrame,
    filters: Filters,
    *,
    owner_managed: Collection[str] = (),
    targets: Mapping[str, float] | None = None,
    fiscal_start: int = 1,
) -> list[Sheet]:
    """The sheets from every referral up to the period end (the filters' clinics and types)."""
    encodings = encodings_of(history)
    d = diligence_of(encodings, fiscal_start, owner_managed)
    tables = tables_of(encodings.partners, replace(filters, level="partner"))
    org = tables_of(encodings.organizations, replace(filters, level="organization"))
    first, last = encodings.partners.first_day(), encodings.partners.last_day()
    months = months_loaded(
        *(None if x is None else pd.Timestamp(x, unit="D") for x in (first, last))
    )
    rules = buyer_rules_of(tables, org, encodings.groups(), months)
    sheets = [
        Sheet(
            "Diligence by year", DILIGENCE, "Referrals, revenue and concentration by year", d.years
        ),
        Sheet("Diligence top 10", DILIGENCE, "Top 10 referrers each year, rank change", d.top10),
        Sheet("Diligence groups", DILIGENCE, "Practice groups' shares by year", d.organizations),
        Sheet(
            "Buyers' rules",
            DILIGENCE,
            "Buyers' published rules over the period",
            rules_table(rules),
        ),
    ]
    if d.notes:
        notes = pd.DataFrame({"Note": list(d.notes)}, dtype="str")
        sheets.append(Sheet("Diligence notes", DILIGENCE, "What the schedules cannot show", notes))
    if tables.end is not None:
        end = pd.Timestamp(tables.end)
        sheets += [
            Sheet(
                "Targets",
                "Targets",
                f"Partners against their monthly targets, {end:%B %Y}",
                on_target_of(encodings.partners, end, targets or {}),
            ),
            Sheet(
                "Against own average",
                "Targets",
                "Each partner's month against its own 3-month average",
                rag_of(encodings.partners, end),
            ),
        ]
    sheets += [
        Sheet(
            "Quality by type",
            "Source quality",
            "Source quality per source type, ranked by revenue",
            source_quality_of(history, filters, "source_type"),
        ),
        Sheet(
            "Quality by partner",
            "Source quality",
            "Source quality per partner, ranked by revenue",
            source_quality_of(history, filters),
        ),
        Sheet(
            "Payer mix", "Source quality", "Payer mix per partner", payer_mix_of(history, filters)
        ),
    ]
    cohorts = cohort_table_of(history, filters)
    sheets += [
        Sheet(
            "Cohort curve",
            "Cohorts",
            "Revenue per referral by months since referral, per type",
            cohort_curve_of(cohorts),
        ),
        Sheet("Cohorts", "Cohorts", "Cumulative revenue of each monthly cohort", cohorts),
    ]
    return sheets


def planning_sheets_of(store, filters: Filters) -> list[Sheet]:
    """planning_sheets of a store, with its flags, targets and fiscal year."""
    from analytics.metrics.extended import PLANNING_COLUMNS, fiscal_start_of

    saved = store.targets()
    return planning_sheets(
        store.referrals(replace(filters, start=None), columns=PLANNING_COLUMNS),
        filters,
        owner_managed=store.owner_managed(),
        targets=dict(zip(saved["partner"], saved["monthly_target"], strict=True)),
        fiscal_start=fiscal_start_of(store),
    )


def _portfolio_kinds(frame: pd.DataFrame) -> dict[str, str]:
    kinds = {"Referrals": "count", "HHI": "count", "Median days to first visit": "decimal"}
    kinds |= {"Partners won": "count"}
    kinds |= {c: "percent" for c in frame.columns if "share" in c.lower() or "percentile" in c}
    return kinds


def portfolio_workbook(table: pd.DataFrame, title: str = "Portfolio") -> bytes:
    """The portfolio table (analytics.metrics.portfolio) as a one-sheet .xlsx."""
    book = Workbook()
    sheet = Sheet("Portfolio", "Portfolio", title, table, _portfolio_kinds)
    ws = book.active
    ws.title = "Portfolio"
    write_sheet(ws, sheet, "each practice over its own last 12 months")
    notes = book.create_sheet("Read me")
    lines = [
        "Each practice is read over its own last 12 months of referrals.",
        "A percentile is the share of practices at or below this one's value.",
        *[f"{m}: see docs/metrics.md (Portfolio)." for m in MEASURES],
    ]
    for i, line in enumerate(lines, start=1):
        write_text(notes.cell(i, 1), line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
