"""Who may do what to which practice: roles, grants and the one check every read and write
passes (`require`). Pure rules; the people and grants come from analytics.store.team."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "ACTIONS",
    "ADMIN",
    "CONSULTANT",
    "GRANT_ROLES",
    "LOCAL_ADMIN",
    "OWNER",
    "ROLES",
    "ROLE_ACTIONS",
    "VIEWER",
    "AccessDenied",
    "Person",
    "allowed",
    "exposure_problem",
    "practice_key",
    "presenting_as_viewer",
    "require",
    "visible_practices",
]

ADMIN = "admin"
CONSULTANT = "consultant"
OWNER = "owner"
VIEWER = "viewer"
ROLES = (ADMIN, CONSULTANT, OWNER, VIEWER)
# An admin reaches every practice; the other roles are granted one practice at a time.
GRANT_ROLES = (CONSULTANT, OWNER, VIEWER)

# Actions on one practice, then actions on the team (practice None).
VIEW = "view"  # the pages' figures and tables
EXPORT = "export"  # CSV and PNG downloads, reports (workbook, PDF, deck), decision export
UPLOAD = "upload"  # save an export into the practice
DELETE = "delete"  # delete an upload and its rows
IDENTITY = "identity"  # merges, splits, renames, organisations, decision import
SETTINGS = "settings"  # targets, fiscal year, owner-managed partners, name and logo
PRESENT = "present"  # lock the app to this practice in front of a client
CREATE_PRACTICE = "create_practice"
MANAGE_PEOPLE = "manage_people"  # people, roles, grants, the audit log
ACTIONS = (
    VIEW,
    EXPORT,
    UPLOAD,
    DELETE,
    IDENTITY,
    SETTINGS,
    PRESENT,
    CREATE_PRACTICE,
    MANAGE_PEOPLE,
)
TEAM_ACTIONS = frozenset({CREATE_PRACTICE, MANAGE_PEOPLE})

_READ = frozenset({VIEW, EXPORT})
_WORK = _READ | {UPLOAD, DELETE, IDENTITY, SETTINGS}
ROLE_ACTIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        VIEWER: _READ,
        OWNER: _WORK,
        CONSULTANT: _WORK | {PRESENT},
        ADMIN: frozenset(ACTIONS),
    }
)

_WHAT = {
    VIEW: "open",
    EXPORT: "download reports or tables of",
    UPLOAD: "upload exports into",
    DELETE: "delete uploads of",
    IDENTITY: "merge or edit partners of",
    SETTINGS: "change the settings of",
    PRESENT: "present",
    CREATE_PRACTICE: "create practices",
    MANAGE_PEOPLE: "manage people and grants",
}


class AccessDenied(Exception):
    """The signed-in person may not do this; the message is one sentence for them."""


@dataclass(frozen=True)
class Person:
    """A signed-in person: email, admin or not, and their role on each granted practice
    (practice key -> role). `local` marks the implicit admin of an app without sign-in."""

    email: str
    name: str = ""
    admin: bool = False
    grants: Mapping[str, str] = field(default_factory=dict)
    local: bool = False

    def role_on(self, practice: str | None) -> str | None:
        """The person's role on the practice (admin everywhere), None without a grant."""
        if self.admin:
            return ADMIN
        if practice is None:
            return None
        return self.grants.get(practice_key(practice))

    @property
    def label(self) -> str:
        """How the sidebar names them."""
        return self.name or self.email


LOCAL_ADMIN = Person(email="local", name="Local user (no sign-in)", admin=True, local=True)


def practice_key(practice: object) -> str:
    """The key a grant names a practice by: its store file's stem (northside_pt), or the
    practice= of a PostgreSQL URL."""
    text = str(practice)
    if text.startswith(("postgresql://", "postgres://")):
        # store/location.py's rule, read here without importing the store (a layer up).
        found = [v for k, v in parse_qsl(urlsplit(text).query) if k == "practice"]
        return found[0] if found else "referrals"
    text = str(practice).replace("\\", "/").rsplit("/", 1)[-1]
    return text.removesuffix(".duckdb")


def allowed(person: Person, practice: object | None, action: str) -> bool:
    """True when the person may do `action` on the practice (None: a team action)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action in TEAM_ACTIONS:
        return person.admin
    if practice is None:
        return False
    role = person.role_on(practice_key(practice))
    return role is not None and action in ROLE_ACTIONS[role]


def require(person: Person, practice: object | None, action: str) -> None:
    """Pass when the person may do `action` on the practice; else AccessDenied, said once."""
    if allowed(person, practice, action):
        return
    if action in TEAM_ACTIONS:
        raise AccessDenied(f"Only an admin may {_WHAT[action]}; {person.email} is not one.")
    if practice is None or person.role_on(practice_key(practice)) is None:
        raise AccessDenied(
            f"{person.email} has no access to this practice; ask an admin to grant it."
        )
    role = str(person.role_on(practice_key(practice)))
    article = "An" if role[0] in "aeiou" else "A"
    raise AccessDenied(
        f"{article} {role} may not {_WHAT[action]} this practice; ask an admin for another role."
    )


def visible_practices(person: Person, practices: Iterable[object]) -> list:
    """The practices (paths or keys, order kept) the person may open."""
    return [p for p in practices if allowed(person, p, VIEW)]


def presenting_as_viewer(person: Person, locked: object) -> Person:
    """The person while a presentation holds the app: a viewer of the locked practice only,
    and only when they could open it anyway (presentation never widens access)."""
    key = practice_key(locked)
    grants = {key: VIEWER} if person.role_on(key) is not None else {}
    return replace(person, admin=False, grants=grants)


LOCAL_ADDRESSES = frozenset({"127.0.0.1", "localhost", "::1"})


def exposure_problem(
    address: str | None, signin: bool, override: bool, proxied: bool = False
) -> str | None:
    """Why the app must not serve (one sentence), or None: without sign-in it listens on
    this machine only, unless the override says anyone who reaches it may see everything.
    A request forwarded by a proxy (`proxied`) comes from beyond this machine, whatever the
    address the app is bound to."""
    if signin or override:
        return None
    if proxied:
        return (
            "This request came through a proxy, so the app is reachable beyond this machine "
            "without sign-in: configure sign-in ([auth] in .streamlit/secrets.toml), or set "
            "REFERRALS_NO_AUTH_I_KNOW=1 to accept that anyone who reaches it sees everything."
        )
    shown = address or "every network interface"
    if (address or "").strip() in LOCAL_ADDRESSES:
        return None
    return (
        f"The app is bound to {shown} without sign-in, so anyone who reaches it could see "
        "and change every practice: configure sign-in ([auth] in .streamlit/secrets.toml), "
        "bind it to 127.0.0.1, or set REFERRALS_NO_AUTH_I_KNOW=1 to accept that."
    )
