"""A CSV read in chunks gives what reading it at once gives: the rows written, the report,
the rejections with their row numbers, the verdict; and a failure while the chunks are
written leaves the store as it was."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from analytics.ingest import prepare, streamed
from analytics.ingest.prepared import Prepared
from analytics.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
TODAY = date(2026, 6, 30)


def _rows(prepared: Prepared) -> pa.Table:
    return pa.concat_tables(list(prepared.batch().chunks())).combine_chunks()


def _view(prepared: Prepared) -> dict:
    """Everything a Prepared says, as plain data."""
    batch = prepared.batch()
    return {
        "rows_loaded": prepared.rows_loaded,
        "rows_rejected": prepared.rows_rejected,
        "rejections": [(r.row, r.reason, r.sheet) for r in prepared.rejections],
        "mapping": prepared.mapping,
        "origin": prepared.mapping_origin,
        "period": prepared.period,
        "clinics": prepared.clinics,
        "quality": json.dumps(prepared.quality, default=str),
        "warnings": prepared.warnings,
        "notes": [n.as_dict() for n in prepared.sheet_notes],
        "aliases": prepared.aliases.to_dict("records"),
        "preview": prepared.preview.to_dict("records"),
        "referrals": batch.referrals,
        "monthly": batch.monthly_totals,
        "headers": prepared.headers,
    }


def both(path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, **kwargs) -> tuple:
    """The file read at once and in chunks of `chunk` rows, in one store's context."""
    store = Store(":memory:")
    context = store.ingest_context()
    whole = prepare(path.read_bytes(), path.name, context, today=TODAY, **kwargs)
    monkeypatch.setattr(streamed, "STREAM_BYTES", 0)
    monkeypatch.setattr(streamed, "CHUNK_ROWS", chunk)
    parts = streamed.prepare_file(path, context, today=TODAY, **kwargs)
    assert parts.spilled is not None, "the file was not streamed"
    return whole, parts


def assert_same(whole: Prepared, parts: Prepared) -> None:
    assert _view(parts) == _view(whole)
    one, chunked = _rows(whole), _rows(parts)
    assert chunked.schema == one.schema
    assert chunked.equals(one)


def utf8_copy(path: Path, folder: Path) -> Path:
    """The file as UTF-8 (only UTF-8 streams; Windows-1252 files are read at once)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raw = raw.decode("cp1252").encode("utf-8")
    out = folder / path.name
    out.write_bytes(raw)
    return out


@pytest.mark.parametrize("name", ["lakeside_referral_log.csv", "riverside_case_export.csv"])
@pytest.mark.parametrize("chunk", [150, 400])
def test_sample_exports_chunked_equal_whole(name, chunk, monkeypatch, tmp_path):
    whole, parts = both(utf8_copy(SAMPLES / name, tmp_path), monkeypatch, chunk)
    assert parts.rows_loaded > chunk  # several chunks
    assert_same(whole, parts)


def _quirky_csv(path: Path, rows: int) -> Path:
    """A file whose whole-file decisions are only settled by its last rows: slash dates read
    day first (only late rows say so), decimal commas (only late amounts say so), a surname
    spelled alone before the full name, refused cells and rejected rows in every chunk, a
    referring patient, blank and footer lines."""
    lines = ["Date Referred;Referred By;Type;NPI;Clinic;Eval Date;Visits;Charges;Patient"]
    doctors = ["Patel", "Patel, Raj MD", "Smith, John MD", "Dr. Anne Lee", "Rosa Diaz"]
    for i in range(rows):
        day, month = 1 + i % 12, 1 + (i // 12) % 12
        date_text = f"{day:02d}/{month:02d}/2024"
        if i == rows - 5:
            date_text = "25/12/2024"  # the only day-first evidence
        if i % 97 == 3:
            date_text = "not a date"
        name = doctors[i % len(doctors)]
        kind = "Patient" if name == "Rosa Diaz" else "Physician"
        npi = "1234567893" if name == "Patel, Raj MD" and i % 2 else ""
        charges = "1.234" if i < rows - 10 else "12,50"  # commas only at the end
        if i % 53 == 7:
            charges = "abc"
        visits = str(i % 9) if i % 61 != 5 else "-3"
        eval_date = "" if i % 3 else f"{day:02d}/{month:02d}/2024"
        lines.append(f"{date_text};{name};{kind};{npi};Main;{eval_date};{visits};{charges};P{i}")
        if i == rows // 2:
            lines.append(";;;;;;;;")
    lines.append("Total;;;;;;;;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("chunk", [97, 1000])
def test_whole_file_decisions_hold_in_every_chunk(chunk, monkeypatch, tmp_path):
    whole, parts = both(_quirky_csv(tmp_path / "quirky.csv", 1200), monkeypatch, chunk)
    assert whole.quality["date_convention"] == "day-first"
    assert whole.quality["number_conventions"]["charges"] == "decimal comma"
    assert whole.quality["value_problems"]["charges"]["count"] == 23  # rows 7, 60, ... 1173
    assert whole.rows_rejected == 13  # "not a date": i = 3, 100, ..., 1167
    assert_same(whole, parts)


def _counts_csv(path: Path, rows: int) -> Path:
    lines = ["Month,Referral Source,Referrals,Revenue"]
    for i in range(rows):
        count = "0" if i % 11 == 0 else ("" if i % 17 == 0 else str(i % 7 + 1))
        lines.append(f"2024-{1 + i % 12:02d}-01,Source {i % 23},{count},{i * 10}.5")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_monthly_totals_chunked_equal_whole(monkeypatch, tmp_path):
    whole, parts = both(_counts_csv(tmp_path / "monthly.csv", 600), monkeypatch, 128)
    assert whole.batch().monthly_totals
    assert whole.quality["zero_count_rows"] > 0
    assert_same(whole, parts)


def test_sparse_column_sampled_past_the_first_rows(monkeypatch, tmp_path):
    """A column with fewer than 500 values in the first 10,000 rows is sampled on through the
    file for the mapping, as when the file is read at once."""
    lines = ["Referral Date,Source,Clinic,Other"]
    for i in range(12_500):
        other = '"Smith, John MD"' if i > 10_200 else ""
        lines.append(f"2024-01-{1 + i % 28:02d},Source {i % 40},Main,{other}")
    path = tmp_path / "sparse.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole, parts = both(path, monkeypatch, 5000)
    # Its values, seen only past row 10,000, make it the referrer column.
    assert whole.mapping["source_name"] == "Other"
    assert whole.quality["source_from_referral_source"] == 10_201
    assert_same(whole, parts)


def _long_csv(path: Path, rows: int) -> Path:
    """Chunks long enough for the Arrow paths (10,000 cells): ISO referral dates, plain and
    decimal-comma amounts, slash eval dates read day first (only late rows say so), discharge
    times, an MRN on every row (no blank: the text Arrow reads without nulls)."""
    lines = [
        "Referral Date,Referring Provider,MRN,Location,Eval Date,Visits,Charges,Payments,"
        "Discharge Date"
    ]
    for i in range(rows):
        day, month = 1 + i % 28, 1 + (i // 28) % 12
        eval_date = f"{1 + i % 12:02d}/{month:02d}/2024" if i < rows - 3 else "25/12/2024"
        payments = f'"{i % 4000},{i % 100:02d}"' if i % 5 else ""
        discharge = f"2024-{month:02d}-{day:02d}" + (" 09:30" if i % 7 == 0 else "")
        charges = "inf" if i == 100 else f"{i % 5000}.{i % 100:02d}"
        if i == 200:
            discharge = "1985-03-01"  # refused in the first chunk only, on the fast path
        lines.append(
            f"2024-{month:02d}-{day:02d},Source {i % 300},{20_000_000 + i * 7},Main,"
            f"{eval_date},{i % 9},{charges},{payments},{discharge}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("read_bytes", [None, 1 << 16])
def test_long_chunks_that_start_inside_an_arrow_batch_equal_whole(
    read_bytes, monkeypatch, tmp_path
):
    """Chunks of 12,000 rows take the long-column paths, and the second starts inside one of
    Arrow's CSV batches (a slice: its text offsets start past 0). Read 64 KB at a time, each
    chunk spans many blocks of the one buffer the file is read into, refilled while the
    chunk before is normalised."""
    if read_bytes:
        from analytics.ingest import stream_source

        monkeypatch.setattr(stream_source, "READ_BYTES", read_bytes)
        monkeypatch.setattr(streamed, "SAMPLE_BYTES", read_bytes)  # the sample spans blocks
    whole, parts = both(_long_csv(tmp_path / "long.csv", 30_000), monkeypatch, 12_000)
    assert whole.rows_loaded == 30_000
    assert whole.quality["date_convention"] == "none"
    assert whole.quality["number_conventions"]["payments"] == "decimal comma"
    problems = whole.quality["value_problems"]
    assert (problems["charges"]["count"], problems["charges"]["rows"]) == (1, [102])
    assert (problems["discharge_date"]["count"], problems["discharge_date"]["rows"]) == (1, [202])
    assert_same(whole, parts)


def _snapshot(store: Store) -> dict:
    """Everything an upload writes, as counts and sums a partial write would change."""
    return {
        "version": store.version(),
        "uploads": store._query("SELECT count(*), coalesce(max(upload_id), 0) FROM uploads"),
        "referrals": store._query(
            "SELECT count(*), sum(count), min(referral_date), max(referral_date) FROM referrals"
        ),
        "aliases": store._query("SELECT count(*) FROM source_aliases"),
        "mappings": store._query("SELECT count(*) FROM column_mappings"),
    }


def test_failure_mid_stream_leaves_the_store_as_it_was(monkeypatch, tmp_path):
    from analytics.ingest import spill

    store = Store(tmp_path / "store.duckdb")
    earlier = utf8_copy(SAMPLES / "lakeside_referral_log.csv", tmp_path)
    first = prepare(earlier.read_bytes(), earlier.name, store.ingest_context())
    store.save(first.batch())
    before = _snapshot(store)
    assert before["referrals"][0][0] == first.rows_loaded > 0

    monkeypatch.setattr(streamed, "STREAM_BYTES", 0)
    monkeypatch.setattr(streamed, "CHUNK_ROWS", 300)
    monkeypatch.setattr(spill, "WRITE_ROWS", 250)  # the store gets tables of 250 rows
    path = utf8_copy(SAMPLES / "riverside_case_export.csv", tmp_path)
    parts = streamed.prepare_file(path, store.ingest_context())
    assert parts.spilled is not None and parts.rows_loaded > 3 * 250

    written = []
    insert = store._insert_arrow  # each chunk's one insert into the table

    def fail_third(cur, table, rows):
        written.append(rows.num_rows)
        if len(written) == 3:
            raise OSError("disk full")
        insert(cur, table, rows)

    monkeypatch.setattr(store, "_insert_arrow", fail_third)
    with pytest.raises(OSError, match="disk full"):
        store.save(parts.batch(), remember_mapping=True, allow_overlap=True)
    assert written == [250, 250, 250]  # two chunks were in, the third failed
    assert _snapshot(store) == before

    monkeypatch.setattr(store, "_insert_arrow", insert)
    saved = store.save(parts.batch(), remember_mapping=True, allow_overlap=True)
    after = _snapshot(store)
    assert saved.status == "loaded"
    assert after["referrals"][0][0] == first.rows_loaded + parts.rows_loaded
    assert after["uploads"][0][0] == 2


@pytest.mark.parametrize(
    ("tail", "rows"),
    [
        ("Total,12\n", 300),  # a short row: the at-once reader pads it
        ("2024-02-01,Caf\xe9 Clinic,Main\n", 40_000),  # Windows-1252 past the first megabyte
    ],
)
def test_files_that_cannot_stream_are_read_at_once(tail, rows, monkeypatch, tmp_path):
    lines = ["Referral Date,Source,Clinic"] + [
        f"2024-01-{1 + i % 28:02d},Source {i % 9},Main" for i in range(rows)
    ]
    path = tmp_path / "odd.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode() + tail.encode("cp1252"))
    monkeypatch.setattr(streamed, "STREAM_BYTES", 0)
    monkeypatch.setattr(streamed, "CHUNK_ROWS", 30_000 if rows > 1000 else 100)
    store = Store(":memory:")
    parts = streamed.prepare_file(path, store.ingest_context(), today=TODAY)
    whole = prepare(path.read_bytes(), path.name, store.ingest_context(), today=TODAY)
    assert parts.spilled is None  # read at once, as before
    assert _view(parts) == _view(whole)


@pytest.mark.parametrize("chunk", [100, 5000])  # refused on the survey's way / after it
def test_a_streamed_file_past_the_row_limit_is_refused_as_one_read_at_once(
    chunk, monkeypatch, tmp_path
):
    from analytics import limits
    from analytics.errors import IngestError

    path = _long_csv(tmp_path / "long.csv", 1_200)
    monkeypatch.setattr(limits, "MAX_ROWS", 1_000)
    store = Store(":memory:")
    sentence = "long.csv has 1,201 lines, more than the 1,000 rows a report is read up to"
    with pytest.raises(IngestError, match=sentence):
        prepare(path.read_bytes(), path.name, store.ingest_context(), today=TODAY)
    monkeypatch.setattr(streamed, "STREAM_BYTES", 0)
    monkeypatch.setattr(streamed, "CHUNK_ROWS", chunk)
    with pytest.raises(IngestError, match=sentence):
        streamed.prepare_file(path, store.ingest_context(), today=TODAY)
