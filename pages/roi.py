"""Partner ROI: what the lunches, visits and gifts cost, and what those partners sent back."""

import streamlit as st

from analytics import charts
from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.formatting import count, money
from analytics.outreach import QUADRANTS
from analytics.text import md
from analytics.views import NO_LOG, QUADRANT_NAMES, RETURN_CAP, plain_tile, roi_text

app_state.run_in_frame()

filters = app_state.current_filters()
st.title("Partner ROI")
app_widgets.stop_when_empty()

head, setting = st.columns([3, 1], vertical_alignment="bottom")
margin = app_widgets.margin_slider(setting)
data = app_loaders.roi(filters, margin)
app_widgets.stop_when_empty(data.referrals)
basis = data.basis
head.caption(
    f"{data.period}. Return = {basis} ÷ outreach cost, per partner: 3× means every $1 spent "
    "came back as $3. From the outreach log and the referrals of the period."
)
if not data.has_log:
    st.info(NO_LOG, icon=":material/campaign:")
    st.stop()
if not data.touches:
    st.info(
        "No outreach is logged in this period. Pick a longer period in the sidebar, or "
        "upload the outreach log that covers these dates.",
        icon=":material/filter_alt:",
    )
    st.stop()
if data.clinic_note:
    st.caption(md(data.clinic_note))

totals = data.totals
# Tiles that wrap on a narrow screen rather than cut "$12.4K" to "$12.…".
app_widgets.show_tiles(
    [
        plain_tile(
            "Outreach cost",
            money(totals["cost"]),
            note=f"{count(totals['touches'])} touches",
            help="Everything the outreach log records as spent in the period.",
        ),
        plain_tile(
            "Partners reached",
            count(totals["partners_reached"]),
            note=f"{count(totals['referrals_reached'])} referrals from them",
            help="Partners with at least one lunch, visit, call, email, gift or event in the "
            "period.",
        ),
        plain_tile(
            "Revenue they sent",
            money(totals["revenue_reached"]),
            note=f"{money(totals['cost_per_referral'])} outreach per referral",
            help="What the referrals of the partners you reached brought in during the period.",
        ),
        plain_tile(
            "Return on outreach",
            roi_text(totals["roi_reached"]),
            note=f"its cost, on {basis}",
            help="Revenue ÷ cost over the partners reached, shown as a multiple of the cost "
            f"(over {RETURN_CAP}× is not worth a closer figure). It shows what these "
            "relationships return, not that the outreach alone caused it.",
        ),
    ]
)

app_widgets.show_chart(
    charts.roi_scatter(data.scatter, data.cost_line, data.value_line, data.value),
    "roi_quadrants",
    data.scatter,
)
st.caption(data.quadrant_note)
# One line each: five narrow columns left a word a line at 1024 px.
st.markdown("\n".join(f"- **{QUADRANT_NAMES[n]}** · {s}" for n, s in QUADRANTS.items()))

st.subheader("ROI per partner")
st.caption(
    "Every partner that referred or was reached in the period, most spent first. The return "
    f"shows – where nothing was spent, and {RETURN_CAP}.0× for anything above it; cost per "
    "referral shows – where no one was referred. Days since contact count back from the "
    "period end, before the period too. Click a row to open the partner."
)
app_widgets.open_partner(app_widgets.show_outreach_table(data.partners, "partner_roi", select=True))

st.subheader("ROI by kind of outreach")
st.caption(
    "A referral cannot be traced to one lunch or call, so each partner's referrals and "
    "revenue are shared among the kinds of outreach it received, by number of touches. "
    "Calls and emails cost nothing in the log, so their return shows –."
)
app_widgets.show_chart(charts.activity_type_chart(data.by_type), "roi_by_activity", data.by_type)
app_widgets.show_outreach_table(data.by_type, "roi_by_activity_table")

st.subheader("Referrals after a touch")
left, right = st.columns([1, 2], gap="large")
with left:
    app_widgets.show_chart(charts.response_chart(data.response), "touch_response", data.response)
with right:
    st.caption(
        "For each touch in the period: the partner's referrals in the 30, 60 and 90 days after "
        "it against the same number of days before it. Touches too recent for a full window "
        "are left out of that window. Seasons move these numbers too (winter is busy), so read "
        "them as a pattern, not proof."
    )
    app_widgets.show_outreach_table(data.response, "touch_response_table")
    st.markdown("**By kind of outreach, 90 days**")
    app_widgets.show_outreach_table(data.response_by_type, "touch_response_by_type")
st.markdown("**The touch followed by the biggest rise, per partner (90 days)**")
if data.top_responses.empty:
    st.info("No touch in this period was followed by more referrals than before it.")
else:
    app_widgets.open_partner(
        app_widgets.show_outreach_table(data.top_responses, "top_responses", select=True)
    )
