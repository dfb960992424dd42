"""Everything a report shows, computed once: the pages' data bundles, `metrics --json`, the
scorecard with its trend, the stress-test scenarios and the action list.

The workbook, the PDF and the deck only lay this out, so their numbers are the pages' and
the CLI's. `report_content` is pure (frames in); `content_from_store` reads a store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.identity import activities_of
from analytics.metrics.periods import tables_of
from analytics.metrics.scenarios import Scenario, default_scenarios, run_scenario, scenario_table
from analytics.metrics.scorecard import Encodings, encodings_of, scorecard_of, scorecard_trend_of
from analytics.metrics.summary import metrics_summary
from analytics.outreach.engagement import OVERDUE_DAYS
from analytics.schema import SOURCE_TYPE_LABELS
from analytics.store import Store
from analytics.views import alerts as alerts_view
from analytics.views import dependence as dependence_view
from analytics.views import overview as page_data
from analytics.views.engagement import EngagementPage, engagement_page
from analytics.views.freshness import data_through, stale_note
from analytics.views.roi import RoiPage, roi_page

__all__ = ["LEVEL_WORDS", "ReportContent", "content_from_store", "report_content"]

LEVEL_WORDS = {"partner": "Each referrer", "organization": "Practice group"}
UPLOAD_COLUMNS = {
    "upload_id": "Upload",
    "kind": "Kind",
    "file_name": "File",
    "uploaded_at": "Loaded at",
    "rows_loaded": "Rows loaded",
    "rows_rejected": "Rows rejected",
    "period_start": "First date",
    "period_end": "Last date",
    "clinics": "Clinics",
}


@dataclass(frozen=True, eq=False)
class ReportContent:
    """One report's figures and tables, whatever the format."""

    filters: Filters
    practice_name: str | None
    logo: bytes | None
    store: str
    exported_at: datetime
    period: str
    settings: tuple[tuple[str, str], ...]
    summary: dict
    overview: page_data.OverviewPage
    concentration: page_data.ConcentrationPage
    dependence: dependence_view.DependencePage
    trends: alerts_view.TrendsPage
    roi: RoiPage | None
    engagement: EngagementPage | None
    scorecard: list[dict]
    scorecard_trend: pd.DataFrame
    scenarios: list[dict]
    margin: float | None
    uploads: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Issue 17's sheets (diligence, targets, source quality, cohorts; report/planning.py).
    extra_sheets: tuple = ()
    data_through: str = ""
    stale_note: str | None = None

    @property
    def title(self) -> str:
        """The report's title: the practice's name when given."""
        return self.practice_name or "Referral analytics"

    @property
    def actions(self) -> pd.DataFrame:
        """This week's action list (empty without an outreach log)."""
        if self.engagement is None:
            return pd.DataFrame()
        return self.engagement.actions

    @property
    def scenario_table(self) -> pd.DataFrame:
        """The scenarios as one row each, figures as numbers."""
        return scenario_table(self.scenarios)


def _settings(filters: Filters, summary: dict, practice: str, last, now: datetime) -> tuple:
    period = summary["period"]
    types = ", ".join(SOURCE_TYPE_LABELS.get(t, t) for t in filters.source_types)
    return (
        ("Period", fmt.period(period["start"], period["end"])),
        ("Clinics", ", ".join(filters.clinics) or "All clinics"),
        ("Source types", types or "All source types"),
        ("Concentration measured by", filters.basis.capitalize()),
        ("Partners counted as", LEVEL_WORDS[filters.level]),
        (
            "Revenue",
            {"payments": "Payments collected", "charges": "Charges (no payments)"}.get(
                summary["revenue_basis"], "Not exported"
            ),
        ),
        # The practice's name, never the store's file name (a client reads this page).
        ("Practice", practice),
        ("Data through", fmt.day(last) if last is not None else "No data yet"),
        ("Exported", f"{fmt.day(now)} {now:%H:%M}"),
    )


def _uploads(uploads: pd.DataFrame | None) -> pd.DataFrame:
    if uploads is None or uploads.empty:
        return pd.DataFrame({label: [] for label in UPLOAD_COLUMNS.values()})
    shown = uploads[[c for c in UPLOAD_COLUMNS if c in uploads.columns]]
    if "clinics" in shown:
        shown = shown.assign(clinics=shown["clinics"].map(_clinic_list).astype("str"))
    return shown.rename(columns=UPLOAD_COLUMNS).reset_index(drop=True)


def _clinic_list(stored) -> str:
    """The clinics an upload covered, as text (the store keeps them as a JSON list)."""
    if stored is None or stored is pd.NA:
        return ""
    try:
        clinics = json.loads(stored)
    except (TypeError, ValueError):
        return str(stored)
    return ", ".join(str(c) for c in clinics) if isinstance(clinics, list) else str(clinics)


def report_content(
    history: pd.DataFrame,
    activities: pd.DataFrame,
    filters: Filters,
    *,
    uploads: pd.DataFrame | None = None,
    store: str = "",
    practice_name: str | None = None,
    logo: bytes | None = None,
    scenarios: list[Scenario] | None = None,
    margin: float | None = None,
    overdue_days: int = OVERDUE_DAYS,
    now: datetime | None = None,
) -> ReportContent:
    """The report of the filters' period from the history (every date, under the filters'
    clinics and source types) and the whole outreach log.

    `scenarios` default to `scenarios.default_scenarios`; `margin` (0..1) adds the
    contribution lost to the stress test.
    """
    now = now or datetime.now()
    encodings = encodings_of(history)
    encoded = encodings.at(filters.level)
    tables = tables_of(encoded, filters)
    # metrics --json reads history up to the period end, and the activities up to it too.
    to_end = history
    log = activities
    if tables.end is not None:
        to_end = history[history["referral_date"] <= tables.end]
        log = activities[activities["activity_date"] <= tables.end]
    summary = metrics_summary(None, filters, log, history=to_end, tables=tables)
    has_log = not activities.empty
    name = practice_name.strip() if practice_name and practice_name.strip() else None
    # How current the data is: its newest referral, whatever period the report covers.
    newest = encoded.last_day()
    last = None if newest is None else np.datetime64(newest, "D").astype(object)
    return ReportContent(
        filters=filters,
        practice_name=name,
        logo=logo,
        store=store,
        exported_at=now,
        period=fmt.period(tables.start, tables.end),
        settings=_settings(filters, summary, name or "Not named", last, now),
        summary=summary,
        overview=page_data.overview_page(encoded, filters),
        concentration=page_data.concentration_page(encoded, filters),
        dependence=dependence_view.dependence_page(encoded, filters),
        trends=alerts_view.trends_page(encoded, filters),
        roi=roi_page(encoded, history, activities, filters, margin=margin or 1.0)
        if has_log
        else None,
        engagement=engagement_page(
            encoded, history, activities, filters, overdue_days, today=now.date()
        )
        if has_log
        else None,
        scorecard=scorecard_of(encodings, filters),
        scorecard_trend=scorecard_trend_of(encodings, filters),
        scenarios=_scenarios(encodings, filters, scenarios, margin),
        margin=margin,
        uploads=_uploads(uploads),
        data_through=data_through(last),
        stale_note=stale_note(last, now.date()),
    )


def _scenarios(
    encodings: Encodings, filters: Filters, scenarios: list[Scenario] | None, margin
) -> list[dict]:
    chosen = default_scenarios(encodings, filters) if scenarios is None else scenarios
    return [run_scenario(encodings, filters, s, margin) for s in chosen]


def content_from_store(store: Store, filters: Filters, **options) -> ReportContent:
    """`report_content` of a store: its history under the filters' clinics and source types,
    its outreach log and its upload history (options as `report_content` takes them)."""
    scope = Filters(clinics=filters.clinics, source_types=filters.source_types)
    options.setdefault("store", str(Path(store.path)))
    content = report_content(
        store.referrals(scope),
        activities_of(store),
        filters,
        uploads=store.uploads(),
        **options,
    )
    from analytics.report.planning import planning_sheets_of

    return replace(content, extra_sheets=tuple(planning_sheets_of(store, filters)))


def with_practice(content: ReportContent, name: str | None, logo: bytes | None) -> ReportContent:
    """The same report under another practice name and logo."""
    return replace(content, practice_name=name, logo=logo)
