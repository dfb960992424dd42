"""Overview: where new patients come from and how exposed the practice is, at a glance."""

import streamlit as st

from analytics import charts
from analytics.app import loaders as app_loaders
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.text import md

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Overview")
app_widgets.stop_when_empty()
compare = st.segmented_control(
    "Compare with",
    ("previous", "last_year"),
    format_func={"previous": "Period before", "last_year": "Same period last year"}.get,
    default="previous",
    key="compare",
    required=True,
)
data = app_loaders.overview(filters, compare or "previous")
app_widgets.stop_when_empty(data.referrals)
st.caption(f"{data.period}. {data.comparing}")

app_widgets.show_data_warnings(filters)
app_widgets.show_tiles(data.kpis)

st.subheader("Five things that need attention")
if not data.attention:
    st.success("Nothing needs attention: no key referrer, no partner cooling off.")
for i, item in enumerate(data.attention[:5]):
    with st.container(border=True):
        # Room for the button's words at 1024 px and on a tablet ("Open partner", not "Op…").
        text, action = st.columns([2, 1], vertical_alignment="center")
        icon = ":material/error:" if item.severity == "risk" else ":material/warning:"
        color = "red" if item.severity == "risk" else "orange"
        text.markdown(f":{color}[{icon}] **{md(item.title)}**")
        text.caption(md(item.detail))
        if item.partner and action.button(
            "Open partner", key=f"attention_{i}", icon=":material/arrow_forward:", width="content"
        ):
            app_widgets.open_partner(item.partner)
if len(data.attention) > 5:
    st.caption(f"{len(data.attention) - 5} more on the Trends & alerts page.")

app_widgets.show_chart(
    lambda: charts.mix_chart(data.mix_monthly), "referrals_by_source", data.mix_monthly
)
st.caption(
    "Each bar is a month's new referrals, coloured by who sent them. Blues are physicians "
    "and PAs/NPs; orange is patients' word-of-mouth."
)
st.subheader("Where new patients come from")
app_widgets.show_table(data.mix, "sources")
