"""The app's cached handles: the one analytics module that imports Streamlit."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.filters import Filters
from analytics.ingest import Prepared, prepare
from analytics.store import DEFAULT_DB, Store
from analytics.summary import metrics_summary


def store_path() -> str:
    """The store this session works on: the chosen one, else $REFERRALS_DB, else the default."""
    chosen = st.session_state.get("store_path")
    return str(chosen or os.environ.get("REFERRALS_DB") or DEFAULT_DB)


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store(Path(path))


def get_store() -> Store:
    """One cached handle per store file, shared by every session (a cursor per query)."""
    return _open_store(store_path())


def current_filters() -> Filters:
    """The sidebar's filters, as dashboard.py left them for this run."""
    return st.session_state.get("filters", Filters())


@st.cache_data(show_spinner=False, max_entries=32)
def _referrals(path: str, filters: Filters, version: int) -> pd.DataFrame:
    return _open_store(path).referrals(filters)


def referrals(filters: Filters) -> pd.DataFrame:
    """Filtered referrals, cached until the store changes (its version is part of the key)."""
    store = get_store()
    return _referrals(store_path(), filters, store.version())


@st.cache_data(show_spinner=False, max_entries=8)
def _prepared(
    file_hash: str,
    file_name: str,
    kind: str,
    sheet: str | None,
    overrides: tuple[tuple[str, str], ...],
    path: str,
    version: int,
    _data: bytes,
) -> Prepared:
    context = _open_store(path).ingest_context()
    return prepare(
        _data, file_name, context, kind=kind, sheet=sheet, overrides=dict(overrides) or None
    )


def prepared_upload(
    data: bytes,
    file_hash: str,
    file_name: str,
    kind: str,
    sheet: str | None,
    overrides: dict[str, str],
) -> Prepared:
    """Read an uploaded file once per choice of sheet and mapping, not on every rerun."""
    store = get_store()
    return _prepared(
        file_hash,
        file_name,
        kind,
        sheet,
        tuple(sorted(overrides.items())),
        store_path(),
        store.version(),
        data,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _summary(path: str, filters: Filters, version: int) -> dict:
    store = _open_store(path)
    history = store.referrals(Filters(end=filters.end, clinics=filters.clinics))
    frame = store.referrals(filters)
    return metrics_summary(frame, filters, history=history)


def summary(filters: Filters) -> dict:
    """Every headline metric for the filters (the same object `metrics --json` prints)."""
    return _summary(store_path(), filters, get_store().version())
