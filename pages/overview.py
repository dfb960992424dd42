"""Overview: where new patients come from and how exposed the practice is, at a glance."""

import streamlit as st

from analytics import app_state
from analytics.formatting import money, pct

filters = app_state.current_filters()
store = app_state.get_store()

st.title("Overview")
if store.is_empty():
    st.info(
        "No referrals yet. Open **Upload** in the sidebar and drop last month's referral "
        "export from your EMR (Excel or CSV)."
    )
    st.stop()

m = app_state.summary(filters)
period = m["period"]
st.caption(
    f"{period['start']} to {period['end']}" if period["start"] else "No referrals in this period."
)

conc = m["concentration"]
dep = m["physician_dependence"]
row1 = st.columns(4)
row1[0].metric("Referrals", f"{m['referrals']:,}")
row1[1].metric(
    "Arrived (evaluated)",
    f"{m['arrived']:,}" if m["arrived"] is not None else "n/a",
    help="Referrals whose patient came in for the evaluation.",
)
row1[2].metric(
    "Conversion",
    pct(m["conversion_rate"]),
    help="Arrived ÷ referrals, over referrals whose outcome is known.",
)
row1[3].metric(
    "Revenue", money(m["revenue"]), help=f"Sum of {m['revenue_basis']} for these referrals."
)
row2 = st.columns(4)
row2[0].metric(
    "Active partners",
    f"{conc['partners']:,}",
    help="Doctors and other partners who sent at least one patient.",
)
row2[1].metric(
    "HHI",
    f"{conc['hhi']:,.0f}" if conc["hhi"] is not None else "n/a",
    delta=conc["hhi_band"],
    delta_color="off",
    delta_arrow="off",
    help="Herfindahl-Hirschman index of partner shares, 0 to 10,000: above 1,800 "
    "means a few partners hold most of your referrals.",
)
row2[2].metric(
    "Largest partner",
    pct(conc["cr1"]),
    help="Share of all referrals from your single biggest partner.",
)
row2[3].metric(
    "Patient word-of-mouth",
    pct(m["patient_share"]),
    help="Share of referrals from patients, friends and family.",
)

top = dep["top_physician"]
if top:
    st.markdown(
        f"**Top physician:** {top['name']} sends {pct(top['share'])} of referrals "
        f"({money(top['revenue'])}). Physicians and PAs/NPs send {pct(dep['physician_share'])}."
    )
if dep["key_referrers"]:
    names = ", ".join(f"{k['name']} ({pct(k['share'])})" for k in dep["key_referrers"])
    st.warning(f"Key referrers at 10% or more of referrals: {names}.")
