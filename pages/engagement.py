"""Engagement: who to call, who to thank, who is slipping, and whether the network grows."""

import streamlit as st

from analytics import charts
from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.outreach import RECENT_MONTHS, GrowthTargets, growth_status
from analytics.text import md
from analytics.views import CADENCE_PARTNERS, NO_LOG

app_state.run_in_frame()

filters = app_state.current_filters()
st.title("Engagement")
app_widgets.stop_when_empty()

head, setting = st.columns([3, 1], vertical_alignment="bottom")
overdue_days = setting.slider(
    "Overdue after (days)",
    min_value=14,
    max_value=180,
    value=60,
    step=7,
    key="overdue_days",
    help="A valuable partner with no logged contact for longer than this is overdue.",
)
data = app_loaders.engagement(filters, overdue_days)
app_widgets.stop_when_empty(data.referrals)
head.caption(
    f"{data.period}. Valuable partners are the {data.valuable} who together bring 80% of "
    f"partner {data.value.lower()} in the period."
)
if data.clinic_note:
    st.caption(md(data.clinic_note))

if not data.has_log:
    st.info(NO_LOG, icon=":material/campaign:")
else:
    st.subheader(f"This week (to {data.end})")
    if data.stale_note:
        st.warning(data.stale_note, icon=":material/schedule:")
    counts = data.action_counts
    tiles = st.columns(3)
    tiles[0].metric(
        "Slipping",
        counts["Slipping"],
        border=True,
        help="Declining or dormant partners (see Trends & alerts): call and ask what changed.",
    )
    tiles[1].metric(
        "To call",
        counts["Call"],
        border=True,
        help=f"Valuable partners with no contact logged in {data.overdue_days} days.",
    )
    tiles[2].metric(
        "To thank",
        counts["Thank"],
        border=True,
        help="Partners who sent two or more referrals in the last 30 days, or their first "
        "ever, with no contact logged in those days: a note or a call to say thanks.",
    )
    if data.actions.empty:
        st.success(
            "Nothing to do this week: no partner is slipping, overdue or waiting for thanks."
        )
    else:
        app_widgets.open_partner(
            app_widgets.show_outreach_table(data.actions, "this_week", select=True)
        )
        st.download_button(
            "Download printable list (HTML)",
            data=app_state.export_data("referral_partners_this_week.html", data.actions_html),
            file_name="referral_partners_this_week.html",
            mime="text/html",
            icon=":material/print:",
            key="print_this_week",
            on_click="ignore",
        )
        st.caption(
            "Downloads an HTML file with a tick box per partner: open it in your browser, then "
            "print it with its Print button (or Ctrl+P / ⌘P)."
        )

    st.subheader("Last contact against what each partner sends")
    app_widgets.show_chart(
        charts.contact_chart(data.contacts, data.overdue_days, data.value),
        "last_contact",
        data.contacts,
    )
    st.markdown(f"**Overdue: valuable partners with no contact in {data.overdue_days} days**")
    if data.overdue.empty:
        st.success(f"Every valuable partner was contacted in the last {data.overdue_days} days.")
    else:
        app_widgets.open_partner(
            app_widgets.show_outreach_table(data.overdue, "overdue", select=True)
        )

    thank, rethink = st.columns(2, gap="large")
    with thank:
        st.subheader("Referring without outreach")
        st.caption("Partners who sent patients in the period and got no contact: thank them.")
        if data.thank.empty:
            st.success("Every partner who referred in the period heard from you.")
        else:
            app_widgets.open_partner(
                app_widgets.show_outreach_table(data.thank, "refer_without_outreach", select=True)
            )
    with rethink:
        st.subheader("Outreach without referrals")
        st.caption(
            "Partners you reached in the period who sent no one: rethink the approach, or "
            "check on the Partners page that their name matches their referrals."
        )
        if data.rethink.empty:
            st.success("Every partner you reached sent referrals.")
        else:
            app_widgets.show_outreach_table(data.rethink, "outreach_without_referrals")

    st.subheader("Contact cadence")
    if data.cadence.empty:
        st.info("No contact logged in this period.")
    else:
        app_widgets.show_chart(
            charts.cadence_chart(data.cadence, CADENCE_PARTNERS),
            "contact_cadence",
            data.cadence,
        )
        st.caption(data.cadence_note)

st.subheader("Growing the network")
with st.popover("Targets", icon=":material/flag:"):
    new_target = st.number_input(
        "New partners a month", min_value=0.0, value=2.0, step=0.5, key="target_new_partners"
    )
    wellness_target = st.number_input(
        "Health & wellness share (%)",
        min_value=0.0,
        max_value=100.0,
        value=15.0,
        step=1.0,
        key="target_wellness_share",
    )
    patient_target = st.number_input(
        "Word-of-mouth share (%)",
        min_value=0.0,
        max_value=100.0,
        value=15.0,
        step=1.0,
        key="target_word_of_mouth",
    )
targets = GrowthTargets(new_target, wellness_target / 100, patient_target / 100)
status = growth_status(data.growth, targets)
growth_panels = (
    ("New partners", targets.new_partners, "New partners per month", "growth_new_partners"),
    (
        "Health & wellness share",
        targets.wellness_share,
        "Branching out beyond doctors",
        "growth_wellness_share",
    ),
    (
        "Word-of-mouth share",
        targets.word_of_mouth_share,
        "Patients referring friends",
        "growth_word_of_mouth",
    ),
)
# Cards that wrap two and one on a laptop, rather than three too narrow for "1.0 a month".
cards = st.container(horizontal=True, gap="medium")
for entry, (measure, target, title, name) in zip(status, growth_panels, strict=True):
    with cards.container(width=300):
        st.metric(
            f"{entry['label']}, last {RECENT_MONTHS} months",
            entry["shown"],
            delta=None if entry["met"] is None else ("on target" if entry["met"] else "below"),
            delta_color="normal" if entry["met"] else "inverse",
            delta_arrow="off",
            help=entry["sentence"],
            border=True,
        )
        app_widgets.show_chart(
            charts.growth_chart(data.growth, measure, target, title), name, data.growth
        )
st.caption(
    "New partners: first referral ever in the month (none in the first months of your data, "
    "where every partner looks new). Health & wellness: chiropractors, athletic and personal "
    "trainers, gyms, massage therapists, dentists, podiatrists. Word of mouth: patients, "
    "friends and family. Set the targets with the button above."
)
