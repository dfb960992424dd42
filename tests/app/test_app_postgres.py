"""The app on a PostgreSQL practice (REFERRALS_DB=postgresql://...?practice=...): the practice
selector, links, creating and opening practices, an upload and the overview, all through the
store catalog (analytics/store/catalog.py)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import pytest
from streamlit.testing.v1 import AppTest

from analytics.app.signin import _team
from analytics.app.state import _open_store
from analytics.store import Store
from tests.conftest import ROOT, run_the_frame
from tests.store_backend import RUN

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def server(postgres_url) -> str:
    """A database of its own, so the practice selector lists this test's practices only."""
    import psycopg

    name = f"referrals_app_{RUN}"
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    yield urlunsplit(urlsplit(postgres_url)._replace(path=f"/{name}", query=""))
    _open_store.clear()
    _team.clear()
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _app(url: str, monkeypatch, page: str, practice: str | None = None) -> AppTest:
    run_the_frame(monkeypatch)
    monkeypatch.setenv("REFERRALS_DB", url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if practice:
        at.query_params["practice"] = practice
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [s.value for s in at.success]
    return "\n".join(str(p) for p in parts + [w.value for w in at.warning])


def test_practices_on_postgresql_are_listed_created_opened_and_linked(server, monkeypatch):
    home = f"{server}?practice=home"
    Store(home).set_setting("practice_name", "Home Clinic")
    at = _app(home, monkeypatch, "pages/stores.py")
    assert at.query_params["practice"] == "home"
    assert "practice home" in _texts(at)  # the caption names the server's practice, no file

    at.text_input(key="new_practice_name").set_value("Lakeside Physio")
    at.button[[b.label for b in at.button].index("Create")].click()
    at.run()
    assert not at.exception, at.exception
    lakeside = f"{server}?practice=lakeside_physio"
    assert at.session_state["store_path"] == lakeside
    assert "Created Lakeside Physio" in at.success[0].value
    assert at.selectbox(key="store_path").options == ["Home Clinic", "Lakeside Physio"]
    assert at.query_params["practice"] == "lakeside_physio"

    # Renaming a server's practice is refused in one sentence; nothing moves.
    at.text_input(key="rename_lakeside_physio").set_value("Elsewhere")
    at.button[[b.label for b in at.button].index("Rename")].click()
    at.run()
    assert "Renaming a practice kept in PostgreSQL is not supported" in at.error[0].value

    at.button(key="open_home").click()
    at.run()
    assert at.session_state["store_path"] == home

    # A link (?practice=) opens that practice in a new session.
    linked = _app(home, monkeypatch, "pages/stores.py", practice="lakeside_physio")
    assert linked.session_state["store_path"] == lakeside


def test_an_upload_lands_in_the_postgresql_practice_and_the_overview_reads_it(
    server, monkeypatch, webpt_xlsx
):
    url = f"{server}?practice=northside_pt"
    at = _app(url, monkeypatch, "pages/upload.py")
    at.file_uploader(key="upload_files").upload("northside.xlsx", webpt_xlsx, XLSX)
    at.run()
    assert not at.exception, at.exception
    next(b for b in at.button if b.label.startswith("Save 4 rows")).click()
    at.run()
    assert "Saved 4 rows from northside.xlsx" in _texts(at)
    assert Store(url).counts()["referrals"] == 4
    # The upload is audited in the team schema of the same database.
    audit = _team(url).audit()
    assert "upload" in set(audit["Action"]) and set(audit["Practice"]) >= {"northside_pt"}
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    # The file's 4 rows, 3 with an evaluation date; payments 1,992.50 (its Grand Total).
    assert metrics["Referrals"] == "4"
    assert metrics["Arrived (evaluated)"] == "3"
    assert metrics["Conversion"] == "75.0%"
    assert metrics["Revenue"] == "$1,993"


def test_the_portfolio_rereads_a_practice_written_by_another_server(
    server, monkeypatch, webpt_xlsx
):
    from analytics.ingest import prepare

    url = f"{server}?practice=portfolio_a"
    Store(url).set_setting("practice_name", "Portfolio A")
    at = _app(url, monkeypatch, "pages/portfolio.py")
    # Only this database's practices; the chart copes with none having data yet.
    assert _referrals(at)["Portfolio A"] == 0
    # Another app server loads the file's 4 rows into it; this one changed no file.
    store = Store(url)
    store.save(prepare(webpt_xlsx, "northside.xlsx", store.ingest_context()).batch())
    at.run()
    assert not at.exception, at.exception
    assert _referrals(at)["Portfolio A"] == 4


def _referrals(at: AppTest) -> dict[str, int]:
    table = next(d.value for d in at.dataframe if "Practice" in d.value.columns)
    return dict(zip(table["Practice"], table["Referrals"], strict=True))
