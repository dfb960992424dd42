"""What each data page reads, cached per store version and filters: the month sums and
encodings the pages share, and each page's bundle (overview, trends, partner, ROI,
engagement, partners, valuation)."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics import identity
from analytics.app.state import _open_store, get_store, store_path
from analytics.filters import Filters
from analytics.identity import activities_of
from analytics.metrics.periods import Encoded, tables_of
from analytics.metrics.stress import stress_test_of
from analytics.store import METRIC_COLUMNS
from analytics.views import alerts as alerts_view
from analytics.views import dependence as dependence_view
from analytics.views import overview as page_data
from analytics.views import page_history
from analytics.views.partner import PartnerView, partner_names_of, partner_view_of
from analytics.views.partner_quality import partner_quality_of


def _scope(filters: Filters) -> Filters:
    """The filters a history is loaded under: clinics and source types, every date."""
    return Filters(clinics=filters.clinics, source_types=filters.source_types)


# What the pages read of a history row (the partner view adds payers): patient keys, case IDs
# and spellings are most of a large store's bytes and no page reads them.
HISTORY_COLUMNS: tuple[str, ...] = (*METRIC_COLUMNS, "payer")


@st.cache_resource(show_spinner=False, max_entries=4)
def _history(path: str, scope: Filters, version: int) -> pd.DataFrame:
    # The reports' rows (analytics.app.reports): a resource, not data, shared read-only by
    # every session instead of copied per rerun.
    return _open_store(path).referrals(scope, columns=HISTORY_COLUMNS)


# The pages read partners x months (analytics.views.page_history): month sums per store version,
# with day sums only in the months the filters cut mid-month; not the rows.


@st.cache_resource(show_spinner=False, max_entries=4)
def _month_groups(path: str, scope: Filters, version: int) -> pd.DataFrame:
    # A resource, not data: shared read-only by every session instead of copied per rerun.
    return _open_store(path).bucket_groups(scope, [])


@st.cache_resource(show_spinner=False, max_entries=4)
def _months_encoded(path: str, scope: Filters, level: str, version: int) -> Encoded:
    return page_history.encode_buckets(_month_groups(path, scope, version), level)


@st.cache_resource(show_spinner=False, max_entries=8)
def _bucketed(
    path: str, scope: Filters, level: str, version: int, ranges: tuple, starts: tuple
) -> Encoded:
    months = _months_encoded(path, scope, level, version)
    if not ranges:
        return months
    detail = _open_store(path).bucket_groups(scope, list(ranges), only_ranges=True, starts=starts)
    return page_history.with_days(months, page_history.encode_buckets(detail, level), ranges)


def _page_encoded(path: str, filters: Filters, version: int, touches: tuple = ()) -> Encoded:
    """The history of the filters' clinics and types, bucketed for the filters' period."""
    scope = _scope(filters)
    first, last = page_history.data_days(_month_groups(path, scope, version))
    cuts = page_history.cut_days(filters, first, last, touches)
    ranges = page_history.detail_ranges(cuts, first, last)
    starts = page_history.detail_starts(cuts, ranges)
    return _bucketed(path, scope, filters.level, version, ranges, starts)


@st.cache_data(show_spinner=False, max_entries=64)
def _page(kind: str, path: str, filters: Filters, version: int):
    encoded = _page_encoded(path, filters, version)
    builders = {
        "concentration": page_data.concentration_page,
        "dependence": dependence_view.dependence_page,
        "trends": alerts_view.trends_page,
    }
    return builders[kind](encoded, filters)


@st.cache_data(show_spinner=False, max_entries=32)
def _overview(path: str, filters: Filters, version: int, compare: str):
    encoded = _page_encoded(path, filters, version)
    return page_data.overview_page(encoded, filters, compare)


def overview(filters: Filters, compare: str = "previous") -> page_data.OverviewPage:
    """The overview page's tiles, mix and attention list for the filters, changes against
    the previous period or ("last_year") the same period last year."""
    return _overview(store_path(), filters, get_store().version(), compare)


def concentration(filters: Filters) -> page_data.ConcentrationPage:
    """The sources and concentration page's data for the filters."""
    return _page("concentration", store_path(), filters, get_store().version())


def dependence(filters: Filters) -> dependence_view.DependencePage:
    """The physician dependence page's data for the filters."""
    return _page("dependence", store_path(), filters, get_store().version())


def trends(filters: Filters) -> alerts_view.TrendsPage:
    """The trends and alerts page's data for the filters."""
    return _page("trends", store_path(), filters, get_store().version())


@st.cache_resource(show_spinner=False, max_entries=8)
def _partner_own(path: str, scope: Filters, level: str, version: int, name: str):
    # One partner's rows at every date, and their encoding: read once per store version, not
    # once per period. Only the sources the month sums put under that name are scanned for.
    months = _month_groups(path, scope, version)
    first, last = page_history.data_days(months)
    sources = page_history.partner_sources(months, name)
    rows = _open_store(path).partner_rows(scope, name, HISTORY_COLUMNS, sources)
    return page_history.partner_encoding(rows, level, first, last)


@st.cache_data(show_spinner=False, max_entries=64)
def _partner(path: str, filters: Filters, version: int, name: str) -> PartnerView | None:
    encoded = _page_encoded(path, filters, version)
    own = _partner_own(path, _scope(filters), filters.level, version, name)
    if own is None:
        return None
    return partner_view_of(*own, tables_of(encoded, filters), name)


def partner(filters: Filters, name: str) -> PartnerView | None:
    """One partner's drill-down for the filters (None when it never referred)."""
    return _partner(store_path(), filters, get_store().version(), name)


@st.cache_data(show_spinner=False, max_entries=64)
def _partner_quality(path: str, filters: Filters, version: int, name: str) -> pd.DataFrame:
    own = _partner_own(path, _scope(filters), filters.level, version, name)
    history = None if own is None else own[0]
    return partner_quality_of(history, _page_encoded(path, filters, version), filters, name)


def partner_quality(filters: Filters, name: str) -> pd.DataFrame:
    """The partner's row of the period's source quality table (empty when it sent nothing)."""
    return _partner_quality(store_path(), filters, get_store().version(), name)


@st.cache_data(show_spinner=False, max_entries=16)
def _partner_names(path: str, filters: Filters, version: int) -> list[str]:
    encoded = _page_encoded(path, filters, version)
    return partner_names_of(encoded, tables_of(encoded, filters))


def partner_names(filters: Filters) -> list[str]:
    """Partners to pick from: the period's, most referrals first, then earlier ones by name."""
    return _partner_names(store_path(), filters, get_store().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _stress(path: str, filters: Filters, version: int, partners: tuple[str, ...]) -> dict:
    encoded = _page_encoded(path, filters, version)
    return stress_test_of(tables_of(encoded, filters), partners)


def stress(filters: Filters, partners: tuple[str, ...]) -> dict:
    """What the period would have lost without these partners (see analytics.metrics.stress)."""
    return _stress(store_path(), filters, get_store().version(), tuple(partners))


@st.cache_resource(show_spinner=False, max_entries=4)
def _activity_log(path: str, version: int) -> pd.DataFrame:
    # Every date: contacts before the period still tell how long ago a partner was called.
    return activities_of(_open_store(path))


@st.cache_data(show_spinner=False, max_entries=32)
def _outreach_page(
    kind: str, path: str, filters: Filters, version: int, setting: float, today=None
):
    from analytics.views import outreach as outreach_pages

    log = _activity_log(path, version)
    months = _month_groups(path, _scope(filters), version)
    # The ROI page counts referrals in windows around each touch: those days are cut too.
    touches = (
        page_history.touch_days(log, filters, *page_history.data_days(months))
        if kind == "roi"
        else ()
    )
    encoded = _page_encoded(path, filters, version, touches)
    history = page_history.identity_frame(months)
    if kind == "roi":
        return outreach_pages.roi_page(encoded, history, log, filters, margin=setting)
    return outreach_pages.engagement_page(encoded, history, log, filters, int(setting), today)


def roi(filters: Filters, margin: float = 1.0):
    """The Partner ROI page's data (an outreach_pages.RoiPage), revenue read on `margin`."""
    return _outreach_page("roi", store_path(), filters, get_store().version(), float(margin))


def engagement(filters: Filters, overdue_days: int):
    """The Engagement page's data (an outreach_pages.EngagementPage)."""
    return _outreach_page(
        "engagement",
        store_path(),
        filters,
        get_store().version(),
        float(overdue_days),
        datetime.date.today(),
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _identity_view(path: str, version: int) -> identity.IdentityView:
    return identity.identity_view(_open_store(path))


def identity_view() -> identity.IdentityView:
    """Suggested merges, outreach names, partners and decisions (until the store changes)."""
    return _identity_view(store_path(), get_store().version())


@st.cache_data(show_spinner=False, max_entries=16)
def _concentration_now(path: str, filters: Filters, version: int) -> dict:
    return identity.concentration_now(_open_store(path), filters)


def concentration_now(filters: Filters) -> dict:
    """Partners, largest share and HHI for the filters, with every decision applied."""
    return _concentration_now(store_path(), filters, get_store().version())


@st.cache_resource(show_spinner=False, max_entries=8)
def _valuation_parts(path: str, filters: Filters, version: int):
    # The store's aggregates for the page (analytics.views.valuation_parts), shared by the
    # scorecard and every stress-test choice of the same filters.
    from analytics.views.valuation_parts import valuation_parts

    store = _open_store(path)
    # The segments of the last filters of the same clinics and types: every preset ending
    # on the same day is already cut at its start (the trend's month starts).
    memo = _valuation_segments(path, filters.clinics, filters.source_types, version)
    with store.session():
        parts = valuation_parts(store, filters, memo.get("segments"))
    memo["segments"] = parts.segments
    return parts


@st.cache_resource(show_spinner=False, max_entries=4)
def _valuation_segments(path: str, clinics: tuple, types: tuple, version: int) -> dict:
    # One holder per store version and scope: the Segments the Valuation page read last.
    return {}


def valuation_parts_of(path: str, filters: Filters, version: int):
    """The store's aggregates for the Valuation readiness page (cached per filters; the
    buyers' rules read them too)."""
    return _valuation_parts(path, filters, version)


@st.cache_data(show_spinner=False, max_entries=16)
def _trend(path: str, scope: Filters, version: int, end: int | None, _parts):
    # The scorecard trend reads the clinics, types, level and basis and the period's last
    # day, not its start: every preset ending on the last day with data shares it.
    return _parts.trend()


@st.cache_data(show_spinner=False, max_entries=32)
def _valuation(path: str, filters: Filters, version: int):
    from analytics.views.valuation_parts import valuation_page_from

    parts = _valuation_parts(path, filters, version)
    scope = replace(filters, start=None, end=None)
    return valuation_page_from(parts, _trend(path, scope, version, parts.end, parts))


def valuation(filters: Filters):
    """The Valuation readiness page's data (a valuation_page.ValuationPage)."""
    return _valuation(store_path(), filters, get_store().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _stress_scenarios(path: str, filters: Filters, version: int, scenarios, margin):
    from analytics.views.valuation_parts import stress_page_from

    parts = _valuation_parts(path, filters, version)
    with _open_store(path).session():
        return stress_page_from(parts, scenarios, margin)


def stress_scenarios(filters: Filters, scenarios: tuple, margin: float | None):
    """Two or three stress-test scenarios side by side (a valuation_page.StressPage)."""
    return _stress_scenarios(store_path(), filters, get_store().version(), scenarios, margin)
