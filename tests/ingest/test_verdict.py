"""The upload verdict: one sentence for each thing that may make an upload's numbers wrong,
and none for a clean file."""

from __future__ import annotations

from datetime import date, datetime

from analytics.ingest import IngestContext, prepare
from tests.conftest import xlsx_bytes

CTX = IngestContext(salt=b"2" * 16)
TODAY = date(2026, 1, 15)


def warnings_of(rows, name="f.xlsx", **kwargs) -> list[str]:
    return prepare(xlsx_bytes(rows, **kwargs), name, CTX, today=TODAY).warnings


def test_a_clean_file_has_no_warning():
    rows = [
        ["Referral Date", "Referring Provider", "Clinic"],
        [datetime(2025, 3, 1), "Okafor, Maria MD", "Harbor"],
        [datetime(2025, 3, 2), "Reyes, Alan DO", "Harbor"],
    ]
    assert warnings_of(rows) == []


def test_unknown_share_above_ten_percent():
    rows = [["Referral Date", "Referring Provider", "Clinic"]]
    rows += [[datetime(2025, 3, 1), "Okafor, Maria MD", "Harbor"]] * 8
    rows += [[datetime(2025, 3, 1), None, "Harbor"]] * 2  # 2 of 10 unknown: 20%
    (sentence,) = warnings_of(rows)
    assert sentence.startswith("20% of referrals (2) have no known source")


def test_exactly_ten_percent_unknown_is_not_flagged():
    rows = [["Referral Date", "Referring Provider", "Clinic"]]
    rows += [[datetime(2025, 3, 1), "Okafor, Maria MD", "Harbor"]] * 9
    rows += [[datetime(2025, 3, 1), None, "Harbor"]]
    assert warnings_of(rows) == []


def test_a_likely_referrer_column_left_unmapped():
    rows = [["Referral Date", "Referring Provider", "Doc", "Clinic"]]
    rows += [
        [datetime(2025, 3, d), "Harbor Ortho Group", f"Dr{d} Smith, MD", "Harbor"]
        for d in range(1, 5)
    ]
    p = prepare(
        xlsx_bytes(rows),
        "f.xlsx",
        CTX,
        today=TODAY,
        overrides={"source_name": "Referring Provider"},
    )
    assert any("Column 'Doc' looks like referring clinicians" in w for w in p.warnings)


def test_every_row_unassigned_while_a_column_names_clinics():
    rows = [["Referral Date", "Referring Provider", "Clinic Code"]]
    rows += [[datetime(2025, 3, 1), "Okafor, Maria MD", "H1"]] * 3
    p = prepare(xlsx_bytes(rows), "f.xlsx", CTX, today=TODAY, overrides={"clinic": ""})
    assert p.mapping.get("clinic") is None
    assert "Every row is under (Unassigned) although column 'Clinic Code' may name the clinic" in (
        " ".join(p.warnings)
    )


def test_some_rows_unassigned_are_counted():
    rows = [["Referral Date", "Referring Provider", "Clinic"]]
    rows += [[datetime(2025, 3, 1), "Okafor, Maria MD", "Harbor"]] * 3
    rows += [[datetime(2025, 3, 1), "Okafor, Maria MD", "(Unassigned)"]] * 2
    assert warnings_of(rows) == ["2 rows have no clinic and count under (Unassigned)."]


def test_implausible_and_rejected_dates():
    rows = [["Referral Date", "Referring Provider", "Clinic"]]
    rows += [[datetime(2025, 3, 1), "Okafor, Maria MD", "Harbor"]] * 3
    rows += [[datetime(1995, 7, 4), "Okafor, Maria MD", "Harbor"]]  # a birth date?
    rows += [[datetime(1961, 7, 4), "Okafor, Maria MD", "Harbor"]]
    rows += [["soon", "Okafor, Maria MD", "Harbor"]]
    p = prepare(xlsx_bytes(rows), "f.xlsx", CTX, today=TODAY)
    found = p.warnings
    assert [(r.row, r.reason) for r in p.rejections] == [
        (6, "date 1961-07-04 is outside the years 1990 to 2100"),
        (7, "'soon' is not a readable date (expected e.g. 3/14/2025 or 2025-03-14)"),
    ]
    assert "2 rows will not be loaded (listed with their row numbers and reasons)." in found
    assert "1 referral date is before 2001; check the date column (a birth date?)." in found


def test_clinic_sheets_chosen_one_by_one_are_said():
    header = ["Referral Date", "Referring Provider"]
    row = [datetime(2025, 3, 1), "Okafor, Maria MD"]
    data = xlsx_bytes([header, row], sheet="Downtown", extra={"Eastside": [header, row]})
    p = prepare(data, "f.xlsx", CTX, today=TODAY, sheet="Downtown")
    assert p.warnings[0] == (
        "Only sheet 'Downtown' was read, as chosen; 1 other sheet ('Eastside') was not loaded."
    )
    assert "Every row is under (Unassigned) although the sheet names look like clinics" in (
        " ".join(p.warnings)
    )


def test_a_bad_count_says_why_and_mixed_decimals_are_flagged():
    rows = [
        ["Month", "Referrer", "New Patients", "Revenue"],
        ["Apr 2025", "Okafor, Maria MD", 4, "1.234,50"],
        ["Apr 2025", "Reyes, Alan DO", "abc", "1,234.50"],
        ["May 2025", "Reyes, Alan DO", -2, "2.000,25"],
        ["May 2025", "Okafor, Maria MD", 3, "980.00"],
    ]
    p = prepare(xlsx_bytes(rows), "s.xlsx", CTX, today=TODAY)
    assert [(r.row, r.reason) for r in p.rejections] == [
        (3, "count of referrals not a number"),
        (4, "count of referrals negative"),
    ]
    assert p.quality["number_conventions"]["payments"] == "mixed"
    assert (
        "The payments column mixes decimal points and decimal commas; check a few amounts "
        "against the spreadsheet." in p.warnings
    )
