"""Upload: drop exports, check the mapping and data quality, save, manage the history."""

import streamlit as st

from analytics.app import practices as app_practices
from analytics.app.state import get_store, prepared_upload, run_in_frame
from analytics.errors import IngestError
from analytics.ingest import MissingColumn, file_hash, list_sheets, overlap_sentence
from analytics.text import md, md_table
from analytics.views import upload as upload_report

ALL_SHEETS = "All sheets that hold referrals"

run_in_frame()

st.title("Upload exports")
st.caption(
    "Drop last month's referral export from your EMR (Excel or CSV), or your outreach log. "
    "Patient names and record numbers are replaced by anonymous keys before anything is saved."
)

profile = app_practices.practice_profile()
if profile.demo:
    # The demo is for looking around: an owner's export belongs in a practice of its own.
    st.warning(
        "This is the sample practice (demo data). Start your own practice first: your "
        "exports then go into it, never into the demo.",
        icon=":material/science:",
    )
    app_practices.start_practice_form("upload")
    st.stop()
st.text(f"Saving into: {profile.name}")

store = get_store()
kind_label = st.radio(
    "What are you uploading?",
    ("Referral export", "Outreach / marketing log"),
    horizontal=True,
    key="upload_kind",
)
kind = "referrals" if kind_label == "Referral export" else "activities"
files = st.file_uploader(
    "Drop one or several files",
    type=["xlsx", "xlsm", "xls", "ods", "csv", "txt", "tsv"],
    accept_multiple_files=True,
    key="upload_files",
)

for upload in files or []:
    data = upload.getvalue()
    digest = file_hash(data)
    st.subheader(md(upload.name), divider="gray")
    try:
        sheets = list_sheets(data, upload.name)
    except IngestError as exc:
        st.error(md(str(exc)))
        continue
    sheet = None
    if len(sheets) > 1:
        choice = st.selectbox(
            "Sheets",
            [ALL_SHEETS, *sheets],
            key=f"sheet_{digest}",
            help="Every sheet that holds referrals is read and combined (month tabs, one sheet "
            "per clinic); pick one to read only that sheet.",
        )
        sheet = None if choice == ALL_SHEETS else choice
    overrides = st.session_state.get(f"overrides_{digest}", {})
    try:
        prepared = prepared_upload(data, digest, upload.name, kind, sheet, overrides)
    except MissingColumn as exc:
        # Say what to do here, and offer the file's columns to pick the missing one from.
        st.error(md(exc.on_page))
        picked = st.selectbox(
            f"Column with the {exc.label}", exc.headers, key=f"missing_{digest}_{exc.field}"
        )
        if st.button("Use this column", key=f"use_{digest}_{exc.field}"):
            st.session_state[f"overrides_{digest}"] = {**overrides, exc.field: picked}
            st.rerun()
        continue
    except IngestError as exc:
        st.error(md(str(exc)))
        # A column picked here that reads nothing: offer the way back on this page.
        if overrides and st.button("Undo my column choice", key=f"undo_map_{digest}"):
            st.session_state.pop(f"overrides_{digest}", None)
            st.rerun()
        continue

    existing = store.find_upload(digest, kind, prepared.read_sheets)
    if existing is not None:
        st.info(f"This exact file is already in the store (upload #{existing}); nothing to do.")
        continue
    overlap = store.overlap(prepared.batch())
    warnings = list(prepared.warnings) + ([overlap_sentence(overlap)] if overlap else [])
    if warnings:
        with st.container(border=True):
            st.markdown(f"**Check before saving** · {len(warnings)} warning(s)")
            for sentence in warnings:
                st.text(f"⚠ {sentence}")
    else:
        st.success("Every sheet, row and value of this file is accounted for.", icon="✅")
    notes = upload_report.sheets_table(prepared)
    if len(notes) > 1:
        with st.expander(f"Sheets: {upload_report.sheets_summary(prepared)}"):
            st.dataframe(notes, hide_index=True, width="stretch")

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**Columns** — check what each field is read from; change it if wrong.")
        origin = {
            "saved": "Using the mapping you confirmed for this layout before.",
            "edited": "Using your changes.",
            "detected": "Detected from the column names and values.",
        }[prepared.mapping_origin]
        st.caption(origin)
        options = [upload_report.NOT_MAPPED, *prepared.headers]
        edited = st.data_editor(
            upload_report.mapping_table(prepared),
            key=f"mapping_{digest}_{prepared.mapping_origin}",
            hide_index=True,
            disabled=["Field", "Required"],
            column_config={
                "Column in your file": st.column_config.SelectboxColumn(
                    options=options, required=True
                )
            },
            width="stretch",
        )
        chosen = upload_report.mapping_from_table(edited, kind)
        changed = chosen != {f: prepared.mapping.get(f, "") for f in chosen}
        if changed and st.button("Apply column changes", key=f"apply_{digest}"):
            st.session_state[f"overrides_{digest}"] = chosen
            st.rerun()
        with st.expander("First rows of the file"):
            st.dataframe(prepared.preview, hide_index=True)
    with right:
        st.markdown("**Data quality**")
        st.table(
            md_table(upload_report.quality_report(prepared)), hide_index=True, border="horizontal"
        )
        if prepared.rows_rejected:
            st.warning(
                f"{prepared.rows_rejected:,} rows will not be loaded; the rest will. "
                "Fix them in the export and upload it again with “Replace” to bring them in."
            )
            st.dataframe(upload_report.rejections_table(prepared), hide_index=True, height=180)
    replace = st.checkbox(
        f"Replace the {overlap['referrals']:,} referrals already stored for this period "
        "and clinic (a corrected export)"
        if overlap
        else "Replace what the store has for this period and clinic (a corrected export)",
        key=f"replace_{digest}",
    )
    allow = False
    if overlap:
        allow = st.checkbox(
            "These are different referrals: add them alongside what is stored",
            key=f"allow_{digest}",
            disabled=replace,
        )
    if st.button(
        f"Save {prepared.rows_loaded:,} rows",
        type="primary",
        key=f"save_{digest}",
        disabled=bool(overlap) and not (replace or allow),
    ):
        try:
            with st.spinner(f"Saving {prepared.rows_loaded:,} rows…", show_time=True):
                result = store.save(
                    prepared.batch(), replace=replace, remember_mapping=True, allow_overlap=allow
                )
        except IngestError as exc:
            st.error(md(str(exc)))
        else:
            if result.status == "duplicate":
                st.info("This exact file is already in the store; nothing changed.")
            elif result.status == "overlap":
                st.warning(md(overlap_sentence(result.overlap or {})))
            else:
                note = f", replacing {result.replaced_rows:,} rows" if replace else ""
                st.success(md(f"Saved {prepared.rows_loaded:,} rows from {upload.name}{note}."))

st.subheader("Upload history", divider="gray")
history = store.uploads()
if history.empty:
    st.info("Nothing uploaded yet. Drop an export above to start.")
else:
    st.dataframe(upload_report.history_table(history), hide_index=True, width="stretch")
    with st.expander("Delete an upload"):
        labels = upload_report.upload_labels(history)
        target = st.selectbox("Upload", list(labels), format_func=labels.get, key="delete_target")
        confirm = st.checkbox("Yes, remove this upload and every row it brought", key="delete_ok")
        st.button(
            "Delete upload",
            disabled=not confirm,
            key="delete_go",
            on_click=app_practices.delete_upload,
            args=(store,),
        )
