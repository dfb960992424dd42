"""The first run as an owner meets it: the sample is labelled as the demo, "Start your
practice" makes a practice of their own (the one the app opens first), the Upload page names
the practice it writes to, and a reload or a shared link keeps the chosen practice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.app.state import _open_store
from analytics.store.practices import DEMO_NAME, default_practice, load_profile
from tests.conftest import ROOT, run_the_frame


@pytest.fixture
def demo(tmp_path: Path, monkeypatch) -> Path:
    """`make run`'s first start: the sample practice in data/referrals.duckdb."""
    data = tmp_path / "data"
    data.mkdir()
    db = data / "referrals.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "sample", "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    run_the_frame(monkeypatch)
    monkeypatch.setenv("REFERRALS_DB", str(db))
    yield db
    _open_store.clear()


def start(page: str | None = None, practice: str | None = None) -> AppTest:
    """A new session (a reload), optionally on a link naming a practice."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if practice:
        at.query_params["practice"] = practice
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.text]
    parts += [e.value for e in (*at.info, *at.warning, *at.success, *at.error)]
    return "\n".join(str(p) for p in parts)


def test_the_sample_is_the_demo(demo):
    assert load_profile(demo) == load_profile(demo).__class__(DEMO_NAME, None, True)
    at = start()
    assert any("Demo data" in w.value for w in at.sidebar.warning)
    # Its Upload page takes nothing: an owner's export would mix with the demo.
    at.switch_page("pages/upload.py").run()
    assert not at.get("file_uploader")
    assert "Start your own practice first" in texts(at)


def test_start_your_practice_then_upload_into_it_and_reload(demo):
    at = start("pages/upload.py")
    at.text_input(key="start_name_upload").set_value("Harbor Physical Therapy")
    next(b for b in at.button if b.label == "Start your practice").click().run()
    assert not at.exception, at.exception
    harbor = demo.parent / "harbor_physical_therapy.duckdb"
    assert harbor.exists() and _open_store(str(harbor)).is_empty()
    assert at.session_state["store_path"] == str(harbor)
    assert default_practice(demo.parent) == harbor
    assert any("Started Harbor Physical Therapy" in s.value for s in at.success)
    # The Upload page now takes files, and says where they go.
    assert at.get("file_uploader")
    assert "Saving into: Harbor Physical Therapy" in [t.value for t in at.text]
    assert not any("Demo data" in w.value for w in at.sidebar.warning)
    # The address carries the practice, so a reload keeps it.
    assert at.query_params["practice"] == "harbor_physical_therapy"
    # A new session without a link opens the owner's practice, not the demo.
    again = start()
    assert again.selectbox(key="store_path").value == str(harbor)
    assert any("No referrals yet" in i.value for i in again.info)


def test_a_link_opens_its_practice(demo):
    at = start()
    assert at.query_params["practice"] == "referrals"
    from analytics.store.practices import create_practice

    harbor = create_practice(demo.parent, "Harbor Physical Therapy")
    linked = start(practice="harbor_physical_therapy")
    assert linked.selectbox(key="store_path").value == str(harbor)
    # A link to a practice that is not here says so and opens the default one.
    unknown = start(practice="../../etc/passwd")
    assert unknown.selectbox(key="store_path").value == str(demo)
    assert any("not here" in w.value for w in unknown.warning)


def test_a_sample_loaded_before_the_demo_label_gets_it(tmp_path):
    """`make run` on a data folder from before: the sample is labelled the demo; a store of
    the owner's own exports is not."""
    from analytics.store.practices import practice_files

    db = tmp_path / "referrals.duckdb"
    run = [sys.executable, "-m", "analytics", "sample", "--db", str(db)]
    subprocess.run(run, cwd=ROOT, check=True, capture_output=True)
    practice_files(db)[2].unlink()  # no profile: as an earlier version left it
    assert not load_profile(db).demo
    subprocess.run([*run, "--if-empty"], cwd=ROOT, check=True, capture_output=True)
    assert load_profile(db) == load_profile(db).__class__(DEMO_NAME, None, True)
    own = tmp_path / "own.duckdb"
    export = tmp_path / "harbor_march.csv"
    export.write_bytes((ROOT / "sample_data" / "riverside_case_export.csv").read_bytes())
    ingest = [sys.executable, "-m", "analytics", "ingest", str(export), "--db", str(own)]
    subprocess.run(ingest, cwd=ROOT, check=True, capture_output=True)
    own_run = [sys.executable, "-m", "analytics", "sample", "--db", str(own), "--if-empty"]
    subprocess.run(own_run, cwd=ROOT, check=True, capture_output=True)
    assert not load_profile(own).demo
