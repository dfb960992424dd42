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
@pytest.mark.parametrize("chunk", [7, 100])
def test_sample_exports_chunked_equal_whole(name, chunk, monkeypatch, tmp_path):
    whole, parts = both(utf8_copy(SAMPLES / name, tmp_path), monkeypatch, chunk)
    assert parts.rows_loaded > chunk  # several chunks
    assert_same(whole, parts)
