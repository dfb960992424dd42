"""The pages from partners x months (analytics.views.page_history) against the pages from every
row: by hand on a tiny store, and page by page on the sample and a generated practice."""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.filters import PRESETS, Filters, preset_period
from analytics.identity import activities_of
from analytics.ingest.cli import ingest_file
from analytics.metrics.periods import encode, tables_of, to_day
from analytics.metrics.planning import planning_parts
from analytics.metrics.stress import stress_test_of
from analytics.store import METRIC_COLUMNS, Store
from analytics.views import alerts as alerts_view
from analytics.views import dependence as dependence_view
from analytics.views import outreach as outreach_pages
from analytics.views import overview as page_data
from analytics.views import page_history
from analytics.views.partner import partner_names_of, partner_view_of
from analytics.views.partner_quality import partner_quality_of

# What the app reads of a history row (analytics.app.state.HISTORY_COLUMNS).
HISTORY_COLUMNS = (*METRIC_COLUMNS, "payer")


def _day(text: str) -> int:
    return to_day(pd.Timestamp(text))


@pytest.fixture
def tiny_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "tiny.duckdb")
    rows = [
        # day, source, type, organization, count, payments, visits, eval date
        ("2025-01-05", "Dr A", "physician", None, 1, 100.0, 5.0, "2025-01-09"),
        ("2025-01-20", "Dr A", "physician", None, 2, 50.0, None, None),
        ("2025-02-10", "Dr A", "physician", None, 1, None, 3.0, "2025-02-12"),
        ("2025-02-11", "Mom", "patient", None, 1, 20.0, 1.0, None),
        ("2025-03-03", "Dr B", "chiropractor", "Group", 4, 10.0, 2.0, "2025-03-05"),
    ]
    with store.session():
        for day, source, kind, org, count, paid, visits, evaluated in rows:
            store._cursor().execute(
                "INSERT INTO referrals (referral_date, source_name, source, source_type, "
                "organization, clinic, count, payments, visits, eval_date, upload_id) "
                "VALUES (?, ?, ?, ?, ?, 'X', ?, ?, ?, ?, 1)",
                [day, source, source, kind, org, count, paid, visits, evaluated],
            )
        store._cursor().execute(
            "INSERT INTO organization_votes VALUES ('Dr B', 'Dr B', 'Group', 4)"
        )
    yield store
    store.close()


def test_month_sums_by_hand(tiny_store):
    months = tiny_store.bucket_groups(Filters(), [])
    a = months[months["source"] == "Dr A"].sort_values(["bucket", "count"])
    # January: two rows, one with visits and one without (kept apart), Feb 10 alone.
    assert a["bucket"].tolist() == [_day("2025-01-01")] * 2 + [_day("2025-02-01")]
    assert a["count"].tolist() == [1, 2, 1]
    assert a["day"].tolist() == [_day("2025-01-05"), _day("2025-01-20"), _day("2025-02-10")]
    assert a["payments"].tolist()[:2] == [100.0, 50.0]
    assert np.isnan(a["payments"].tolist()[2])
    assert a["arrived"].tolist() == [1, 0, 1]
    assert a["known"].tolist() == [1, 0, 1]  # no eval date and no flag: outcome unknown
    assert page_history.data_days(months) == (_day("2025-01-05"), _day("2025-03-03"))


def test_cut_months_by_hand():
    first, last = _day("2024-01-02"), _day("2025-03-03")
    filters = Filters(start=date(2025, 1, 10), end=date(2025, 2, 28))
    cuts = page_history.cut_days(filters, first, last)
    assert {_day("2025-01-10"), _day("2025-03-01")} <= cuts  # the period
    assert _day("2024-11-21") in cuts  # the 50 days before it start on Nov 21
    ranges = page_history.detail_ranges(cuts, first, last)
    months = {str(np.datetime64(a, "D"))[:7] for a, b in ranges for a in range(a, b)}
    assert {"2025-01", "2024-11", "2024-01"} <= months
    assert "2025-03" not in months  # the day after the end is March 1st: no cut inside
    # The thank-you window (Jan 30 - Feb 28) and the last 90 days (from Dec 1) start in
    # months already cut or on a 1st: February is read whole.
    assert {_day("2025-01-30"), _day("2024-12-01")} <= cuts
    assert "2025-02" not in months
    # Months past the history are never read.
    assert all(b <= _day("2025-04-01") for _, b in ranges)


def test_detail_buckets_run_from_cut_to_cut_by_hand(tiny_store):
    # A range of two months (Jan and Feb 2025) with cuts on Jan 10 and Feb 20, and one
    # outside it: the buckets start on Jan 1, Jan 10, Feb 1 and Feb 20.
    ranges = ((_day("2025-01-01"), _day("2025-03-01")),)
    cuts = {_day("2025-01-10"), _day("2025-02-20"), _day("2025-05-07"), _day("2025-01-01")}
    starts = page_history.detail_starts(cuts, ranges)
    assert starts == tuple(
        _day(d) for d in ("2025-01-01", "2025-01-10", "2025-02-01", "2025-02-20")
    )
    detail = tiny_store.bucket_groups(Filters(), list(ranges), only_ranges=True, starts=starts)
    a = detail[detail["source"] == "Dr A"].sort_values(["bucket", "count"])
    # Jan 5 (before the Jan 10 cut), Jan 20 (no visits: its own group), Feb 10.
    assert a["bucket"].tolist() == [_day("2025-01-01"), _day("2025-01-10"), _day("2025-02-01")]
    assert a["day"].tolist() == [_day("2025-01-05"), _day("2025-01-20"), _day("2025-02-10")]
    assert a["count"].tolist() == [1, 2, 1]
    mom = detail[detail["source"] == "Mom"]
    assert mom["bucket"].tolist() == [_day("2025-02-01")]  # Feb 11, before the Feb 20 cut


def test_a_period_cut_mid_month_by_hand(tiny_store):
    filters = Filters(start=date(2025, 1, 10), end=date(2025, 2, 28))
    tables = tables_of(page_history.page_encoding(tiny_store, filters), filters)
    partners = tables.partners.set_index("partner")
    # Dr A: the Jan 20 row (2) and Feb 10 (1); Jan 5 falls before the period.
    assert partners.loc["Dr A", "referrals"] == 3
    assert partners.loc["Dr A", "first_referral"] == pd.Timestamp("2025-01-20")
    assert partners.loc["Dr A", "last_referral"] == pd.Timestamp("2025-02-10")
    assert partners.loc["Dr A", "payments"] == 50.0
    assert partners.loc["Dr A", "visit_referrals"] == 1  # Jan 20 had no visits recorded
    assert tables.referrals == 4  # Mom's Feb 11 too; Dr B's March row is after the end
    # Month buckets keep their last day: Dr A's last referral over all the data.
    whole = tables_of(page_history.page_encoding(tiny_store, Filters()), Filters())
    assert whole.partners.set_index("partner").loc["Dr A", "last_referral"] == pd.Timestamp(
        "2025-02-10"
    )
    assert whole.end == pd.Timestamp("2025-03-03")


# Old (every row) against new (partners x months) -----------------------------------------


def assert_same(a, b, where: str = "") -> None:
    """Equal page bundles: frames and floats to 1e-9 (money sums taken in another order)."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for field in dataclasses.fields(a):
            assert_same(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b.reset_index(drop=True), rtol=1e-9, obj=where
        )
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, rtol=1e-9, obj=where)
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9), where
    else:
        assert a == b, where


def _filters(store: Store) -> list[Filters]:
    _, last = store.date_bounds()
    last = pd.Timestamp(last).date()
    chosen = [Filters(*preset_period(p, last)) for p in PRESETS]
    clinic = store.clinics()[0]
    chosen += [
        Filters(start=date(last.year - 1, 3, 17), end=date(last.year - 1, 11, 9)),
        Filters(*preset_period("Trailing 12 months", last), level="organization"),
        Filters(*preset_period("Year to date", last), basis="revenue", clinics=(clinic,)),
        Filters(*preset_period("Last quarter", last), source_types=("physician", "patient")),
    ]
    return chosen


def _compare_pages(store: Store, filters: Filters) -> None:
    scope = Filters(clinics=filters.clinics, source_types=filters.source_types)
    history = store.referrals(scope, columns=HISTORY_COLUMNS)
    old = encode(history, filters.level)
    new = page_history.page_encoding(store, filters)
    for compare in ("previous", "last_year"):
        assert_same(
            page_data.overview_page(old, filters, compare),
            page_data.overview_page(new, filters, compare),
            f"overview {compare}",
        )
    assert_same(
        page_data.concentration_page(old, filters),
        page_data.concentration_page(new, filters),
        "concentration",
    )
    assert_same(
        dependence_view.dependence_page(old, filters),
        dependence_view.dependence_page(new, filters),
        "dependence",
    )
    assert_same(
        alerts_view.trends_page(old, filters), alerts_view.trends_page(new, filters), "trends"
    )
    tables = tables_of(old, filters)
    names = partner_names_of(old, tables)
    assert names == partner_names_of(new, tables_of(new, filters))
    top = tuple(names[:2])
    assert_same(stress_test_of(tables, top), stress_test_of(tables_of(new, filters), top), "stress")
    trends = alerts_view.trends_page(old, filters)
    picked = [*names[:3], *trends.declining["Partner"][:2], *trends.dormant["Partner"][:2]]
    months = store.bucket_groups(scope, [])
    first, last = page_history.data_days(months)
    # Source quality as the page showed it: the whole period's table, one partner's row.
    quality = planning_parts(store, filters).source_quality("source")
    for name in dict.fromkeys([*picked, names[-1]] if names else []):
        sources = page_history.partner_sources(months, name)
        own = page_history.partner_encoding(
            store.partner_rows(scope, name, HISTORY_COLUMNS, sources), filters.level, first, last
        )
        assert own is not None
        assert_same(
            partner_view_of(history, old, tables, name),
            partner_view_of(*own, tables_of(new, filters), name),
            f"partner {name}",
        )
        mine = quality[quality["Partner"] == name].reset_index(drop=True)
        own_quality = partner_quality_of(own[0], new, filters, name)
        if mine.empty:  # the page says the partner sent nothing in the period
            assert own_quality.empty and list(own_quality) == list(mine), name
        else:
            assert_same(mine, own_quality, f"partner quality {name}")
    log = activities_of(store)
    touches = page_history.touch_days(log, filters, first, last)
    roi_encoded = page_history.page_encoding(store, filters, touches)
    identity = page_history.identity_frame(store.bucket_groups(scope, []))
    assert_same(
        outreach_pages.roi_page(old, history, log, filters, margin=0.4),
        outreach_pages.roi_page(roi_encoded, identity, log, filters, margin=0.4),
        "roi",
    )
    today = date(2026, 12, 1)
    assert_same(
        outreach_pages.engagement_page(old, history, log, filters, 60, today),
        outreach_pages.engagement_page(new, identity, log, filters, 60, today),
        "engagement",
    )


def test_sample_pages_from_months_equal_the_pages_from_rows(sample_store):
    for filters in _filters(sample_store):
        _compare_pages(sample_store, filters)


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory) -> Store:
    from sample_data.generate import write_large

    folder = tmp_path_factory.mktemp("generated")
    csv_path = write_large(20_000, folder, xlsx_max=0)["csv"][0]
    store = Store(folder / "generated.duckdb")
    ingest_file(store, csv_path, kind="referrals")
    yield store
    store.close()


def test_generated_pages_from_months_equal_the_pages_from_rows(generated_store):
    for filters in _filters(generated_store):
        _compare_pages(generated_store, filters)


def test_month_sums_are_much_smaller_than_the_rows(generated_store):
    months = generated_store.bucket_groups(Filters(), [])
    rows = generated_store.counts()["referrals"]
    assert int(months["count"].sum()) == int(
        generated_store.referrals(Filters(), columns=("count",))["count"].sum()
    )
    assert len(months) < rows
