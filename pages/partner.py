"""Partner view: one referrer's own numbers, months, clinics and payers (the drill-down)."""

import streamlit as st

from analytics import charts
from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.formatting import day
from analytics.text import md

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Partner view")
app_widgets.stop_when_empty()
names = app_loaders.partner_names(filters)
if not names:
    app_widgets.stop_when_empty(0)

# st.session_state["partner"] is set by a click on another page; the picker follows it.
wanted = st.session_state.get("partner")
if wanted in names and st.session_state.get("partner_pick") != wanted:
    st.session_state["partner_pick"] = wanted
elif st.session_state.get("partner_pick") not in names:
    st.session_state["partner_pick"] = names[0]


def _remember() -> None:
    st.session_state["partner"] = st.session_state["partner_pick"]


name = st.selectbox(
    "Partner",
    names,
    key="partner_pick",
    on_change=_remember,
    help="Partners of the period first, most referrals first; then earlier partners by name.",
)
view = app_loaders.partner(filters, name)
if view is None:
    st.info(f"{md(name)} sent no referrals up to the end of this period. Pick a longer period.")
    st.stop()
facts = view.facts
st.caption(
    f"{view.type_label} · first referral {day(facts['first_referral'])} · "
    f"last referral {day(facts['last_referral'])}"
    + (
        f" ({facts['days_since_last']:,} {'day' if facts['days_since_last'] == 1 else 'days'} "
        "before the period end)"
        if facts["days_since_last"]
        else " (the period's last day)"
    )
)
for note in view.status:
    st.warning(md(note), icon=":material/priority_high:")

app_widgets.show_tiles(view.tiles, per_row=5)

color = charts.LABEL_COLORS.get(view.type_label, charts.OKABE_ITO["blue"])
app_widgets.show_chart(
    lambda: charts.partner_chart(view.monthly, name, color),
    "partner_months",
    view.monthly,
    vary=name,
)

clinics, payers = st.columns(2, gap="large")
with clinics:
    st.subheader("Clinics")
    app_widgets.show_table(view.clinics, "partner_clinics")
with payers:
    st.subheader("Payers")
    app_widgets.show_table(view.payers, "partner_payers")
st.subheader(md(view.members_label))
app_widgets.show_table(view.members, "partner_members")

# Source quality of this partner (issue 17): what its referrals are worth, not how many.
st.subheader("Source quality")
own = app_loaders.partner_quality(filters, name)
if own.empty:
    st.info("No referrals from this partner in the period.")
else:
    app_widgets.show_table(own, "partner_quality")
