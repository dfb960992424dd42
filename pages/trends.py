"""Trends and alerts: which partners are cooling off, and how the network grows or shrinks."""

import streamlit as st

from analytics import charts
from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.metrics import LOST_AFTER_DAYS, WARM_UP_MONTHS
from analytics.views import EXPLAIN

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Trends & alerts")
app_widgets.stop_when_empty()
data = app_loaders.trends(filters)
app_widgets.stop_when_empty(data.referrals)
st.caption(
    f"Alerts look back from {data.end}, the end of the period chosen. "
    "Click a row to open that partner."
)

app_widgets.show_tiles(data.tiles)

app_widgets.show_chart(lambda: charts.trend_chart(data.monthly), "monthly_trend", data.monthly)

st.subheader("Declining partners")
st.caption(
    EXPLAIN["declining"] + " “Odds by luck” is how often a steady partner would dip this low "
    "by chance alone (a Poisson test); alerts need under 1 in 20 and a drop of 30% or more."
)
if data.declining.empty:
    st.success("No partner is sending clearly fewer patients than before.")
else:
    app_widgets.open_partner(app_widgets.show_table(data.declining, "declining", select=True))

st.subheader("Dormant partners")
st.caption(EXPLAIN["dormant"])
if data.dormant.empty:
    st.success("No regular partner has gone quiet.")
else:
    app_widgets.open_partner(app_widgets.show_table(data.dormant, "dormant", select=True))

if not data.evidence.empty:
    app_widgets.show_chart(
        lambda: charts.evidence_chart(data.evidence, data.end_date), "alert_evidence", data.evidence
    )
    st.caption(
        "Bars: referrals per month. Dashed line: the pace each partner was judged against. "
        "Shaded: the last 90 days (declining) or 60 days (dormant)."
    )

st.subheader("New partners this period")
st.caption("Partners whose first referral ever falls in the period. Thank them early.")
if not data.partners_judged:
    st.info(
        "Not enough data to tell new partners: the data does not cover the year before this "
        "period, so every partner would look new. Upload last year's exports, or pick a later "
        "period in the sidebar.",
        icon=":material/history:",
    )
elif data.new_partners.empty:
    st.info("No new partner in this period.")
else:
    app_widgets.open_partner(app_widgets.show_table(data.new_partners, "new_partners", select=True))

app_widgets.show_chart(
    lambda: charts.won_lost_chart(data.won_lost), "partners_won_lost", data.won_lost
)
st.caption(
    f"A partner is lost in the month of its last referral once {LOST_AFTER_DAYS} days pass "
    f"without another, so the latest months have no figure yet. The first {WARM_UP_MONTHS} "
    "months of your data show no “won”: every partner looks new there."
)
