"""One partner's source quality row (analytics.views.partner_quality) and the narrowed read of
its rows (page_history.partner_sources, Store.partner_rows), by hand on a tiny store. The
sample and a generated practice compare it with the whole table in test_page_history."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.identity.decisions import record as record_decisions
from analytics.metrics.planning import planning_parts
from analytics.store import METRIC_COLUMNS, Store
from analytics.views import page_history
from analytics.views.partner_quality import partner_quality_of, quality_standings

HISTORY_COLUMNS = (*METRIC_COLUMNS, "payer")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "quality.duckdb")
    rows = [
        # day, source, type, organization, count, payments, charges, eval date, payer
        ("2025-01-05", "Dr A", "physician", None, 1, 100.0, None, "2025-01-09", "Medicare"),
        ("2025-01-20", "Dr A", "physician", None, 2, 50.0, None, None, None),
        # Dr C's rows carry charges only: alone they would be valued on charges (500).
        ("2025-02-01", "Dr C", "physician", None, 1, None, 500.0, "2025-02-11", "Aetna"),
        ("2025-02-11", "Mom", "patient", None, 1, 20.0, None, None, None),
        # Dr B belongs to "Group": the organization level's key is not its source.
        ("2025-03-03", "Dr B", "chiropractor", "Group", 4, 10.0, None, "2025-03-05", "Aetna"),
    ]
    with store.session():
        for day, source, kind, org, count, paid, charged, evaluated, payer in rows:
            store._cursor().execute(
                "INSERT INTO referrals (referral_date, source_name, source, source_type, "
                "organization, clinic, count, payments, charges, eval_date, payer, upload_id) "
                "VALUES (?, ?, ?, ?, ?, 'X', ?, ?, ?, ?, ?, 1)",
                [day, source, source, kind, org, count, paid, charged, evaluated, payer],
            )
        store._cursor().execute(
            "INSERT INTO organization_votes VALUES ('Dr B', 'Dr B', 'Group', 4)"
        )
    yield store
    store.close()


def _quality(store: Store, filters: Filters, name: str) -> pd.DataFrame:
    """The Partner page's section, as app.loaders builds it."""
    scope = Filters()
    months = store.bucket_groups(scope, [])
    first, last = page_history.data_days(months)
    sources = page_history.partner_sources(months, name)
    rows = store.partner_rows(scope, name, HISTORY_COLUMNS, sources)
    own = page_history.partner_encoding(rows, filters.level, first, last)
    encoded = page_history.page_encoding(store, filters)
    return partner_quality_of(None if own is None else own[0], encoded, filters, name)


def test_partner_sources_from_the_month_sums(store):
    months = store.bucket_groups(Filters(), [])
    assert page_history.partner_sources(months, "Dr A") == ["Dr A"]
    assert page_history.partner_sources(months, "Group") == ["Dr B"]
    assert page_history.partner_sources(months, "Nobody") == []
    # A group without a source naming the organization: its rows have no source to look for.
    sourceless = pd.DataFrame({"source": ["X", None], "organization": ["G", "G"]}, dtype="str")
    assert page_history.partner_sources(sourceless, "G") is None


def test_partner_rows_read_only_the_sources_given(store):
    scope = Filters()
    everything = store.partner_rows(scope, "Group", HISTORY_COLUMNS)
    narrowed = store.partner_rows(scope, "Group", HISTORY_COLUMNS, ["Dr B"])
    assert narrowed["source"].tolist() == everything["source"].tolist() == ["Dr B"]
    # The narrowing is taken at its word: the organization's own name is not a source.
    assert store.partner_rows(scope, "Group", HISTORY_COLUMNS, ["Group"]).empty
    assert store.partner_rows(scope, "Dr A", HISTORY_COLUMNS, ["Dr C"]).empty
    assert store.partner_rows(scope, "Dr A", HISTORY_COLUMNS, ["Dr A"])["count"].sum() == 3
    # No source at all (a name the sums never saw) reads as the name's own source.
    assert store.partner_rows(scope, "Dr A", HISTORY_COLUMNS, [])["count"].sum() == 3


def test_basis_and_rank_are_the_periods_not_the_partners(store):
    every = Filters(start=date(2025, 1, 1), end=date(2025, 3, 31))
    basis, standings = quality_standings(page_history.page_encoding(store, every), every)
    assert basis == "payments"  # Dr A and Dr B were paid; Mom is no partner
    assert dict(zip(standings["Partner"], standings["_cents"], strict=True)) == {
        "Dr A": 150.0,
        "Dr C": 0.0,
        "Dr B": 10.0,
    }
    c = _quality(store, every, "Dr C").iloc[0]
    # On payments Dr C brought nothing (its own rows alone would say 500 and rank 1).
    assert (c["Rank by revenue"], c["Revenue"], c["Referrals"], c["Episodes"]) == (3, 0.0, 1, 1)
    assert c["Median days to first visit"] == 10.0
    assert c["Seen within 7 days share"] == 0.0
    assert c["Top payers"] == "Aetna 100%"
    a = _quality(store, every, "Dr A").iloc[0]
    assert (a["Rank by revenue"], a["Revenue"], a["Referrals"], a["Episodes"]) == (1, 150.0, 3, 1)
    assert a["Revenue per referral"] == 50.0
    assert a["Seen within 7 days share"] == 1.0  # one known outcome, seen in 4 days
    assert a["Top payers"] == "(no payer) 67%, Medicare 33%"
    # From February: Dr A sent nothing; Dr B (10.0) is ahead of Dr C (0.0).
    later = Filters(start=date(2025, 2, 1), end=date(2025, 3, 31))
    assert _quality(store, later, "Dr A").empty
    assert _quality(store, later, "Dr C").iloc[0]["Rank by revenue"] == 2
    assert _quality(store, later, "Nobody").empty


def test_organization_level_and_the_whole_table(store):
    for filters in (
        Filters(start=date(2025, 1, 1), end=date(2025, 3, 31), level="organization"),
        Filters(start=date(2025, 2, 1), end=date(2025, 3, 31)),
        Filters(),
    ):
        whole = planning_parts(store, filters).source_quality("source")
        for name in whole["Partner"]:
            mine = whole[whole["Partner"] == name].reset_index(drop=True)
            own = _quality(store, filters, name)
            pd.testing.assert_frame_equal(mine, own, obj=name)
    group = _quality(
        store, Filters(start=date(2025, 1, 1), end=date(2025, 3, 31), level="organization"), "Group"
    ).iloc[0]
    assert (group["Rank by revenue"], group["Referrals"], group["Revenue"]) == (2, 4, 10.0)
    assert group["Revenue per episode"] == 2.5
    assert math.isclose(group["Seen within 7 days share"], 1.0)


def test_no_revenue_recorded_ranks_by_referrals(tmp_path):
    store = Store(tmp_path / "none.duckdb")
    with store.session():
        for day, source, count in (("2025-01-05", "Dr A", 1), ("2025-01-06", "Dr B", 3)):
            store._cursor().execute(
                "INSERT INTO referrals (referral_date, source_name, source, source_type, "
                "clinic, count, upload_id) VALUES (?, ?, ?, 'physician', 'X', ?, 1)",
                [day, source, source, count],
            )
    filters = Filters()
    basis, _ = quality_standings(page_history.page_encoding(store, filters), filters)
    assert basis == "none"
    a = _quality(store, filters, "Dr A").iloc[0]
    assert a["Rank by revenue"] == 2 and np.isnan(a["Revenue"])
    assert _quality(store, filters, "Dr B").iloc[0]["Rank by revenue"] == 1
    store.close()


def test_with_the_owners_decisions(store):
    # Dr C merged into Dr A, and Dr A put in "Group" by the owner: the resolved source and
    # organization are not the stored ones, and the narrowing reads the resolved ones.
    record_decisions(
        store,
        [
            {"action": "merge", "source": "Dr C", "canonical": "Dr A"},
            {"action": "organization", "source": "Dr A", "organization": "Group"},
        ],
    )
    months = store.bucket_groups(Filters(), [])
    assert page_history.partner_sources(months, "Group") == ["Dr A", "Dr B"]
    assert page_history.partner_sources(months, "Dr C") == []
    # Dr A's rows are stored under Dr A and Dr C: the scan looks for both.
    assert store._stored_sources(["Dr A"], decided=True) == ["Dr A", "Dr C"]
    rows = store.partner_rows(Filters(), "Dr A", HISTORY_COLUMNS, ["Dr A"])
    assert sorted(rows["count"]) == [1, 1, 2] and set(rows["source"]) == {"Dr A"}
    for level in ("partner", "organization"):
        filters = Filters(start=date(2025, 1, 1), end=date(2025, 3, 31), level=level)
        whole = planning_parts(store, filters).source_quality("source")
        assert len(whole) == (1 if level == "organization" else 2)
        for name in whole["Partner"]:
            mine = whole[whole["Partner"] == name].reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, _quality(store, filters, name), obj=name)
    group = _quality(store, Filters(level="organization"), "Group").iloc[0]
    # 1 + 2 + 1 (Dr C's, now Dr A's) + 4 referrals; revenue on payments: 150 + 0 + 10.
    assert (group["Referrals"], group["Revenue"], group["Rank by revenue"]) == (8, 160.0, 1)


def test_a_split_spelling_is_found_by_the_resolved_source(store):
    # Rows spelled "Dr C" are read as Dr B's: stored under Dr C, nothing stored says Dr B.
    record_decisions(store, [{"action": "split", "source": "Dr C", "canonical": "Dr B"}])
    assert store._stored_sources(["Dr B"], decided=True) is None
    assert store._stored_sources(["Dr A"], decided=True) == ["Dr A"]
    months = store.bucket_groups(Filters(), [])
    sources = page_history.partner_sources(months, "Dr B")
    rows = store.partner_rows(Filters(), "Dr B", HISTORY_COLUMNS, sources)
    assert sorted(rows["count"]) == [1, 4]
    for level in ("partner", "organization"):
        filters = Filters(level=level)
        whole = planning_parts(store, filters).source_quality("source")
        for name in whole["Partner"]:
            mine = whole[whole["Partner"] == name].reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, _quality(store, filters, name), obj=name)
