"""Per-practice access in the app (AppTest): a viewer of practices A and C gets nothing of
practice B through any page, download, query parameter, session value or the practice
selector; the sign-in page, the Team page, and the refusal to serve without sign-in.

AppTest cannot run st.login; it seeds st.user (AppTest.user) as a signed-in session sees it.
The real sign-in through an OpenID Connect provider is tests/test_browser_signin.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit import config
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from analytics.app.signin import _team
from analytics.app.state import _open_store
from analytics.ingest import prepare
from analytics.store import Store
from analytics.store.practices import create_practice
from analytics.store.team import TEAM_FILE, TeamStore
from tests.conftest import ROOT, run_the_frame
from tests.reports import sample_db

AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "a-cookie-secret-for-tests-only-0123456789",
        "client_id": "referral-power",
        "client_secret": "not-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
VIEWER = "vera@a.org"
CONSULTANT = "cora@a.org"
OWNER = "owen@c.org"
# Everything that would betray practice B: its name, file, clinic and referrers.
B_MARKS = ("Bravo Secret Rehab", "bravo_secret_rehab", "Zzyzx", "Zebra Cove", "Xavi Bravo")
HEADER = "Referral Date,Referring Provider,Location,Payer,Eval Date,Visits,Payments\n"
B_ROWS = (
    "2025-03-03,Dr. Quentin Zzyzx,Zebra Cove,Aetna,2025-03-05,6,600.00\n"
    "2025-03-04,Dr. Quentin Zzyzx,Zebra Cove,Aetna,,,\n"
    "2025-04-09,Dr. Xavi Bravo,Zebra Cove,Medicare,2025-04-12,4,400.00\n"
)
C_ROWS = "2025-03-03,Dr. Cora Charlie,Cedar Point,Aetna,2025-03-05,6,600.00\n"
# What a viewer's app routes (Upload, Partners and Team are not offered to a viewer).
VIEWER_PAGES = (
    "overview",
    "concentration",
    "dependence",
    "trends",
    "partner",
    "roi",
    "engagement",
    "valuation",
    "diligence",
    "targets",
    "source_quality",
    "cohorts",
    "portfolio",
    "stores",
)


def _practice(folder: Path, name: str, rows: str) -> Path:
    path = create_practice(folder, name)
    store = Store(path)
    store.save(prepare((HEADER + rows).encode(), "export.csv", store.ingest_context()).batch())
    store.close()
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("access") / "data"
    folder.mkdir()
    shutil.copy(sample_db(), folder / "northside_pt.duckdb")
    _practice(folder, "Bravo Secret Rehab", B_ROWS)
    _practice(folder, "Charlie Clinic", C_ROWS)
    team = TeamStore(folder / TEAM_FILE)
    team.add_person(VIEWER, "Vera Viewer", False, "setup")
    team.grant(VIEWER, "northside_pt", "viewer", "setup")
    team.grant(VIEWER, "charlie_clinic", "viewer", "setup")
    team.add_person("nogrant@a.org", "No Grant", False, "setup")
    team.add_person(OWNER, "Owen Owner", False, "setup")
    team.grant(OWNER, "charlie_clinic", "owner", "setup")
    team.add_person(CONSULTANT, "Cora Consultant", False, "setup")
    team.grant(CONSULTANT, "northside_pt", "consultant", "setup")
    team.grant(CONSULTANT, "charlie_clinic", "consultant", "setup")
    return folder


@pytest.fixture
def folder(built, tmp_path, monkeypatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(built, data)
    # The patient-key file sits beside the data folder: loading more needs the same key.
    for key in built.parent.glob("*.key"):
        shutil.copy(key, tmp_path / key.name)
    run_the_frame(monkeypatch)
    monkeypatch.setenv("REFERRALS_DB", str(data / "northside_pt.duckdb"))
    monkeypatch.delenv("REFERRALS_ADMINS", raising=False)
    monkeypatch.delenv("REFERRALS_NO_AUTH_I_KNOW", raising=False)
    yield data
    _open_store.clear()
    _team.clear()


@pytest.fixture
def downloads(monkeypatch) -> list:
    """Every download the pages offer, as (file name, data callable)."""
    found: list = []
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        found.append((file_name, data_callable))
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


def app(email: str | None = VIEWER, query: dict | None = None, state: dict | None = None):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.secrets = dict(AUTH)
    at.user = {"is_logged_in": False} if email is None else {"email": email, "is_logged_in": True}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def everything(at: AppTest) -> str:
    """Every element of the run as its message: text, tables' bytes, charts, options."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def leaks(text: str) -> list[str]:
    return [mark for mark in B_MARKS if mark in text]


def test_a_viewer_gets_nothing_of_b_on_any_page_or_download(folder, downloads):
    at = app()
    assert not at.exception, at.exception
    at.selectbox(key="period_preset").set_value("All data").run()
    seen = 0
    for page in VIEWER_PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        assert at.title, page
        assert leaks(everything(at)) == [], page
        seen += 1
    assert seen == 14
    made = 0
    for name, data in downloads:
        if name.endswith((".png", ".pdf", ".pptx")):
            continue  # the same guard; the images need Chromium and take seconds each
        content = data()
        text = content.decode("utf-8", "ignore") if isinstance(content, bytes) else content
        assert leaks(text) == [], name
        made += 1
    assert made >= 20, made
    log = TeamStore(folder / TEAM_FILE).audit()
    exports = log[log["Action"] == "export"]
    # Every download made is in the audit log, by the viewer, of practice A.
    assert len(exports) == made
    assert set(exports["Who"]) == {VIEWER} and set(exports["Practice"]) == {"northside_pt"}


def test_the_practice_selector_lists_granted_practices_only(folder):
    at = app()
    picker = at.sidebar.selectbox(key="store_path")
    assert picker.options == ["Charlie Clinic", "Northside Pt"]
    at.switch_page("pages/stores.py").run()
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    assert names == ["**Charlie Clinic**", "**Northside Pt**"]
    # A viewer is offered no practice forms: no create, rename, logo or presentation.
    assert not at.text_input and not at.get("file_uploader")


def test_a_link_to_an_ungranted_practice_is_refused_and_said(folder):
    at = app(query={"practice": "bravo_secret_rehab"})
    assert not at.exception, at.exception
    assert at.session_state["store_path"] != str(folder / "bravo_secret_rehab.duckdb")
    assert at.query_params["practice"] == "northside_pt"
    warning = [w.value for w in at.warning if "link names a practice" in w.value]
    assert warning == [
        "The link names a practice that is not here or not open to you "
        "(bravo\\_secret\\_rehab); opened the default one instead. Pick another under "
        "Practice in the sidebar."
    ]
    # The same words as for a practice that does not exist: a link cannot probe.
    other = app(query={"practice": "no_such_practice"})
    assert any("not here or not open to you" in w.value for w in other.warning)


def test_a_chosen_ungranted_practice_in_the_session_opens_a_granted_one(folder):
    # As a crafted request could leave it: the session's choice names practice B.
    at = app(state={"store_path": str(folder / "bravo_secret_rehab.duckdb")})
    assert not at.exception, at.exception
    assert at.session_state["store_path"] == str(folder / "northside_pt.duckdb")
    assert leaks(everything(at)) == []
    assert at.query_params["practice"] == "northside_pt"


def test_viewer_is_offered_no_writing_page(folder):
    at = app()
    # Upload, Partners and Team are not routed at all (the browser test follows a deep link).
    routed = {Path(p["script_path"]).stem for p in at._registered_pages.values()}
    assert routed == set(VIEWER_PAGES)


def test_not_signed_in_sees_the_sign_in_page_only(folder):
    at = app(email=None)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Referral Power"]
    assert [b.label for b in at.button] == ["Sign in"]
    text = everything(at)
    assert "Northside" not in text and leaks(text) == []
    assert not at.sidebar.selectbox and not at.metric


@pytest.mark.parametrize(
    ("email", "sentence"),
    [
        ("stranger@x.org", "stranger@x.org, who is not on this team yet"),
        ("nogrant@a.org", "No practice is granted to nogrant@a.org yet"),
    ],
)
def test_signed_in_without_access_is_told_and_shown_nothing(folder, email, sentence):
    at = app(email=email)
    assert not at.exception, at.exception
    said = [e.value for e in (*at.error, *at.info)]
    assert any(sentence.replace(".", "\\.") in s or sentence in s for s in said), said
    assert "Northside" not in " ".join(str(m.value) for m in at.markdown)
    assert not at.metric


def test_an_admin_manages_people_and_the_audit_log(folder, monkeypatch):
    monkeypatch.setenv("REFERRALS_ADMINS", "Ada@Team.org")
    at = app(email="ada@team.org")
    at.switch_page("pages/team.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Team"
    at.text_input(key="team_email").set_value("Owen@b.org")
    at.text_input(key="team_name").set_value("Owen Owner")
    next(b for b in at.button if b.label == "Save person").click().run()
    at.selectbox(key="grant_email").set_value("owen@b.org")
    at.selectbox(key="grant_practice").set_value(str(folder / "bravo_secret_rehab.duckdb"))
    at.selectbox(key="grant_role").set_value("owner")
    next(b for b in at.button if b.label == "Grant").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "owen@b.org is now owner of Bravo Secret Rehab."
    owen = TeamStore(folder / TEAM_FILE).person("owen@b.org")
    assert owen.grants == {"bravo_secret_rehab": "owner"}
    log = at.dataframe[-1].value
    assert list(log["Action"][:2]) == ["grant", "person"]
    assert list(log["Who"][:2]) == ["ada@team.org", "ada@team.org"]


def test_the_team_page_refuses_a_non_admin_below_the_navigation(folder):
    # Not in a viewer's navigation; and the page itself refuses if reached anyway.
    at = AppTest.from_file(str(ROOT / "pages" / "team.py"), default_timeout=60)
    at.secrets = dict(AUTH)
    at.user = {"email": VIEWER, "is_logged_in": True}
    at.session_state["_person"] = TeamStore(folder / TEAM_FILE).person(VIEWER)
    at.run()
    assert [e.value for e in at.error] == [
        "Only an admin may manage people and grants; vera@a.org is not one."
    ]
    assert not at.dataframe


def test_an_owners_upload_and_delete_land_in_the_audit_log(folder):
    at = app(email=OWNER)
    assert at.query_params["practice"] == "charlie_clinic"  # the one practice granted
    at.switch_page("pages/upload.py").run()
    assert at.title[0].value == "Upload exports"
    rows = HEADER + "2025-05-06,Dr. Cora Charlie,Cedar Point,Aetna,2025-05-08,3,300.00\n"
    at.file_uploader(key="upload_files").upload("may.csv", rows.encode(), "text/csv").run()
    next(b for b in at.button if b.label.startswith("Save 1 rows")).click().run()
    assert not at.exception, at.exception
    at.checkbox(key="delete_ok").check().run()
    at.button(key="delete_go").click().run()
    assert not at.exception, at.exception
    log = TeamStore(folder / TEAM_FILE).audit()
    mine = log[log["Who"] == OWNER]
    assert list(mine["Action"]) == ["delete", "upload"]
    assert set(mine["Practice"]) == {"charlie_clinic"}
    assert mine["What"].iloc[1].startswith("may.csv: 1 referrals rows, loaded (upload #")
    assert mine["What"].iloc[0].endswith("and its 1 rows")


def test_presenting_is_a_viewer_grant_for_the_presenters_own_sessions(folder):
    at = app(email=CONSULTANT)
    routed = {Path(p["script_path"]).stem for p in at._registered_pages.values()}
    assert {"upload", "partners"} <= routed  # a consultant works on the practice
    at.switch_page("pages/stores.py").run()
    at.text_input(key="present_pin").set_value("2468")
    next(b for b in at.button if b.label == "Start presenting").click().run()
    assert not at.exception, at.exception
    # Her session is now a viewer of the practice she presents, and of nothing else.
    again = app(email=CONSULTANT)
    routed = {Path(p["script_path"]).stem for p in again._registered_pages.values()}
    assert not {"upload", "partners", "stores", "portfolio"} & routed
    assert [s.key for s in again.sidebar.selectbox if s.key == "store_path"] == []
    assert "Signed in as Cora Consultant (cora@a.org) · viewer" in " ".join(
        c.value for c in again.sidebar.caption
    )
    # Nobody else is locked: Vera still has both her practices.
    other = app(email=VIEWER)
    assert other.sidebar.selectbox(key="store_path").options == ["Charlie Clinic", "Northside Pt"]


@pytest.fixture
def bound_everywhere():
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_bound_beyond_this_machine_without_sign_in_refuses(folder, bound_everywhere):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "The app is bound to 0.0.0.0 without sign-in, so anyone who reaches it could see and "
        "change every practice: configure sign-in ([auth] in .streamlit/secrets.toml), bind "
        "it to 127.0.0.1, or set REFERRALS_NO_AUTH_I_KNOW=1 to accept that."
    ]
    assert not at.title and not at.sidebar.selectbox and not at.metric


def test_the_override_serves_and_warns_on_every_page(folder, bound_everywhere, monkeypatch):
    monkeypatch.setenv("REFERRALS_NO_AUTH_I_KNOW", "1")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    for page in ("overview", "upload"):
        at.switch_page(f"pages/{page}.py").run()
        assert at.warning[0].value.startswith("No sign-in: this app is reachable beyond"), page
        assert at.title and not at.error


def test_local_without_sign_in_runs_as_today(folder):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Overview"
    assert not any("No sign-in" in w.value for w in at.warning)
    # The local user is an admin of everything: every practice is offered.
    assert at.sidebar.selectbox(key="store_path").options == [
        "Bravo Secret Rehab",
        "Charlie Clinic",
        "Northside Pt",
    ]


def test_the_public_address_decides_over_the_bound_one(folder, monkeypatch):
    """Behind the team's proxy the app is bound to 127.0.0.1 but reached where the proxy
    listens ($REFERRALS_PUBLIC_ADDRESS): without sign-in that address is refused."""
    monkeypatch.setenv("REFERRALS_PUBLIC_ADDRESS", "0.0.0.0")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    refusal = " ".join(e.value for e in at.error)
    assert refusal.startswith("The app is bound to 0.0.0.0 without sign-in")
    assert not at.title and not at.metric
    monkeypatch.setenv("REFERRALS_PUBLIC_ADDRESS", "127.0.0.1")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception and not at.error
