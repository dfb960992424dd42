"""Diligence, buyers' rules, targets, source quality, cohorts and the Valuation readiness page
from DuckDB aggregates: by hand on a few rows, and equal to the row path (pandas over every
referral) on the sample practice and a generated one."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.ingest.cli import ingest_file
from analytics.metrics.extended import (
    _rule_record,
    store_extended_metrics,
    store_extended_metrics_of_rows,
)
from analytics.metrics.periods import encode, to_day
from analytics.metrics.planning import planning_parts
from analytics.metrics.scenarios import Scenario
from analytics.metrics.scorecard import Encodings
from analytics.metrics.segments import Segments
from analytics.store import METRIC_COLUMNS, Store, month_sums
from analytics.store.planning_sql import split_months
from analytics.views.valuation import stress_page, valuation_page
from analytics.views.valuation_parts import (
    stress_page_from,
    valuation_cuts,
    valuation_page_from,
    valuation_parts,
)
from tests.metric_paths import FILTER_CASES

# (day, source, type, organization, count, evaluated, payments)
HAND_ROWS = [
    ("2026-01-10", "A", "physician", None, 1, "2026-01-12", 100.0),
    ("2026-03-01", "A", "physician", None, 3, "2026-03-06", 90.0),
    ("2026-06-20", "A", "physician", None, 1, "2026-06-30", None),
    ("2026-06-25", "B", "chiropractor", "Group", 2, None, 50.0),
    ("2026-06-29", "Mom", "patient", None, 1, "2026-06-29", None),
    ("2026-07-15", "A", "physician", None, 9, None, None),
]


def _day(text: str) -> int:
    return to_day(pd.Timestamp(text))


@pytest.fixture
def hand_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "hand.duckdb")
    with store.session():
        for day, source, kind, org, count, evaluated, paid in HAND_ROWS:
            store._cursor().execute(
                "INSERT INTO referrals (referral_date, source_name, source, source_type, "
                "organization, clinic, count, eval_date, payments, upload_id) "
                "VALUES (?, ?, ?, ?, ?, 'X', ?, ?, ?, 1)",
                [day, source, source, kind, org, count, evaluated, paid],
            )
        # Reads take each partner's organisation from the votes every write counts.
        store._cursor().execute("INSERT INTO organization_votes VALUES ('B', 'B', 'Group', 2)")
    yield store
    store.close()


def test_segment_sums_by_hand(hand_store):
    cuts = [_day("2026-03-01"), _day("2026-06-21")]
    segments = Segments(hand_store.segment_sums(Filters(), cuts), cuts)
    rows = {
        (segments.groups["source"][g], int(k)): int(n)
        for g, k, n in zip(segments.group, segments.segment, segments.referrals, strict=True)
    }
    # Segment 0: before Mar 1; 1: Mar 1 to Jun 20; 2: from Jun 21.
    assert rows == {("A", 0): 1, ("A", 1): 4, ("A", 2): 9, ("B", 2): 2, ("Mom", 2): 1}
    table = segments.source_table("organization", cuts[0], cuts[1])
    assert table[["source", "referrals", "payments"]].values.tolist() == [["A", 4, 90.0]]
    later = segments.source_table("organization", cuts[1], None).set_index("source")
    # B counts under its group; the patient is no partner but a row of its own type.
    assert later.loc["Group", "referrals"] == 2 and later.loc["Group", "payments"] == 50.0
    assert later.loc["A", "first_referral"] == pd.Timestamp("2026-07-15")
    assert np.isnan(later.loc["Mom", "payments"])
    with pytest.raises(ValueError, match="not a cut"):
        segments.rows_between(_day("2026-02-01"), None)
    # Referrals per group before a cut (the organisations' votes of metrics --json).
    before = segments.group_sums(cuts[1])
    assert before[["source", "referrals"]].values.tolist() == [["A", 5]]
    every = segments.group_sums(None).set_index("source")["referrals"].to_dict()
    assert every == {"A": 14, "B": 2, "Mom": 1}
    assert segments.has_cuts(cuts[::-1]) and not segments.has_cuts([cuts[0] + 1])


def test_source_quality_and_targets_by_hand(hand_store):
    parts = planning_parts(hand_store, Filters(end=date(2026, 6, 30)))
    quality = parts.source_quality().set_index("Partner")
    a = quality.loc["A"]
    # A: 5 referrals, days to evaluation 2 (1), 5 (3), 10 (1): sorted 2,5,5,5,10.
    assert (a["Referrals"], a["Revenue"]) == (5, 190.0)
    assert (a["Median days to first visit"], a["90th percentile days"]) == (5.0, 10.0)
    assert a["Seen within 7 days share"] == pytest.approx(4 / 5)
    assert a["Revenue per referral"] == pytest.approx(38.0)
    # June: A 1 referral, B 2; the 3 months before (March to May): A 3, so 1 a month.
    counts = parts.on_target({"A": 2.0, "B": 1.0}).set_index("Partner")
    assert counts.loc["A", "This month"] == 1 and not counts.loc["A", "On target"]
    assert counts.loc["B", "This month"] == 2 and counts.loc["B", "On target"]
    assert parts.proposed_targets() == {"A": 1.0}
    assert parts.months_loaded() == 6


def _rows_path(store: Store, filters: Filters, fiscal_start: int = 1) -> str:
    return json.dumps(store_extended_metrics_of_rows(store, filters, fiscal_start), default=str)


def _sql_path(store: Store, filters: Filters, fiscal_start: int = 1) -> str:
    return json.dumps(store_extended_metrics(store, filters, fiscal_start), default=str)


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_extended_metrics_equal_the_row_path_on_the_sample(sample_store, filters):
    assert _sql_path(sample_store, filters) == _rows_path(sample_store, filters)


def test_extended_metrics_equal_the_row_path_in_another_fiscal_year(sample_store):
    filters = Filters(start=date(2025, 3, 1), end=date(2026, 2, 14))
    assert _sql_path(sample_store, filters, 7) == _rows_path(sample_store, filters, 7)


def test_extended_metrics_equal_the_row_path_by_hand(hand_store):
    for filters in (Filters(), Filters(end=date(2026, 6, 30)), Filters(level="organization")):
        assert _sql_path(hand_store, filters) == _rows_path(hand_store, filters)


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory) -> Store:
    """A generated practice (the benchmark generator's shape: many partners, clinics, years)."""
    from sample_data.generate import write_large

    folder = tmp_path_factory.mktemp("generated")
    csv_path = write_large(20_000, folder, xlsx_max=0)["csv"][0]
    store = Store(folder / "generated.duckdb")
    ingest_file(store, csv_path, kind="referrals")
    yield store
    store.close()


def _last_year(store: Store, level: str = "partner") -> Filters:
    _, last = store.date_bounds()
    last = pd.Timestamp(last).date()
    return Filters(start=last.replace(year=last.year - 1), end=last, level=level)


@pytest.mark.parametrize("level", ["partner", "organization"])
def test_extended_metrics_equal_the_row_path_on_a_generated_store(generated_store, level):
    filters = _last_year(generated_store, level)
    assert _sql_path(generated_store, filters) == _rows_path(generated_store, filters)
    everything = replace(filters, start=None, end=None, basis="revenue")
    assert _sql_path(generated_store, everything, 4) == _rows_path(generated_store, everything, 4)


def _same(a, b, where: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    else:
        assert a == b or (a != a and b != b), (where, a, b)


def _valuation_paths_agree(store: Store, filters: Filters, extra: list[Scenario]) -> None:
    scope = Filters(clinics=filters.clinics, source_types=filters.source_types)
    history = store.referrals(scope, columns=METRIC_COLUMNS)
    encodings = Encodings(encode(history, "partner"), encode(history, "organization"))
    rows = valuation_page(encodings, filters)
    with store.session():
        parts = valuation_parts(store, filters)
        sql = valuation_page_from(parts)
        for field in rows.__dataclass_fields__:
            _same(getattr(rows, field), getattr(sql, field), field)
        scenarios = [*rows.defaults, *extra]
        rows_stress = stress_page(encodings, filters, scenarios, 0.3)
        sql_stress = stress_page_from(parts, scenarios, 0.3)
    for field in rows_stress.__dataclass_fields__:
        _same(getattr(rows_stress, field), getattr(sql_stress, field), field)
    # The page's buyers' rules, from the same aggregates: as metrics --json computes them.
    in_json = json.loads(_rows_path(store, filters))["buyer_rules"]
    assert [_rule_record(r) for r in parts.buyer_rules()] == in_json


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_valuation_page_equals_the_row_path_on_the_sample(sample_store, filters):
    extra = [Scenario("Two", partners=("Maria Okafor, MD", "Nobody"))]
    _valuation_paths_agree(sample_store, filters, extra)


def test_valuation_page_equals_the_row_path_on_a_generated_store(generated_store):
    _valuation_paths_agree(generated_store, _last_year(generated_store), [])
    _valuation_paths_agree(generated_store, Filters(level="organization"), [])


def test_a_scenario_that_moves_the_period_by_hand(hand_store):
    """A holds the history's first day (Jan 10) and last (Jul 15): without A it runs June 25
    to 29, and the scorecard after A stops reads that period, from rows or aggregates alike."""
    stops = [
        Scenario("A stops", partners=("A",)),
        Scenario("Group stops", organizations=("Group",)),
    ]
    _valuation_paths_agree(hand_store, Filters(), stops)
    with hand_store.session():
        parts = valuation_parts(hand_store, Filters())
        result = stress_page_from(parts, stops[:1], None).results[0]
    assert result["referrals_lost"] == 14
    coverage = next(c for c in result["scorecard_after"] if c["name"] == "data_coverage")
    assert coverage["value"]["months_in_period"] == 1  # June only
    assert coverage["value"]["months_present"] == 1


# Segments from the month sums ---------------------------------------------------------------


def _segment_table(store: Store, filters: Filters, cuts: list[int], *, months: bool):
    """Store.segment_sums as a sorted frame, read from the month sums or from the rows."""
    kept = type(store).month_sums_ok
    with patch.object(type(store), "month_sums_ok", lambda self: months and kept(self)):
        table = store.segment_sums(filters, cuts).to_pandas()
    keys = ["source", "source_type", "organization", "segment"]
    return table.sort_values(keys, na_position="first").reset_index(drop=True)


def test_segments_from_month_sums_read_split_months_by_day(hand_store):
    with hand_store.session():
        month_sums.rebuild(hand_store._cursor())
        assert hand_store.month_sums_ok()
        # Jun 21 splits June: its rows (A on the 20th, B on the 25th) are read one by one.
        cuts = [_day("2026-03-01"), _day("2026-06-21")]
        table = _segment_table(hand_store, Filters(), cuts, months=True)
    rows = {
        (s, int(k)): int(n)
        for s, k, n in zip(table["source"], table["segment"], table["referrals"], strict=True)
    }
    assert rows == {("A", 0): 1, ("A", 1): 4, ("A", 2): 9, ("B", 2): 2, ("Mom", 2): 1}
    a_june = table[(table["source"] == "A") & (table["segment"] == 1)].iloc[0]
    assert (a_june["first_day"], a_june["last_day"]) == (_day("2026-03-01"), _day("2026-06-20"))
    assert a_june["rows"] == 2 and a_june["payments"] == 90.0


def test_split_months_merge_into_ranges():
    assert split_months([_day("2026-03-01")]) == []
    assert split_months([_day("2026-06-21"), _day("2026-07-02"), _day("2026-09-30")]) == [
        (_day("2026-06-01"), _day("2026-08-01")),
        (_day("2026-09-01"), _day("2026-10-01")),
    ]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(end=date(2026, 6, 15)),
        Filters(start=date(2025, 3, 10), end=date(2026, 2, 27)),
        Filters(source_types=("physician", "self")),
    ],
    ids=["all", "mid-month-end", "mid-month-period", "types"],
)
def test_segments_from_month_sums_equal_the_rows(generated_store, filters):
    store = generated_store
    with store.session():
        assert store.month_sums_ok()
        first, last = store.day_bounds(Filters())
        start = to_day(pd.Timestamp(filters.start)) if filters.start else first
        end = to_day(pd.Timestamp(filters.end)) if filters.end else last
        cuts = valuation_cuts(start, end, first)
        fast = _segment_table(store, filters, cuts, months=True)
        slow = _segment_table(store, filters, cuts, months=False)
    assert len(fast) == len(slow) > 1000
    money = ["payments", "charges", "visits"]
    pd.testing.assert_frame_equal(fast.drop(columns=money), slow.drop(columns=money))
    # Sums of the same cents in another order: equal to the last bits.
    pd.testing.assert_frame_equal(fast[money], slow[money], rtol=1e-12)


def test_segments_from_month_sums_apply_identity_decisions(tmp_path):
    """Merged, renamed, retyped, regrouped and split sources: read from their rows, resolved;
    every other source from the month sums; equal to the rows throughout."""
    from analytics import identity
    from sample_data.generate import write_large

    csv_path = write_large(8_000, tmp_path, xlsx_max=0)["csv"][0]
    store = Store(tmp_path / "decided.duckdb")
    ingest_file(store, csv_path, kind="referrals")
    profiles = store.source_profiles()
    top = list(profiles.sort_values("referrals", ascending=False)["source"][:4])
    identity.merge(store, [top[1]], top[0])
    identity.set_type(store, top[2], "chiropractor")
    identity.set_organization(store, top[3], "Big Group")
    spelling = store.source_profiles().set_index("source").loc[top[0], "spellings"][0]
    identity.split_spelling(store, spelling, "Split Off")
    with store.session():
        assert store.month_sums_ok()
        first, last = store.day_bounds(Filters())
        filters = Filters(end=pd.Timestamp(np.datetime64(last - 40, "D")).date())
        cuts = valuation_cuts(first + 200, last - 40, first)
        fast = _segment_table(store, filters, cuts, months=True)
        slow = _segment_table(store, filters, cuts, months=False)
    store.close()
    assert "Split Off" in set(fast["source"]) and top[1] not in set(fast["source"])
    money = ["payments", "charges", "visits"]
    pd.testing.assert_frame_equal(fast.drop(columns=money), slow.drop(columns=money))
    pd.testing.assert_frame_equal(fast[money], slow[money], rtol=1e-12)


def test_valuation_reuses_segments_cut_at_more_days(generated_store):
    """Presets ending on the same day share one segment table (the trend cuts every month
    start); the page from the shared table equals the row path; a mid-month start reads
    the segments again."""
    store = generated_store
    year = _last_year(store)
    to_date = Filters(start=year.end.replace(month=1, day=1), end=year.end)
    with store.session():
        first = valuation_parts(store, year)
        shared = valuation_parts(store, to_date, first.segments)
        assert shared.segments is first.segments
        fresh = valuation_parts(store, to_date)
        page, again = valuation_page_from(shared), valuation_page_from(fresh)
        stress = stress_page_from(shared, page.defaults, 0.3)
        stress_again = stress_page_from(fresh, page.defaults, 0.3)
        mid = Filters(start=year.end.replace(month=1, day=10), end=year.end)
        assert valuation_parts(store, mid, first.segments).segments is not first.segments
    for field in page.__dataclass_fields__:
        _same(getattr(page, field), getattr(again, field), field)
    for field in stress.__dataclass_fields__:
        _same(getattr(stress, field), getattr(stress_again, field), field)
    _valuation_paths_agree(store, to_date, [])
