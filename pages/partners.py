"""Partners: who is who. Merge spellings, name partners, set types and organisations."""

import streamlit as st

from analytics import identity
from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.formatting import count, pct
from analytics.schema import SOURCE_TYPE_LABELS, SOURCE_TYPES
from analytics.text import md

app_state.run_in_frame()

SHOWN = 25

st.title("Partners")
st.caption(
    "The same doctor is typed many ways. Merge the spellings that are one referrer, keep apart "
    "the ones that are not, and say which practice group each partner belongs to. Every "
    "decision applies to past and future uploads, and every page, at once; undo it any time."
)
app_widgets.stop_when_empty()


def act(action, *args, done: str) -> None:
    """Run one identity decision on the store; the outcome is shown after the rerun."""
    try:
        result = action(app_state.get_store(), *args)
    except identity.IdentityError as exc:
        st.session_state["partners_message"] = ("error", str(exc))
        return
    if isinstance(result, identity.ImportResult | identity.BulkResult):
        done = result.sentence
    st.session_state["partners_message"] = ("success", done)


def act_with(action, key: str, *args, done: str) -> None:
    """Like act, with the value of the widget `key` as the last argument."""
    act(action, *args, st.session_state.get(key), done=done)


kind, text = st.session_state.pop("partners_message", (None, None))
if kind == "error":
    st.error(md(text), icon=":material/error:")
elif kind == "success":
    st.success(md(text), icon=":material/check_circle:")

filters = app_state.current_filters()
view = app_loaders.identity_view()
now = app_loaders.concentration_now(filters)
tiles = st.columns(4)
tiles[0].metric("Partners", count(now["partners"]), border=True)
tiles[1].metric("Largest share", pct(now["cr1"]), border=True)
tiles[2].metric(
    "HHI", count(now["hhi"]), help="0 to 10,000; above 1,800 is concentrated.", border=True
)
tiles[3].metric("To review", count(len(view.suggestions) + len(view.outreach)), border=True)

suggested, outreach, by_hand, edit, decided = st.tabs(
    ["Suggested merges", "Outreach names", "Merge by hand", "Edit a partner", "Decisions"]
)


def bulk_accept(suggestions: tuple, percent: int) -> None:
    """Accept every suggestion at or above `percent`, once the owner has confirmed."""
    act(identity.accept_all, suggestions, percent / 100, done="")
    st.session_state["bulk_confirm"] = False


with suggested:
    if not view.suggestions:
        st.success("No likely duplicates among the referral sources.")
    else:
        st.caption(
            "Largest effect on concentration first: pairs of partners, then by the share of "
            "referrals the two hold together."
        )
        with st.expander("Accept many at once"):
            percent = st.slider(
                "Accept every suggestion at least this sure (%)", 50, 99, 90, key="bulk_percent"
            )
            chosen, held_back = identity.bulk_candidates(view.suggestions, percent / 100)
            st.write(
                f"{count(len(chosen))} suggestions would be merged"
                + (f"; {count(held_back)} above it name several candidates or overlap and are "
                   "left for you." if held_back else ".")
            )  # fmt: skip
            confirmed = st.checkbox(
                f"Yes, merge these {count(len(chosen))} pairs (each can be undone under Decisions)",
                key="bulk_confirm",
                disabled=not chosen,
            )
            st.button(
                "Merge them",
                key="bulk_accept",
                type="primary",
                disabled=not (chosen and confirmed),
                on_click=bulk_accept,
                args=(view.suggestions, percent),
            )
    for i, s in enumerate(view.suggestions[:SHOWN]):
        with st.container(border=True):
            text_col, buttons = st.columns([5, 2], vertical_alignment="center")
            text_col.markdown(
                f"**{md(s.source)}** ({count(s.source_referrals)} referrals) into "
                f"**{md(s.target)}** ({count(s.target_referrals)})"
            )
            held = (
                (s.source_referrals + s.target_referrals) / view.referrals if view.referrals else 0
            )
            text_col.caption(
                md(
                    f"{pct(s.confidence, 0)} sure, {pct(held, 1)} of referrals together: "
                    f"{'; '.join(s.evidence)}"
                )
            )
            left, right = buttons.columns(2)
            left.button(
                "Merge",
                key=f"accept_{i}",
                type="primary",
                on_click=act,
                args=(identity.accept, s),
                kwargs={"done": f"Merged {s.source} into {s.target}."},
            )
            right.button(
                "Different",
                key=f"reject_{i}",
                on_click=act,
                args=(identity.reject, s),
                kwargs={"done": f"{s.source} and {s.target} stay apart."},
            )
    if len(view.suggestions) > SHOWN:
        st.caption(f"{len(view.suggestions) - SHOWN} more after these.")

with outreach:
    st.caption(
        "Names in the outreach log that are no referral source. Map each to the partner it "
        "means, so lunches and visits count toward that partner's return."
    )
    if not view.outreach:
        st.success("Every outreach name is a referral source.")
    for i, name in enumerate(view.outreach[:SHOWN]):
        with st.container(border=True):
            text_col, pick, button = st.columns([3, 3, 1], vertical_alignment="bottom")
            text_col.markdown(f"**{md(name.name)}** ({count(name.activities)} activities)")
            best = name.candidates[0] if name.candidates else None
            text_col.caption(
                md(f"Best match {pct(best.confidence, 0)} sure: {'; '.join(best.evidence)}")
                if best
                else "No likely match."
            )
            options = view.choices_for(name)
            pick.selectbox(
                "Partner",
                options,
                index=0 if best else None,
                key=f"outreach_pick_{i}",
                placeholder="Choose the referral source",
                label_visibility="collapsed",
            )
            button.button(
                "Map",
                key=f"outreach_map_{i}",
                on_click=act_with,
                args=(identity.merge_into, f"outreach_pick_{i}", name.name),
                kwargs={"done": f"{name.name} is now read as the partner you chose."},
            )

with by_hand:
    chosen = st.multiselect("Sources that are one referrer", view.sources, key="merge_sources")
    keep = st.selectbox("Keep the name", chosen, key="merge_into", disabled=not chosen)
    st.button(
        "Merge",
        key="merge_by_hand",
        type="primary",
        disabled=len(chosen) < 2,
        on_click=act,
        args=(identity.merge, chosen, keep),
        kwargs={"done": f"Merged into {keep}."},
    )

with edit:
    partner = st.selectbox("Partner", view.sources, key="edit_partner")
    if partner:
        name_col, name_button = st.columns([4, 1], vertical_alignment="bottom")
        name_col.text_input("Canonical name", value=partner, key=f"rename_{partner}")
        name_button.button(
            "Rename",
            key="rename",
            on_click=act_with,
            args=(identity.rename, f"rename_{partner}", partner),
            kwargs={"done": f"Renamed {partner}."},
        )
        type_col, type_button = st.columns([4, 1], vertical_alignment="bottom")
        current_type = view.types.get(partner, "unknown")
        type_col.selectbox(
            "Type",
            SOURCE_TYPES,
            index=SOURCE_TYPES.index(current_type),
            format_func=SOURCE_TYPE_LABELS.get,
            key=f"type_{partner}",
        )
        type_button.button(
            "Set type",
            key="set_type",
            on_click=act_with,
            args=(identity.set_type, f"type_{partner}", partner),
            kwargs={"done": f"Set the type of {partner}."},
        )
        org_col, org_button = st.columns([4, 1], vertical_alignment="bottom")
        org_col.selectbox(
            "Organisation (practice group, health system)",
            view.organizations,
            index=None,
            accept_new_options=True,
            key=f"organization_{partner}",
            placeholder=view.organization_of.get(partner) or "None: type or choose one",
        )
        org_button.button(
            "Set",
            key="set_organization",
            on_click=act_with,
            args=(identity.set_organization, f"organization_{partner}", partner),
            kwargs={"done": f"Set the organisation of {partner}."},
        )
        if view.organization_of.get(partner):
            st.button(
                "Take out of its organisation",
                key="clear_organization",
                on_click=act,
                args=(identity.set_organization, partner, None),
                kwargs={"done": f"{partner} has no organisation now."},
            )
        spellings = view.spellings.get(partner, ())
        if len(spellings) > 1:
            st.markdown("**Spellings read as this partner**")
            st.caption("Split off a spelling that is somebody else: it becomes its own source.")
            for j, spelling in enumerate(spellings):
                row_text, row_button = st.columns([5, 1], vertical_alignment="center")
                row_text.markdown(md(spelling))
                row_button.button(
                    "Split off",
                    key=f"split_{j}",
                    on_click=act,
                    args=(identity.split_spelling, spelling),
                    kwargs={"done": f"“{spelling}” is its own source now."},
                )

with decided:
    export, upload = st.columns(2)
    # The store is bound now: the button runs this later, outside this session's state.
    chosen_store = app_state.get_store()
    export.download_button(
        "Export decisions (CSV)",
        data=app_state.export_data(
            "referrer_decisions.csv", lambda: identity.export_csv(chosen_store)
        ),
        file_name="referrer_decisions.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="export_decisions",
    )
    upload.file_uploader("Import decisions (CSV)", type=["csv"], key="import_decisions")
    if st.session_state.get("import_decisions") is not None:
        upload.button(
            "Import",
            key="import",
            on_click=act_with,
            args=(identity.import_csv, "import_decisions"),
            kwargs={"done": ""},
        )
    if view.decisions.empty:
        st.info("No decisions yet: every source reads as the exports name it.")
    for row in view.decisions.head(SHOWN).itertuples(index=False):
        text_col, button = st.columns([6, 1], vertical_alignment="center")
        text_col.markdown(f"{md(row.Decision)}  \n:gray[{row.When:%b %d, %Y %H:%M} {md(row.Note)}]")
        button.button(
            "Undo",
            key=f"undo_{row.ID}",
            on_click=act,
            args=(identity.undo, [row.ID]),
            kwargs={"done": f"Undid: {row.Decision}."},
        )
    app_widgets.show_table(view.partners, "partners")

# Owner-managed relationships (issue 17): the diligence schedules report their share.
st.subheader("Relationships the owner handles personally")
st.caption(
    "Buyers ask whether the referrals belong to the practice or to the owner: flag the "
    "partners whose relationship rests on the owner personally. The Diligence page shows the "
    "share of referrals they send each year."
)
owner_options = app_loaders.partner_names(filters)
owner_saved = sorted(app_state.get_store().owner_managed())
owner_picked = st.multiselect(
    "Owner-managed partners",
    sorted(set(owner_options) | set(owner_saved)),
    default=owner_saved,
    key="owner_managed_pick",
)
if st.button("Save owner-managed partners", key="owner_managed_save"):
    store = app_state.get_store()
    store.set_owner_managed(sorted(set(owner_saved) - set(owner_picked)), managed=False)
    store.set_owner_managed(owner_picked, managed=True)
    st.session_state["partners_message"] = (
        "success",
        f"{len(owner_picked)} partner{'s' if len(owner_picked) != 1 else ''} marked as "
        "owner-managed.",
    )
    st.rerun()
