"""Consultant mode: practices created, opened and renamed (analytics.practices and the
Practices page), and presentation mode hiding upload and settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics.app_state import _open_store
from analytics.practices import (
    PracticeError,
    create_practice,
    display_name,
    load_profile,
    rename_practice,
    save_profile,
    store_file_for,
)
from analytics.store import Store
from tests.app_frame import open_page
from tests.reports import logo_png, sample_db

PAGE = "pages/stores.py"


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("Northside Physical Therapy", "northside_physical_therapy.duckdb"),
        ("  Núñez  PT & Rehab, LLC ", "nunez_pt_rehab_llc.duckdb"),
        ("O'Brien Sports Med", "o_brien_sports_med.duckdb"),
        ("2nd Street PT", "2nd_street_pt.duckdb"),
    ],
)
def test_store_file_for_a_practice_name(tmp_path, name, file):
    assert store_file_for(tmp_path, name) == tmp_path / file


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the practice a name"),
        ("   ", "Give the practice a name"),
        ("!!!", "letters or digits"),
        ("x" * 81, "under 80 characters"),
    ],
)
def test_names_that_cannot_be_stores(tmp_path, name, message):
    with pytest.raises(PracticeError, match=message):
        create_practice(tmp_path, name)


def test_create_then_rename_moves_every_file(tmp_path):
    path = create_practice(tmp_path, "Lakeside Physio")
    assert path == tmp_path / "lakeside_physio.duckdb" and path.exists()
    assert display_name(path) == "Lakeside Physio"
    assert Store(path).is_empty()  # a real, empty store (closed again below)
    _close(path)
    save_profile(path, logo=logo_png())
    with pytest.raises(PracticeError, match="already exists"):
        create_practice(tmp_path, "lakeside physio")
    renamed = rename_practice(path, "Lakeside Physical Therapy")
    assert renamed == tmp_path / "lakeside_physical_therapy.duckdb"
    assert renamed.exists() and not path.exists()
    profile = load_profile(renamed)
    assert profile.name == "Lakeside Physical Therapy" and profile.logo == logo_png()
    assert not list(tmp_path.glob("lakeside_physio.*"))


def _close(path: Path) -> None:
    Store(path).close()


def test_rename_onto_another_practice_is_refused(tmp_path):
    first = create_practice(tmp_path, "First PT")
    create_practice(tmp_path, "Second PT")
    with pytest.raises(PracticeError, match="already exists"):
        rename_practice(first, "Second PT")
    # Same file, new spelling: only the name changes.
    assert rename_practice(first, "FIRST  pt") == first and display_name(first) == "FIRST pt"


def test_a_logo_must_be_an_image(tmp_path):
    path = create_practice(tmp_path, "Logo PT")
    with pytest.raises(PracticeError, match="PNG or JPEG"):
        save_profile(path, logo=b"GIF89a...")


def test_a_store_without_a_profile_is_named_after_its_file(tmp_path):
    assert display_name(tmp_path / "riverside_pt.duckdb") == "Riverside Pt"
    assert load_profile(tmp_path / "riverside_pt.duckdb").logo is None


@pytest.fixture
def app(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    db = data / "northside_pt.duckdb"
    shutil.copy(sample_db(), db)
    at = open_page(db, tmp_path, monkeypatch, PAGE)
    yield at
    _open_store.clear()


def practices(at) -> list[str]:
    return [
        m.value.strip("*")
        for m in at.markdown
        if m.value.startswith("**")
        and m.value not in ("**New practice**",)
        and not m.value.startswith("**Rename")
    ]


def test_create_open_and_rename_in_the_app(app, tmp_path):
    data = tmp_path / "data"
    assert app.title[0].value == "Practices"
    assert practices(app) == ["Northside Pt"]
    app.text_input(key="new_practice_name").set_value("Lakeside Physio")
    app.button[[b.label for b in app.button].index("Create")].click()
    app.run()
    assert not app.exception
    new = data / "lakeside_physio.duckdb"
    assert new.exists()
    assert app.session_state["store_path"] == str(new)
    assert "Created Lakeside Physio" in app.success[0].value
    assert practices(app) == ["Lakeside Physio", "Northside Pt"]
    # The sidebar now offers both practices, and the new one is open.
    assert app.selectbox(key="store_path").value == str(new)
    key = "rename_lakeside_physio"
    app.text_input(key=key).set_value("Lakeside Physical Therapy")
    app.button[[b.label for b in app.button].index("Rename")].click()
    app.run()
    assert not app.exception
    renamed = data / "lakeside_physical_therapy.duckdb"
    assert renamed.exists() and not new.exists()
    assert app.session_state["store_path"] == str(renamed)
    # Back to the first practice.
    app.button(key="open_northside_pt").click()
    app.run()
    assert app.session_state["store_path"] == str(data / "northside_pt.duckdb")


def test_the_default_store_cannot_be_renamed(app):
    app.text_input(key="rename_northside_pt").set_value("Elsewhere")
    app.button[[b.label for b in app.button].index("Rename")].click()
    app.run()
    assert "the store the app opens first" in app.error[0].value


def test_presentation_mode_hides_upload_and_settings(app):
    assert app.text_input(key="new_practice_name")
    app.switch_page("pages/upload.py").run()  # offered while working
    assert not app.exception
    app.switch_page(PAGE).run()
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    assert not [t for t in app.text_input if t.key == "new_practice_name"]
    assert not app.get("file_uploader")
    assert "Northside Pt" in practices(app)  # practices can still be opened
    # Upload is no longer among the pages the router offers.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("pages/upload.py")
    # The mode stays on across pages.
    app.switch_page("pages/valuation.py").run()
    assert app.session_state["presentation_mode"] is True
    assert not [t for t in app.text_input if t.key == "report_practice_name"]
