"""Ingest: every reader and every kind of mess real exports bring."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.errors import IngestError
from analytics.ingest import IngestContext, prepare
from tests.conftest import HAND_LOG_CSV, webpt_rows, xlsx_bytes

CTX = IngestContext(salt=b"0123456789abcdef")
TODAY = date(2026, 11, 27)


def run(data: bytes, name: str, **kw):
    return prepare(data, name, CTX, today=TODAY, **kw)


def test_webpt_report_with_titles_and_footers(webpt_xlsx):
    p = run(webpt_xlsx, "webpt.xlsx")
    assert p.quality["title_rows"] == 3
    assert p.rows_loaded == 4
    assert p.rows_rejected == 0
    assert p.quality["footer_rows"] == 2  # "Grand Total" and "Count: 4"
    assert p.mapping["referral_date"] == "Referral Received Date"
    assert p.mapping["source_type"] == "Referral Source"
    assert p.mapping["source_name"] == "Referral Contact"
    assert p.mapping["patient"] == "Patient Name"
    f = p.frame
    # "Smith, John MD" with an NPI and "Dr. John Smith" without are one source.
    assert f.loc[0, "source"] == f.loc[1, "source"]
    assert f.loc[0, "source_type"] == "physician"
    assert f.loc[2, "source_type"] == "self"
    assert f.loc[3, "source_type"] == "chiropractor"
    assert f.loc[0, "npi"] == "1234567893" and bool(f.loc[0, "npi_valid"])
    assert f.loc[2, "clinic"] == "(Unassigned)"
    assert list(f["arrived"]) == [True, False, True, True]
    assert f["payments"].sum() == pytest.approx(880 + 500 + 612.5)
    assert p.period == (date(2025, 3, 3), date(2025, 3, 20))
    assert not f["patient_key"].str.contains("Patientson").any()
    assert f["patient_key"].nunique() == 4


def test_hand_log_cp1252_rejects_bad_dates_with_spreadsheet_rows(hand_log_cp1252):
    p = run(hand_log_cp1252, "log.csv")
    f = p.frame
    assert p.rows_loaded == 3
    assert [(r.row, r.reason.split(" ")[0]) for r in p.rejections] == [
        (6, "'2/30/2025'"),
        (7, "no"),
    ]
    assert p.quality["footer_rows"] == 1 and p.quality["blank_rows"] == 1
    assert list(f["referral_date"].dt.date) == [
        date(2025, 3, 7),
        date(2025, 3, 9),
        date(2025, 3, 14),
    ]
    assert f.loc[2, "source_name"] == "Dr. José Núñez DC"  # Windows-1252 decoded
    assert f.loc[2, "source_type"] == "chiropractor"
    assert f.loc[1, "source_type"] == "marketing"
    assert f.loc[0, "payments"] == 1234.5 and f.loc[2, "payments"] == -120.0
    assert math.isnan(f.loc[1, "payments"])
    assert list(f["arrived"]) == [True, False, True]
    assert p.mapping["payments"] == "Amount Collected"
    assert p.mapping["arrived"] == "Evaluated? (Y/N)"


@pytest.mark.parametrize(
    ("delimiter", "encoding", "newline"),
    [
        (",", "utf-8", "\n"),
        (",", "utf-8-sig", "\r\n"),
        (";", "utf-8", "\n"),
        ("\t", "cp1252", "\r\n"),
        ("|", "utf-8-sig", "\n"),
    ],
)
def test_csv_dialects(delimiter, encoding, newline):
    lines = [
        ["Referral Date", "Referring Provider", "NPI", "Location"],
        ["2025-01-05", "Okafor, Maria MD", "1234567893", "Riverside"],
        ["2025-01-06", "Maria Okafor, M.D.", "", "Riverside"],
        ["2025-01-07", "Núñez, José DC", "", "Riverside"],
    ]
    quoted = [[f'"{c}"' if delimiter in c else c for c in cells] for cells in lines]
    text = newline.join(delimiter.join(cells) for cells in quoted) + newline
    p = run(text.encode(encoding), "export.csv")
    assert p.rows_loaded == 3
    assert p.frame["source"].nunique() == 2
    assert p.frame.loc[2, "source_name"] == "Núñez, José DC"
    assert p.frame.loc[0, "clinic"] == "Riverside"


def test_html_table_saved_as_xls():
    html = (
        b"<html><body><h2>Referral Report</h2><table>"
        b"<tr><th>Referral Date</th><th>Referring Provider</th><th>Payer</th></tr>"
        b"<tr><td>01/05/2025</td><td>Smith, John MD</td><td>Aetna</td></tr>"
        b"<tr><td>01/09/2025</td><td>Dr. John Smith</td><td>Medicare</td></tr>"
        b"<tr><td>Total</td><td>2</td><td></td></tr>"
        b"</table></body></html>"
    )
    p = run(html, "report.xls")
    assert p.rows_loaded == 2
    assert p.frame["source"].nunique() == 1
    assert p.quality["footer_rows"] == 1


def test_workbook_picks_the_referrals_sheet_and_honours_a_choice():
    summary = [["Pivot"], ["Physician", 12], ["Self", 3]]
    data = xlsx_bytes(summary, sheet="Summary", extra={"Data": webpt_rows()})
    p = run(data, "book.xlsx")
    assert p.sheet == "Data" and p.sheets == ("Summary", "Data")
    assert p.rows_loaded == 4
    with pytest.raises(IngestError, match="no sheet named 'Nope'"):
        run(data, "book.xlsx", sheet="Nope")


def test_monthly_summary_rows_carry_counts():
    rows = [
        ["Monthly referral summary 2025"],
        ["Month", "Referral Source", "Referrer", "New Patients", "Revenue"],
        ["Apr 2025", "Physician", "Smith, John MD", 7, "$5,600.00"],
        ["Apr 2025", "Self Referral", None, 3, "$1,500.00"],
        ["May 2025", "Physician", "Dr. John Smith", 5, "$4,000.00"],
        ["May 2025", "Physician", "Lee, Ann DO", 0, None],
        ["Grand Total", None, None, 15, "$11,100.00"],
    ]
    p = run(xlsx_bytes(rows), "summary.xlsx")
    f = p.frame
    assert p.mapping["count"] == "New Patients"
    assert p.mapping["payments"] == "Revenue"
    assert p.rows_loaded == 3  # the zero row is not a referral; the total is a footer
    assert f["count"].sum() == 15
    assert list(f["referral_date"].dt.date) == [
        date(2025, 4, 1),
        date(2025, 4, 1),
        date(2025, 5, 1),
    ]
    assert f.loc[0, "source"] == f.loc[2, "source"]


def test_columns_found_from_values_when_names_do_not_help():
    text = (
        "When,Who,Where\n"
        "01/05/2025,Okafor Maria MD,North\n"
        "01/07/2025,Smith John DO,North\n"
        "01/08/2025,Lee Ann PA-C,North\n"
    )
    p = run(text.encode(), "odd.csv")
    assert p.mapping["referral_date"] == "When"
    assert p.mapping["source_name"] == "Who"
    assert set(p.frame["source_type"]) == {"physician", "physician_extender"}


def test_map_override_and_bad_override():
    text = "Date Referred,Doc,Other Date\n01/05/2025,Smith John MD,02/01/2025\n"
    p = run(text.encode(), "x.csv", overrides={"referral_date": "Other Date"})
    assert p.frame.loc[0, "referral_date"] == pd.Timestamp("2025-02-01")
    assert p.mapping_origin == "edited"
    with pytest.raises(IngestError, match="no column 'Nope'"):
        run(text.encode(), "x.csv", overrides={"referral_date": "Nope"})
    with pytest.raises(IngestError, match="not a field"):
        run(text.encode(), "x.csv", overrides={"banana": "Doc"})


def test_saved_mapping_is_reused_for_the_same_layout():
    text = "Date Referred,Doc,Other Date\n01/05/2025,Smith John MD,02/01/2025\n"
    first = run(text.encode(), "x.csv", overrides={"referral_date": "Other Date"})
    ctx = IngestContext(salt=CTX.salt, saved_mappings={first.signature: first.mapping})
    again = prepare(text.encode(), "next_month.csv", ctx, today=TODAY)
    assert again.mapping_origin == "saved"
    assert again.frame.loc[0, "referral_date"] == pd.Timestamp("2025-02-01")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "is empty"),
        (b"   \r\n  ", "blank.csv", "is empty"),
        (b"%PDF-1.7 binary", "report.pdf", "is a PDF"),
        (b"\x00\x01\x02\x03garbage\x00" * 50, "data.csv", "not a spreadsheet"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 64
            + "EncryptedPackage".encode("utf-16-le"),
            "locked.xlsx",
            "password-protected",
        ),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "could not be opened"),
        (b"Name,Payer\nSmith John MD,Aetna\n", "nodate.csv", "No referral date column"),
        (b"Referral Date,Payer\n01/05/2025,Aetna\n", "nosource.csv", "No referral source column"),
        (b"Referral Date,Referring Provider\n", "header_only.csv", "no rows of data"),
        (b"Referral Date,Referring Provider\nsoon,Smith\nlater,Lee\n", "bad.csv", "None of the 2"),
    ],
)
def test_unusable_files_get_one_sentence(data, name, message):
    with pytest.raises(IngestError, match=message) as err:
        run(data, name)
    text = str(err.value)
    assert text.endswith(".") and "\n" not in text and "Traceback" not in text


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["2025-03-05", "2025-03-06"], [date(2025, 3, 5), date(2025, 3, 6)]),
        (["3/5/2025", "3/6/2025"], [date(2025, 3, 5), date(2025, 3, 6)]),
        (["05/03/2025", "25/03/2025"], [date(2025, 3, 5), date(2025, 3, 25)]),  # day-first column
        (["45658", "45659"], [date(2025, 1, 1), date(2025, 1, 2)]),  # Excel serials as text
        (["Jan 5, 2025", "Feb 1, 2025"], [date(2025, 1, 5), date(2025, 2, 1)]),
    ],
)
def test_date_conventions_per_column(cells, expected):
    text = "Referral Date,Referring Provider\n" + "".join(f'"{c}",Smith John MD\n' for c in cells)
    p = run(text.encode(), "d.csv")
    assert list(p.frame["referral_date"].dt.date) == expected


def test_future_dates_are_rejected():
    text = "Referral Date,Referring Provider\n2025-01-05,Smith John MD\n2031-01-05,Lee Ann DO\n"
    p = run(text.encode(), "f.csv")
    assert p.rows_loaded == 1
    assert p.rejections[0].row == 3 and "future" in p.rejections[0].reason


def test_invalid_npi_kept_raw_and_flagged():
    text = (
        "Referral Date,Referring Provider,NPI\n"
        "2025-01-05,Smith John MD,1234567890\n"
        "2025-01-06,Lee Ann DO,1234567893\n"
    )
    f = run(text.encode(), "n.csv").frame
    assert f.loc[0, "npi"] == "1234567890" and not f.loc[0, "npi_valid"]
    assert f.loc[1, "npi_valid"]


def test_activities_log():
    rows = [
        ["Date", "Referral Partner", "Activity", "Cost", "Staff", "Notes"],
        [
            pd.Timestamp("2025-02-03").to_pydatetime(),
            "Dr. Okafor",
            "Lunch & Learn",
            "$250.00",
            "Kim",
            "",
        ],
        [
            pd.Timestamp("2025-02-10").to_pydatetime(),
            "Summit Gym",
            "Holiday Gift",
            75,
            "Kim",
            "tin",
        ],
        [pd.Timestamp("2025-02-12").to_pydatetime(), "Lee, Ann DO", "Phone Call", None, "Raj", ""],
        [None, None, None, None, None, None],
    ]
    p = run(xlsx_bytes(rows), "outreach.xlsx", kind="activities")
    f = p.frame
    assert p.rows_loaded == 3
    assert list(f["activity_type"]) == ["lunch", "gift", "call"]
    assert list(f["cost"]) == [250.0, 75.0, 0.0]


def test_large_row_numbers_are_exact():
    body = "".join(f"2025-01-{(i % 28) + 1:02d},Smith John MD\n" for i in range(5000))
    text = "Referral Date,Referring Provider\n" + body + "not a date,Lee Ann DO\n"
    p = run(text.encode(), "big.csv")
    assert p.rows_loaded == 5000
    assert p.rejections[0].row == 5002


def test_hand_log_fixture_is_the_documented_one():
    assert HAND_LOG_CSV.count("\r\n") == 8


@pytest.mark.parametrize("name", ["webpt_report.xls", "webpt_report.ods"])
def test_legacy_excel_and_opendocument_read_as_the_xlsx_does(webpt_xlsx, name):
    """.xls (BIFF8) and .ods of the same report (tests/fixtures/make_legacy_workbooks.py)."""
    data = (Path(__file__).resolve().parents[1] / "fixtures" / name).read_bytes()
    got, expected = run(data, name), run(webpt_xlsx, "webpt.xlsx")
    assert got.rows_loaded == 4 and got.rows_rejected == 0
    assert got.quality["title_rows"] == 3 and got.quality["footer_rows"] == 2
    assert got.mapping == expected.mapping
    pd.testing.assert_frame_equal(got.frame, expected.frame)


def test_a_workbook_row_without_a_patient_loads_with_no_patient_key():
    """A blank patient cell in an .xlsx once stopped the whole upload (ArrowTypeError)."""
    rows = webpt_rows()
    rows[5][1] = None  # the second referral has no patient name
    p = run(xlsx_bytes(rows), "webpt.xlsx")
    assert p.rows_loaded == 4
    assert p.frame["patient_key"].isna().tolist() == [False, True, False, False]
