"""Source quality: what each partner's and each type's referrals are worth, not how many."""

import streamlit as st

from analytics.app import planning as app_planning
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.metrics import SEEN_WITHIN_DAYS

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Source quality")
app_widgets.stop_when_empty()
st.caption(
    "Ranked by revenue, not count. Episodes are referrals that arrived; per-referral figures "
    "divide by every referral (one that never came in brought nothing). Days run from the "
    f"referral to the evaluation; seen within {SEEN_WITHIN_DAYS} days is the share of referrals "
    "with a known outcome evaluated within a week (one EMR's definition of converted). "
    "Arrivals without an evaluation date cannot be timed and are counted apart."
)
by_type, type_payers = app_planning.source_quality(filters, "source_type")
app_widgets.stop_when_empty(int(by_type["Referrals"].sum()) if not by_type.empty else 0)

st.subheader("By source type")
app_widgets.show_table(by_type, "quality_types")

st.subheader("By partner")
partners, payers = app_planning.source_quality(filters, "source")
picked = app_widgets.show_table(partners, "quality_partners", select=True)
if picked:
    app_widgets.open_partner(picked)

st.subheader("Payer mix per partner")
app_widgets.show_table(payers, "quality_payers")
