"""The store: one transaction per upload, duplicates, replace, delete, hashing, filters."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.filters import Filters
from analytics.ingest import prepare
from analytics.store import Store
from analytics.store.sql import referral_where
from tests.conftest import HAND_LOG_CSV, xlsx_bytes

TODAY = date(2026, 11, 27)


def load(store: Store, data: bytes, name: str, **kw):
    prepared = prepare(data, name, store.ingest_context(), today=TODAY)
    return prepared, store.save(prepared.batch(), **kw)


def test_same_file_twice_is_a_noop(store, webpt_xlsx):
    _, first = load(store, webpt_xlsx, "a.xlsx")
    before = store.counts()
    _, second = load(store, webpt_xlsx, "renamed.xlsx")
    assert (first.status, second.status) == ("loaded", "duplicate")
    assert second.upload_id == first.upload_id
    assert store.counts() == before
    assert before["referrals"] == 4 and before["uploads"] == 1


def test_failed_write_leaves_the_store_exactly_as_it_was(store, webpt_xlsx, monkeypatch):
    load(store, HAND_LOG_CSV.encode("cp1252"), "log.csv")
    before = store.counts()
    version = store.version()
    prepared = prepare(webpt_xlsx, "w.xlsx", store.ingest_context(), today=TODAY)
    original = store._cursor

    class FailingCursor:
        """Passes every statement through, then fails once the referral rows are in (at the
        version bump, the last statement before COMMIT: PostgreSQL copies rows, no INSERT)."""

        def __init__(self, cur):
            self.cur = cur

        def execute(self, sql, params=None):
            result = self.cur.execute(sql, params or [])
            if sql.lstrip().startswith("UPDATE meta SET value"):
                raise RuntimeError("disk full")
            return result

        def __getattr__(self, name):
            return getattr(self.cur, name)

    monkeypatch.setattr(store, "_cursor", lambda: FailingCursor(original()))
    with pytest.raises(RuntimeError):
        store.save(prepared.batch())
    monkeypatch.setattr(store, "_cursor", original)
    assert store.counts() == before
    assert store.version() == version
    # And the store still works afterwards.
    assert store.save(prepared.batch()).status == "loaded"


def test_replace_swaps_a_corrected_export_for_its_period_and_clinic(store):
    header = ["Referral Date", "Referring Provider", "Location"]
    march = [
        header,
        ["2025-03-03", "Smith John MD", "North"],
        ["2025-03-09", "Lee Ann DO", "North"],
    ]
    other_clinic = [header, ["2025-03-04", "Smith John MD", "South"]]
    corrected = [
        header,
        ["2025-03-03", "Smith John MD", "North"],
        ["2025-03-10", "Lee Ann DO", "North"],
        ["2025-03-11", "Roe Kim DC", "North"],
    ]
    load(store, xlsx_bytes(march), "march.xlsx")
    load(store, xlsx_bytes(other_clinic), "south.xlsx")
    _, result = load(store, xlsx_bytes(corrected), "march_fixed.xlsx", replace=True)
    assert result.replaced_rows == 2
    frame = store.referrals()
    assert sorted(frame["clinic"]) == ["North", "North", "North", "South"]
    assert len(store.uploads()) == 2  # the superseded upload is gone from the history


def test_delete_upload_removes_its_rows(store, webpt_xlsx):
    _, a = load(store, webpt_xlsx, "a.xlsx")
    _, b = load(store, HAND_LOG_CSV.encode("cp1252"), "log.csv")
    assert store.delete_upload(a.upload_id) == 4
    assert set(store.referrals()["upload_id"]) == {b.upload_id}
    assert list(store.uploads()["upload_id"]) == [b.upload_id]


def test_patient_names_never_reach_the_store(tmp_path, webpt_xlsx):
    path = tmp_path / "p.duckdb"
    store = Store(path)
    load(store, webpt_xlsx, "a.xlsx")
    load(store, HAND_LOG_CSV.encode("cp1252"), "log.csv")
    for table in ("referrals", "uploads", "source_aliases"):
        cells = store._frame(f"SELECT * FROM {table}").astype(str).to_numpy().ravel()
        assert not any("Patientson" in str(c) for c in cells), table
    with store.session():
        store._cursor().execute("CHECKPOINT")
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"Patientson" not in raw
    assert b"Alice" not in raw


def test_patient_keys_are_stable_per_store_and_differ_between_stores(tmp_path, webpt_xlsx):
    a, b = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    load(a, webpt_xlsx, "x.xlsx")
    load(b, webpt_xlsx, "x.xlsx")
    keys_a = set(a.referrals()["patient_key"])
    again = prepare(webpt_xlsx, "x.xlsx", a.ingest_context(), today=TODAY)
    assert set(again.frame["patient_key"]) == keys_a  # same salt, same keys
    assert keys_a.isdisjoint(set(b.referrals()["patient_key"]))  # another salt


def test_the_same_doctor_keeps_one_name_across_uploads(store):
    header = ["Referral Date", "Referring Provider", "NPI"]
    load(store, xlsx_bytes([header, ["2025-03-03", "Smith, John MD", "1234567893"]]), "m1.xlsx")
    load(store, xlsx_bytes([header, ["2025-04-03", "Dr. John Smith", None]]), "m2.xlsx")
    assert store.referrals()["source"].nunique() == 1


@pytest.mark.parametrize(
    ("filters", "sql", "params"),
    [
        (Filters(), "", []),
        (Filters(start=date(2025, 1, 1)), "WHERE referral_date >= ?", [date(2025, 1, 1)]),
        (
            Filters(end=date(2025, 2, 1), clinics=("B", "A")),
            "WHERE referral_date <= ? AND clinic = ANY(?)",
            [date(2025, 2, 1), ["A", "B"]],
        ),
    ],
)
def test_referral_where(filters, sql, params):
    assert referral_where(filters) == (sql, params)


def test_filters_select_rows(store, webpt_xlsx):
    load(store, webpt_xlsx, "a.xlsx")
    assert len(store.referrals(Filters(start=date(2025, 3, 5)))) == 2
    assert len(store.referrals(Filters(clinics=("(Unassigned)",)))) == 1
    f = store.referrals()
    assert str(f["referral_date"].dtype) == "datetime64[ns]"
    assert str(f["arrived"].dtype) == "boolean"


def test_no_sample_patient_name_or_mrn_in_the_store_file(tmp_path):
    from analytics.ingest.cli import SAMPLE_DIR, SAMPLE_FILES, ingest_file
    from sample_data.build import patient_mrns, patient_names

    store = Store(tmp_path / "sample.duckdb")
    for name, kind in SAMPLE_FILES:
        ingest_file(store, SAMPLE_DIR / name, kind=kind)
    texts = set()
    for table in ("referrals", "activities", "uploads", "source_aliases", "column_mappings"):
        for col in store._frame(f"SELECT * FROM {table}").columns:
            values = store._frame(f'SELECT DISTINCT CAST("{col}" AS VARCHAR) v FROM {table}')["v"]
            texts.update(str(v) for v in values)
    names, mrns = patient_names(), patient_mrns()
    assert len(names) > 1000 and len(mrns) > 1000
    assert not texts & set(names)
    assert not texts & set(mrns)
    assert not any(n in t for t in texts for n in names[:300])  # nor inside a longer text
    with store.session():
        store._cursor().execute("CHECKPOINT")
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert not [n for n in names if n.encode() in raw]
