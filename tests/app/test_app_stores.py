"""Consultant mode: practices created, opened and renamed (analytics.store.practices and the
Practices page), and presentation mode hiding upload and settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics.app.state import _open_store
from analytics.store import Store
from analytics.store.practices import (
    PracticeError,
    create_practice,
    display_name,
    load_profile,
    rename_practice,
    save_profile,
    store_file_for,
)
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
        and m.value not in ("**New practice**", "**Presentation mode**")
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


def start_presenting(at, pin: str = "2468") -> None:
    at.text_input(key="present_pin").set_value(pin)
    next(b for b in at.button if b.label == "Start presenting").click().run()
    assert not at.exception, at.exception


def pages_offered(at) -> list[str]:
    """The router's pages (switch_page refuses one it does not offer)."""
    offered = []
    for page in ("pages/upload.py", "pages/partners.py", "pages/stores.py", "pages/overview.py"):
        try:
            at.switch_page(page)
        except ValueError:
            continue
        offered.append(page)
    return offered


def test_presentation_mode_locks_to_one_practice(app, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    data = tmp_path / "data"
    other = create_practice(data, "Other Client PT")
    _close(other)
    app.run()
    assert app.selectbox(key="store_path")  # two practices: the selector is offered
    start_presenting(app, "12")  # too short: refused, said
    assert any("at least 4 digits" in e.value for e in app.error)
    start_presenting(app)
    assert any("Presenting Northside Pt" in s.value for s in app.success)
    # No selector, no other practice named, no Upload, Partners or Practices page.
    assert not [s for s in app.selectbox if s.key == "store_path"]
    assert "Other Client PT" not in " ".join(t.value for t in app.sidebar.text)
    assert pages_offered(app) == ["pages/overview.py"]
    # A reload (a new session), even on a link to the other practice, stays locked.
    reload = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    reload.query_params["practice"] = "other_client_pt"
    reload.run()
    assert not reload.exception
    assert reload.session_state["filters"] is not None
    assert "Northside Pt" in [t.value for t in reload.sidebar.text]
    assert pages_offered(reload) == ["pages/overview.py"]
    # Leaving asks for the PIN: a wrong one keeps the lock.
    reload.switch_page("pages/overview.py").run()
    reload.text_input(key="leave_pin").set_value("0000")
    next(b for b in reload.button if b.label == "Leave").click().run()
    assert any("does not match" in e.value for e in reload.error)
    assert pages_offered(reload) == ["pages/overview.py"]
    reload.switch_page("pages/overview.py").run()
    reload.text_input(key="leave_pin").set_value("2468")
    next(b for b in reload.button if b.label == "Leave").click().run()
    assert any("Presentation mode is off" in s.value for s in reload.success)
    assert "pages/stores.py" in pages_offered(reload)
    # The practice selector returns with the practices.
    reload.switch_page("pages/overview.py").run()
    assert reload.selectbox(key="store_path")
