"""Diligence schedules: three fiscal years side by side, as a buyer's analyst reads them."""

import calendar

import streamlit as st

from analytics.app import planning as app_planning
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.metrics import STATUS_WORDS

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Diligence schedules")
app_widgets.stop_when_empty()
st.caption(
    "Buyers and their quality-of-earnings analysts read 36 months: referrals and revenue by "
    "referrer for each of the last three years, how the top 10 moved, concentration per year "
    "and how much rides on relationships the owner handles personally (flag them on the "
    "Partners page). Years run up to the period's end; sources of the rules in "
    "docs/valuation.md."
)

months = list(range(1, 13))
current = app_planning.fiscal_start()
chosen = st.selectbox(
    "Fiscal year starts in",
    months,
    index=months.index(current),
    format_func=lambda m: calendar.month_name[m],
    disabled=not app_state.may("settings"),
    help="Years are named by the calendar year they end in (a year from July 2025 to June "
    "2026 is FY2026). Saved with this practice.",
)
if chosen != current:
    app_planning.set_fiscal_start(chosen)
    st.rerun()

data = app_planning.diligence(filters)
for note in data.notes:
    st.warning(note, icon=":material/info:")

st.subheader("By year")
app_widgets.show_table(data.years.round({"HHI": 0}), "diligence_years")

st.subheader("Top 10 referrers each year")
st.caption(
    "Rank change against the year before: +2 moved up two places, -1 down one, = unchanged, "
    "new when the partner did not refer the year before."
)
years = list(data.years["Year"]) if not data.years.empty else []
if years:
    year = st.segmented_control("Year", years, default=years[-1], key="diligence_year")
    shown = data.top10[data.top10["Year"] == (year or years[-1])]
    app_widgets.show_table(shown, "diligence_top10")
    app_widgets.csv_download("diligence_top10_all_years", data.top10)

st.subheader("Practice groups and health systems")
if data.organizations.empty:
    st.info(
        "No partner has a practice group or health system recorded: set organisations on the "
        "Partners page to see group-level shares."
    )
else:
    app_widgets.show_table(data.organizations, "diligence_organizations")

st.subheader("Buyers' rules")
st.caption(
    "Published rules of thumb buyers apply, over the period chosen in the sidebar; they sit "
    "beside the valuation scorecard."
)
for rule in app_planning.buyer_rules(filters):
    with st.container(border=True):
        label, verdict = st.columns([4, 8], vertical_alignment="center")
        label.text(rule["label"])
        label.caption(rule["threshold"])
        verdict.badge(STATUS_WORDS[rule["status"]])
        verdict.text(rule["sentence"])
