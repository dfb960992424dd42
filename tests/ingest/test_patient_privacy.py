"""Referring patients named in the referrer column are stored as patient referrals: their names
reach neither the DuckDB file nor any frame a page reads (issue 11, item 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analytics import identity
from analytics.filters import Filters
from analytics.identity import activities_of
from analytics.ingest import prepare
from analytics.ingest.cli import ingest_file
from analytics.store import Store

# One referral a row; the Patient Name column is keyed as always. Rows 3-9 name a referring
# patient: by the type label (3, 4, 8, 9) or by the spelling itself (5, 6, 7).
EXPORT = """Referral Date,Patient Name,Referring Provider,Referral Source Type,NPI
2025-01-06,"Doe, Jane","Okafor, Maria MD",Physician,1234567893
2025-01-07,"Roe, Rick",Dr. Maria Okafor,Physician,
2025-01-08,"Ames, Lou",Linda Pickett,Patient,
2025-01-09,"Poe, Ed",Linda Pickett,Former patient,
2025-01-10,"Lake, Ann",Former patient - Rosa H.,,
2025-01-13,"Moss, Tim",Patient: Dmitri Volkonsky,,
2025-01-14,"Hall, Sue",Friend of Maria Lopezova,,
2025-01-15,"Kent, Al",Agatha Thistlewood,Word of mouth,
2025-01-16,"Ford, Di",Bartholomew Quince,Friend/Family,
2025-01-17,"West, Bo",Coastal Rugby Club,Gym,
2025-01-20,"Stone, Jo",,Patient Referral,
"""
PATIENT_NAMES = (
    "Linda Pickett", "Pickett", "Rosa H", "Volkonsky", "Lopezova", "Thistlewood", "Quince",
    "Bartholomew", "Agatha",
)  # fmt: skip
# Referrers that are no patients must be stored as written: the byte search can find a name.
KEPT_NAMES = ("Okafor, Maria MD", "Coastal Rugby Club", "Dr. Maria Okafor")


def _load(tmp_path: Path) -> tuple[Path, dict]:
    csv = tmp_path / "export.csv"
    csv.write_text(EXPORT)
    db = tmp_path / "privacy.duckdb"
    store = Store(db)
    try:
        result = ingest_file(store, csv, kind="referrals")
    finally:
        store.close()
    return db, result


def _texts(frame: pd.DataFrame) -> str:
    return frame.astype(str).to_csv(index=False)


def test_referring_patients_are_counted_as_patient_referrals(tmp_path: Path):
    db, result = _load(tmp_path)
    assert result["status"] == "loaded" and result["rows_loaded"] == 11
    store = Store(db)
    try:
        rows = store.referrals()
        by_source = rows.groupby("source")["count"].sum().to_dict()
        types = rows.groupby("source")["source_type"].first().to_dict()
        # Rows 3-9 (seven) and the nameless "Patient Referral" row 11: one patient channel.
        assert by_source == {"Patient referral": 8, "Maria Okafor, MD": 2, "Coastal Rugby Club": 1}
        assert types == {
            "Patient referral": "patient",
            "Maria Okafor, MD": "physician",
            "Coastal Rugby Club": "health_wellness",
        }
        assert rows["source_name"].isna().sum() == 8  # the seven dropped names and row 11
        quality = json.loads(store.uploads()["quality"].iloc[0])
        assert quality["patient_names_dropped"] == 7
    finally:
        store.close()


def test_no_referring_patient_name_is_stored_or_shown(tmp_path: Path):
    db, result = _load(tmp_path)
    said = json.dumps(result)
    raw = db.read_bytes()
    wal = db.with_name(db.name + ".wal")
    raw += wal.read_bytes() if wal.exists() else b""
    for name in KEPT_NAMES:  # the search finds names that are stored
        assert name.encode() in raw, name
    for name in PATIENT_NAMES:
        assert name.encode() not in raw, name
        assert name.encode("utf-16-le") not in raw, name
        assert name not in said, name

    store = Store(db)
    try:
        frames = [
            store.referrals(),
            store.referrals(Filters()),
            store.source_profiles(),
            store.uploads(),
            activities_of(store),
        ]
        view = identity.identity_view(store)
        frames += [view.partners, view.decisions]
        shown = "\n".join(_texts(f) for f in frames)
        shown += repr(view.suggestions) + repr(view.spellings) + repr(view.sources)
        for table in ("source_aliases", "organization_votes", "uploads", "meta"):
            shown += _texts(store._frame(f"SELECT * FROM {table}"))
    finally:
        store.close()
    assert "Maria Okafor" in shown
    for name in PATIENT_NAMES:
        assert name not in shown, name


def test_the_upload_preview_hides_referring_patients(tmp_path: Path):
    store = Store(tmp_path / "preview.duckdb")
    try:
        prepared = prepare(EXPORT.encode(), "export.csv", store.ingest_context())
    finally:
        store.close()
    shown = prepared.preview["Referring Provider"].fillna("").tolist()
    assert shown == [
        "Okafor, Maria MD",
        "Dr. Maria Okafor",
        *["(hidden: referring patient)"] * 7,
        "Coastal Rugby Club",
        "",
    ]
    assert prepared.preview["Patient Name"].eq("(hidden: patient identifier)").all()
    text = _texts(prepared.preview) + json.dumps(prepared.quality)
    for name in PATIENT_NAMES:
        assert name not in text, name
