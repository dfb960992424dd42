"""Cached loaders for issue 17's pages (diligence, targets, source quality, cohorts,
portfolio): the state module's companion, the other analytics module that imports Streamlit.

Owner-managed flags, targets and the fiscal year are read on every run (three tiny queries)
and are part of each cache key, so a change shows at once without a version bump. Every
figure comes from the store's aggregates (analytics.metrics.planning), not its rows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.filters import Filters
from analytics.metrics.buyer_rules import RULE_LABELS
from analytics.metrics.cohorts import cohort_curve_of
from analytics.metrics.diligence import Diligence
from analytics.metrics.extended import FISCAL_START_KEY, fiscal_start_of
from analytics.metrics.planning import PlanningParts, planning_parts
from analytics.metrics.portfolio import portfolio_of

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


@st.cache_resource(show_spinner=False, max_entries=8)
def _parts(path, version, filters, start_month) -> PlanningParts:
    # A resource: the store's aggregates for one filter choice, shared by the loaders below
    # (each caches its own result as data).
    store = app_state.get_store()
    with store.session():
        return planning_parts(store, filters, start_month)


@st.cache_data(show_spinner=False, max_entries=16)
def _diligence(path, version, filters, start_month, owners) -> Diligence:
    return _parts(path, version, filters, start_month).diligence(owners)


def diligence(filters: Filters) -> Diligence:
    """The diligence schedules up to the period end."""
    return _diligence(*_key(), filters, fiscal_start(), owner_managed())


@st.cache_data(show_spinner=False, max_entries=16)
def _buyer_rules(path, version, filters) -> list[dict]:
    # From the Valuation readiness page's aggregates: that page shows the rules too.
    rules = app_loaders.valuation_parts_of(path, filters, version).buyer_rules()
    return [r | {"label": RULE_LABELS[r["name"]]} for r in rules]


def buyer_rules(filters: Filters) -> list[dict]:
    """The buyers' rules over the period, each with its label."""
    return _buyer_rules(*_key(), filters)


@st.cache_data(show_spinner=False, max_entries=16)
def _targets_view(path, version, filters, start_month, chosen: tuple) -> dict:
    parts = _parts(path, version, filters, start_month)
    if parts.end is None:
        return {}
    return {
        "end": parts.end,
        "on_target": parts.on_target(dict(chosen)),
        "rag": parts.rag(),
        "proposed": parts.proposed_targets(),
    }


def targets_view(filters: Filters) -> dict:
    """{end, on_target, rag, proposed} for the month holding the period end."""
    return _targets_view(*_key(), filters, fiscal_start(), tuple(sorted(targets().items())))


@st.cache_data(show_spinner=False, max_entries=16)
def _quality(path, version, filters, start_month, by) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = _parts(path, version, filters, start_month)
    store = app_state.get_store()
    with store.session():
        return parts.source_quality(by), parts.payer_mix(by)


def source_quality(filters: Filters, by: str = "source") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(quality table, payer mix) per partner or per source type over the period."""
    return _quality(*_key(), filters, fiscal_start(), by)


@st.cache_data(show_spinner=False, max_entries=16)
def _cohorts(path, version, filters, start_month) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = _parts(path, version, filters, start_month).cohort_table()
    return table, cohort_curve_of(table)


def cohorts(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cohort table, curve per type) over the period's arrival months."""
    return _cohorts(*_key(), filters, fiscal_start())


@st.cache_data(show_spinner=False, ttl=60)
def _portfolio(paths: tuple[str, ...], stamps: tuple) -> pd.DataFrame:
    return portfolio_of(paths)


def portfolio() -> pd.DataFrame:
    """Every practice store in the data folder (or on the PostgreSQL server), side by side,
    re-read when one changes."""
    paths = tuple(app_state.store_choices())
    return _portfolio(paths, tuple(_stamp(p) for p in paths))


def _stamp(location: str) -> object:
    """What changes when a practice does: its file's time, or a PG practice's version (a
    write through another app server changes no file here)."""
    from pathlib import Path

    from analytics.store.location import is_postgres

    if is_postgres(location):
        try:
            return app_state._open_store(location).version()
        except Exception:  # gone meanwhile: the portfolio says so when it reads it
            return None
    return Path(location).stat().st_mtime if Path(location).exists() else 0
