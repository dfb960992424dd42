"""The report files (workbook, PDF, deck) a page offers, built once per store version and
filters and cached."""

from __future__ import annotations

import streamlit as st

from analytics import charts
from analytics.app.loaders import _activity_log, _history, _scope
from analytics.app.state import _open_store
from analytics.filters import Filters


@st.cache_resource(show_spinner=False, max_entries=4)
def _report_content(
    path: str, filters: Filters, version: int, practice_name, logo, scenarios, margin
):
    from analytics.report import report_content

    return report_content(
        _history(path, _scope(filters), version),
        _activity_log(path, version),
        filters,
        uploads=_open_store(path).uploads(),
        store=path,
        practice_name=practice_name,
        logo=logo,
        scenarios=list(scenarios) if scenarios else None,
        margin=margin,
    )


@st.cache_resource(show_spinner=False, max_entries=4)
def _report_images(path: str, filters: Filters, version: int, *content_key):
    # One set of chart images for the PDF and the deck of the same report.
    from analytics.report.images import report_images

    return report_images(_report_content(path, filters, version, *content_key))


@st.cache_data(show_spinner=False, max_entries=8)
def _report(
    path: str,
    filters: Filters,
    version: int,
    kind: str,
    practice_name: str | None,
    logo: bytes | None,
    scenarios,
    margin,
) -> bytes:
    from analytics.report import ReportError, render

    key = (practice_name, logo, scenarios, margin)
    content = _report_content(path, filters, version, *key)
    if kind == "xlsx":
        return render(content, kind)
    if not charts.png_available():
        raise ReportError("The PDF and the deck need Chromium on the server for their charts.")
    return render(content, kind, _report_images(path, filters, version, *key))


def report_file(
    path: str,
    filters: Filters,
    kind: str,
    practice_name: str | None,
    logo: bytes | None,
    scenarios: tuple = (),
    margin: float | None = None,
) -> bytes:
    """The workbook ("xlsx"), PDF ("pdf") or deck ("pptx") of store `path` for the filters'
    period, with the page's stress-test scenarios (the default three when none).

    The path is passed, not read from the session: a download button runs this after the
    script, outside the session, where the session's chosen practice cannot be read.
    """
    return _report(
        path,
        filters,
        _open_store(path).version(),
        kind,
        practice_name,
        logo,
        tuple(scenarios),
        margin,
    )
