"""The app frame: page config, the shared sidebar filters, and the page router."""

import streamlit as st

from analytics.app import practices as app_practices
from analytics.app import signin
from analytics.app import state as app_state
from analytics.app.page_style import CSS
from analytics.filters import Filters, preset_period
from analytics.formatting import day
from analytics.store import display_name
from analytics.store.catalog import practice_key

st.set_page_config(page_title="Referral Power", page_icon=":material/hub:", layout="wide")
st.html(f"<style>{CSS}</style>")
# Who this run acts for, before anything of a practice is read (stops at the sign-in page).
person = signin.guard()

PERIODS = ("Last month", "Last quarter", "Trailing 12 months", "Year to date", "All data")
LEVELS = {"partner": "Each referrer", "organization": "Practice group"}

app_practices.open_linked_practice()
presenting = app_practices.presentation_mode()
with st.sidebar:
    st.markdown("### Referral Power")
    signin.show_person(person)
    stores = app_state.store_choices()
    if presenting:
        # Locked to one client: no other practice is named, let alone offered.
        st.caption("Presenting")
        st.text(display_name(app_state.store_path()))
    elif len(stores) > 1:
        st.selectbox(
            "Practice",
            stores,
            index=stores.index(app_state.store_path()),
            format_func=display_name,
            key="store_path",
            persist_state="session",
            help="One store per practice: the .duckdb files in the data folder.",
        )
    app_practices.link_practice()
    if app_practices.practice_profile().demo:
        st.warning(
            "Demo data: this is the sample practice, not yours. Start your own practice on "
            "the Upload page; your exports never mix with the demo.",
            icon=":material/science:",
        )
    first, last, clinics = app_state.store_facts()
    # The filters live in the address too (bind): a reload or a shared link keeps them.
    preset = st.selectbox(
        "Period",
        (*PERIODS, "Custom"),
        index=2,
        key="period_preset",
        persist_state="session",
        bind="query-params",
    )
    if preset == "Custom" and first is not None:
        picked = st.date_input(
            "Dates",
            value=(first, last),
            min_value=first,
            max_value=last,
            key=f"period_custom_{practice_key(app_state.store_path())}",
            persist_state="session",
            bind="query-params",
            format="MM/DD/YYYY",
        )
        start, end = (picked[0], picked[-1]) if picked else (None, None)
    else:
        start, end = preset_period("All data" if preset == "Custom" else preset, last)
    if first is not None:
        st.caption(f"{day(start or first)} – {day(end or last)} · data through {day(last)}")
    # A clinic chosen in another practice's store is not offered here: drop it quietly.
    if any(c not in clinics for c in st.session_state.get("clinics", [])):
        st.session_state["clinics"] = [c for c in st.session_state["clinics"] if c in clinics]
    chosen = st.multiselect(
        "Clinics",
        clinics,
        key="clinics",
        placeholder="All clinics",
        persist_state="session",
        bind="query-params",
    )
    basis = st.radio(
        "Measure concentration by",
        ("referrals", "revenue"),
        format_func=str.capitalize,
        horizontal=True,
        key="basis",
        persist_state="session",
        bind="query-params",
        help="Shares of referrals, or of the revenue those referrals brought in.",
    )
    level = st.radio(
        "Count partners as",
        tuple(LEVELS),
        format_func=LEVELS.get,
        horizontal=True,
        key="level",
        persist_state="session",
        bind="query-params",
        help="Each doctor on their own, or rolled up into their practice group or health "
        "system (an orthopaedic group is then one partner).",
    )

st.session_state["filters"] = Filters(
    start=start, end=end, clinics=tuple(chosen), basis=basis, level=level
)

pages = {
    "Dashboard": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(
            "pages/concentration.py", title="Sources & concentration", icon=":material/donut_small:"
        ),
        st.Page("pages/dependence.py", title="Physician dependence", icon=":material/stethoscope:"),
        st.Page("pages/trends.py", title="Trends & alerts", icon=":material/trending_down:"),
        st.Page("pages/partner.py", title="Partner view", icon=":material/person_search:"),
    ],
    "Relationships": [
        st.Page("pages/roi.py", title="Partner ROI", icon=":material/payments:"),
        st.Page("pages/engagement.py", title="Engagement", icon=":material/handshake:"),
    ],
    "Valuation": [
        st.Page("pages/valuation.py", title="Valuation readiness", icon=":material/sell:"),
        st.Page("pages/diligence.py", title="Diligence schedules", icon=":material/fact_check:"),
    ],
    "Planning": [
        st.Page("pages/targets.py", title="Targets", icon=":material/flag:"),
        st.Page("pages/source_quality.py", title="Source quality", icon=":material/star:"),
        st.Page("pages/cohorts.py", title="Cohorts", icon=":material/stacked_line_chart:"),
        st.Page("pages/portfolio.py", title="Portfolio", icon=":material/scatter_plot:"),
    ],
    "Data": [
        st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
        st.Page("pages/partners.py", title="Partners", icon=":material/group:"),
        st.Page("pages/stores.py", title="Practices", icon=":material/folder_shared:"),
    ],
}
# Presentation mode (a consultant in front of a client): one practice, nothing to edit.
if presenting:
    del pages["Data"]
    # The portfolio sets this client beside the consultant's others: never in front of one.
    pages["Planning"] = [p for p in pages["Planning"] if p.url_path != "portfolio"]
    with (
        st.sidebar.expander("Leave presentation", icon=":material/lock:"),
        st.form("leave_presentation", border=False),
    ):
        st.text_input("Consultant's PIN", type="password", key="leave_pin")
        st.form_submit_button("Leave", on_click=app_practices.leave_presenting, args=("leave_pin",))
# Pages that only write are not offered to a role that may not write (the store refuses too).
writes = {"upload": "upload", "partners": "identity"}
hidden = {page for page, action in writes.items() if not app_state.may(action)}
if "Data" in pages:
    pages["Data"] = [p for p in pages["Data"] if p.url_path not in hidden]
if person.admin and signin.signin_configured():
    pages.setdefault("Data", []).append(
        st.Page("pages/team.py", title="Team", icon=":material/admin_panel_settings:")
    )
app_state.show_flash()
# The store stays open for the page's run and is let go after it (the command line can load).
with app_state.store_session():
    st.navigation(pages).run()
