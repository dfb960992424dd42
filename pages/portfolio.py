"""Portfolio: every practice in the data folder side by side, for consultants."""

import streamlit as st

from analytics import charts
from analytics.app import planning as app_planning
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.report import portfolio_workbook

app_state.run_in_frame()
st.title("Portfolio")
st.caption(
    "Every practice store in the data folder, each over its own last 12 months of data. A "
    "percentile is the share of practices at or below this one's value: 100% on HHI is the "
    "most concentrated, 100% on conversion the best converting, 100% on days to first visit "
    "the slowest. Blank with fewer than two practices to compare."
)
table = app_planning.portfolio()
if len(table) < 2:
    st.info(
        "Only one practice in the data folder: add client practices on the Practices page to "
        "compare them."
    )
app_widgets.show_chart(charts.portfolio_chart(table), "portfolio_chart", table)
app_widgets.show_table(table.round({"HHI": 0, "Median days to first visit": 1}), "portfolio_table")
st.download_button(
    "Portfolio workbook (.xlsx)",
    data=app_state.export_data("portfolio.xlsx", lambda: portfolio_workbook(table)),
    file_name="portfolio.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click="ignore",
)
