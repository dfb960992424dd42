"""The app frame: page config, the shared sidebar filters, and the page router."""

import streamlit as st

from analytics.app_state import get_store
from analytics.filters import PRESETS, Filters, preset_period

st.set_page_config(page_title="Referral Power", page_icon=":material/hub:", layout="wide")

store = get_store()
first, last = store.date_bounds()
with st.sidebar:
    st.markdown("### Referral Power")
    preset = st.selectbox("Period", (*PRESETS, "Custom"), index=3, key="period_preset")
    if preset == "Custom" and first is not None:
        picked = st.date_input(
            "Dates", value=(first, last), min_value=first, max_value=last, key="period_custom"
        )
        start, end = (
            (picked if len(picked) == 2 else (picked[0], picked[0])) if picked else (None, None)
        )
    else:
        start, end = preset_period(preset, last)
        if start:
            st.caption(f"{start:%b %-d, %Y} – {end:%b %-d, %Y}")
    clinics = st.multiselect("Clinics", store.clinics(), key="clinics", placeholder="All clinics")
    basis = st.radio(
        "Measure concentration by",
        ("referrals", "revenue"),
        horizontal=True,
        key="basis",
        help="Shares of referrals, or of the revenue those referrals brought in.",
    )

st.session_state["filters"] = Filters(start=start, end=end, clinics=tuple(clinics), basis=basis)

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
]
st.navigation(pages).run()
