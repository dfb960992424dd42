"""Team (admins only): people, their roles on practices, and the audit log."""

import streamlit as st

from analytics.access import GRANT_ROLES
from analytics.app import signin
from analytics.app import state as app_state
from analytics.store import display_name
from analytics.text import md

app_state.run_in_frame()
team = signin.team_admin()
me = signin.current_person().email
st.title("Team")
st.caption(
    "Who may sign in, and what each person may do on which practice: a viewer reads pages "
    "and reports, an owner also uploads and edits partners, a consultant also presents; an "
    "admin reaches every practice and this page."
)


def _done(kind: str, text: str) -> None:
    st.session_state["team_message"] = (kind, text)


def _add() -> None:
    try:
        email = signin.team_admin().add_person(
            st.session_state.get("team_email", ""),
            st.session_state.get("team_name", ""),
            bool(st.session_state.get("team_admin")),
            me,
        )
    except signin.TeamError as exc:
        _done("error", str(exc))
        return
    st.session_state["team_email"] = ""
    st.session_state["team_name"] = ""
    _done("success", f"Saved {email}. Grant them a practice below.")


def _grant() -> None:
    email, practice = st.session_state.get("grant_email"), st.session_state.get("grant_practice")
    role = st.session_state.get("grant_role")
    try:
        signin.team_admin().grant(email or "", practice or "", role or "", me)
    except signin.TeamError as exc:
        _done("error", str(exc))
        return
    _done("success", f"{email} is now {role} of {display_name(practice)}.")


def _revoke(email: str, practice: str) -> None:
    signin.team_admin().revoke(email, practice, me)
    _done("success", f"{email} no longer has access to {practice}.")


def _remove(email: str) -> None:
    if email == me:
        _done("error", "You cannot take yourself off the team; ask another admin.")
        return
    removed = signin.team_admin().remove_person(email, me)
    _done("success", f"Took {email} off the team with {removed} grant(s).")


message = st.session_state.pop("team_message", None)
if message:
    (st.error if message[0] == "error" else st.success)(md(message[1]))

people = team.people()
practices = app_state.store_choices()
add, grant = st.columns(2, gap="large")
with add, st.form("team_add", border=True):
    st.markdown("**Add a person**")
    st.text_input("Email they sign in with", key="team_email", placeholder="dana@clinic.org")
    st.text_input("Name", key="team_name")
    st.checkbox("Admin (every practice, and this page)", key="team_admin")
    st.form_submit_button("Save person", icon=":material/person_add:", on_click=_add)
with grant, st.form("team_grant", border=True):
    st.markdown("**Grant a practice**")
    st.selectbox("Person", list(people["Email"]), key="grant_email")
    st.selectbox("Practice", practices, format_func=display_name, key="grant_practice")
    st.selectbox("Role", GRANT_ROLES, key="grant_role", format_func=str.capitalize)
    st.form_submit_button("Grant", icon=":material/key:", on_click=_grant)

st.subheader("People", divider="gray")
admins = signin.config_admins()
if admins:
    st.caption(md(f"Admins from the server's configuration: {', '.join(admins)}."))
st.dataframe(people, hide_index=True, width="stretch")
if not people.empty:
    with st.expander("Take someone off the team"):
        who = st.selectbox("Person", list(people["Email"]), key="remove_email")
        st.button("Remove", key="remove_go", on_click=_remove, args=(who,))

st.subheader("Grants", divider="gray")
grants = team.grants()
if grants.empty:
    st.info("No grants yet: only admins can open a practice.")
else:
    st.dataframe(grants, hide_index=True, width="stretch")
    labels = {f"{r.Email} · {r.Practice}": (r.Email, r.Practice) for r in grants.itertuples()}
    with st.expander("Revoke a grant"):
        picked = st.selectbox("Grant", list(labels), key="revoke_pick")
        st.button("Revoke", key="revoke_go", on_click=_revoke, args=labels[picked])

st.subheader("Audit log", divider="gray")
st.caption("Who uploaded, deleted, merged, exported and changed access, newest first (UTC).")
st.dataframe(team.audit(), hide_index=True, width="stretch")
