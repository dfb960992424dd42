"""Sources and concentration: how many partners the practice really leans on."""

import streamlit as st

from analytics import charts
from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.formatting import pct

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Sources & concentration")
app_widgets.stop_when_empty()
data = app_loaders.concentration(filters)
app_widgets.stop_when_empty(data.referrals)
c = data.concentration
basis = data.basis

app_widgets.show_tiles(data.tiles)
st.caption(
    f"Shares are of all {basis} in the period, patients and other channels included; "
    f"the largest partner sends {pct(c['cr1'])}, the top three {pct(c['cr3'])}. "
    "Click a bar or a table row to open that partner."
)

picked = app_widgets.show_chart(
    lambda: charts.pareto_chart(data.pareto, basis), "partners_ranked", data.pareto, select=True
)
app_widgets.open_partner(picked)

lorenz, treemap = st.columns(2, gap="large")
with lorenz:
    app_widgets.show_chart(
        lambda: charts.lorenz_chart(data.lorenz, c["gini"], basis), "lorenz", data.lorenz
    )
    st.caption(
        "The further the curve sags below the dashed line, the more a few partners send most "
        "referrals while many send one or two."
    )
with treemap:
    app_widgets.show_chart(
        lambda: charts.type_treemap(data.partners, basis), "partners_by_type", data.partners
    )
    st.caption(
        f"Each box is a partner, grouped by type; its size and percentage are its share of "
        f"partner {basis} only (patients and other channels left out), so they read larger "
        f"than the shares of all {basis} in the tiles above. Click to zoom."
    )

app_widgets.show_chart(lambda: charts.hhi_chart(data.hhi_trend), "hhi_trend", data.hhi_trend)
st.caption(
    "Each point is the HHI of the 12 months up to that month (grey dots: the month alone). "
    "Under 1,000 referrals are spread out; above 1,800 a few partners hold them. The bands follow "
    "the 2023 U.S. Merger Guidelines, a familiar scale rather than a legal test."
)

st.subheader("Every partner")
picked = app_widgets.show_table(data.partners, "partners", select=True, height=460)
app_widgets.open_partner(picked)
