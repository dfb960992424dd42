"""Targets: the referrals expected from each partner per month, who is on target, and each
partner against its own 3-month average."""

import pandas as pd
import streamlit as st

from analytics.app import planning as app_planning
from analytics.app import state as app_state
from analytics.app import widgets as app_widgets
from analytics.formatting import pct
from analytics.metrics import RAG_YELLOW, parse_targets_csv

app_state.run_in_frame()
filters = app_state.current_filters()
st.title("Targets")
app_widgets.stop_when_empty()
view = app_planning.targets_view(filters)
if not view:
    app_widgets.stop_when_empty(0)
end = view["end"]
table = view["on_target"]
st.caption(
    f"This month is {end:%B %Y}, counted to {end:%b %-d}: targets are pro-rated to the days "
    "the data covers. Set a target by hand, import a CSV (columns partner, monthly_target), "
    "or start from each partner's own average of the three months before."
)

on = int(table["On target"].sum()) if not table.empty else 0
tiles = st.columns(3)
tiles[0].metric("Partners with a target", len(table), border=True)
tiles[1].metric("On target this month", on, border=True)
tiles[2].metric("Share at target", pct(on / len(table)) if len(table) else "n/a", border=True)

st.subheader("Partners on target")
if table.empty:
    st.info("No targets yet: set some below.")
else:
    app_widgets.show_table(table.round(2), "targets_on_target")

st.subheader("Against their own 3-month average")
st.caption(
    f"Green: at or above the partner's own average of the three months before; yellow: "
    f"{pct(RAG_YELLOW, 0)} of it or more; red: below that. Beside it, the Poisson decline test "
    "of the Trends page (a drop unlikely to be chance over the last 90 days)."
)
app_widgets.show_table(view["rag"].round(2), "targets_rag")

if app_state.may("settings"):
    st.subheader("Set targets")
    saved = app_planning.targets()
    proposed = view["proposed"]
    names = sorted(set(saved) | set(proposed))
    editor = pd.DataFrame(
        {
            "Partner": pd.Series(names, dtype="str"),
            "Monthly target": pd.Series([saved.get(n) for n in names], dtype="float64"),
            "Proposed (3-month average)": pd.Series(
                [proposed.get(n) for n in names], dtype="float64"
            ),
        }
    )
    edited = st.data_editor(
        editor,
        hide_index=True,
        disabled=["Partner", "Proposed (3-month average)"],
        key="targets_editor",
        width="stretch",
    )
    left, right = st.columns(2)
    if left.button("Save targets", type="primary"):
        chosen = {
            str(p): (None if pd.isna(t) else float(t))
            for p, t in zip(edited["Partner"], edited["Monthly target"], strict=True)
        }
        bad = [p for p, t in chosen.items() if t is not None and t < 0]
        if bad:
            st.error("Targets cannot be negative; fix them and save again.")
        else:
            app_state.get_store().set_targets(chosen, "hand")
            st.rerun()
    if right.button("Use the proposals where no target is set"):
        missing = {p: t for p, t in proposed.items() if p not in saved}
        app_state.get_store().set_targets(missing, "proposed")
        st.rerun()
    upload = st.file_uploader("Import targets (CSV)", type=["csv"], key="targets_csv")
    if upload is not None:
        try:
            read = parse_targets_csv(upload.getvalue(), known=set(names))
        except ValueError as exc:
            st.error(str(exc))
        else:
            for problem in read.problems:
                st.text(problem)
            st.text(f"{len(read.targets)} targets read.")
            if read.targets and st.button("Save the imported targets"):
                app_state.get_store().set_targets(read.targets, "csv")
                st.rerun()
