"""The team store (people, grants, audit log) and the guarded practice store: every write
checks its action for the person and lands in the audit log, refused writes change nothing."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import pytest

from analytics import identity
from analytics.access import AccessDenied, Person, practice_key
from analytics.ingest import prepare
from analytics.store import Store
from analytics.store.guarded import GuardedStore, guarded_export
from analytics.store.location import PostgresLocation
from analytics.store.team import TEAM_FILE, TEAM_PG_SCHEMA, TEAM_SCHEMA, TeamError, TeamStore
from tests.store_backend import RUN

CSV = (
    b"Referral Date,Referring Provider,Location,Payer,Eval Date,Visits,Payments\n"
    b"2025-03-03,Dr. Quentin Zzyzx,Zebra Cove,Aetna,2025-03-05,6,600.00\n"
    b"2025-03-04,Dr. Quentin Zzyzx,Zebra Cove,Aetna,,,\n"
    b"2025-03-09,Dr. Carla Cee,Zebra Cove,Medicare,2025-03-12,4,400.00\n"
)


@pytest.fixture(scope="session")
def team_database(postgres_url) -> str:
    """A database of its own for the team schema (one per database), dropped at the end."""
    import psycopg

    name = f"referrals_team_{RUN}"
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(postgres_url)
    yield urlunsplit(parts._replace(path=f"/{name}", query="practice=northside_pt"))
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["duckdb", "postgres"])
def team(request, tmp_path) -> TeamStore:
    """The team store in a DuckDB file, and in the `team` schema of a PostgreSQL database."""
    if request.param == "duckdb":
        return TeamStore(tmp_path / TEAM_FILE)
    import psycopg

    url = request.getfixturevalue("team_database")
    with psycopg.connect(PostgresLocation.parse(url).conninfo, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {TEAM_PG_SCHEMA} CASCADE")
    return TeamStore(url)


def test_the_team_schema_of_a_postgresql_practice_holds_the_team(postgres_url, request):
    """Any practice's URL on that database opens the same team, kept in the `team` schema."""
    import psycopg

    url = request.getfixturevalue("team_database")
    with psycopg.connect(PostgresLocation.parse(url).conninfo, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {TEAM_PG_SCHEMA} CASCADE")
    first = TeamStore(url)
    first.add_person("o@t.org", "O", False, "a")
    first.grant("o@t.org", url, "owner", "a")
    other = TeamStore.beside(url.replace("practice=northside_pt", "practice=harbor_pt"))
    assert other.person("o@t.org").grants == {"northside_pt": "owner"}
    with psycopg.connect(PostgresLocation.parse(url).conninfo, autocommit=True) as con:
        tables = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "ORDER BY table_name",
            [TEAM_PG_SCHEMA],
        ).fetchall()
        audit = con.execute(f"SELECT action, practice FROM {TEAM_PG_SCHEMA}.audit").fetchall()
    assert tables == [("audit",), ("grants",), ("people",)]
    assert sorted(audit) == [("grant", "northside_pt"), ("person", None)]


def test_people_and_grants_round_trip(team):
    assert team.person("vera@a.org") is None
    assert team.add_person("  Vera@A.org ", "Vera  Viewer", False, "ada@t.org") == "vera@a.org"
    team.grant("VERA@a.org", "/data/northside_pt.duckdb", "viewer", "ada@t.org")
    team.grant("vera@a.org", "harbor_pt", "owner", "ada@t.org")
    team.grant("vera@a.org", "harbor_pt", "consultant", "ada@t.org")  # replaces the role
    vera = team.person("Vera@a.org")
    assert vera == Person(
        email="vera@a.org",
        name="Vera Viewer",
        admin=False,
        grants={"northside_pt": "viewer", "harbor_pt": "consultant"},
    )
    assert list(team.grants()["Practice"]) == ["harbor_pt", "northside_pt"]
    assert team.revoke("vera@a.org", "harbor_pt", "ada@t.org") is True
    assert team.revoke("vera@a.org", "harbor_pt", "ada@t.org") is False
    assert team.person("vera@a.org").grants == {"northside_pt": "viewer"}
    assert team.remove_person("vera@a.org", "ada@t.org") == 1
    assert team.person("vera@a.org") is None
    assert team.grants().empty


def test_configured_admins_need_no_row(team):
    ada = team.person("ADA@t.org", admins=["ada@t.org"])
    assert ada is not None and ada.admin and ada.grants == {}
    assert team.person("bob@t.org", admins=["ada@t.org"]) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: t.add_person("not-an-email", "X", False, "a"), "is not an email address"),
        (lambda t: t.add_person("", "X", False, "a"), "is not an email address"),
        (lambda t: t.grant("ghost@t.org", "p", "viewer", "a"), "Add ghost@t.org to the team"),
        (lambda t: t.grant("a@t.org", "p", "admin", "a"), "Pick a role among"),
    ],
)
def test_bad_people_and_grants_are_one_sentence(team, call, message):
    team.add_person("a@t.org", "A", False, "setup")
    with pytest.raises(TeamError, match=message):
        call(team)


def test_grants_follow_a_renamed_practice(team):
    team.add_person("o@t.org", "O", False, "a")
    team.grant("o@t.org", "/d/old_name.duckdb", "owner", "a")
    assert team.rename_practice("/d/old_name.duckdb", "/d/new_name.duckdb", "a") == 1
    assert team.person("o@t.org").grants == {"new_name": "owner"}


def test_every_change_is_audited_newest_first(team):
    team.add_person("o@t.org", "O", False, "ada@t.org")
    team.grant("o@t.org", "harbor_pt", "owner", "ada@t.org")
    team.record("o@t.org", "export", "/d/harbor_pt.duckdb", "overview.csv")
    log = team.audit()
    assert list(log["Action"]) == ["export", "grant", "person"]
    assert list(log["Who"]) == ["o@t.org", "ada@t.org", "ada@t.org"]
    assert list(log["Practice"].fillna("-")) == ["harbor_pt", "harbor_pt", "-"]
    assert list(log["What"]) == ["overview.csv", "o@t.org is owner", "o@t.org saved as member"]


def test_the_schema_is_standard_sql():
    # What a PostgreSQL backend runs as written: no engine types, upserts or DuckDB syntax.
    text = " ".join(TEAM_SCHEMA).upper()
    for word in ("INSERT OR", "ON CONFLICT", "SEQUENCE", "STRUCT", "LIST", "HUGEINT", "AUTO"):
        assert word not in text
    assert set(re.findall(r"\b([A-Z]+)(?:\(\d+\))?\s+(?:NOT NULL|PRIMARY|CHECK|,|\n)", text)) == {
        "VARCHAR",
        "BOOLEAN",
        "TIMESTAMP",
    }


@pytest.fixture
def practice(tmp_path):
    store = Store(tmp_path / "harbor_pt.duckdb")
    yield store
    store.close()


def _prepared(store):
    return prepare(CSV, "march.csv", store.ingest_context(), kind="referrals")


def test_a_viewer_cannot_write_and_nothing_changes(practice, team):
    viewer = Person(email="v@t.org", grants={practice_key(practice.path): "viewer"})
    guarded = GuardedStore(practice, viewer, team)
    assert guarded.is_empty()  # reads pass through
    with pytest.raises(AccessDenied, match="A viewer may not upload exports"):
        guarded.save(_prepared(practice).batch())
    with pytest.raises(AccessDenied, match="merge or edit partners"):
        guarded.record_decisions([{"action": "rename", "source": "x", "canonical": "y"}])
    assert practice.is_empty() and team.audit().empty


def test_opening_an_ungranted_practice_is_refused(practice, team):
    other = Person(email="o@t.org", grants={"northside_pt": "owner"})
    with pytest.raises(AccessDenied, match="has no access to this practice"):
        GuardedStore(practice, other, team)


def test_an_owners_upload_and_delete_are_audited(practice, team):
    owner = Person(email="o@t.org", grants={practice_key(practice.path): "owner"})
    guarded = GuardedStore(practice, owner, team)
    result = guarded.save(_prepared(practice).batch())
    assert result.status == "loaded"
    assert guarded.delete_upload(result.upload_id) == 3
    log = team.audit()
    assert list(log["Action"]) == ["delete", "upload"]
    assert list(log["What"]) == [
        f"upload #{result.upload_id} and its 3 rows",
        f"march.csv: 3 referrals rows, loaded (upload #{result.upload_id})",
    ]
    assert set(log["Practice"]) == {practice_key(practice.path)} and set(log["Who"]) == {"o@t.org"}


def test_an_export_is_checked_and_logged_when_the_file_is_made(team):
    viewer = Person(email="v@t.org", grants={"harbor_pt": "viewer"})
    made = guarded_export(viewer, "/d/harbor_pt.duckdb", team, "overview.csv", lambda: b"a,b")
    assert team.audit().empty  # nothing until the download runs
    assert made() == b"a,b"
    assert list(team.audit()["What"]) == ["overview.csv"]
    refused = guarded_export(viewer, "/d/northside_pt.duckdb", team, "x.csv", lambda: b"secret")
    with pytest.raises(AccessDenied):
        refused()
    assert len(team.audit()) == 1


def test_an_owners_merge_is_audited_with_what_was_merged(practice, team):
    owner = Person(email="o@t.org", grants={practice_key(practice.path): "owner"})
    guarded = GuardedStore(practice, owner, team)
    guarded.save(_prepared(practice).batch())
    assert practice.referral_sources() == {"Carla Cee", "Quentin Zzyzx"}
    identity.merge(guarded, ["Carla Cee", "Quentin Zzyzx"], "Quentin Zzyzx")
    entry = team.audit().iloc[0]
    assert (entry["Action"], entry["Who"], entry["Practice"]) == (
        "merge",
        "o@t.org",
        practice_key(practice.path),
    )
    assert entry["What"] == "1 decision(s): merge Carla Cee -> Quentin Zzyzx"
    assert practice.referral_sources() == {"Quentin Zzyzx"}
