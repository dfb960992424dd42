"""The history's window sums: by hand, and numpy (rows) against SQL (one GROUP BY) on the
sample practice and a generated one, where `metrics --json` must not change by a byte."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.ingest.cli import ingest_file
from analytics.metrics.periods import encode, to_day
from analytics.metrics.windows import (
    window_days,
    windows_from_groups,
    windows_of,
)
from analytics.store import METRIC_COLUMNS, Store
from tests.metric_paths import paths_agree

END = date(2026, 6, 30)


@pytest.fixture
def hand_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "hand.duckdb")
    rows = [
        ("2026-01-10", "A", "physician", None, 1),
        ("2026-03-01", "A", "physician", None, 3),
        ("2026-06-20", "A", "physician", None, 1),
        ("2026-06-25", "B", "chiropractor", "Group", 2),
        ("2026-06-29", "Mom", "patient", None, 1),
        ("2026-07-15", "A", "physician", None, 9),  # after the end: in no window
    ]
    # The store opens its file per operation (issue 13): hold it open for the raw inserts.
    with store.session():
        for day, source, kind, org, count in rows:
            store._cursor().execute(
                "INSERT INTO referrals (referral_date, source_name, source, source_type, "
                "organization, clinic, count, upload_id) VALUES (?, ?, ?, ?, ?, 'X', ?, 1)",
                [day, source, source, kind, org, count],
            )
        # Reads take each partner's organisation from the votes every write counts.
        store._cursor().execute("INSERT INTO organization_votes VALUES ('B', 'B', 'Group', 2)")
    yield store
    store.close()


def test_window_days_by_hand():
    days = window_days(to_day(pd.Timestamp(END)))
    as_dates = {k: str(np.datetime64(v, "D")) for k, v in vars(days).items() if k != "end"}
    assert as_dates == {
        "earlier_start": "2025-04-02",  # 365 days before the last 90
        "recent_start": "2026-04-02",  # the last 90 days, 2026-04-02 to 06-30
        "base_start": "2025-11-02",  # 6 months before the last 60
        "quiet_start": "2026-05-02",  # the last 60 days
        "prior_year_start": "2024-07-01",
        "year_start": "2025-07-01",
    }


def test_history_groups_by_hand(hand_store):
    days = window_days(to_day(pd.Timestamp(END)))
    groups = hand_store.history_groups(Filters(), days).set_index("source")
    a = groups.loc["A"]
    # Jan 10 (1) and Mar 1 (3) are before Apr 2 and after Nov 2; Jun 20 (1) is recent, quiet.
    assert (a["rows"], a["referrals"], a["earlier"], a["recent"]) == (3, 5, 4, 1)
    assert (a["base"], a["base_rows"], a["quiet"]) == (4, 2, 1)
    assert a["base_last"] == to_day(pd.Timestamp("2026-03-01"))
    assert a["first_day"] == to_day(pd.Timestamp("2026-01-10"))
    assert (a["year_rows"], a["prior_year_rows"]) == (3, 0)
    b = groups.loc["B"]
    assert (b["earlier"], b["recent"], b["base"], b["base_rows"], b["quiet"]) == (0, 2, 0, 0, 2)
    assert b["organization"] == "Group"
    windows = windows_from_groups(groups.reset_index(), "organization", days.end)
    by_name = dict(zip(windows.names, windows.recent, strict=True))
    # At the organization level B's referrals count for its group; the patient is no partner.
    assert by_name["Group"] == 2 and by_name["A"] == 1 and by_name.get("Mom", 0) == 0
    assert windows.base_total == 4 and windows.year_partners == 2
    assert hand_store.months_present(Filters(), date(2026, 1, 1), END) == 3


def _same_windows(store: Store, filters: Filters, end: date) -> None:
    """windows_of over the rows and windows_from_groups over the SQL sums agree per key."""
    day = to_day(pd.Timestamp(end))
    history = store.referrals(replace(filters, start=None, end=end), columns=METRIC_COLUMNS)
    rows = windows_of(encode(history, filters.level), day)
    sql = windows_from_groups(store.history_groups(filters, window_days(day)), filters.level, day)
    for field in ("data_first", "any_rows", "any_partner", "base_total"):
        assert getattr(sql, field) == getattr(rows, field), field
    assert (sql.year_partners, sql.prior_year_partners) == (
        rows.year_partners,
        rows.prior_year_partners,
    )
    per_key = (
        "earlier",
        "recent",
        "first",
        "declining_types",
        "base",
        "quiet",
        "dormant_types",
        "types",
        "seen",
    )
    for field in per_key:
        left = dict(zip(rows.names, getattr(rows, field), strict=True))
        right = dict(zip(sql.names, getattr(sql, field), strict=True))
        assert left == right, field
    dormant = rows.base > 0
    left = dict(zip(rows.names[dormant], rows.base_last[dormant], strict=True))
    right = dict(zip(sql.names, sql.base_last, strict=True))
    assert all(right[k] == v for k, v in left.items())


@pytest.mark.parametrize(
    "filters, end",
    [
        (Filters(), date(2026, 10, 31)),
        (Filters(level="organization"), date(2026, 3, 15)),
        (Filters(clinics=("Riverside",)), date(2025, 12, 31)),
        (Filters(source_types=("physician", "chiropractor")), date(2025, 5, 1)),
    ],
)
def test_sql_windows_equal_the_row_windows_on_the_sample(sample_store, filters, end):
    _same_windows(sample_store, filters, end)


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory) -> Store:
    """A generated practice (the benchmark generator's shape: many partners, clinics, years)."""
    from sample_data.large import write_large

    folder = tmp_path_factory.mktemp("generated")
    csv_path = write_large(20_000, folder, xlsx_max=0)["csv"][0]
    store = Store(folder / "generated.duckdb")
    ingest_file(store, csv_path, kind="referrals")
    yield store
    store.close()


@pytest.mark.parametrize("level", ["partner", "organization"])
def test_generated_store_windows_and_metrics_agree(generated_store, level):
    _, last = generated_store.date_bounds()
    last = pd.Timestamp(last).date()
    filters = Filters(start=last.replace(year=last.year - 1), end=last, level=level)
    _same_windows(generated_store, filters, last)
    result = paths_agree(generated_store, filters)
    assert json.dumps(result, default=str)  # serialisable, as the CLI prints it
    assert result["alerts"]["declining"] or result["alerts"]["dormant"]


def test_one_partners_alerts_from_its_own_rows_equal_the_whole_history(sample_store):
    """The partner view reads a key's alerts from its rows alone (and the history's first
    day): the same declining and dormant rows as the alerts over every partner."""
    from analytics.metrics.alerts import declining_from, declining_of, dormant_from, dormant_of

    encoded = encode(sample_store.referrals(Filters(), columns=METRIC_COLUMNS))
    for end in (date(2026, 10, 31), date(2026, 2, 28), date(2025, 9, 15)):
        day = to_day(pd.Timestamp(end))
        declining, dormant = declining_of(encoded, day), dormant_of(encoded, day)
        names = [*[*declining["name"], *dormant["name"]][:12], str(encoded.names[0])]
        assert len(declining) + len(dormant)  # something to compare
        for name in names:
            code = int(np.flatnonzero(encoded.names == name)[0])
            own = windows_of(encoded.take(encoded.key == code), day, encoded.first_day())
            mine = declining_from(own)
            pd.testing.assert_frame_equal(
                mine[mine["name"] == name].reset_index(drop=True),
                declining[declining["name"] == name].reset_index(drop=True),
            )
            quiet = dormant_from(own)[["name", "type", "last_referral", "monthly_avg"]]
            expected = dormant[dormant["name"] == name][list(quiet.columns)]
            pd.testing.assert_frame_equal(
                quiet[quiet["name"] == name].reset_index(drop=True),
                expected.reset_index(drop=True),
            )


def test_alert_tables_are_remembered_per_end_day_and_handed_out_as_copies(sample_store):
    from analytics.metrics.alerts import declining_of, dormant_of

    encoded = encode(sample_store.referrals(Filters(), columns=METRIC_COLUMNS))
    day = to_day(pd.Timestamp(date(2026, 10, 31)))
    first = dormant_of(encoded, day)
    assert len(first)
    first.loc[:, "name"] = "changed by a caller"
    again = dormant_of(encoded, day)
    assert "changed by a caller" not in set(again["name"])
    earlier = dormant_of(encoded, day - 120)  # another end: its own table
    assert not again.equals(earlier)
    assert declining_of(encoded, day).equals(declining_of(encoded, day))
