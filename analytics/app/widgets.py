"""Shared widgets every page draws with: KPI tiles, tables, chart blocks with their
downloads, the margin slider, data warnings and the empty-store stop."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import charts
from analytics import formatting as fmt
from analytics.app.practices import presentation_mode
from analytics.app.state import current_filters, export_data, get_store, store_path
from analytics.filters import Filters
from analytics.safe_csv import to_safe_csv
from analytics.store.catalog import practice_key
from analytics.views import overview as page_data
from analytics.views import upload as upload_report
from analytics.views.outreach import RETURN_CAP

SHORT_TABLE_ROWS = 15


PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def _config_of(kinds: dict[str, str]) -> dict:
    """Column formats by kind. Percent and money columns are shown from `_shown`'s copy: a
    step makes Streamlit cut decimals off (20.25% read 20.2% beside a 20.3% tile)."""
    config = {}
    for name, kind in kinds.items():
        if kind == "month":
            config[name] = st.column_config.DateColumn(name, format="MMM YYYY")
        elif kind == "date":
            config[name] = st.column_config.DateColumn(name, format="MMM D, YYYY")
        elif kind == "percent":
            # Shown as percentage numbers (58.5), rounded by formatting's one rule.
            config[name] = st.column_config.NumberColumn(name, format="%.1f%%")
        elif kind == "money":
            # Whole dollars, already rounded half up: the step's cut takes nothing off.
            config[name] = st.column_config.NumberColumn(name, format="dollar", step=1)
        elif kind == "cents":
            config[name] = st.column_config.NumberColumn(name, format="dollar")
        elif kind == "multiple":
            config[name] = st.column_config.NumberColumn(name, format="%.1f×")
        elif kind == "sparkline":
            config[name] = st.column_config.LineChartColumn(name, y_min=0)
        elif kind == "p_value":
            config[name] = st.column_config.NumberColumn(name, format="%.2g")
        elif kind == "decimal":
            config[name] = st.column_config.NumberColumn(name, format="%.1f")
        elif kind == "count":
            config[name] = st.column_config.NumberColumn(name, format="%,d")
    return config


def _money_kind(values: pd.Series) -> str:
    """ "cents" where a cent matters (amounts under $100 with cents), else "money"."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if numbers.empty or numbers.abs().max() >= fmt.CENTS_BELOW:
        return "money"
    return "cents" if bool((numbers.round(2) != numbers.round(0)).any()) else "money"


def _shown(frame: pd.DataFrame, kinds: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The copy a table shows: shares as the percentages the tiles show (58.5), money to
    whole dollars, or to the cent where a cent matters, halves rounded up everywhere."""
    shown = frame.copy()
    kinds = dict(kinds)
    for name, kind in list(kinds.items()):
        if name not in shown.columns or kind not in ("percent", "money", "multiple"):
            continue
        values = pd.to_numeric(shown[name], errors="coerce")
        if kind == "multiple":
            # Capped where the exact multiple stops meaning anything (the caption says so).
            shown[name] = values.clip(upper=RETURN_CAP)
            continue
        if kind == "percent":
            shown[name] = values.map(lambda v: np.nan if pd.isna(v) else fmt.pct_value(v))
            continue
        kinds[name] = _money_kind(values)
        digits = 2 if kinds[name] == "cents" else 0
        rounded = values.map(lambda v, d=digits: np.nan if pd.isna(v) else fmt.half_up(v, d))
        shown[name] = rounded
    return shown, kinds


def show_tiles(kpis, per_row: int = 4) -> None:
    """Headline tiles (analytics.views.kpis.Kpi), `per_row` to a row; on a narrow screen a row
    wraps instead of cutting its labels short."""
    for row in (kpis[i : i + per_row] for i in range(0, len(kpis), per_row)):
        outer = st.container(horizontal=True, gap="small")
        # Tiles go in pairs: a row too narrow for four wraps as two and two, not three and one.
        for pair in (row[i : i + 2] for i in range(0, len(row), 2)):
            with outer.container(horizontal=True, gap="small"):
                for kpi in pair:
                    st.metric(
                        kpi.label,
                        kpi.text,
                        delta=kpi.delta,
                        delta_color=kpi.delta_color,
                        delta_description=kpi.note,
                        delta_arrow=kpi.delta_arrow,
                        help=kpi.help or None,
                        border=True,
                        width="stretch",
                    )


def _exported(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """The copy a CSV holds: shares to 4 decimals and money to the cent (formatting's rule),
    so a spreadsheet shows what the page shows."""
    out = frame.copy()
    for name, kind in kinds.items():
        digits = {"percent": fmt.SHARE_DIGITS, "money": 2}.get(kind)
        if digits is None or name not in out.columns:
            continue
        values = pd.to_numeric(out[name], errors="coerce")
        out[name] = values.map(lambda v, d=digits: np.nan if pd.isna(v) else fmt.half_up(v, d))
    return out


def _downloads(name: str, data: pd.DataFrame, fig=None, kinds: dict | None = None) -> None:
    """CSV of the data (and PNG of the chart) as small buttons, made only when clicked."""
    row = st.container(horizontal=True, gap="small")
    kinds = kinds if kinds is not None else page_data.column_kinds(data)
    row.download_button(
        "CSV",
        data=export_data(f"{name}.csv", lambda: to_safe_csv(_exported(data, kinds))),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"csv_{name}",
        on_click="ignore",
        type="tertiary",
        width="content",
    )
    if fig is None:
        return
    if charts.png_available():
        row.download_button(
            "PNG",
            data=export_data(f"{name}.png", lambda: charts.to_png(fig)),
            file_name=f"{name}.png",
            mime="image/png",
            icon=":material/image:",
            key=f"png_{name}",
            on_click="ignore",
            type="tertiary",
            width="content",
        )
    else:
        row.caption(charts.PNG_MISSING)


@st.cache_resource(show_spinner=False, max_entries=16)
def scorecard_trend_figure(trend: pd.DataFrame, columns: int) -> go.Figure:
    """charts.scorecard_trend_chart, built once per trend (keyed by its contents): every
    period ending on the same day shares one trend (loaders._trend), and its panels take
    about 0.08 s to build."""
    return charts.scorecard_trend_chart(trend, columns=columns)


@st.cache_resource(show_spinner=False, max_entries=128)
def _figure(name: str, path: str, filters: Filters, version: int, vary: str, _build):
    # Shared, not copied: building a plotly figure costs more than the page's numbers do.
    return _build()


def show_chart(
    fig: go.Figure | Callable[[], go.Figure],
    name: str,
    data: pd.DataFrame,
    *,
    select: bool = False,
    vary: str = "",
) -> str | None:
    """A figure with its CSV and PNG downloads; with `select`, the partner a click picked.

    Pass a builder (`lambda: charts.x(...)`) rather than a figure to build it once per
    filters and store version (and `vary`, for anything else it depends on): building a
    plotly figure costs more than the page's numbers do.
    """
    if callable(fig):
        fig = _figure(name, store_path(), current_filters(), get_store().version(), vary, fig)
    event = st.plotly_chart(
        fig,
        theme=None,
        config=PLOTLY_CONFIG,
        key=f"chart_{name}",
        on_select="rerun" if select else "ignore",
        selection_mode="points",
    )
    _downloads(name, data, fig)
    return charts.selected_partner(event) if select else None


def show_table(
    frame: pd.DataFrame,
    name: str,
    *,
    select: bool = False,
    height: int | str | None = None,
    column_config: dict | None = None,
    kinds: dict[str, str] | None = None,
) -> str | None:
    """A sortable table with its CSV download; with `select`, the partner of a clicked row.
    Short tables show every row; long ones scroll. `kinds` overrides how columns read
    (page_data.column_kinds by default); `column_config` adds formats of its own."""
    if height is None:
        height = "content" if len(frame) <= SHORT_TABLE_ROWS else "auto"
    kinds = kinds or page_data.column_kinds(frame)
    shown, shown_kinds = _shown(frame, kinds)
    config = _config_of(shown_kinds)
    event = st.dataframe(
        shown,
        hide_index=True,
        placeholder="–",
        column_config=config if column_config is None else {**config, **column_config},
        width="stretch",
        height=height,
        key=f"table_{name}",
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
    )
    _downloads(name, frame, kinds=kinds)
    if not select:
        return None
    rows = event.selection.rows if event else []
    return str(frame["Partner"].iloc[rows[0]]) if rows else None


def open_partner(name: str | None) -> None:
    """Go to the partner's own page (does nothing without a name)."""
    if name:
        st.session_state["partner"] = name
        # Given, not left to clear: the sidebar's filters are bound to the address, and
        # Streamlit refuses to clear bound parameters. They come back with their widgets.
        st.switch_page("pages/partner.py", query_params={"practice": practice_key(store_path())})


def show_data_warnings(filters: Filters) -> None:
    """Say, above a page's figures, that uploads behind them carry open warnings."""
    found = upload_report.warnings_in_view(get_store().uploads(), filters.start, filters.end)
    if not found:
        return
    total = sum(len(w) for _, w in found)
    with st.expander(
        f"⚠ {total} warning{'s' if total != 1 else ''} on {len(found)} upload"
        f"{'s' if len(found) != 1 else ''} behind these figures: read them before relying "
        "on the numbers",
    ):
        for label, sentences in found:
            st.text(label)
            for sentence in sentences:
                st.text(f"   • {sentence}")


def stop_when_empty(referrals: int | None = None) -> None:
    """The empty states: what to upload (empty store) or, given the period's referral count,
    what to change (nothing in the period). Stops the page there."""
    if referrals is None and get_store().is_empty():
        # While presenting there is no Upload page to send anyone to.
        text = (
            "No referrals yet for this practice. Leave presentation mode (sidebar) to upload "
            "its export."
            if presentation_mode()
            else page_data.EMPTY_STORE
        )
        st.info(text, icon=":material/upload_file:")
        st.stop()
    if referrals is not None and not referrals:
        st.info(page_data.EMPTY_PERIOD, icon=":material/filter_alt:")
        st.stop()


MARGIN_DEFAULT = 40


def _keep_margin() -> None:
    st.session_state["_margin"] = st.session_state["margin"]


def margin_slider(where=st) -> float:
    """The one contribution margin of the session (0..1): the same widget and value on
    Partner ROI, Valuation readiness and in their reports."""
    # Kept outside the widget: a widget's own state is dropped on the page that lacks it.
    st.session_state.setdefault("_margin", MARGIN_DEFAULT)
    st.session_state["margin"] = st.session_state["_margin"]
    percent = where.slider(
        "Contribution margin",
        min_value=10,
        max_value=100,
        step=5,
        format="%d%%",
        key="margin",
        on_change=_keep_margin,
        help="The share of revenue left after the cost of treating the patient (therapist "
        "time, supplies): at 40% a $1,000 referral counts as $400. One setting for every page "
        "and report; at 100% returns are read on revenue itself.",
    )
    return percent / 100


def show_outreach_table(
    frame: pd.DataFrame, name: str, *, select: bool = False, height: int | str | None = None
) -> str | None:
    """`show_table` for the ROI and engagement tables (money, ROI and day columns formatted)."""
    from analytics.views import outreach as outreach_pages

    kinds = outreach_pages.column_kinds(frame)
    return show_table(frame, name, select=select, height=height, kinds=kinds)


def csv_download(name: str, frame: pd.DataFrame) -> None:
    """A CSV download of a table shown another way (text cells defused, as everywhere)."""
    _downloads(name, frame)
