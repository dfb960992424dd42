"""The keys issue 17 adds to `metrics --json`: diligence, buyer_rules, targets,
source_quality and cohorts (the keys of analytics.metrics.summary are untouched)."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import replace

import pandas as pd

from analytics.filters import Filters
from analytics.metrics.buyer_rules import buyer_rules_of
from analytics.metrics.cohorts import cohort_curve_of, cohort_table_of
from analytics.metrics.diligence import Diligence, diligence_of, months_loaded
from analytics.metrics.periods import tables_of
from analytics.metrics.planning import PlanningParts, planning_parts
from analytics.metrics.scorecard import encodings_of
from analytics.metrics.source_quality import source_quality_of
from analytics.metrics.targets import on_target_of, rag_of, share_at_target
from analytics.store import METRIC_COLUMNS

__all__ = [
    "EXTENDED_KEYS",
    "FISCAL_START_KEY",
    "PLANNING_COLUMNS",
    "extended_metrics",
    "extended_metrics_from",
    "fiscal_start_of",
    "store_extended_metrics",
    "store_extended_metrics_of_rows",
]

EXTENDED_KEYS = ("diligence", "buyer_rules", "targets", "source_quality", "cohorts")
FISCAL_START_KEY = "fiscal_year_start"
TOP_PARTNERS = 10
# What these metrics read of a referral row: the metric columns, payer and discharge date
# (patient keys and case IDs, most of a large store's bytes, are not needed).
PLANNING_COLUMNS: tuple[str, ...] = (*METRIC_COLUMNS, "payer", "discharge_date")


def _day(day: int) -> pd.Timestamp:
    return pd.Timestamp(day, unit="D")


def _num(value, digits: int) -> float | None:
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, digits)


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _diligence(d: Diligence, fiscal_start: int) -> dict:
    years = []
    for row in d.years.to_dict("records"):
        label = row["Year"]
        top = d.top10[d.top10["Year"] == label]
        orgs = d.organizations[d.organizations["Year"] == label]
        years.append(
            {
                "year": label,
                "start": row["Start"].date().isoformat(),
                "end": row["End"].date().isoformat(),
                "months_loaded": int(row["Months loaded"]),
                "referrals": int(row["Referrals"]),
                "revenue": _num(row["Revenue"], 2),
                "hhi": _num(row["HHI"], 1),
                "cr1": _num(row["CR1 share"], 4),
                "cr3": _num(row["CR3 share"], 4),
                "cr5": _num(row["CR5 share"], 4),
                "largest_organization_share": _num(row["Largest organisation share"], 4),
                "physician_share": _num(row["Physician share"], 4),
                "partners": int(row["Partners"]),
                "partners_won": _int(row["Partners won"]),
                "partners_lost": _int(row["Partners lost"]),
                "owner_managed_share": _num(row["Owner-managed share"], 4),
                "top10": [
                    {
                        "rank": int(t["Rank"]),
                        "name": str(t["Partner"]),
                        "type": str(t["Type"]),
                        "referrals": int(t["Referrals"]),
                        "share": _num(t["Referral share"], 4),
                        "revenue": _num(t["Revenue"], 2),
                        "prior_rank": _int(t["Prior rank"]),
                        "rank_change": str(t["Rank change"]),
                    }
                    for t in top.to_dict("records")
                ],
                "organizations": [
                    {
                        "name": str(o["Organisation"]),
                        "referrals": int(o["Referrals"]),
                        "share": _num(o["Referral share"], 4),
                    }
                    for o in orgs.to_dict("records")
                ],
            }
        )
    return {
        "fiscal_year_start": fiscal_start,
        "months_loaded": d.months_loaded,
        "years": years,
        "notes": list(d.notes),
    }


def _rule_record(rule: dict) -> dict:
    value = rule["value"]
    if isinstance(value, dict):
        value = {k: _num(v, 4) for k, v in value.items()}
    elif isinstance(value, float):
        value = _num(value, 4)
    return {**rule, "value": value}


def _targets(end, table: pd.DataFrame | None, rag: pd.DataFrame | None) -> dict:
    if end is None:
        return {"month": None, "partners_with_target": 0, "on_target": 0, "share_at_target": None}
    rag = rag["Status"].value_counts()
    return {
        "month": pd.Timestamp(end).strftime("%Y-%m"),
        "partners_with_target": len(table),
        "on_target": int(table["On target"].sum()),
        "share_at_target": _num(share_at_target(table), 4),
        "rag": {s.replace(" ", "_"): int(rag.get(s, 0)) for s in ("green", "yellow", "red")}
        | {"no_average": int(rag.get("no average", 0))},
    }


def _quality_record(row: dict, name_key: str, name_column: str) -> dict:
    return {
        name_key: str(row[name_column]),
        "referrals": int(row["Referrals"]),
        "episodes": int(row["Episodes"]),
        "revenue": _num(row["Revenue"], 2),
        "revenue_per_referral": _num(row["Revenue per referral"], 2),
        "revenue_per_episode": _num(row["Revenue per episode"], 2),
        "visits_per_referral": _num(row["Visits per referral"], 2),
        "median_days_to_first_visit": _num(row["Median days to first visit"], 1),
        "p90_days_to_first_visit": _num(row["90th percentile days"], 1),
        "seen_within_7_days_share": _num(row["Seen within 7 days share"], 4),
    }


def _source_quality(by_type: pd.DataFrame, partners: pd.DataFrame) -> dict:
    partners = partners.head(TOP_PARTNERS)
    return {
        "by_type": [
            _quality_record(r, "source_type", "Source type") for r in by_type.to_dict("records")
        ],
        "top_partners_by_revenue": [
            _quality_record(r, "name", "Partner") for r in partners.to_dict("records")
        ],
    }


def _cohorts(table: pd.DataFrame) -> dict:
    curve = cohort_curve_of(table)
    return {
        "attribution": "payments spread evenly from the evaluation month (or referral month) "
        "to the discharge month; all in the first month without a discharge date",
        "by_type": [
            {
                "source_type": str(r["Source type"]),
                "months_since_referral": int(r["Months since referral"]),
                "cohorts": int(r["Cohorts"]),
                "referrals": int(r["Referrals"]),
                "revenue_per_referral": _num(r["Revenue per referral"], 2),
            }
            for r in curve.to_dict("records")
        ],
    }


def extended_metrics(
    history: pd.DataFrame,
    filters: Filters,
    *,
    owner_managed: Collection[str] = (),
    targets: Mapping[str, float] | None = None,
    fiscal_start: int = 1,
) -> dict:
    """The new keys for the filters' period; `history` is every referral up to the period end
    under the filters' clinics and source types (all columns)."""
    encodings = encodings_of(history)
    partner_filters = replace(filters, level="partner")
    tables = tables_of(encodings.partners, partner_filters)
    org = tables_of(encodings.organizations, replace(filters, level="organization"))
    first, last = encodings.partners.first_day(), encodings.partners.last_day()
    months = months_loaded(*(None if d is None else _day(d) for d in (first, last)))
    rules = buyer_rules_of(tables, org, encodings.groups(), months)
    end, encoded = tables.end, encodings.partners
    return {
        "diligence": _diligence(diligence_of(encodings, fiscal_start, owner_managed), fiscal_start),
        "buyer_rules": [_rule_record(r) for r in rules],
        "targets": _targets(
            end,
            None if end is None else on_target_of(encoded, end, targets or {}),
            None if end is None else rag_of(encoded, end),
        ),
        "source_quality": _source_quality(
            source_quality_of(history, filters, by="source_type"),
            source_quality_of(history, filters),
        ),
        "cohorts": _cohorts(cohort_table_of(history, filters)),
    }


def extended_metrics_from(
    parts: PlanningParts,
    *,
    owner_managed: Collection[str] = (),
    targets: Mapping[str, float] | None = None,
    fiscal_start: int = 1,
) -> dict:
    """extended_metrics from the store's aggregates (analytics.metrics.planning)."""
    end = parts.end
    return {
        "diligence": _diligence(parts.diligence(owner_managed), fiscal_start),
        "buyer_rules": [_rule_record(r) for r in parts.buyer_rules()],
        "targets": _targets(
            end,
            None if end is None else parts.on_target(targets or {}),
            None if end is None else parts.rag(),
        ),
        "source_quality": _source_quality(
            parts.source_quality("source_type"), parts.source_quality("source")
        ),
        "cohorts": _cohorts(parts.cohort_table()),
    }


def fiscal_start_of(store) -> int:
    """The store's fiscal-year start month (1 when never set)."""
    saved = store.setting(FISCAL_START_KEY)
    return int(saved) if saved and saved.isdigit() and 1 <= int(saved) <= 12 else 1


def store_extended_metrics(
    store, filters: Filters, fiscal_start: int | None = None, *, parts: PlanningParts | None = None
) -> dict:
    """extended_metrics of a store, with its owner-managed flags, targets and fiscal year,
    from aggregates computed in DuckDB (no referral rows read); `parts`, when given, are
    planning_parts of the same store, filters and fiscal year."""
    fiscal_start = fiscal_start or fiscal_start_of(store)
    targets = store.targets()
    with store.session():
        parts = parts or planning_parts(store, filters, fiscal_start)
        return extended_metrics_from(
            parts,
            owner_managed=store.owner_managed(),
            targets=dict(zip(targets["partner"], targets["monthly_target"], strict=True)),
            fiscal_start=fiscal_start,
        )


def store_extended_metrics_of_rows(
    store, filters: Filters, fiscal_start: int | None = None
) -> dict:
    """store_extended_metrics computed from the history's rows in pandas (the row path the
    aggregates are compared with)."""
    history = store.referrals(replace(filters, start=None), columns=PLANNING_COLUMNS)
    targets = store.targets()
    return extended_metrics(
        history,
        filters,
        owner_managed=store.owner_managed(),
        targets=dict(zip(targets["partner"], targets["monthly_target"], strict=True)),
        fiscal_start=fiscal_start or fiscal_start_of(store),
    )
