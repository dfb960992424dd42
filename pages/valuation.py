"""Valuation readiness: what a buyer's diligence reads in the referral book, what if partners
stop, and the PDF, deck and workbook to hand over."""

import streamlit as st

from analytics import charts
from analytics.app import loaders as app_loaders
from analytics.app import planning as app_planning
from analytics.app import practices as app_practices
from analytics.app import reports as app_reports
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.metrics import STATUS_WORDS, Scenario
from analytics.text import md, md_table

STATUS_BADGES = {"ok": "green", "watch": "orange", "risk": "red", "na": "gray"}
STATUS_ICONS = {
    "ok": ":material/check_circle:",
    "watch": ":material/visibility:",
    "risk": ":material/error:",
    "na": ":material/help:",
}
SCENARIOS = 3

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Valuation readiness")
app_widgets.stop_when_empty()
data = app_loaders.valuation(filters)
app_widgets.stop_when_empty(data.referrals)
st.caption(
    f"{data.period}. Buyers and their lenders discount a practice that hangs on one or two "
    "referrers. Each check reads the period against published rules of thumb (sources in "
    "docs/valuation.md); shares are of all "
    f"{data.basis}."
)

counts = {s: sum(c["status"] == s for c in data.checks) for s in STATUS_BADGES}
shown = ("risk", "watch", "ok", "na") if counts["na"] else ("risk", "watch", "ok")
for column, status in zip(st.columns(len(shown)), shown, strict=True):
    column.metric(f"{STATUS_WORDS[status]}", counts[status], border=True)

st.subheader("Scorecard")
for check in data.checks:
    with st.container(border=True):
        name, value, verdict = st.columns([3, 3, 6], vertical_alignment="center")
        name.markdown(f"**{check['label']}**")
        name.caption(check["rule"])
        # "546 (unconcentrated)": the figure large, its band under it, so no word breaks.
        figure, _, band = check["shown"].partition(" (")
        value.markdown(f"#### {figure}")
        if band:
            value.caption(band.rstrip(")"))
        status = check["status"]
        verdict.badge(STATUS_WORDS[status], icon=STATUS_ICONS[status], color=STATUS_BADGES[status])
        verdict.markdown(md(check["sentence"]))
app_widgets.csv_download("valuation_scorecard", data.scorecard)

st.subheader("The last 12 months")
st.caption(
    "Each point is the check over the 12 months ending that month: show a buyer the lines "
    "moving away from the dashed watch and risk thresholds before the sale."
)
if data.trend.empty:
    st.info("Not enough months of data for a trend yet.")
else:
    app_widgets.show_chart(
        # Two panels a row: four left the titles on top of each other at 1024 px.
        app_widgets.scorecard_trend_figure(data.trend, 2),
        "scorecard_trend",
        data.trend_table,
    )

st.subheader("Stress test: what if partners stop referring?")
st.caption(
    "Set up to three scenarios: partners who stop"
    + (", or whole practice groups" if data.groups else "")
    + ". Losses are per year, before any replacement; the scorecard is read again without "
    "them."
)
margin = app_widgets.margin_slider()
scenarios = []
# Scenario cards wrap below each other on a narrow screen instead of cutting names to "Ma…".
cards = st.container(horizontal=True, gap="small")
for i, default in enumerate([*data.defaults, *[None] * SCENARIOS][:SCENARIOS]):
    keys = {f: f"scenario_{i}_{f}" for f in ("name", "partners", "groups")}
    # Names from another period or practice are dropped; a first visit gets the defaults.
    for field, names in (("partners", data.partners), ("groups", data.groups)):
        if keys[field] in st.session_state:
            st.session_state[keys[field]] = [
                p for p in st.session_state[keys[field]] if p in set(names)
            ]
        elif default is not None:
            chosen = default.partners if field == "partners" else default.organizations
            st.session_state[keys[field]] = [p for p in chosen if p in set(names)]
    if keys["name"] not in st.session_state:
        st.session_state[keys["name"]] = default.name if default else f"Scenario {i + 1}"
    with cards.container(border=True, width=300):
        name = st.text_input("Scenario", key=keys["name"])
        partners = st.multiselect(
            "Partners who stop", data.partners, key=keys["partners"], placeholder="Pick partners"
        )
        groups = []
        if data.groups:
            groups = st.multiselect(
                "Practice groups who stop",
                data.groups,
                key=keys["groups"],
                placeholder="Pick practice groups",
            )
    scenarios.append(Scenario(name.strip() or f"Scenario {i + 1}", tuple(partners), tuple(groups)))

stress = app_loaders.stress_scenarios(filters, tuple(scenarios), margin)
if not stress.results:
    st.info("Pick partners or practice groups in a scenario to see what they would take away.")
else:
    # A static table: every cell wraps, so a comparison reads without widening columns.
    st.table(md_table(stress.side_by_side.set_index("Measure")))
    app_widgets.csv_download("stress_side_by_side", stress.side_by_side)
    app_widgets.show_chart(charts.scenario_chart(stress.table), "stress_scenarios", stress.table)
    st.caption(
        "The value effect multiplies the contribution lost by 3-5× adjusted EBITDA, the range "
        "brokers publish for small outpatient practices: a rule of thumb, not a valuation."
    )

st.subheader("Reports")
profile = app_practices.practice_profile()
presenting = app_practices.presentation_mode()
settings = st.columns([2, 3]) if not presenting else None
practice_name = profile.name
logo = profile.logo
if settings is not None:
    practice_name = settings[0].text_input(
        "Practice name on the reports", value=profile.name, key="report_practice_name"
    )
    upload = settings[1].file_uploader(
        "Logo (PNG or JPEG)",
        type=["png", "jpg", "jpeg"],
        key="report_logo",
        max_upload_size=2,  # MB: what a practice profile keeps (practices.MAX_LOGO_BYTES)
        help="Printed on the title page; saved with this practice on the Practices page.",
    )
    if upload is not None:
        logo = upload.getvalue()
chosen = tuple(s for s in scenarios if s.partners or s.organizations)
path = app_state.store_path()
report = {
    "practice_name": practice_name,
    "logo": logo,
    "scenarios": chosen,
    "margin": margin,
}
stem = "".join(c if c.isalnum() else "_" for c in practice_name.lower()).strip("_") or "practice"
row = st.container(horizontal=True, gap="small")
has_chromium = charts.png_available()
for label, kind, icon, mime in (
    ("PDF report", "pdf", ":material/picture_as_pdf:", "application/pdf"),
    (
        "Slide deck",
        "pptx",
        ":material/slideshow:",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "Workbook",
        "xlsx",
        ":material/table_view:",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
):
    row.download_button(
        label,
        # Bound now: the button builds the file later, outside this session's state.
        data=app_state.export_data(
            f"{stem}_referrals.{kind}",
            lambda kind=kind, path=path, filters=filters, report=report: app_reports.report_file(
                path, filters, kind, **report
            ),
        ),
        file_name=f"{stem}_referrals.{kind}",
        mime=mime,
        icon=icon,
        key=f"report_{kind}",
        on_click="ignore",
        disabled=kind != "xlsx" and not has_chromium,
        width="content",
    )
st.caption(
    "The PDF and the deck: title page, headline figures, concentration and dependence charts, "
    "the scorecard and its trend, the stress test above and this week's action list. The "
    "workbook: every table of every page on its own sheet. Each takes a few seconds."
    + ("" if has_chromium else " PDF and slides need Chromium on the server.")
)

# Buyers' published rules (issue 17), beside the scorecard; the schedules are on Diligence.
st.subheader("Buyers' rules")
st.caption(
    "Rules of thumb buyers apply to the same period (sources in docs/valuation.md); the "
    "three-year schedules are on the Diligence schedules page."
)
for rule in app_planning.buyer_rules(filters):
    with st.container(border=True):
        label, verdict = st.columns([4, 8], vertical_alignment="center")
        label.text(rule["label"])
        label.caption(rule["threshold"])
        verdict.badge(
            STATUS_WORDS[rule["status"]],
            icon=STATUS_ICONS[rule["status"]],
            color=STATUS_BADGES[rule["status"]],
        )
        verdict.text(rule["sentence"])
