"""Each export shape of tests/export_shapes.py loads with the referrals, partners, HHI and
largest share worked out by hand, or is refused with one sentence; none says "loaded" while
losing sheets, rows or money without a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.filters import Filters
from analytics.ingest.cli import ingest_file
from analytics.metrics.cli import store_metrics
from analytics.store import Store
from tests import export_shapes as shapes


def _load(store: Store, tmp_path: Path, name: str, data: bytes, **kwargs) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return ingest_file(store, path, kind="referrals", **kwargs)


def _check(store: Store, expected: shapes.Expected) -> dict:
    got = store_metrics(store, Filters())
    c = got["concentration"]
    assert got["referrals"] == expected.referrals
    assert c["partners"] == expected.partners
    assert c["hhi"] == pytest.approx(expected.hhi, abs=0.05)
    assert c["cr1"] == pytest.approx(expected.cr1, abs=1e-4)
    if expected.revenue is not None:
        assert got["revenue"] == pytest.approx(expected.revenue, abs=0.005)
    return got


def test_month_tabs_read_every_month_and_skip_the_pivot(store, tmp_path):
    data, expected = shapes.month_tabs()
    result = _load(store, tmp_path, "log 2025.xlsx", data)
    assert result["status"] == "loaded"
    assert result["rows_loaded"] == 144
    read = [s["sheet"] for s in result["sheets"] if s["status"] == "read"]
    assert read == [f"{m} 2025" for m in shapes.MONTHS]
    assert [s["rows"] for s in result["sheets"] if s["status"] == "read"] == [12] * 12
    skipped = [s for s in result["sheets"] if s["status"] == "skipped"]
    assert [s["sheet"] for s in skipped] == ["Summary"]
    assert "no date column" in skipped[0]["reason"]
    assert any("Sheet 'Summary' was not read" in w for w in result["warnings"])
    _check(store, expected)


def test_one_chosen_month_tab_then_another_is_not_a_duplicate(store, tmp_path):
    data, _ = shapes.month_tabs()
    jan = _load(store, tmp_path, "log.xlsx", data, sheet="Jan 2025")
    assert jan["status"] == "loaded" and jan["rows_loaded"] == 12
    assert any("Only sheet 'Jan 2025' was read" in w for w in jan["warnings"])
    feb = _load(store, tmp_path, "log.xlsx", data, sheet="Feb 2025")
    assert feb["status"] == "loaded" and feb["rows_loaded"] == 12
    again = _load(store, tmp_path, "log.xlsx", data, sheet="Feb 2025")
    assert again["status"] == "duplicate"
    assert store_metrics(store, Filters())["referrals"] == 24


def test_sheet_rejections_name_their_sheet(store, tmp_path):
    data, _ = shapes.month_tabs()
    import openpyxl

    book = openpyxl.load_workbook(__import__("io").BytesIO(data))
    book["Mar 2025"]["A5"] = "not a date"
    buf = __import__("io").BytesIO()
    book.save(buf)
    result = _load(store, tmp_path, "log.xlsx", buf.getvalue())
    assert result["rows_loaded"] == 143
    assert result["rejections"] == [
        {
            "row": 5,
            "sheet": "Mar 2025",
            "reason": "'not a date' is not a readable date (expected e.g. 3/14/2025 or 2025-03-14)",
        }
    ]


def test_clinic_sheets_give_the_clinic(store, tmp_path):
    data, expected, per_clinic = shapes.clinic_sheets()
    result = _load(store, tmp_path, "clinics.xlsx", data)
    assert result["status"] == "loaded" and result["rows_loaded"] == 40
    assert store.clinics() == sorted(per_clinic)
    for clinic, n in per_clinic.items():
        assert store_metrics(store, Filters(clinics=(clinic,)))["referrals"] == n
    assert not any("Unassigned" in w for w in result["warnings"])
    _check(store, expected)


def test_two_row_header_maps_the_provider_column(store, tmp_path):
    data, expected = shapes.two_row_header()
    result = _load(store, tmp_path, "report.xlsx", data)
    assert result["mapping"]["referral_date"] == "Referral Date"
    assert result["mapping"]["source_name"] == "Referral Provider"
    assert result["mapping"]["source_type"] == "Referral Source"
    assert result["mapping"]["patient"] == "Patient Account"
    got = _check(store, expected)
    assert got["concentration"]["hhi_band"] == "high"


def test_european_csv_reads_amounts(store, tmp_path):
    data, expected = shapes.european_csv()
    result = _load(store, tmp_path, "zuweisungen.csv", data)
    assert result["status"] == "loaded" and result["rows_loaded"] == 12
    assert not any("left blank" in w for w in result["warnings"])
    _check(store, expected)


def test_raintree_case_export(store, tmp_path):
    data, expected, stand_ins = shapes.raintree_cases()
    result = _load(store, tmp_path, "cases.xlsx", data)
    assert result["status"] == "loaded" and result["rows_loaded"] == 20
    m = result["mapping"]
    assert m["source_name"] == "Referring Provider"
    assert m["referral_source"] == "Referral Source"
    assert m["source_type"] == "Referral Source Category"
    assert m["case_created"] == "Case Created"
    assert "Therapist" not in m.values()
    assert any(f"{stand_ins} referrals have no referral date" in w for w in result["warnings"])
    got = _check(store, expected)
    mix = got["mix"]
    assert mix["organization"] == pytest.approx(6 / 20)
    assert mix["self"] == pytest.approx(4 / 20)
    names = {k["name"] for k in got["physician_dependence"]["key_referrers"]}
    assert {"Acme Logistics", "Brown & Hale LLP"} <= names


def test_summary_of_a_year_already_loaded_is_not_added_on_top(store, tmp_path):
    data, expected = shapes.month_tabs()
    assert _load(store, tmp_path, "log.xlsx", data)["status"] == "loaded"
    before = store.version()
    summary = _load(store, tmp_path, "summary.xlsx", shapes.monthly_summary())
    assert summary["status"] == "overlap" and summary["rows_loaded"] == 0
    assert summary["overlap"]["referrals"] == 144
    assert "count them twice" in summary["warnings"][-1]
    assert store.version() == before
    _check(store, expected)
    # Replacing swaps the rows for the summary: still 144 referrals, never 288.
    replaced = _load(store, tmp_path, "summary.xlsx", shapes.monthly_summary(), replace=True)
    assert replaced["status"] == "loaded" and replaced["rows_replaced"] == 144
    assert store_metrics(store, Filters())["referrals"] == 144


def test_rows_after_a_summary_are_caught_too(store, tmp_path):
    assert _load(store, tmp_path, "summary.xlsx", shapes.monthly_summary())["status"] == "loaded"
    data, _ = shapes.month_tabs()
    again = _load(store, tmp_path, "log.xlsx", data)
    assert again["status"] == "overlap"
    assert store_metrics(store, Filters())["referrals"] == 144


def test_different_referrals_for_the_same_period_can_be_added_on_purpose(store, tmp_path):
    data, _ = shapes.month_tabs()
    _load(store, tmp_path, "log.xlsx", data, sheet="Jan 2025")
    other = _load(store, tmp_path, "other.xlsx", data, sheet="Jan 2025", allow_overlap=True)
    assert other["status"] == "duplicate"  # the same bytes and sheet stay one upload
    summary = _load(store, tmp_path, "s.xlsx", shapes.monthly_summary(), allow_overlap=True)
    assert summary["status"] == "loaded"


def test_an_outreach_sheet_in_the_workbook_is_not_read_as_referrals(store, tmp_path):
    from tests.conftest import xlsx_bytes

    referrals = [
        ["Referral Date", "Referring Provider"],
        [shapes.datetime(2025, 3, 1), "Okafor, Maria MD"],
        [shapes.datetime(2025, 3, 2), "Reyes, Alan DO"],
    ]
    outreach = [
        ["Date", "Referral Partner", "Activity", "Cost", "Staff"],
        [shapes.datetime(2025, 3, 3), "Dr. Okafor", "Lunch", "$80.00", "Amy"],
    ]
    data = xlsx_bytes(referrals, sheet="Referrals", extra={"Outreach": outreach})
    result = _load(store, tmp_path, "book.xlsx", data)
    assert result["rows_loaded"] == 2
    (skipped,) = [s for s in result["sheets"] if s["status"] == "skipped"]
    assert skipped["sheet"] == "Outreach" and "outreach log" in skipped["reason"]


def test_unicode_names_are_kept_and_a_club_is_an_organisation(store, tmp_path):
    data, expected = shapes.unicode_names()
    _load(store, tmp_path, "names.xlsx", data)
    got = _check(store, expected)
    profiles = store.source_profiles()
    shown = set(profiles["source"])
    assert any("Weiß" in s for s in shown) and any("Søren Ødegaard" in s for s in shown)
    assert any("Hofmann" in s and "Med " not in s for s in shown)
    club = profiles[profiles["source"] == "Coastal Rugby Club"]
    assert list(club["source_type"]) == ["health_wellness"]
    assert got["mix"]["health_wellness"] == pytest.approx(2 / 12, abs=1e-4)


def test_namesakes_stay_apart(store, tmp_path):
    data, expected = shapes.namesakes()
    _load(store, tmp_path, "namesakes.xlsx", data)
    _check(store, expected)


def test_referring_patients_are_counted_never_stored(store, tmp_path):
    data, expected = shapes.referring_patients()
    _load(store, tmp_path, "log.xlsx", data)
    got = _check(store, expected)
    assert got["patient_share"] == pytest.approx(0.4)
    store.close()
    raw = (tmp_path / "test.duckdb").read_bytes()
    for name in shapes.REFERRING_PATIENTS:
        assert name.encode() not in raw
    assert b"Okafor" in raw  # the search can find a name that is stored


def test_a_copied_sheet_is_skipped_and_overlapping_sheets_are_said(store, tmp_path):
    import io

    import openpyxl

    data, _ = shapes.month_tabs()
    book = openpyxl.load_workbook(io.BytesIO(data))
    copy = book.copy_worksheet(book["Mar 2025"])
    copy.title = "Mar 2025 (2)"
    # A sheet of the same months' rows kept separately: not a copy, but the same days.
    extra = book.create_sheet("Q1 corrections")
    extra.append(
        ["Date Referred", "Referred By", "Referral Type", "Evaluated?", "Amount Collected"]
    )
    extra.append([shapes.datetime(2025, 2, 10), "Okafor, Maria MD", "Physician", "Y", "$100.00"])
    buf = io.BytesIO()
    book.save(buf)
    result = _load(store, tmp_path, "log.xlsx", buf.getvalue())
    notes = {s["sheet"]: s for s in result["sheets"]}
    assert notes["Mar 2025 (2)"]["status"] == "skipped"
    assert "a copy of sheet 'Mar 2025'" in notes["Mar 2025 (2)"]["reason"]
    assert result["rows_loaded"] == 145
    assert any(
        "Sheets 'Feb 2025' and 'Q1 corrections' cover the same days" in w
        for w in result["warnings"]
    )
    assert not any("'Jan 2025' and 'Feb 2025'" in w for w in result["warnings"])
