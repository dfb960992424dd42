"""Cached loaders for issue 17's pages (diligence, targets, source quality, cohorts,
portfolio): the state module's companion, the other analytics module that imports Streamlit.

Owner-managed flags, targets and the fiscal year are read on every run (three tiny queries)
and are part of each cache key, so a change shows at once without a version bump.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics.app import state as app_state
from analytics.filters import Filters
from analytics.metrics.buyer_rules import RULE_LABELS, buyer_rules_of
from analytics.metrics.cohorts import cohort_curve_of, cohort_table_of
from analytics.metrics.diligence import Diligence, diligence_of, months_loaded
from analytics.metrics.extended import FISCAL_START_KEY, fiscal_start_of
from analytics.metrics.periods import tables_of
from analytics.metrics.portfolio import portfolio_of
from analytics.metrics.scorecard import encodings_of
from analytics.metrics.source_quality import payer_mix_of, source_quality_of
from analytics.metrics.targets import on_target_of, proposed_targets, rag_of

__all__ = [
    "buyer_rules",
    "cohorts",
    "diligence",
    "fiscal_start",
    "owner_managed",
    "portfolio",
    "set_fiscal_start",
    "source_quality",
    "targets",
    "targets_view",
]


def _history(filters: Filters) -> pd.DataFrame:
    """Every referral up to the period end under the filters' clinics and types."""
    return app_state.referrals(replace(filters, start=None))


def _key() -> tuple[str, int]:
    store = app_state.get_store()
    return app_state.store_path(), store.version()


def fiscal_start() -> int:
    """The open store's fiscal-year start month."""
    return fiscal_start_of(app_state.get_store())


def set_fiscal_start(month: int) -> None:
    """Keep the fiscal-year start month in the open store."""
    app_state.get_store().set_setting(FISCAL_START_KEY, str(int(month)))


def owner_managed() -> frozenset[str]:
    """Partners the owner handles personally, in the open store."""
    return app_state.get_store().owner_managed()


def targets() -> dict[str, float]:
    """The open store's monthly targets per partner."""
    table = app_state.get_store().targets()
    return dict(zip(table["partner"], table["monthly_target"], strict=True))


@st.cache_data(show_spinner=False, max_entries=16)
def _diligence(path, version, filters, start_month, owners) -> Diligence:
    return diligence_of(encodings_of(_history(filters)), start_month, owners)


def diligence(filters: Filters) -> Diligence:
    """The diligence schedules up to the period end."""
    return _diligence(*_key(), filters, fiscal_start(), owner_managed())


@st.cache_data(show_spinner=False, max_entries=16)
def _buyer_rules(path, version, filters) -> list[dict]:
    encodings = encodings_of(_history(filters))
    tables = tables_of(encodings.partners, replace(filters, level="partner"))
    org = tables_of(encodings.organizations, replace(filters, level="organization"))
    p = encodings.partners
    first, last = p.first_day(), p.last_day()
    months = months_loaded(
        *(None if d is None else pd.Timestamp(d, unit="D") for d in (first, last))
    )
    rules = buyer_rules_of(tables, org, encodings.groups(), months)
    return [r | {"label": RULE_LABELS[r["name"]]} for r in rules]


def buyer_rules(filters: Filters) -> list[dict]:
    """The buyers' rules over the period, each with its label."""
    return _buyer_rules(*_key(), filters)


@st.cache_data(show_spinner=False, max_entries=16)
def _targets_view(path, version, filters, chosen: tuple) -> dict:
    history = _history(filters)
    encoded = encodings_of(history).partners
    end = encoded.last_day()
    if end is None:
        return {}
    end = pd.Timestamp(filters.end) if filters.end else pd.Timestamp(end, unit="D")
    return {
        "end": end,
        "on_target": on_target_of(encoded, end, dict(chosen)),
        "rag": rag_of(encoded, end),
        "proposed": proposed_targets(encoded, end),
    }


def targets_view(filters: Filters) -> dict:
    """{end, on_target, rag, proposed} for the month holding the period end."""
    return _targets_view(*_key(), filters, tuple(sorted(targets().items())))


@st.cache_data(show_spinner=False, max_entries=16)
def _quality(path, version, filters, by) -> tuple[pd.DataFrame, pd.DataFrame]:
    history = _history(filters)
    return source_quality_of(history, filters, by), payer_mix_of(history, filters, by)


def source_quality(filters: Filters, by: str = "source") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(quality table, payer mix) per partner or per source type over the period."""
    return _quality(*_key(), filters, by)


@st.cache_data(show_spinner=False, max_entries=16)
def _cohorts(path, version, filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = cohort_table_of(_history(filters), filters)
    return table, cohort_curve_of(table)


def cohorts(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cohort table, curve per type) over the period's arrival months."""
    return _cohorts(*_key(), filters)


@st.cache_data(show_spinner=False, ttl=60)
def _portfolio(paths: tuple[str, ...], stamps: tuple) -> pd.DataFrame:
    return portfolio_of(paths)


def portfolio() -> pd.DataFrame:
    """Every practice store in the data folder, side by side (re-read when a file changes)."""
    from pathlib import Path

    paths = tuple(app_state.store_choices())
    stamps = tuple(Path(p).stat().st_mtime if Path(p).exists() else 0 for p in paths)
    return _portfolio(paths, stamps)
