"""The month sums table (analytics.store.month_sums): by hand, and equal to the sums of the
rows after every kind of write (uploads, replace, delete, identity decisions, restore, an
older store opened), on whichever engine the suite runs."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics import identity
from analytics.filters import Filters
from analytics.ingest import prepare
from analytics.store import Store, month_sums
from analytics.store.transfer import move
from tests.conftest import HAND_LOG_CSV, xlsx_bytes

TODAY = date(2026, 11, 27)
HEADER = ["Referral Date", "Referring Provider", "Location", "Visits", "Total Payments"]
KEY = ["source", "source_type", "month", "no_visits"]


def _day(text: str) -> int:
    return (date.fromisoformat(text) - date(1970, 1, 1)).days


def load(store: Store, data: bytes, name: str, **kw):
    prepared = prepare(data, name, store.ingest_context(), today=TODAY)
    return store.save(prepared.batch(), **kw)


def table(store: Store) -> pd.DataFrame:
    """The month sums table, sorted."""
    cols = ", ".join(month_sums.COLUMNS)
    return _sorted(store._frame(f"SELECT {cols} FROM month_sums"))


def fresh(store: Store) -> pd.DataFrame:
    """The month sums computed now from every referral row."""
    frame = store._frame(month_sums.sums_sql())
    frame.columns = list(month_sums.COLUMNS)
    return _sorted(frame)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({c: "int64" for c in month_sums.COLUMNS[4:8]}).astype(
        {"arrived": "int64", "known": "int64", "month": "int64", "no_visits": "bool"}
    )
    for col in ("source", "source_type"):
        frame[col] = frame[col].astype("str")
    return frame.sort_values(KEY, na_position="first").reset_index(drop=True)


def _groups(frame: pd.DataFrame) -> pd.DataFrame:
    # Every column: a month's buckets with and without visits can share a first day.
    return frame.sort_values(list(frame.columns), na_position="first").reset_index(drop=True)


def assert_kept(store: Store) -> None:
    """The table equals the rows' sums, and the pages' month buckets read from it equal
    those summed from the rows (decisions applied), for every scope the table serves."""
    assert store.month_sums_ok()
    pd.testing.assert_frame_equal(table(store), fresh(store), rtol=1e-12)
    for scope in (Filters(), Filters(source_types=("physician", "chiropractor"))):
        pd.testing.assert_frame_equal(
            _groups(store.bucket_groups(scope, [])),
            _groups(store.summed_groups(scope, [])),
            rtol=1e-12,
        )


def test_month_sums_by_hand(store):
    march = [
        HEADER,
        ["2025-03-03", "Smith John MD", "North", 8, 880.0],
        ["2025-03-04", "Smith John MD", "North", None, None],
        ["2025-03-28", "Smith John MD", "North", 2, 20.5],
        ["2025-04-02", "Smith John MD", "North", 1, 10.0],
    ]
    load(store, xlsx_bytes(march), "march.xlsx")
    sums = table(store)
    assert sums["source"].nunique() == 1
    # March with visits: the 3rd and the 28th; March without: the 4th; April alone.
    assert sums["month"].tolist() == [_day("2025-03-01")] * 2 + [_day("2025-04-01")]
    assert sums["no_visits"].tolist() == [False, True, False]
    assert sums["row_count"].tolist() == [2, 1, 1]
    assert sums["referrals"].tolist() == [2, 1, 1]
    assert sums["first_day"].tolist() == [
        _day("2025-03-03"),
        _day("2025-03-04"),
        _day("2025-04-02"),
    ]
    assert sums["last_day"].tolist() == [_day("2025-03-28"), _day("2025-03-04"), _day("2025-04-02")]
    assert sums["visits"].tolist()[0] == 10.0 and sums["payments"].tolist()[0] == 900.5
    assert np.isnan(sums["payments"].tolist()[1])
    assert_kept(store)


def test_every_write_keeps_the_month_sums_exact(store, webpt_xlsx):
    load(store, webpt_xlsx, "webpt.xlsx")
    assert_kept(store)
    load(store, HAND_LOG_CSV.encode("cp1252"), "log.csv")
    assert_kept(store)
    north = [
        HEADER,
        ["2025-04-03", "Smith John MD", "North", 3, 300.0],
        ["2025-04-09", "Lee Ann DO", "North", None, None],
        ["2025-05-02", "Roe Kim DC", "North", 1, 50.0],
    ]
    april = load(store, xlsx_bytes(north), "april.xlsx")
    assert_kept(store)
    # A corrected export replaces April's North rows (its period: April 3 to 30): April is
    # summed again from the rows left and those it brought; May's row stays.
    corrected = [
        HEADER,
        ["2025-04-03", "Smith John MD", "North", 3, 310.0],
        ["2025-04-30", "Roe Kim DC", "North", 2, 75.0],
    ]
    result = load(store, xlsx_bytes(corrected), "april-fixed.xlsx", replace=True)
    assert result.replaced_rows == 2
    assert_kept(store)
    april_rows = table(store).query(f"month == {_day('2025-04-01')}")
    assert april_rows["referrals"].sum() == 2 and april_rows["payments"].sum() == 385.0
    # Deleting an upload sums its months again; the other uploads' months are untouched.
    store.delete_upload(result.upload_id)
    assert_kept(store)
    assert not (table(store)["month"] == _day("2025-04-01")).any()
    assert table(store).query(f"month == {_day('2025-05-01')}")["referrals"].sum() == 1
    store.delete_upload(april.upload_id)
    assert_kept(store)
    assert not (table(store)["month"] >= _day("2025-04-01")).any()


def test_identity_decisions_leave_the_table_and_reads_apply_them(store, webpt_xlsx):
    load(store, webpt_xlsx, "webpt.xlsx")
    load(store, HAND_LOG_CSV.encode("cp1252"), "log.csv")
    before = table(store)
    sources = sorted(store.source_profiles()["source"])
    named = [s for s in sources if s != "Unknown"]
    ids = identity.merge(store, named[1:2], named[0])
    assert_kept(store)
    merged = store.bucket_groups(Filters(), [])
    assert named[1] not in set(merged["source"])
    identity.rename(store, named[0], "Renamed Partner")
    identity.set_type(store, "Renamed Partner", "chiropractor")
    identity.set_organization(store, "Renamed Partner", "Big Group")
    assert_kept(store)
    groups = store.bucket_groups(Filters(), [])
    renamed = groups[groups["source"] == "Renamed Partner"]
    assert set(renamed["source_type"]) == {"chiropractor"}
    assert set(renamed["organization"]) == {"Big Group"}
    spelling = store.source_profiles().set_index("source").loc["Renamed Partner", "spellings"][0]
    identity.split_spelling(store, spelling, "Split Off")
    assert_kept(store)
    # A spelling moved into a source no decision named before: that source's rows and the
    # moved ones are summed together.
    profiles = store.source_profiles().set_index("source")
    others = [s for s in profiles.index if s not in ("Renamed Partner", "Split Off", "Unknown")]
    moved = profiles.loc["Split Off", "spellings"][0]
    identity.split_spelling(store, moved, others[0])
    assert_kept(store)
    groups = store.bucket_groups(Filters(), [])
    assert "Split Off" not in set(groups["source"])
    assert groups.loc[groups["source"] == others[0], "count"].sum() == (
        store.summed_groups(Filters(), []).query("source == @others[0]")["count"].sum()
    )
    identity.undo(store, ids)
    assert_kept(store)
    # Decisions are applied when the table is read; the stored sums never change.
    pd.testing.assert_frame_equal(table(store), before)


def test_restore_and_move_build_the_month_sums(tmp_path, webpt_xlsx):
    source = Store(tmp_path / "from.duckdb")
    load(source, webpt_xlsx, "webpt.xlsx")
    target = Store(tmp_path / "to.duckdb")
    move(source, target)
    assert_kept(target)
    pd.testing.assert_frame_equal(table(target), table(source))
    source.close()
    target.close()


def test_a_store_written_before_the_table_gets_it_on_first_open(tmp_path, webpt_xlsx):
    path = tmp_path / "old.duckdb"
    store = Store(path)
    load(store, webpt_xlsx, "webpt.xlsx")
    expected = table(store)
    with store.session():
        cur = store._cursor()
        cur.execute("DELETE FROM month_sums")
        cur.execute("DELETE FROM meta WHERE key = ?", [month_sums.MONTH_SUMS_META])
    assert not store.month_sums_ok()
    store.close()
    reopened = Store(path, create=False)
    pd.testing.assert_frame_equal(table(reopened), expected)
    assert_kept(reopened)
    reopened.close()


def test_rows_written_around_the_store_are_summed_from_the_rows(store, webpt_xlsx):
    load(store, webpt_xlsx, "webpt.xlsx")
    with store.session():
        store._cursor().execute(
            "INSERT INTO referrals (referral_date, source_name, source, source_type, count, "
            "upload_id) VALUES ('2025-06-05', 'Dr X', 'Dr X', 'physician', 3, 99)"
        )
    assert not store.month_sums_ok()
    groups = store.bucket_groups(Filters(), [])
    pd.testing.assert_frame_equal(_groups(groups), _groups(store.summed_groups(Filters(), [])))
    assert groups.loc[groups["source"] == "Dr X", "count"].tolist() == [3]


def test_the_sample_practice_month_sums(sample_store):
    assert_kept(sample_store)


@pytest.mark.parametrize(
    ("first", "last", "start", "stop"),
    [
        (date(2025, 3, 31), date(2025, 3, 31), "2025-03-01", "2025-04-01"),
        (date(2024, 12, 5), date(2025, 2, 1), "2024-12-01", "2025-03-01"),
    ],
)
def test_refresh_covers_whole_months(first, last, start, stop):
    calls = []

    class Cursor:
        def execute(self, sql, params=None):
            calls.append(params)
            return self

    month_sums.refresh_months(Cursor(), first, last)
    assert calls[0] == [_day(start), _day(stop)]
    assert calls[1] == [date.fromisoformat(start), date.fromisoformat(stop)]
    calls.clear()
    month_sums.refresh_months(Cursor(), None, None)
    assert calls == []


def test_span_of_ranges():
    a = (date(2025, 3, 4), date(2025, 3, 9))
    b = (date(2025, 1, 2), date(2025, 2, 9))
    assert month_sums.span(a, b) == (date(2025, 1, 2), date(2025, 3, 9))
    assert month_sums.span((None, None), a) == a
    assert month_sums.span((None, None)) == (None, None)


@pytest.mark.parametrize("how", ["merge", "split"])
def test_a_source_read_as_an_undecided_one_is_summed_with_it(store, webpt_xlsx, how):
    load(store, webpt_xlsx, "webpt.xlsx")
    load(store, HAND_LOG_CSV.encode("cp1252"), "log.csv")
    profiles = store.source_profiles().set_index("source")
    lee = next(s for s in profiles.index if "Lee" in s)
    nunez = next(s for s in profiles.index if "Núñez" in s)
    # Both chiropractors with visits in March 2025: Lee on the 20th (6 visits, $612.50),
    # Núñez on the 14th (4 visits, -$120.00). Read Núñez (or its spelling) as Lee.
    if how == "merge":
        identity.merge(store, [nunez], lee)
    else:
        identity.split_spelling(store, profiles.loc[nunez, "spellings"][0], lee)
    assert_kept(store)
    groups = store.bucket_groups(Filters(), [])
    assert nunez not in set(groups["source"])
    lee_rows = groups[groups["source"] == lee]
    assert len(lee_rows) == 1
    row = lee_rows.iloc[0]
    assert (row["count"], row["visits"], row["payments"]) == (2, 10.0, 492.5)
    assert (row["day"], row["last"]) == (_day("2025-03-14"), _day("2025-03-20"))


def test_only_ranges_without_ranges_reads_nothing(store, webpt_xlsx):
    load(store, webpt_xlsx, "webpt.xlsx")
    assert len(store.bucket_groups(Filters(), [])) > 0
    assert store.bucket_groups(Filters(), [], only_ranges=True).empty
