"""Physician dependence: how much of the practice rides on doctors and on single partners."""

import streamlit as st

from analytics import charts
from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.formatting import money, pct
from analytics.text import md
from analytics.views import dependence as dependence_view

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Physician dependence")
app_widgets.stop_when_empty()
data = app_loaders.dependence(filters)
app_widgets.stop_when_empty(data.referrals)

app_widgets.show_tiles(data.tiles)

if data.key_referrers.empty:
    st.success(
        "No single partner sends 10% or more of your referrals: no one partner can sink "
        "the practice by leaving."
    )
for row in data.key_referrers.to_dict("records"):
    at_risk = (
        f"**{money(row['Revenue at risk'])}** of revenue ({pct(row['Share of revenue'])}) "
        "is at risk if they stop"
        if data.revenue_basis != "none"
        else "revenue was not exported"
    )
    st.warning(
        f"**{md(row['Partner'])}** ({row['Type']}) sends **{pct(row['Share of referrals'])}** of "
        f"your referrals: {at_risk}.",
        icon=":material/priority_high:",
    )

app_widgets.show_chart(
    lambda: charts.group_share_chart(data.groups_monthly), "physician_share", data.groups_monthly
)
st.caption(
    "Blue is what physicians, PAs and NPs send; green what chiropractors, trainers, gyms, "
    "employers and other partners send; orange what patients, self-referrals, marketing and "
    "unknown sources bring. More green and orange means less hangs on doctors."
)

st.subheader("Top physicians")
st.caption(
    "Their referrals and revenue in the period, and the last 12 months as a line. "
    "Click a row to open that physician."
)
picked = app_widgets.show_table(data.top_physicians, "top_physicians", select=True)
app_widgets.open_partner(picked)

st.subheader("What if a partner stops referring?")
st.caption(
    "Pick partners, or a whole practice group with “Count partners as: Practice group”. "
    "The figures are this period's, before any replacement."
)
# One selection per level: a doctor's name means nothing among practice groups.
key = f"stress_partners_{filters.level}"
if key in st.session_state:
    st.session_state[key] = [p for p in st.session_state[key] if p in data.partners]
else:
    st.session_state[key] = list(data.key_referrers["Partner"][:1]) or list(data.partners[:1])
chosen = st.multiselect("Partners who stop", data.partners, key=key, placeholder="Pick partners")
if chosen:
    result = app_loaders.stress(filters, tuple(chosen))
    app_widgets.show_tiles(dependence_view.stress_tiles(result))
