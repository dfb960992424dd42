"""Roles and grants (analytics.access): a hand-written matrix of every role, action and
granted-or-not practice, the refusals' sentences, and when an app may serve without sign-in."""

from __future__ import annotations

import pytest

from analytics.access import (
    ACTIONS,
    LOCAL_ADMIN,
    AccessDenied,
    Person,
    allowed,
    exposure_problem,
    practice_key,
    presenting_as_viewer,
    require,
    visible_practices,
)

A = "/data/northside_pt.duckdb"
B = "/data/harbor_pt.duckdb"

# Written out by hand, not derived from ROLE_ACTIONS: Y = allowed on the granted practice A.
#          view export upload delete identity settings present create_practice manage_people
MATRIX = {
    "viewer": "Y Y . . . . . . .",
    "owner": "Y Y Y Y Y Y . . .",
    "consultant": "Y Y Y Y Y Y Y . .",
    "admin": "Y Y Y Y Y Y Y Y Y",
}
ORDER = (
    "view",
    "export",
    "upload",
    "delete",
    "identity",
    "settings",
    "present",
    "create_practice",
    "manage_people",
)
TEAM = {"create_practice", "manage_people"}


def person(role: str) -> Person:
    if role == "admin":
        return Person(email="ada@team.org", admin=True)
    return Person(email=f"{role}@team.org", grants={"northside_pt": role})


def test_the_matrix_names_every_action():
    assert set(ORDER) == set(ACTIONS)


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("index", range(len(ORDER)))
def test_role_by_action_on_granted_and_ungranted_practices(role, index):
    action = ORDER[index]
    expected = MATRIX[role].split()[index] == "Y"
    who = person(role)
    practice = None if action in TEAM else A
    assert allowed(who, practice, action) is expected
    # On a practice not granted, only an admin may do anything (team actions aside).
    other = None if action in TEAM else B
    assert allowed(who, other, action) is (role == "admin")
    if expected:
        require(who, practice, action)
    else:
        with pytest.raises(AccessDenied):
            require(who, practice, action)


def test_a_person_with_no_grant_may_do_nothing():
    nobody = Person(email="x@y.org")
    assert not any(allowed(nobody, A, a) for a in ACTIONS)
    assert visible_practices(nobody, [A, B]) == []


@pytest.mark.parametrize(
    ("who", "practice", "action", "sentence"),
    [
        (
            "viewer",
            A,
            "upload",
            "A viewer may not upload exports into this practice; ask an admin for another role.",
        ),
        (
            "owner",
            B,
            "view",
            "owner@team.org has no access to this practice; ask an admin to grant it.",
        ),
        (
            "consultant",
            None,
            "manage_people",
            "Only an admin may manage people and grants; consultant@team.org is not one.",
        ),
        (
            "owner",
            A,
            "present",
            "An owner may not present this practice; ask an admin for another role.",
        ),
    ],
)
def test_refusals_are_one_sentence(who, practice, action, sentence):
    with pytest.raises(AccessDenied) as refused:
        require(person(who), practice, action)
    assert str(refused.value) == sentence


def test_an_unknown_action_is_a_bug_not_a_refusal():
    with pytest.raises(ValueError, match="unknown action"):
        allowed(LOCAL_ADMIN, A, "peek")


@pytest.mark.parametrize(
    ("practice", "key"),
    [
        ("/data/northside_pt.duckdb", "northside_pt"),
        ("northside_pt", "northside_pt"),
        ("C:\\data\\harbor_pt.duckdb", "harbor_pt"),
    ],
)
def test_a_practice_is_keyed_by_its_store_file_stem(practice, key):
    assert practice_key(practice) == key


def test_the_selector_lists_granted_practices_in_order():
    who = Person(email="c@t.org", grants={"harbor_pt": "consultant", "zed": "viewer"})
    assert visible_practices(who, [A, B, "/data/zed.duckdb"]) == [B, "/data/zed.duckdb"]
    assert visible_practices(LOCAL_ADMIN, [A, B]) == [A, B]


@pytest.mark.parametrize("role", ["admin", "consultant", "owner", "viewer"])
def test_presenting_makes_anyone_a_viewer_of_the_locked_practice_only(role):
    shown = presenting_as_viewer(person(role), A)
    assert [a for a in ORDER if allowed(shown, A if a not in TEAM else None, a)] == [
        "view",
        "export",
    ]
    assert not allowed(shown, B, "view")


def test_presenting_never_widens_access():
    owner_of_b = Person(email="o@t.org", grants={"harbor_pt": "owner"})
    assert not allowed(presenting_as_viewer(owner_of_b, A), A, "view")


@pytest.mark.parametrize(
    ("address", "signin", "override", "refused"),
    [
        ("127.0.0.1", False, False, False),
        ("localhost", False, False, False),
        ("::1", False, False, False),
        ("0.0.0.0", False, False, True),
        ("192.168.1.20", False, False, True),
        (None, False, False, True),  # Streamlit's default: every interface
        ("", False, False, True),
        ("0.0.0.0", True, False, False),
        ("0.0.0.0", False, True, False),
    ],
)
def test_without_sign_in_the_app_serves_this_machine_only(address, signin, override, refused):
    problem = exposure_problem(address, signin, override)
    assert (problem is not None) is refused
    if refused:
        assert problem.startswith(f"The app is bound to {address or 'every network interface'}")
        assert problem.count(". ") == 0 and problem.endswith("to accept that.")


@pytest.mark.parametrize(
    ("signin", "override", "refused"),
    [(False, False, True), (True, False, False), (False, True, False)],
)
def test_a_proxied_request_is_beyond_this_machine_whatever_the_binding(signin, override, refused):
    problem = exposure_problem("127.0.0.1", signin, override, proxied=True)
    assert (problem is not None) is refused
    if refused:
        assert problem.startswith("This request came through a proxy")


def test_a_postgresql_practice_is_granted_by_its_practice_name():
    from analytics.access import practice_key
    from analytics.store.catalog import practice_key as catalog_key

    for url, key in [
        ("postgresql://ann:pw@db:5432/ref?practice=northside_pt", "northside_pt"),
        ("postgres://db/ref?sslmode=require&practice=harbor", "harbor"),
        ("postgresql://db/ref", "referrals"),
    ]:
        assert practice_key(url) == key == catalog_key(url)
