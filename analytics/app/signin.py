"""Who is using this session: Streamlit's own sign-in (st.login, OpenID Connect) when
`.streamlit/secrets.toml` has an [auth] section, else the implicit local admin of an app that
listens on this machine only. dashboard.py calls `guard()` before anything else renders."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from streamlit import config as st_config

from analytics.access import (
    LOCAL_ADDRESSES,
    LOCAL_ADMIN,
    MANAGE_PEOPLE,
    VIEW,
    AccessDenied,
    Person,
    allowed,
    exposure_problem,
    presenting_as_viewer,
    require,
    visible_practices,
)
from analytics.store import DEFAULT_DB
from analytics.store.location import is_postgres
from analytics.store.team import TEAM_FILE, TeamError, TeamStore
from analytics.text import md

__all__ = [
    "ADMINS_ENV",
    "OVERRIDE_ENV",
    "TeamError",
    "config_admins",
    "current_person",
    "granted_path",
    "guard",
    "override",
    "presenter",
    "show_person",
    "signin_configured",
    "stop_here",
    "team",
    "team_admin",
    "visible",
]

OVERRIDE_ENV = "REFERRALS_NO_AUTH_I_KNOW"
ADMINS_ENV = "REFERRALS_ADMINS"
EXPOSED_WARNING = (
    "No sign-in: this app is reachable beyond this machine, and anyone who reaches its "
    "address can see and change every practice (the no-sign-in override is set)."
)
NOBODY = Person(email="(not signed in)")
_said_refusal = False


def _section(name: str) -> Mapping:
    """A section of the secrets (.streamlit/secrets.toml), empty when there is none."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        section = st.secrets.get(name)
    except Exception:
        # Unreadable secrets are no sign-in: bound beyond this machine, the app refuses.
        return {}
    return section if isinstance(section, Mapping) else {}


def signin_configured() -> bool:
    """True when the secrets have an [auth] section: st.login signs people in."""
    return bool(_section("auth"))


def override() -> bool:
    """True when the operator accepts serving without sign-in beyond this machine."""
    if os.environ.get(OVERRIDE_ENV, "").strip() == "1":
        return True
    return _section("referrals").get("no_auth_i_know") is True


def config_admins() -> tuple[str, ...]:
    """The admins configuration names ($REFERRALS_ADMINS, secrets [referrals] admins): the
    first admin of a new team, and a way back in for whoever runs the server."""
    named = [a for a in os.environ.get(ADMINS_ENV, "").split(",") if a.strip()]
    listed = _section("referrals").get("admins", [])
    named += [listed] if isinstance(listed, str) else [str(a) for a in listed]
    return tuple(sorted({a.strip().lower() for a in named if a.strip()}))


def _home() -> str:
    return str(os.environ.get("REFERRALS_DB") or DEFAULT_DB)


def _folder() -> Path:
    """The data folder (presentation locks): the store's, or the default one for PostgreSQL."""
    home = _home()
    return Path(DEFAULT_DB).parent if is_postgres(home) else Path(home).parent


@st.cache_resource(show_spinner=False, max_entries=4)
def _team(path: str) -> TeamStore:
    return TeamStore(path)


def team() -> TeamStore:
    """The team store (people, grants, audit log): the data folder's team.db, or the `team`
    schema of the PostgreSQL database the app was started on."""
    home = _home()
    return _team(home if is_postgres(home) else str(_folder() / TEAM_FILE))


def team_admin() -> TeamStore:
    """The team store for managing people and grants: admins only (a refusal stops the run
    with one sentence)."""
    try:
        require(current_person(), None, MANAGE_PEOPLE)
    except AccessDenied as exc:
        st.error(md(str(exc)))
        st.stop()
    return team()


PUBLIC_ADDRESS_ENV = "REFERRALS_PUBLIC_ADDRESS"


def _address() -> str | None:
    """Where people reach the app: the proxy's address when one fronts it (set by
    deploy/team in $REFERRALS_PUBLIC_ADDRESS), else the address Streamlit is bound to."""
    public = os.environ.get(PUBLIC_ADDRESS_ENV, "").strip()
    if public:
        return public
    # streamlit.config, not st.get_option: an AppTest patches the former only.
    address = st_config.get_option("server.address")
    if not address and st_config.get_option("global.appTest"):
        # An AppTest serves nothing; a test that binds an address sets it.
        return "127.0.0.1"
    return address


FORWARDED = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")


def _proxied() -> bool:
    """True when this session's request was forwarded by a reverse proxy whose address is
    unknown; a proxy that says where it listens ($REFERRALS_PUBLIC_ADDRESS) is judged by it."""
    if os.environ.get(PUBLIC_ADDRESS_ENV, "").strip():
        return False
    try:
        headers = st.context.headers
    except Exception:
        # No request behind this run (a test or a bare script): nothing was forwarded.
        return False
    return any(headers.get(h) for h in FORWARDED)


def _signed_in_email() -> tuple[str | None, str]:
    """The signed-in email (None when not signed in) and the reason when it is unusable."""
    user = st.user
    if not user.get("is_logged_in"):
        return None, ""
    email = user.get("email") or user.get("preferred_username")
    if not email or "@" not in str(email):
        return None, "Your sign-in gave no email address; ask an admin which account to use."
    if user.get("email_verified") is False:
        return None, f"{email} is not verified by your sign-in provider; verify it first."
    return str(email).strip().lower(), ""


def presenter() -> str | None:
    """Whose presentation lock applies to this session: the signed-in email with sign-in
    (each person presents on their own sessions), None for the one lock of a local app."""
    if not signin_configured():
        return None
    return _signed_in_email()[0] or "(not signed in)"


def _locked(person: Person) -> Person:
    from analytics.app.presentation import locked_practice

    locked = locked_practice(_folder(), presenter())
    return person if locked is None else presenting_as_viewer(person, locked)


def current_person() -> Person:
    """The person this run acts for: the one guard() found, else (a page run on its own)
    found the same way without drawing anything; nobody when not let in."""
    person = st.session_state.get("_person")
    if isinstance(person, Person):
        return person
    if not signin_configured():
        if exposure_problem(_address(), False, override(), proxied=_proxied()):
            return NOBODY
        return _locked(LOCAL_ADMIN)
    email, _ = _signed_in_email()
    found = team().person(email, config_admins()) if email else None
    return NOBODY if found is None else _locked(found)


def granted_path(path: str, choices: list[str]) -> str | None:
    """`path` when this session may open it, else the first of `choices` it may, else None."""
    person = current_person()
    if allowed(person, path, VIEW):
        return path
    return next((c for c in choices if allowed(person, c, VIEW)), None)


def visible(paths: list[str]) -> list[str]:
    """The practices among `paths` this session may open (order kept)."""
    return visible_practices(current_person(), paths)


def show_person(person: Person) -> None:
    """Who is signed in and a Sign out button (nothing for the local user of an app
    without sign-in)."""
    if person.local or not signin_configured():
        return
    role = "admin" if person.admin else ", ".join(sorted(set(person.grants.values()))) or "—"
    who = f"{person.name} ({person.email})" if person.name else person.email
    st.caption(md(f"Signed in as {who} · {role}"))
    st.button(
        "Sign out", key="logout", on_click=st.logout, icon=":material/logout:", type="tertiary"
    )


def _sign_in_page(reason: str = "") -> None:
    st.title("Referral Power")
    if reason:
        st.error(md(reason))
    st.write("Sign in to see the practices you work on.")
    providers = [k for k, v in _section("auth").items() if isinstance(v, Mapping)]
    if providers and "client_id" not in _section("auth"):
        for name in providers:
            st.button(
                f"Sign in with {name.title()}",
                key=f"login_{name}",
                on_click=st.login,
                args=(name,),
                type="primary",
            )
    else:
        st.button("Sign in", key="login", on_click=st.login, type="primary")


def _sign_in() -> None:
    """The one page a session that is not let in has (its content is drawn before)."""


def stop_here() -> None:
    """End the run showing only what was drawn so far (no page names, no practice)."""
    _stop()


def _stop() -> None:
    # Registering one hidden page ends Streamlit's pages/ folder listing: a session that is
    # not let in sees no page names, and any address runs this frame again.
    st.navigation([st.Page(_sign_in, title="Referral Power", default=True)], position="hidden")
    st.stop()


def _refuse(problem: str) -> None:
    global _said_refusal
    if not _said_refusal:
        # Said once in the server's log too, where whoever started it looks.
        print(f"Referral Power refuses to serve: {problem}", file=sys.stderr, flush=True)
        _said_refusal = True
    st.error(problem, icon=":material/lock:")
    _stop()


def guard() -> Person:
    """Decide who this run acts for, before any page renders: refuse an app exposed without
    sign-in, show the sign-in page to someone not signed in, else name them in the sidebar."""
    st.session_state["_person"] = NOBODY
    if not signin_configured():
        address = _address()
        problem = exposure_problem(address, False, override(), proxied=_proxied())
        if problem:
            _refuse(problem)
        if (address or "").strip() not in LOCAL_ADDRESSES or _proxied():
            st.warning(EXPOSED_WARNING, icon=":material/warning:")
        person = LOCAL_ADMIN
    else:
        email, reason = _signed_in_email()
        if email is None:
            _sign_in_page(reason)
            _stop()
        person = team().person(email, config_admins())
        if person is None:
            st.title("Referral Power")
            st.error(
                md(
                    f"You are signed in as {email}, who is not on this team yet; ask an "
                    "admin to add you."
                )
            )
            st.button("Sign out", key="logout_unknown", on_click=st.logout)
            _stop()
    person = _locked(person)
    st.session_state["_person"] = person
    return person
