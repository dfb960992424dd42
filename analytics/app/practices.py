"""Practices in the app: opening one by link, starting, renaming and giving a logo to a
practice, deleting an upload, and presentation mode."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analytics import access
from analytics.app import signin
from analytics.app.state import (
    _home,
    _open_store,
    data_folder,
    flash,
    store_choices,
    store_path,
)
from analytics.store import Store
from analytics.store.catalog import create_practice_beside, practice_key
from analytics.store.location import is_postgres


def open_linked_practice() -> None:
    """On a session's first run, open the practice its link names (?practice=stem): a
    reload or a shared link keeps the practice. An unknown name is said, not guessed."""
    if st.session_state.get("store_path"):
        return
    wanted = st.query_params.get("practice")
    if not wanted:
        return
    for path in store_choices():
        if practice_key(path) == wanted:
            st.session_state["store_path"] = path
            return
    # Said the same whether it is absent or not granted: a link cannot probe for practices.
    flash(
        "warning",
        f"The link names a practice that is not here or not open to you ({wanted}); opened "
        "the default one instead. Pick another under Practice in the sidebar.",
    )


def link_practice() -> None:
    """Write the open practice into the address bar, so a reload or a copied link keeps it."""
    stem = practice_key(store_path())
    if st.query_params.get("practice") != stem:
        st.query_params["practice"] = stem


def presentation_mode() -> bool:
    """True while the consultant presents: the app is locked to one practice, with no
    practice switching, uploads or settings, until the consultant's PIN is given."""
    from analytics.app.presentation import locked_practice

    return locked_practice(data_folder(), signin.presenter()) is not None


def start_presenting(pin_key: str) -> None:
    """Lock the app to the open practice (a button's on_click); the PIN field is cleared."""
    from analytics.app.presentation import PresentationError, start
    from analytics.store.practices import display_name

    pin = st.session_state.get(pin_key, "")
    st.session_state[pin_key] = ""
    try:
        _require(access.PRESENT, store_path())
        if is_postgres(store_path()):
            # The lock names a file beside the store; a server's practice has none.
            raise PresentationError(
                "Presentation mode works on practices kept in files; on the team server, sign "
                "the client in with a viewer grant on this practice instead."
            )
        start(data_folder(), store_path(), pin, signin.presenter())
    except (PresentationError, access.AccessDenied) as exc:
        flash("error", str(exc))
        return
    flash(
        "success",
        f"Presenting {display_name(store_path())}: other practices, uploads and "
        "settings are hidden until you leave with your PIN.",
    )


def leave_presenting(pin_key: str) -> None:
    """Unlock when the PIN matches (a button's on_click)."""
    from analytics.app.presentation import leave

    pin = st.session_state.get(pin_key, "")
    st.session_state[pin_key] = ""
    if leave(data_folder(), pin, signin.presenter()):
        flash("success", "Presentation mode is off: every practice and page is back.")
    else:
        flash("error", "That PIN does not match; the presentation stays on.")


def practice_profile():
    """The open practice's name and logo for reports (a practices.Profile)."""
    from analytics.store.practices import load_profile

    return load_profile(store_path())


def delete_upload(store: Store) -> None:
    """Delete the upload the Upload page picked (a button's on_click), then untick the
    confirmation and clear the pick: one tick deletes one upload, never the next one too."""
    target = st.session_state.pop("delete_target", None)
    st.session_state["delete_ok"] = False
    if target is None:
        return
    try:
        removed = store.delete_upload(int(target))
    except access.AccessDenied as exc:
        flash("error", str(exc))
        return
    flash("success", f"Removed upload #{target} and its {removed:,} rows.")


def open_practice(path: str) -> None:
    """Switch this session to another practice's store (use as a button's on_click)."""
    st.session_state["store_path"] = str(path)


def _start_practice(key: str) -> None:
    from analytics.store.practices import PracticeError, display_name, set_default

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
    """A new empty store for a client practice, next to the current one (its folder or its
    PostgreSQL server); its location."""
    _require(access.CREATE_PRACTICE, None)
    path = create_practice_beside(store_path(), name)
    signin.team().record(signin.current_person().email, "create", path, f"created {name}")
    return path


def _require(action: str, practice: str | None) -> None:
    """access.require for the signed-in person; a refusal reads as a practice error where
    the practice forms show one."""
    from analytics.store.practices import PracticeError

    try:
        access.require(signin.current_person(), practice, action)
    except access.AccessDenied as exc:
        raise PracticeError(str(exc)) from None


def rename_practice(path: str, name: str) -> str:
    """Rename a practice (its store file moves with the name); the new path. The cached
    handle is closed first: a session still reading that store must reopen it."""
    from analytics.store.practices import PracticeError
    from analytics.store.practices import rename_practice as rename

    _require(access.SETTINGS, path)
    if is_postgres(path):
        raise PracticeError(
            "Renaming a practice kept in PostgreSQL is not supported; its name on pages and "
            "reports is set under Settings, and a new practice can be created with another name."
        )
    default = Path(_home())
    if Path(path).resolve() == default.resolve():
        raise PracticeError(
            f"{default.name} is the store the app opens first and keeps its name: create a "
            "new practice under “New practice” on this page and give it the name instead."
        )
    _open_store(path).close()
    _open_store.clear(path)
    renamed = str(rename(Path(path), name))
    # The grants follow the practice to its new file name.
    signin.team().rename_practice(path, renamed, signin.current_person().email)
    return renamed


def save_practice_logo(path: str, logo: bytes) -> None:
    """Keep a practice's logo next to its store, for its reports."""
    from analytics.store.practices import save_profile

    _require(access.SETTINGS, path)
    save_profile(path, logo=logo)
