"""The app's cached handles: the store a session works on (opened per run, guarded by
the signed-in person's grants) and every cached loader a page reads, keyed by store version."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from analytics import access, charts, identity
from analytics.app import signin
from analytics.filters import Filters
from analytics.identity import activities_of
from analytics.ingest import Prepared, prepare
from analytics.metrics.periods import Encoded, encode, tables_of
from analytics.metrics.stress import stress_test_of
from analytics.metrics.summary import metrics_summary
from analytics.store import DEFAULT_DB, METRIC_COLUMNS, Store, StoreUnavailable
from analytics.store.catalog import practice_choices, practice_exists, practice_key
from analytics.store.guarded import GuardedStore, guarded_export
from analytics.store.location import is_postgres
from analytics.text import md
from analytics.views import alerts as alerts_view
from analytics.views import dependence as dependence_view
from analytics.views import overview as page_data
from analytics.views.partner import PartnerView, partner_names_of, partner_view_of


def _default_path() -> str:
    return str(os.environ.get("REFERRALS_DB") or DEFAULT_DB)


def _home() -> str:
    """The store the app was started on: $REFERRALS_DB, else data/referrals.duckdb (a path
    or a postgresql:// URL naming a practice)."""
    return _default_path()


def data_folder() -> Path:
    """The folder of the app's own files (presentation locks, logos): the store's folder, or
    the default data folder when the store is a PostgreSQL practice."""
    home = _home()
    return Path(DEFAULT_DB).parent if is_postgres(home) else Path(home).parent


def _default_practice() -> str:
    """The practice a session opens first: the folder's own (DuckDB), else the home store."""
    home = _home()
    if is_postgres(home):
        # Made on first use, as the default DuckDB file is, before the selector names it.
        _open_store(home)
        return home
    from analytics.store.practices import default_practice

    return str(default_practice(Path(home).parent) or home)


def store_path() -> str:
    """The store this session works on: the chosen one, else the practice its data folder
    opens first (the owner's own once started), else the one the app was started on."""
    from analytics.app.presentation import locked_practice

    locked = locked_practice(data_folder(), signin.presenter())
    if locked is not None:
        # A presentation holds every session to its practice, whatever was chosen before.
        return str(locked)
    chosen = st.session_state.get("store_path")
    default = _default_practice()
    if chosen and chosen != default and not practice_exists(chosen):
        # Renamed or deleted in another window: not re-created empty; this session goes back
        # to the default store and says so (see get_store).
        st.session_state["practice_gone"] = str(chosen)
        # Once the practice picker is drawn in this run, the next run resets it.
        with suppress(st.errors.StreamlitAPIException):
            st.session_state["store_path"] = default
        return _granted(default, default)
    return _granted(str(chosen or default), default)


def _all_practices() -> list[str]:
    """Every practice store in the data folder, the app's own store included."""
    return practice_choices(_home())


def _granted(path: str, default: str) -> str:
    """The practice this session opens: `path` when the signed-in person may, else the
    default, else the first they may; with none granted the run stops with one sentence."""
    granted = signin.granted_path(path, [default, *_all_practices()])
    if granted is not None and granted != path and st.session_state.get("store_path") == path:
        # Never left standing as the session's choice, so no widget ever shows it.
        with suppress(st.errors.StreamlitAPIException):
            st.session_state["store_path"] = granted
    if granted is None:
        st.info(
            plain(
                f"No practice is granted to {signin.current_person().email} yet; ask an "
                "admin to grant you one."
            ),
            icon=":material/lock:",
        )
        signin.stop_here()
    return granted


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
    if is_postgres(path):
        # A practice's schema is made when it is created; the app's own is made on first use.
        return Store(path, create=path == _default_path())
    return Store(Path(path), create=Path(path) == Path(_default_path()))


def get_store() -> Store:
    """The session's practice store as the signed-in person may use it: opening it checks
    their grant, and every write checks its action and is audited (GuardedStore)."""
    gone = st.session_state.pop("practice_gone", None)
    if gone:
        st.warning(
            f"{practice_key(gone).replace('_', ' ').title()} was renamed or deleted in another "
            "window; this is the main practice. Pick a practice on the Practices page."
        )
    return GuardedStore(_open_store(store_path()), signin.current_person(), signin.team())


def may(action: str, practice: str | None = None) -> bool:
    """True when the signed-in person may do `action` on the practice (the open one)."""
    return access.allowed(signin.current_person(), practice or store_path(), action)


def export_data(what: str, make: Callable[[], bytes | str], practice: str | None = None):
    """A download's data callable: checks the export and logs it when the file is made."""
    return guarded_export(
        signin.current_person(), practice or store_path(), signin.team(), what, make
    )


@contextmanager
def store_session() -> Iterator[None]:
    """Hold the store open for one run of a page; a busy or vanished store is one sentence."""
    try:
        with get_store().session():
            yield
    except (StoreUnavailable, access.AccessDenied) as exc:
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


def store_choices() -> list[str]:
    """Practices a consultant can switch between: the *.duckdb files next to the current
    store (data/ by default), or the practices on its PostgreSQL server; the current one
    always included."""
    # Only the practices the signed-in person may open are ever named.
    return signin.visible(practice_choices(store_path()))


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


def _history_and_encoded(path: str, filters: Filters, version: int):
    scope = _scope(filters)
    return _history(path, scope, version), _encoded(path, scope, filters.level, version)


@st.cache_data(show_spinner=False, max_entries=64)
def _page(kind: str, path: str, filters: Filters, version: int):
    _, encoded = _history_and_encoded(path, filters, version)
    builders = {
        "concentration": page_data.concentration_page,
        "dependence": dependence_view.dependence_page,
        "trends": alerts_view.trends_page,
    }
    return builders[kind](encoded, filters)


@st.cache_data(show_spinner=False, max_entries=32)
def _overview(path: str, filters: Filters, version: int, compare: str):
    _, encoded = _history_and_encoded(path, filters, version)
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
    """What the period would have lost without these partners (see analytics.metrics.stress)."""
    return _stress(store_path(), filters, get_store().version(), tuple(partners))


@st.cache_resource(show_spinner=False, max_entries=4)
def _activity_log(path: str, version: int) -> pd.DataFrame:
    # Every date: contacts before the period still tell how long ago a partner was called.
    return activities_of(_open_store(path))


@st.cache_data(show_spinner=False, max_entries=32)
def _outreach_page(
    kind: str, path: str, filters: Filters, version: int, setting: float, today=None
):
    from analytics.views import outreach as outreach_pages

    history, encoded = _history_and_encoded(path, filters, version)
    log = _activity_log(path, version)
    if kind == "roi":
        return outreach_pages.roi_page(encoded, history, log, filters, margin=setting)
    return outreach_pages.engagement_page(encoded, history, log, filters, int(setting), today)


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


@st.cache_resource(show_spinner=False, max_entries=8)
def _valuation_parts(path: str, filters: Filters, version: int):
    # The store's aggregates for the page (analytics.views.valuation_parts), shared by the
    # scorecard and every stress-test choice of the same filters.
    from analytics.views.valuation_parts import valuation_parts

    store = _open_store(path)
    with store.session():
        return valuation_parts(store, filters)


def valuation_parts_of(path: str, filters: Filters, version: int):
    """The store's aggregates for the Valuation readiness page (cached per filters; the
    buyers' rules read them too)."""
    return _valuation_parts(path, filters, version)


@st.cache_data(show_spinner=False, max_entries=32)
def _valuation(path: str, filters: Filters, version: int):
    from analytics.views.valuation_parts import valuation_page_from

    return valuation_page_from(_valuation_parts(path, filters, version))


def valuation(filters: Filters):
    """The Valuation readiness page's data (a valuation_page.ValuationPage)."""
    return _valuation(store_path(), filters, get_store().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _stress_scenarios(path: str, filters: Filters, version: int, scenarios, margin):
    from analytics.views.valuation_parts import stress_page_from

    parts = _valuation_parts(path, filters, version)
    with _open_store(path).session():
        return stress_page_from(parts, scenarios, margin)


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
