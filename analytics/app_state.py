"""The app's cached handles: the one analytics module that imports Streamlit."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import charts, page_data
from analytics.filters import Filters
from analytics.ingest import Prepared, prepare
from analytics.partner_view import PartnerView, partner_names_of, partner_view_of
from analytics.periods import Encoded, encode, tables_of
from analytics.safe_csv import to_safe_csv
from analytics.store import DEFAULT_DB, Store
from analytics.stress import stress_test_of
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


def prepared_upload(
    data: bytes,
    file_hash: str,
    file_name: str,
    kind: str,
    sheet: str | None,
    overrides: dict[str, str],
) -> Prepared:
    """Read an uploaded file once per choice of sheet and mapping, with a progress bar.

    Kept in this session's state rather than st.cache_data: an upload belongs to the session
    that dropped it, and the progress bar must run while the file is read.
    """
    store = get_store()
    key = (file_hash, kind, sheet, tuple(sorted(overrides.items())), store_path(), store.version())
    cache: dict = st.session_state.setdefault("_prepared_uploads", {})
    if key not in cache:
        bar = st.progress(0.0, text=f"Reading {file_name}…")
        try:
            cache[key] = prepare(
                data,
                file_name,
                store.ingest_context(),
                kind=kind,
                sheet=sheet,
                overrides=overrides or None,
                progress=lambda fraction, what: bar.progress(fraction, text=f"{what}…"),
            )
        finally:
            bar.empty()
        # Keep the few latest files; a session may drop dozens over a day.
        while len(cache) > 8:
            cache.pop(next(iter(cache)))
    return cache[key]


@st.cache_data(show_spinner=False, max_entries=32)
def _summary(path: str, filters: Filters, version: int) -> dict:
    store = _open_store(path)
    history = store.referrals(Filters(end=filters.end, clinics=filters.clinics))
    frame = store.referrals(filters)
    return metrics_summary(frame, filters, history=history)


def summary(filters: Filters) -> dict:
    """Every headline metric for the filters (the same object `metrics --json` prints)."""
    return _summary(store_path(), filters, get_store().version())


# Page data: one encoded history per store, clinics and level; small cached page bundles ----


def store_choices() -> list[str]:
    """Store files a consultant can switch between: the *.duckdb files next to the current
    store (data/ by default), the current one always included."""
    current = Path(store_path())
    found = {str(p) for p in current.parent.glob("*.duckdb")} | {str(current)}
    return sorted(found, key=lambda p: Path(p).stem.lower())


def _scope(filters: Filters) -> Filters:
    """The filters a history is loaded under: clinics and source types, every date."""
    return Filters(clinics=filters.clinics, source_types=filters.source_types)


@st.cache_resource(show_spinner=False, max_entries=4)
def _history(path: str, scope: Filters, version: int) -> pd.DataFrame:
    # A resource, not data: shared read-only by every session instead of copied per rerun.
    return _open_store(path).referrals(scope)


@st.cache_resource(show_spinner=False, max_entries=8)
def _encoded(path: str, scope: Filters, level: str, version: int) -> Encoded:
    return encode(_history(path, scope, version), level)


def _history_and_encoded(path: str, filters: Filters, version: int):
    scope = _scope(filters)
    return _history(path, scope, version), _encoded(path, scope, filters.level, version)


@st.cache_data(show_spinner=False, max_entries=64)
def _page(kind: str, path: str, filters: Filters, version: int):
    _, encoded = _history_and_encoded(path, filters, version)
    builders = {
        "overview": page_data.overview_page,
        "concentration": page_data.concentration_page,
        "dependence": page_data.dependence_page,
        "trends": page_data.trends_page,
    }
    return builders[kind](encoded, filters)


def overview(filters: Filters) -> page_data.OverviewPage:
    """The overview page's tiles, mix and attention list for the filters."""
    return _page("overview", store_path(), filters, get_store().version())


def concentration(filters: Filters) -> page_data.ConcentrationPage:
    """The sources and concentration page's data for the filters."""
    return _page("concentration", store_path(), filters, get_store().version())


def dependence(filters: Filters) -> page_data.DependencePage:
    """The physician dependence page's data for the filters."""
    return _page("dependence", store_path(), filters, get_store().version())


def trends(filters: Filters) -> page_data.TrendsPage:
    """The trends and alerts page's data for the filters."""
    return _page("trends", store_path(), filters, get_store().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _partner(path: str, filters: Filters, version: int, name: str) -> PartnerView | None:
    history, encoded = _history_and_encoded(path, filters, version)
    return partner_view_of(history, encoded, tables_of(encoded, filters), name)


def partner(filters: Filters, name: str) -> PartnerView | None:
    """One partner's drill-down for the filters (None when it never referred)."""
    return _partner(store_path(), filters, get_store().version(), name)


@st.cache_data(show_spinner=False, max_entries=16)
def _partner_names(path: str, filters: Filters, version: int) -> list[str]:
    _, encoded = _history_and_encoded(path, filters, version)
    return partner_names_of(encoded, tables_of(encoded, filters))


def partner_names(filters: Filters) -> list[str]:
    """Partners to pick from: the period's, most referrals first, then earlier ones by name."""
    return _partner_names(store_path(), filters, get_store().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _stress(path: str, filters: Filters, version: int, partners: tuple[str, ...]) -> dict:
    _, encoded = _history_and_encoded(path, filters, version)
    return stress_test_of(tables_of(encoded, filters), partners)


def stress(filters: Filters, partners: tuple[str, ...]) -> dict:
    """What the period would have lost without these partners (see analytics.stress)."""
    return _stress(store_path(), filters, get_store().version(), tuple(partners))


# Rendering shared by the pages -------------------------------------------------------------

PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def _column_config(frame: pd.DataFrame) -> dict:
    config = {}
    for name, kind in page_data.column_kinds(frame).items():
        if kind == "month":
            config[name] = st.column_config.DateColumn(name, format="MMM YYYY")
        elif kind == "date":
            config[name] = st.column_config.DateColumn(name, format="MMM D, YYYY")
        elif kind == "percent":
            # A step of 0.001 is what makes "percent" show one decimal: 20.3%.
            config[name] = st.column_config.NumberColumn(name, format="percent", step=0.001)
        elif kind == "money":
            config[name] = st.column_config.NumberColumn(name, format="dollar", step=1)
        elif kind == "sparkline":
            config[name] = st.column_config.LineChartColumn(name, y_min=0)
        elif kind == "p_value":
            config[name] = st.column_config.NumberColumn(name, format="%.2g")
        elif kind == "decimal":
            config[name] = st.column_config.NumberColumn(name, format="%.1f")
        elif kind == "count":
            config[name] = st.column_config.NumberColumn(name, format="%,d")
    return config


def _downloads(name: str, data: pd.DataFrame, fig=None) -> None:
    """CSV of the data (and PNG of the chart) as small buttons, made only when clicked."""
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "CSV",
        data=lambda: to_safe_csv(data),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"csv_{name}",
        on_click="ignore",
        type="tertiary",
        width="content",
    )
    if fig is None:
        return
    if charts.png_available():
        row.download_button(
            "PNG",
            data=lambda: charts.to_png(fig),
            file_name=f"{name}.png",
            mime="image/png",
            icon=":material/image:",
            key=f"png_{name}",
            on_click="ignore",
            type="tertiary",
            width="content",
        )
    else:
        row.caption(charts.PNG_MISSING)


def show_chart(fig, name: str, data: pd.DataFrame, *, select: bool = False) -> str | None:
    """A figure with its CSV and PNG downloads; with `select`, the partner a click picked."""
    event = st.plotly_chart(
        fig,
        theme=None,
        config=PLOTLY_CONFIG,
        key=f"chart_{name}",
        on_select="rerun" if select else "ignore",
        selection_mode="points",
    )
    _downloads(name, data, fig)
    return charts.selected_partner(event) if select else None


def show_table(
    frame: pd.DataFrame, name: str, *, select: bool = False, height: int | str = "auto"
) -> str | None:
    """A sortable table with its CSV download; with `select`, the partner of a clicked row."""
    event = st.dataframe(
        frame,
        hide_index=True,
        column_config=_column_config(frame),
        width="stretch",
        height=height,
        key=f"table_{name}",
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
    )
    _downloads(name, frame)
    if not select:
        return None
    rows = event.selection.rows if event else []
    return str(frame["Partner"].iloc[rows[0]]) if rows else None


def open_partner(name: str | None) -> None:
    """Go to the partner's own page (does nothing without a name)."""
    if name:
        st.session_state["partner"] = name
        st.switch_page("pages/partner.py")


def stop_when_empty(referrals: int | None = None) -> None:
    """The empty states: what to upload (empty store) or, given the period's referral count,
    what to change (nothing in the period). Stops the page there."""
    if referrals is None and get_store().is_empty():
        st.info(page_data.EMPTY_STORE, icon=":material/upload_file:")
        st.stop()
    if referrals is not None and not referrals:
        st.info(page_data.EMPTY_PERIOD, icon=":material/filter_alt:")
        st.stop()
