"""AppTest of the Upload page: a real upload, the mapping and quality report, save, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.app.state import _open_store
from tests.conftest import HAND_LOG_CSV, ROOT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(tmp_path: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("REFERRALS_DB", str(tmp_path / "app.duckdb"))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception
    return at


def frame_with(at: AppTest, column: str):
    """The first table on the page that has this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [e.value for e in at.error] + [s.value for s in at.success] + [i.value for i in at.info]
    )
    parts += [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def test_upload_save_and_delete(app: AppTest, tmp_path: Path, webpt_xlsx: bytes):
    app.file_uploader(key="upload_files").upload("northside.xlsx", webpt_xlsx, XLSX)
    app.run()
    assert not app.exception
    quality = app.table[0].value
    report = dict(zip(quality["Check"], quality["Value"], strict=True))
    assert report["Rows loaded"] == "4"
    assert report["Title rows above the table"] == "3"
    assert report["Totals and footer rows skipped"] == "2"
    save = next(b for b in app.button if b.label.startswith("Save 4 rows"))
    save.click()
    app.run()
    assert not app.exception
    assert "Saved 4 rows from northside.xlsx" in texts(app)
    history = frame_with(app, "Period")
    assert list(history["File"]) == ["northside.xlsx"]

    # Deleting it empties the store again.
    app.checkbox(key="delete_ok").check()
    app.run()
    app.button(key="delete_go").click()
    app.run()
    assert not app.exception
    assert "Removed upload" in texts(app) or "Nothing uploaded yet" in texts(app)
    # The app holds the store file open; read it through the app's own cached handle.
    assert _open_store(str(tmp_path / "app.duckdb")).counts()["referrals"] == 0


def test_rejections_and_bad_files_get_sentences(app: AppTest):
    app.file_uploader(key="upload_files").upload(
        "log.csv", HAND_LOG_CSV.encode("cp1252"), "text/csv"
    )
    app.run()
    assert not app.exception
    assert "2 rows will not be loaded" in texts(app)
    rejected = frame_with(app, "Reason")
    assert list(rejected["Row"]) == [6, 7]

    app.file_uploader(key="upload_files").upload("scan.xlsx", b"%PDF-1.5 nope", XLSX)
    app.run()
    assert not app.exception
    assert any("is a PDF" in e.value for e in app.error)


def test_every_sheet_read_warnings_before_saving_and_overlap_held_back(app: AppTest, tmp_path):
    from tests import export_shapes as shapes

    data, _ = shapes.month_tabs()
    app.file_uploader(key="upload_files").upload("log 2025.xlsx", data, XLSX)
    app.run()
    assert not app.exception
    page = texts(app) + "\n".join(t.value for t in app.text)
    assert "Check before saving" in page
    assert "Sheet 'Summary' was not read" in page
    sheets = frame_with(app, "Why not")
    assert list(sheets["Sheet"]) == ["Summary", *[f"{m} 2025" for m in shapes.MONTHS]]
    assert list(sheets["Read"]) == ["no", *["yes"] * 12]
    next(b for b in app.button if b.label.startswith("Save 144 rows")).click()
    app.run()
    assert "Saved 144 rows" in texts(app)

    # The same year as a monthly summary: flagged, and the save button held back.
    app.file_uploader(key="upload_files").upload("summary.xlsx", shapes.monthly_summary(), XLSX)
    app.run()
    assert not app.exception
    page = "\n".join(t.value for t in app.text)
    assert "already holds 144 referrals" in page
    save = next(b for b in app.button if b.label.startswith("Save 48 rows"))
    assert save.disabled
    assert _open_store(str(tmp_path / "app.duckdb")).counts()["referrals"] == 144


def test_overview_says_when_its_data_carries_warnings(tmp_path, monkeypatch):
    from analytics.ingest.cli import ingest_file
    from analytics.store import Store
    from tests import export_shapes as shapes

    db = tmp_path / "w.duckdb"
    data, _ = shapes.month_tabs()
    (tmp_path / "log.xlsx").write_bytes(data)
    store = Store(db)
    ingest_file(store, tmp_path / "log.xlsx", kind="referrals")
    store.close()
    monkeypatch.setenv("REFERRALS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any("1 warning on 1 upload behind these figures" in label for label in labels), labels
    assert any("Sheet 'Summary' was not read" in t.value for t in at.text)


def test_delete_confirms_once_then_resets(app: AppTest, tmp_path: Path, webpt_xlsx: bytes):
    """Two uploads; deleting the first leaves the tick off and the button disabled, so the
    next one is not one click from deletion, and says what it removed."""
    app.file_uploader(key="upload_files").upload("northside.xlsx", webpt_xlsx, XLSX)
    app.run()
    next(b for b in app.button if b.label.startswith("Save 4 rows")).click()
    app.run()
    app.file_uploader(key="upload_files").upload(
        "log.csv", HAND_LOG_CSV.encode("cp1252"), "text/csv"
    )
    app.run()
    next(b for b in app.button if b.label.startswith("Save ")).click()
    app.run()
    assert len(frame_with(app, "Period")) == 2
    first = app.selectbox(key="delete_target").value
    app.checkbox(key="delete_ok").check().run()
    app.button(key="delete_go").click().run()
    assert not app.exception
    assert any(f"Removed upload #{first} and its" in s.value for s in app.success)
    assert len(frame_with(app, "Period")) == 1
    assert app.checkbox(key="delete_ok").value is False
    assert app.button(key="delete_go").disabled
    # Another run (any click elsewhere) deletes nothing more.
    app.run()
    assert len(frame_with(app, "Period")) == 1
    assert not app.success


def test_a_file_without_a_date_column_says_what_to_do_on_the_page(app: AppTest):
    """Not a command-line flag on a page that shows no mapping table: a picker of the file's
    columns, and the picked one is used."""
    # "March 2nd" is no date the reader recognises, so no column reads as the referral date.
    export = (
        "Info,Referring Provider,Referral Type\n"
        "March 2nd,Dr A,Physician\n03/05/2025,Dr B,Physician\nsoon,Dr C,Physician\n"
    )
    app.file_uploader(key="upload_files").upload("odd.csv", export.encode(), "text/csv")
    app.run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "--map" not in errors
    assert "Pick the column that holds the referral date below" in errors
    picker = next(s for s in app.selectbox if s.label == "Column with the referral date")
    assert picker.options == ["Info", "Referring Provider", "Referral Type"]
    picker.set_value("Info").run()
    next(b for b in app.button if b.label == "Use this column").click().run()
    assert not app.exception
    # The file is read with that column: the mapping and quality report are shown.
    assert not app.error, [e.value for e in app.error]
    assert "**Data quality**" in [m.value for m in app.markdown]
