"""Practices: one store per client practice (consultant mode), and presentation mode."""

from pathlib import Path

import streamlit as st

from analytics.app import practices as app_practices
from analytics.app import state as app_state
from analytics.store import PracticeError, display_name
from analytics.store.catalog import practice_key
from analytics.store.location import PostgresLocation, is_postgres
from analytics.text import md

app_state.run_in_frame()
st.title("Practices")
st.caption(
    "Each client practice has its own store in the data folder, so one practice's partners "
    "never mix with another's. Open one to work on it; the sidebar's filters and every page "
    "then read that practice."
)


def _where(location: str) -> str:
    """Where a practice is kept, as its caption says it: the file, or the server's practice."""
    if is_postgres(location):
        return PostgresLocation.parse(location).name
    return Path(location).name


def _db_pattern(location: str) -> str:
    """The --db a command names a practice by, with <practice> standing for its key."""
    if is_postgres(location):
        where = PostgresLocation.parse(location)
        shown = str(where.with_practice("practice"))
        return shown.replace("practice=practice", "practice=<practice>")
    return f"{Path(location).parent}/<practice>.duckdb"


def _create() -> None:
    name = st.session_state.get("new_practice_name", "")
    try:
        path = app_practices.create_practice(name)
    except PracticeError as exc:
        st.session_state["practice_message"] = ("error", str(exc))
        return
    app_practices.open_practice(path)
    st.session_state["new_practice_name"] = ""
    st.session_state["practice_message"] = (
        "success",
        f"Created {display_name(path)} and opened it: upload its first export on the Upload page.",
    )


def _rename(path: str, key: str) -> None:
    name = st.session_state.get(key, "")
    try:
        renamed = app_practices.rename_practice(path, name)
    except PracticeError as exc:
        st.session_state["practice_message"] = ("error", str(exc))
        return
    app_practices.open_practice(renamed)
    st.session_state["practice_message"] = ("success", f"Renamed to {display_name(renamed)}.")


presenting = app_practices.presentation_mode()
message = st.session_state.pop("practice_message", None)
if message:
    (st.error if message[0] == "error" else st.success)(md(message[1]))

current = app_state.store_path()
st.subheader("Open a practice")
for path in app_state.store_choices():
    with st.container(border=True):
        name, action = st.columns([5, 1], vertical_alignment="center")
        name.markdown(f"**{md(display_name(path))}**")
        name.caption(_where(path))
        if path == current:
            action.badge("Open now", icon=":material/check:", color="green")
        else:
            action.button(
                "Open",
                key=f"open_{practice_key(path)}",
                on_click=app_practices.open_practice,
                args=(path,),
                icon=":material/folder_open:",
            )

if not presenting and app_state.may("settings"):
    new, rename = st.columns(2, gap="large")
    # Only an admin creates practices (create_practice refuses anyone else too).
    if app_state.may("create_practice"):
        with new, st.form("new_practice", clear_on_submit=False, border=True):
            st.markdown("**New practice**")
            st.text_input(
                "Practice name", key="new_practice_name", placeholder="Northside Physical Therapy"
            )
            st.form_submit_button("Create", icon=":material/add:", on_click=_create)
    with rename, st.form("rename_practice", border=True):
        st.markdown(f"**Rename {md(display_name(current))}**")
        # One field per practice, so switching practices shows the right name.
        key = f"rename_{practice_key(current)}"
        st.text_input("New name", key=key, value=display_name(current))
        st.form_submit_button(
            "Rename", icon=":material/edit:", on_click=_rename, args=(current, key)
        )
    logo = st.file_uploader(
        f"Logo of {md(display_name(current))} for its reports (PNG or JPEG)",
        type=["png", "jpg", "jpeg"],
        key="practice_logo",
        max_upload_size=2,  # MB: what a practice profile keeps (practices.MAX_LOGO_BYTES)
    )
    if logo is not None and st.button("Save logo", icon=":material/image:"):
        try:
            app_practices.save_practice_logo(current, logo.getvalue())
            st.success("Saved: the PDF, deck and workbook of this practice will carry it.")
        except PracticeError as exc:
            st.error(md(str(exc)))
    profile = app_practices.practice_profile()
    if profile.logo:
        st.image(profile.logo, width=160, caption="The logo on this practice's reports")
    with st.form("start_presentation", border=True):
        st.markdown("**Presentation mode**")
        st.caption(
            "Locks the app to the open practice while a client watches: no other practice, "
            "no Upload, Partners or Practices page, even after a reload, until you leave "
            "with this PIN."
        )
        st.text_input("PIN to leave (4 digits or more)", type="password", key="present_pin")
        st.form_submit_button(
            "Start presenting",
            icon=":material/co_present:",
            on_click=app_practices.start_presenting,
            args=("present_pin",),
        )
    st.caption(
        "From the command line, the same stores: `python -m analytics ingest FILE --db "
        f"{_db_pattern(current)}`, then `report --db ... --out report.pdf`."
    )
