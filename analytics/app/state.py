"""The app's cached handles: the one analytics module that imports Streamlit."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from analytics import (
    alerts_view,
    charts,
    dependence_view,
    identity,
    page_data,
    page_history,
    upload_report,
)
from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.ingest import Prepared, prepare
from analytics.outreach_pages import RETURN_CAP
from analytics.partner_view import PartnerView, partner_names_of, partner_view_of
from analytics.periods import Encoded, encode, tables_of
from analytics.safe_csv import to_safe_csv
from analytics.store import DEFAULT_DB, METRIC_COLUMNS, Store, StoreUnavailable
from analytics.stress import stress_test_of
from analytics.summary import metrics_summary
from analytics.text import md


def _default_path() -> str:
    return str(os.environ.get("REFERRALS_DB") or DEFAULT_DB)


def _home() -> Path:
    """The store the app was started on: $REFERRALS_DB, else data/referrals.duckdb."""
    return Path(os.environ.get("REFERRALS_DB") or DEFAULT_DB)


def store_path() -> str:
    """The store this session works on: the chosen one, else the practice its data folder
    opens first (the owner's own once started), else the one the app was started on."""
    from analytics.presentation import locked_practice

    locked = locked_practice(_home().parent)
    if locked is not None:
        # A presentation holds every session to its practice, whatever was chosen before.
        return str(locked)
    from analytics.practices import default_practice

    chosen = st.session_state.get("store_path")
    default = str(default_practice(_home().parent) or _home())
    if chosen and Path(chosen) != Path(default) and not Path(chosen).exists():
        # Renamed or deleted in another window: not re-created empty; this session goes back
        # to the default store and says so (see get_store).
        st.session_state["practice_gone"] = str(chosen)
        # Once the practice picker is drawn in this run, the next run resets it.
        with suppress(st.errors.StreamlitAPIException):
            st.session_state["store_path"] = default
        return default
    return str(chosen or default)


def open_linked_practice() -> None:
    """On a session's first run, open the practice its link names (?practice=stem): a
    reload or a shared link keeps the practice. An unknown name is said, not guessed."""
    if st.session_state.get("store_path"):
        return
    wanted = st.query_params.get("practice")
    if not wanted:
        return
    for path in store_choices():
        if Path(path).stem == wanted:
            st.session_state["store_path"] = path
            return
    flash(
        "warning",
        f"The link names a practice that is not here ({wanted}); opened "
        "the default one instead. Pick another under Practice in the sidebar.",
    )


def link_practice() -> None:
    """Write the open practice into the address bar, so a reload or a copied link keeps it."""
    stem = Path(store_path()).stem
    if st.query_params.get("practice") != stem:
        st.query_params["practice"] = stem


def flash(kind: str, text: str) -> None:
    """A message for the next run of any page (success, warning, error), shown as text."""
    st.session_state["_flash"] = (kind, text)


def show_flash() -> None:
    """The message left by the last action, once."""
    message = st.session_state.pop("_flash", None)
    if message:
        kind, text = message
        show = {"success": st.success, "warning": st.warning, "error": st.error}[kind]
        show(plain(text))


def plain(text: str) -> str:
    """Text from a user or a file, escaped so Markdown shows it exactly as typed."""
    return md(str(text))


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    # Only the app's own store is created when missing; a practice's file must exist.
    return Store(Path(path), create=Path(path) == Path(_default_path()))


def get_store() -> Store:
    """One cached handle per store file, shared by every session (opened per operation)."""
    gone = st.session_state.pop("practice_gone", None)
    if gone:
        st.warning(
            f"{Path(gone).stem.replace('_', ' ').title()} was renamed or deleted in another "
            "window; this is the main practice. Pick a practice on the Practices page."
        )
    return _open_store(store_path())


@contextmanager
def store_session() -> Iterator[None]:
    """Hold the store open for one run of a page; a busy or vanished store is one sentence."""
    try:
        with get_store().session():
            yield
    except StoreUnavailable as exc:
        st.error(md(str(exc)))


def store_facts() -> tuple[object, object, list[str]]:
    """The sidebar's first and last referral dates and clinics; stops the run with one
    sentence when the store is busy elsewhere or gone."""
    try:
        with get_store().session() as store:
            first, last = store.date_bounds()
            return first, last, store.clinics()
    except StoreUnavailable as exc:
        st.error(md(str(exc)))
        st.stop()


def run_in_frame() -> None:
    """Called first by every page: make sure dashboard.py (sidebar, router) runs around it.

    While a pages/ folder exists, Streamlit runs the first request of a server process in its
    legacy folder mode until some run calls st.navigation; a deep link (/trends) as that first
    request would run the page alone, without the sidebar filters. Leave that mode and rerun.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


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


# What the pages read of a history row (the partner view adds payers): patient keys, case IDs
# and spellings are most of a large store's bytes and no page reads them.
HISTORY_COLUMNS: tuple[str, ...] = (*METRIC_COLUMNS, "payer")


@st.cache_resource(show_spinner=False, max_entries=4)
def _history(path: str, scope: Filters, version: int) -> pd.DataFrame:
    # A resource, not data: shared read-only by every session instead of copied per rerun.
    return _open_store(path).referrals(scope, columns=HISTORY_COLUMNS)


@st.cache_resource(show_spinner=False, max_entries=8)
def _encoded(path: str, scope: Filters, level: str, version: int) -> Encoded:
    return encode(_history(path, scope, version), level)


# The pages read partners x months (analytics.page_history): month sums per store version,
# with day sums only in the months the filters cut mid-month; not the rows.


@st.cache_resource(show_spinner=False, max_entries=4)
def _month_groups(path: str, scope: Filters, version: int) -> pd.DataFrame:
    # A resource, not data: shared read-only by every session instead of copied per rerun.
    return _open_store(path).bucket_groups(scope, [])


@st.cache_resource(show_spinner=False, max_entries=4)
def _months_encoded(path: str, scope: Filters, level: str, version: int) -> Encoded:
    return page_history.encode_buckets(_month_groups(path, scope, version), level)


@st.cache_resource(show_spinner=False, max_entries=8)
def _bucketed(path: str, scope: Filters, level: str, version: int, ranges: tuple) -> Encoded:
    months = _months_encoded(path, scope, level, version)
    if not ranges:
        return months
    detail = _open_store(path).bucket_groups(scope, list(ranges), only_ranges=True)
    return page_history.with_days(months, page_history.encode_buckets(detail, level), ranges)


def _page_encoded(path: str, filters: Filters, version: int, touches: tuple = ()) -> Encoded:
    """The history of the filters' clinics and types, bucketed for the filters' period."""
    scope = _scope(filters)
    first, last = page_history.data_days(_month_groups(path, scope, version))
    cuts = page_history.cut_days(filters, first, last, touches)
    ranges = page_history.detail_ranges(cuts, first, last)
    return _bucketed(path, scope, filters.level, version, ranges)


@st.cache_data(show_spinner=False, max_entries=64)
def _page(kind: str, path: str, filters: Filters, version: int):
    encoded = _page_encoded(path, filters, version)
    builders = {
        "concentration": page_data.concentration_page,
        "dependence": dependence_view.dependence_page,
        "trends": alerts_view.trends_page,
    }
    return builders[kind](encoded, filters)


@st.cache_data(show_spinner=False, max_entries=32)
def _overview(path: str, filters: Filters, version: int, compare: str):
    encoded = _page_encoded(path, filters, version)
    return page_data.overview_page(encoded, filters, compare)


def overview(filters: Filters, compare: str = "previous") -> page_data.OverviewPage:
    """The overview page's tiles, mix and attention list for the filters, changes against
    the previous period or ("last_year") the same period last year."""
    return _overview(store_path(), filters, get_store().version(), compare)


def concentration(filters: Filters) -> page_data.ConcentrationPage:
    """The sources and concentration page's data for the filters."""
    return _page("concentration", store_path(), filters, get_store().version())


def dependence(filters: Filters) -> dependence_view.DependencePage:
    """The physician dependence page's data for the filters."""
    return _page("dependence", store_path(), filters, get_store().version())


def trends(filters: Filters) -> alerts_view.TrendsPage:
    """The trends and alerts page's data for the filters."""
    return _page("trends", store_path(), filters, get_store().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _partner(path: str, filters: Filters, version: int, name: str) -> PartnerView | None:
    encoded = _page_encoded(path, filters, version)
    first, last = page_history.data_days(_month_groups(path, _scope(filters), version))
    rows = _open_store(path).partner_rows(_scope(filters), name, HISTORY_COLUMNS)
    own = page_history.partner_encoding(rows, filters.level, first, last)
    if own is None:
        return None
    return partner_view_of(*own, tables_of(encoded, filters), name)


def partner(filters: Filters, name: str) -> PartnerView | None:
    """One partner's drill-down for the filters (None when it never referred)."""
    return _partner(store_path(), filters, get_store().version(), name)


@st.cache_data(show_spinner=False, max_entries=16)
def _partner_names(path: str, filters: Filters, version: int) -> list[str]:
    encoded = _page_encoded(path, filters, version)
    return partner_names_of(encoded, tables_of(encoded, filters))


def partner_names(filters: Filters) -> list[str]:
    """Partners to pick from: the period's, most referrals first, then earlier ones by name."""
    return _partner_names(store_path(), filters, get_store().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _stress(path: str, filters: Filters, version: int, partners: tuple[str, ...]) -> dict:
    encoded = _page_encoded(path, filters, version)
    return stress_test_of(tables_of(encoded, filters), partners)


def stress(filters: Filters, partners: tuple[str, ...]) -> dict:
    """What the period would have lost without these partners (see analytics.stress)."""
    return _stress(store_path(), filters, get_store().version(), tuple(partners))


# Rendering shared by the pages -------------------------------------------------------------

SHORT_TABLE_ROWS = 15
PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def _config_of(kinds: dict[str, str]) -> dict:
    """Column formats by kind. Percent and money columns are shown from `_shown`'s copy: a
    step makes Streamlit cut decimals off (20.25% read 20.2% beside a 20.3% tile)."""
    config = {}
    for name, kind in kinds.items():
        if kind == "month":
            config[name] = st.column_config.DateColumn(name, format="MMM YYYY")
        elif kind == "date":
            config[name] = st.column_config.DateColumn(name, format="MMM D, YYYY")
        elif kind == "percent":
            # Shown as percentage numbers (58.5), rounded by formatting's one rule.
            config[name] = st.column_config.NumberColumn(name, format="%.1f%%")
        elif kind == "money":
            # Whole dollars, already rounded half up: the step's cut takes nothing off.
            config[name] = st.column_config.NumberColumn(name, format="dollar", step=1)
        elif kind == "cents":
            config[name] = st.column_config.NumberColumn(name, format="dollar")
        elif kind == "multiple":
            config[name] = st.column_config.NumberColumn(name, format="%.1f×")
        elif kind == "sparkline":
            config[name] = st.column_config.LineChartColumn(name, y_min=0)
        elif kind == "p_value":
            config[name] = st.column_config.NumberColumn(name, format="%.2g")
        elif kind == "decimal":
            config[name] = st.column_config.NumberColumn(name, format="%.1f")
        elif kind == "count":
            config[name] = st.column_config.NumberColumn(name, format="%,d")
    return config


def _money_kind(values: pd.Series) -> str:
    """ "cents" where a cent matters (amounts under $100 with cents), else "money"."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if numbers.empty or numbers.abs().max() >= fmt.CENTS_BELOW:
        return "money"
    return "cents" if bool((numbers.round(2) != numbers.round(0)).any()) else "money"


def _shown(frame: pd.DataFrame, kinds: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The copy a table shows: shares as the percentages the tiles show (58.5), money to
    whole dollars, or to the cent where a cent matters, halves rounded up everywhere."""
    shown = frame.copy()
    kinds = dict(kinds)
    for name, kind in list(kinds.items()):
        if name not in shown.columns or kind not in ("percent", "money", "multiple"):
            continue
        values = pd.to_numeric(shown[name], errors="coerce")
        if kind == "multiple":
            # Capped where the exact multiple stops meaning anything (the caption says so).
            shown[name] = values.clip(upper=RETURN_CAP)
            continue
        if kind == "percent":
            shown[name] = values.map(lambda v: np.nan if pd.isna(v) else fmt.pct_value(v))
            continue
        kinds[name] = _money_kind(values)
        digits = 2 if kinds[name] == "cents" else 0
        rounded = values.map(lambda v, d=digits: np.nan if pd.isna(v) else fmt.half_up(v, d))
        shown[name] = rounded
    return shown, kinds


def show_tiles(kpis, per_row: int = 4) -> None:
    """Headline tiles (analytics.kpis.Kpi), `per_row` to a row; on a narrow screen a row
    wraps instead of cutting its labels short."""
    for row in (kpis[i : i + per_row] for i in range(0, len(kpis), per_row)):
        outer = st.container(horizontal=True, gap="small")
        # Tiles go in pairs: a row too narrow for four wraps as two and two, not three and one.
        for pair in (row[i : i + 2] for i in range(0, len(row), 2)):
            with outer.container(horizontal=True, gap="small"):
                for kpi in pair:
                    st.metric(
                        kpi.label,
                        kpi.text,
                        delta=kpi.delta,
                        delta_color=kpi.delta_color,
                        delta_description=kpi.note,
                        delta_arrow=kpi.delta_arrow,
                        help=kpi.help or None,
                        border=True,
                        width="stretch",
                    )


def _exported(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """The copy a CSV holds: shares to 4 decimals and money to the cent (formatting's rule),
    so a spreadsheet shows what the page shows."""
    out = frame.copy()
    for name, kind in kinds.items():
        digits = {"percent": fmt.SHARE_DIGITS, "money": 2}.get(kind)
        if digits is None or name not in out.columns:
            continue
        values = pd.to_numeric(out[name], errors="coerce")
        out[name] = values.map(lambda v, d=digits: np.nan if pd.isna(v) else fmt.half_up(v, d))
    return out


def _downloads(name: str, data: pd.DataFrame, fig=None, kinds: dict | None = None) -> None:
    """CSV of the data (and PNG of the chart) as small buttons, made only when clicked."""
    row = st.container(horizontal=True, gap="small")
    kinds = kinds if kinds is not None else page_data.column_kinds(data)
    row.download_button(
        "CSV",
        data=lambda: to_safe_csv(_exported(data, kinds)),
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


@st.cache_resource(show_spinner=False, max_entries=128)
def _figure(name: str, path: str, filters: Filters, version: int, vary: str, _build):
    # Shared, not copied: building a plotly figure costs more than the page's numbers do.
    return _build()


def show_chart(
    fig: go.Figure | Callable[[], go.Figure],
    name: str,
    data: pd.DataFrame,
    *,
    select: bool = False,
    vary: str = "",
) -> str | None:
    """A figure with its CSV and PNG downloads; with `select`, the partner a click picked.

    Pass a builder (`lambda: charts.x(...)`) rather than a figure to build it once per
    filters and store version (and `vary`, for anything else it depends on): building a
    plotly figure costs more than the page's numbers do.
    """
    if callable(fig):
        fig = _figure(name, store_path(), current_filters(), get_store().version(), vary, fig)
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
    frame: pd.DataFrame,
    name: str,
    *,
    select: bool = False,
    height: int | str | None = None,
    column_config: dict | None = None,
    kinds: dict[str, str] | None = None,
) -> str | None:
    """A sortable table with its CSV download; with `select`, the partner of a clicked row.
    Short tables show every row; long ones scroll. `kinds` overrides how columns read
    (page_data.column_kinds by default); `column_config` adds formats of its own."""
    if height is None:
        height = "content" if len(frame) <= SHORT_TABLE_ROWS else "auto"
    kinds = kinds or page_data.column_kinds(frame)
    shown, shown_kinds = _shown(frame, kinds)
    config = _config_of(shown_kinds)
    event = st.dataframe(
        shown,
        hide_index=True,
        placeholder="–",
        column_config=config if column_config is None else {**config, **column_config},
        width="stretch",
        height=height,
        key=f"table_{name}",
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
    )
    _downloads(name, frame, kinds=kinds)
    if not select:
        return None
    rows = event.selection.rows if event else []
    return str(frame["Partner"].iloc[rows[0]]) if rows else None


def open_partner(name: str | None) -> None:
    """Go to the partner's own page (does nothing without a name)."""
    if name:
        st.session_state["partner"] = name
        # Given, not left to clear: the sidebar's filters are bound to the address, and
        # Streamlit refuses to clear bound parameters. They come back with their widgets.
        st.switch_page("pages/partner.py", query_params={"practice": Path(store_path()).stem})


def show_data_warnings(filters: Filters) -> None:
    """Say, above a page's figures, that uploads behind them carry open warnings."""
    found = upload_report.warnings_in_view(get_store().uploads(), filters.start, filters.end)
    if not found:
        return
    total = sum(len(w) for _, w in found)
    with st.expander(
        f"⚠ {total} warning{'s' if total != 1 else ''} on {len(found)} upload"
        f"{'s' if len(found) != 1 else ''} behind these figures: read them before relying "
        "on the numbers",
    ):
        for label, sentences in found:
            st.text(label)
            for sentence in sentences:
                st.text(f"   • {sentence}")


def stop_when_empty(referrals: int | None = None) -> None:
    """The empty states: what to upload (empty store) or, given the period's referral count,
    what to change (nothing in the period). Stops the page there."""
    if referrals is None and get_store().is_empty():
        # While presenting there is no Upload page to send anyone to.
        text = (
            "No referrals yet for this practice. Leave presentation mode (sidebar) to upload "
            "its export."
            if presentation_mode()
            else page_data.EMPTY_STORE
        )
        st.info(text, icon=":material/upload_file:")
        st.stop()
    if referrals is not None and not referrals:
        st.info(page_data.EMPTY_PERIOD, icon=":material/filter_alt:")
        st.stop()


# Partner ROI and engagement (analytics.outreach_pages) ------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def _activity_log(path: str, version: int) -> pd.DataFrame:
    # Every date: contacts before the period still tell how long ago a partner was called.
    return _open_store(path).activities()


@st.cache_data(show_spinner=False, max_entries=32)
def _outreach_page(
    kind: str, path: str, filters: Filters, version: int, setting: float, today=None
):
    from analytics import outreach_pages

    log = _activity_log(path, version)
    months = _month_groups(path, _scope(filters), version)
    # The ROI page counts referrals in windows around each touch: those days are cut too.
    touches = (
        page_history.touch_days(log, filters, *page_history.data_days(months))
        if kind == "roi"
        else ()
    )
    encoded = _page_encoded(path, filters, version, touches)
    history = page_history.identity_frame(months)
    if kind == "roi":
        return outreach_pages.roi_page(encoded, history, log, filters, margin=setting)
    return outreach_pages.engagement_page(encoded, history, log, filters, int(setting), today)


MARGIN_DEFAULT = 40


def _keep_margin() -> None:
    st.session_state["_margin"] = st.session_state["margin"]


def margin_slider(where=st) -> float:
    """The one contribution margin of the session (0..1): the same widget and value on
    Partner ROI, Valuation readiness and in their reports."""
    # Kept outside the widget: a widget's own state is dropped on the page that lacks it.
    st.session_state.setdefault("_margin", MARGIN_DEFAULT)
    st.session_state["margin"] = st.session_state["_margin"]
    percent = where.slider(
        "Contribution margin",
        min_value=10,
        max_value=100,
        step=5,
        format="%d%%",
        key="margin",
        on_change=_keep_margin,
        help="The share of revenue left after the cost of treating the patient (therapist "
        "time, supplies): at 40% a $1,000 referral counts as $400. One setting for every page "
        "and report; at 100% returns are read on revenue itself.",
    )
    return percent / 100


def roi(filters: Filters, margin: float = 1.0):
    """The Partner ROI page's data (an outreach_pages.RoiPage), revenue read on `margin`."""
    return _outreach_page("roi", store_path(), filters, get_store().version(), float(margin))


def engagement(filters: Filters, overdue_days: int):
    """The Engagement page's data (an outreach_pages.EngagementPage)."""
    return _outreach_page(
        "engagement",
        store_path(),
        filters,
        get_store().version(),
        float(overdue_days),
        datetime.date.today(),
    )


def show_outreach_table(
    frame: pd.DataFrame, name: str, *, select: bool = False, height: int | str | None = None
) -> str | None:
    """`show_table` for the ROI and engagement tables (money, ROI and day columns formatted)."""
    from analytics import outreach_pages

    kinds = outreach_pages.column_kinds(frame)
    return show_table(frame, name, select=select, height=height, kinds=kinds)


# Partners page: referrer identity -----------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def _identity_view(path: str, version: int) -> identity.IdentityView:
    return identity.identity_view(_open_store(path))


def identity_view() -> identity.IdentityView:
    """Suggested merges, outreach names, partners and decisions (until the store changes)."""
    return _identity_view(store_path(), get_store().version())


@st.cache_data(show_spinner=False, max_entries=16)
def _concentration_now(path: str, filters: Filters, version: int) -> dict:
    return identity.concentration_now(_open_store(path), filters)


def concentration_now(filters: Filters) -> dict:
    """Partners, largest share and HHI for the filters, with every decision applied."""
    return _concentration_now(store_path(), filters, get_store().version())


# Valuation readiness, reports and consultant mode (analytics.valuation_page, report,
# practices) -------------------------------------------------------------------------------


def _encodings(path: str, filters: Filters, version: int):
    from analytics.scorecard import Encodings

    scope = _scope(filters)
    return Encodings(
        _encoded(path, scope, "partner", version), _encoded(path, scope, "organization", version)
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _valuation(path: str, filters: Filters, version: int):
    from analytics.valuation_page import valuation_page

    return valuation_page(_encodings(path, filters, version), filters)


def valuation(filters: Filters):
    """The Valuation readiness page's data (a valuation_page.ValuationPage)."""
    return _valuation(store_path(), filters, get_store().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _stress_scenarios(path: str, filters: Filters, version: int, scenarios, margin):
    from analytics.valuation_page import stress_page

    return stress_page(_encodings(path, filters, version), filters, scenarios, margin)


def stress_scenarios(filters: Filters, scenarios: tuple, margin: float | None):
    """Two or three stress-test scenarios side by side (a valuation_page.StressPage)."""
    return _stress_scenarios(store_path(), filters, get_store().version(), scenarios, margin)


@st.cache_resource(show_spinner=False, max_entries=4)
def _report_content(
    path: str, filters: Filters, version: int, practice_name, logo, scenarios, margin
):
    from analytics.report import report_content

    return report_content(
        _history(path, _scope(filters), version),
        _activity_log(path, version),
        filters,
        uploads=_open_store(path).uploads(),
        store=path,
        practice_name=practice_name,
        logo=logo,
        scenarios=list(scenarios) if scenarios else None,
        margin=margin,
    )


@st.cache_resource(show_spinner=False, max_entries=4)
def _report_images(path: str, filters: Filters, version: int, *content_key):
    # One set of chart images for the PDF and the deck of the same report.
    from analytics.report.images import report_images

    return report_images(_report_content(path, filters, version, *content_key))


@st.cache_data(show_spinner=False, max_entries=8)
def _report(
    path: str,
    filters: Filters,
    version: int,
    kind: str,
    practice_name: str | None,
    logo: bytes | None,
    scenarios,
    margin,
) -> bytes:
    from analytics.report import ReportError, render

    key = (practice_name, logo, scenarios, margin)
    content = _report_content(path, filters, version, *key)
    if kind == "xlsx":
        return render(content, kind)
    if not charts.png_available():
        raise ReportError("The PDF and the deck need Chromium on the server for their charts.")
    return render(content, kind, _report_images(path, filters, version, *key))


def report_file(
    path: str,
    filters: Filters,
    kind: str,
    practice_name: str | None,
    logo: bytes | None,
    scenarios: tuple = (),
    margin: float | None = None,
) -> bytes:
    """The workbook ("xlsx"), PDF ("pdf") or deck ("pptx") of store `path` for the filters'
    period, with the page's stress-test scenarios (the default three when none).

    The path is passed, not read from the session: a download button runs this after the
    script, outside the session, where the session's chosen practice cannot be read.
    """
    return _report(
        path,
        filters,
        _open_store(path).version(),
        kind,
        practice_name,
        logo,
        tuple(scenarios),
        margin,
    )


def csv_download(name: str, frame: pd.DataFrame) -> None:
    """A CSV download of a table shown another way (text cells defused, as everywhere)."""
    _downloads(name, frame)


def presentation_mode() -> bool:
    """True while the consultant presents: the app is locked to one practice, with no
    practice switching, uploads or settings, until the consultant's PIN is given."""
    from analytics.presentation import locked_practice

    return locked_practice(_home().parent) is not None


def start_presenting(pin_key: str) -> None:
    """Lock the app to the open practice (a button's on_click); the PIN field is cleared."""
    from analytics.practices import display_name
    from analytics.presentation import PresentationError, start

    pin = st.session_state.get(pin_key, "")
    st.session_state[pin_key] = ""
    try:
        start(_home().parent, store_path(), pin)
    except PresentationError as exc:
        flash("error", str(exc))
        return
    flash(
        "success",
        f"Presenting {display_name(store_path())}: other practices, uploads and "
        "settings are hidden until you leave with your PIN.",
    )


def leave_presenting(pin_key: str) -> None:
    """Unlock when the PIN matches (a button's on_click)."""
    from analytics.presentation import leave

    pin = st.session_state.get(pin_key, "")
    st.session_state[pin_key] = ""
    if leave(_home().parent, pin):
        flash("success", "Presentation mode is off: every practice and page is back.")
    else:
        flash("error", "That PIN does not match; the presentation stays on.")


def practice_profile():
    """The open practice's name and logo for reports (a practices.Profile)."""
    from analytics.practices import load_profile

    return load_profile(store_path())


def delete_upload(store: Store) -> None:
    """Delete the upload the Upload page picked (a button's on_click), then untick the
    confirmation and clear the pick: one tick deletes one upload, never the next one too."""
    target = st.session_state.pop("delete_target", None)
    st.session_state["delete_ok"] = False
    if target is None:
        return
    removed = store.delete_upload(int(target))
    flash("success", f"Removed upload #{target} and its {removed:,} rows.")


def open_practice(path: str) -> None:
    """Switch this session to another practice's store (use as a button's on_click)."""
    st.session_state["store_path"] = str(path)


def _start_practice(key: str) -> None:
    from analytics.practices import PracticeError, display_name, set_default

    try:
        path = create_practice(st.session_state.get(key, ""))
    except PracticeError as exc:
        flash("error", str(exc))
        return
    set_default(path)
    open_practice(path)
    st.session_state[key] = ""
    flash(
        "success",
        f"Started {display_name(path)}: it is yours, empty, and the practice the app opens "
        "first from now on. Upload your first export below.",
    )


def start_practice_form(key: str = "start") -> None:
    """ "Start your practice": a new store for the owner's own practice, opened at once and
    made the one the app opens first, so their exports never mix with the demo."""
    with st.form(f"start_practice_{key}", border=True):
        st.markdown("**Start your practice**")
        st.text_input(
            "Your practice's name",
            key=f"start_name_{key}",
            placeholder="Harbor Physical Therapy",
        )
        st.form_submit_button(
            "Start your practice",
            type="primary",
            icon=":material/add_business:",
            on_click=_start_practice,
            args=(f"start_name_{key}",),
        )


def create_practice(name: str) -> str:
    """A new empty store for a client practice, next to the current one; its path."""
    from analytics.practices import create_practice as create

    return str(create(Path(store_path()).parent, name))


def rename_practice(path: str, name: str) -> str:
    """Rename a practice (its store file moves with the name); the new path. The cached
    handle is closed first: a session still reading that store must reopen it."""
    from analytics.practices import PracticeError
    from analytics.practices import rename_practice as rename

    default = _home()
    if Path(path).resolve() == default.resolve():
        raise PracticeError(
            f"{default.name} is the store the app opens first and keeps its name: create a "
            "new practice under “New practice” on this page and give it the name instead."
        )
    _open_store(path).close()
    _open_store.clear(path)
    return str(rename(Path(path), name))


def save_practice_logo(path: str, logo: bytes) -> None:
    """Keep a practice's logo next to its store, for its reports."""
    from analytics.practices import save_profile

    save_profile(Path(path), logo=logo)
