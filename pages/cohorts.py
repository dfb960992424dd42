"""Cohorts: referrals by the month they arrived, and what they have brought in since."""

import plotly.express as px
import streamlit as st

from analytics.app import planning as app_planning
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Referral cohorts")
app_widgets.stop_when_empty()
st.caption(
    "Each cohort is the referrals that arrived in one month. Exports give each referral's "
    "payments as one total without payment dates, so the payments are spread evenly from the "
    "evaluation month (or the referral month when no evaluation is recorded) to the discharge "
    "month, or put in the first month when there is no discharge date. Months after the last "
    "loaded referral are left blank, and recent cohorts may still be collecting."
)
table, curve = app_planning.cohorts(filters)
app_widgets.stop_when_empty(len(table))

st.subheader("What a referral of each type brings in, by months since referral")
fig = px.line(
    curve,
    x="Months since referral",
    y="Revenue per referral",
    color="Source type",
    markers=True,
)
fig.update_layout(yaxis_tickprefix="$", height=420, margin={"l": 10, "r": 10, "t": 30, "b": 10})
app_widgets.show_chart(fig, "cohort_curve", curve)

st.subheader("Every cohort")
app_widgets.show_table(
    table.round({"Cumulative revenue": 2, "Cumulative revenue per referral": 2}), "cohort_table"
)
