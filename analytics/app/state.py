"""The app's cached handles: the store a session works on (opened per run, guarded by
the signed-in person's grants) and every cached loader a page reads, keyed by store version."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from analytics import access
from analytics.app import signin
from analytics.filters import Filters
from analytics.ingest import Prepared, prepare
from analytics.store import DEFAULT_DB, Store, StoreUnavailable
from analytics.store.catalog import practice_choices, practice_exists, practice_key
from analytics.store.guarded import GuardedStore, guarded_export
from analytics.store.location import is_postgres
from analytics.text import md


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


def store_choices() -> list[str]:
    """Practices a consultant can switch between: the *.duckdb files next to the current
    store (data/ by default), or the practices on its PostgreSQL server; the current one
    always included."""
    # Only the practices the signed-in person may open are ever named.
    return signin.visible(practice_choices(store_path()))
