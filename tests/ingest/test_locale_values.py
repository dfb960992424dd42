"""European exports and hostile values, end to end: amounts read right or refused with rows."""

from __future__ import annotations

import random
from datetime import date

import pytest

from analytics.ingest import IngestContext, prepare, values
from analytics.ingest.readers import sniff_delimiter
from analytics.views import upload as upload_report
from tests.conftest import xlsx_bytes

CTX = IngestContext(salt=b"0123456789abcdef")
TODAY = date(2026, 11, 27)


def run(data: bytes, name: str, **kw):
    return prepare(data, name, CTX, today=TODAY, **kw)


# --- the delimiter ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Every row holds more commas than semicolons: cents and "Name, First, Title".
        (["Referral Date;Referring Provider;Charges;Payments"]
         + ["04.03.2025;Müller, Hans, Dr.;1.234,50;12,50"] * 20, ";"),
        (["Referral Date\tReferring Provider\tPayments"]
         + ["3/4/2025\tSmith, John, MD\t1,234.50"] * 20, "\t"),
        # A comma export whose notes sometimes hold a semicolon stays comma-separated.
        (["Referral Date,Referring Provider,Notes"]
         + ["3/4/2025,Dr. Lee,called; left message"] * 3 + ["3/5/2025,Dr. Lee,ok"] * 17, ","),
        # A title line above the header does not sink the table's delimiter.
        (["Zuweisungen 2025", "Referral Date;Referring Provider;Payments"]
         + ["04.03.2025;Dr. Meier;12,50"] * 5, ";"),
    ],
)  # fmt: skip
def test_sniff_delimiter_with_decimal_commas(lines, expected):
    assert sniff_delimiter(lines) == expected


# --- a European CSV ---------------------------------------------------------------------

EUROPEAN_CSV = (
    "Referral Date;Referring Provider;Location;Visits;Charges;Payments\r\n"
    "04.03.2025;Müller, Hans MD;Mitte;3;1.234,50 €;1.000,00 €\r\n"
    "05.03.2025;Dr. Eva Meier;Mitte;12;850,00 €;612,50 €\r\n"
    '12.03.2025 14:22;Müller, Hans MD;Nord;1;"2.345,67";-12,50\r\n'
    "25.03.2025;Dr. Eva Meier;Nord;;;\r\n"
)


def test_european_csv_reads_dates_and_amounts():
    p = run(EUROPEAN_CSV.encode("utf-8"), "zuweisungen.csv")
    f = p.frame
    assert p.rows_loaded == 4 and p.rows_rejected == 0
    assert list(f["referral_date"].dt.date) == [
        date(2025, 3, 4),
        date(2025, 3, 5),
        date(2025, 3, 12),
        date(2025, 3, 25),
    ]
    assert p.quality["date_convention"] == values.DAY_FIRST
    # 1,000.00 + 612.50 - 12.50 and 1,234.50 + 850.00 + 2,345.67, by hand.
    assert f["payments"].sum() == pytest.approx(1600.00)
    assert f["charges"].sum() == pytest.approx(4430.17)
    assert f["visits"].sum() == 16
    assert p.quality["number_conventions"] == {
        "visits": values.NO_DECIMALS,
        "charges": values.DECIMAL_COMMA,
        "payments": values.DECIMAL_COMMA,
    }
    assert p.quality["value_problems"] == {}
    assert list(f["clinic"]) == ["Mitte", "Mitte", "Nord", "Nord"]


def test_dotted_dates_with_no_day_above_12_are_day_first():
    text = "Referral Date;Referring Provider;Payments\n04.03.2025;Dr. Meier;12,50\n"
    p = run(text.encode(), "zuweisungen.csv")
    assert p.frame["referral_date"].dt.date.tolist() == [date(2025, 3, 4)]
    assert p.quality["date_convention"] == values.DAY_FIRST_ASSUMED


def _euro(cents: int) -> str:
    """Cents as a German export writes them: 1.234,50 (no grouping below 1.000)."""
    whole, rest = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", ".")
    return f"{'-' if cents < 0 else ''}{grouped},{rest:02d}"


def test_generated_european_csv_sums_to_the_cents_it_was_built_from():
    rng = random.Random(11)
    lines = ["Referral Date;Referring Provider;Location;Visits;Charges;Payments"]
    paid_cents = charged_cents = visits = 0
    for _ in range(40):
        day = date(2025, rng.randint(1, 12), rng.randint(1, 28))
        charge = rng.randint(5_000, 950_000)  # 50,00 to 9.500,00
        paid = rng.randint(-2_000, charge)  # a refund now and then
        seen = rng.randint(0, 30)
        paid_cents, charged_cents, visits = paid_cents + paid, charged_cents + charge, visits + seen
        suffix = rng.choice(["", " €", "€"])
        name = rng.choice(["Müller, Hans MD", "Dr. Eva Meier", "Søren Ødegaard DC"])
        lines.append(
            f"{day:%d.%m.%Y};{name};{rng.choice(['Mitte', 'Nord'])};{seen};"
            f"{_euro(charge)}{suffix};{_euro(paid)}{suffix}"
        )
    p = run(("\r\n".join(lines) + "\r\n").encode("utf-8"), "export.csv")
    f = p.frame
    assert p.rows_loaded == 40 and p.rows_rejected == 0
    assert round(f["payments"].sum() * 100) == paid_cents
    assert round(f["charges"].sum() * 100) == charged_cents
    assert f["visits"].sum() == visits
    assert p.quality["number_conventions"]["payments"] == values.DECIMAL_COMMA
    assert p.quality["value_problems"] == {}


# --- hostile values ---------------------------------------------------------------------

HOSTILE_CSV = (
    "Referral Date,Referring Provider,Visits,Charges,Payments\n"
    "3/3/2025,Dr. A,3,100.00,80.00\n"  # row 2
    "3/4/2025,Dr. B,-3,abc,50.00\n"  # row 3
    "3/5/2025,Dr. A,2,NaN,inf\n"  # row 4
    "3/6/2025,Dr. B,4,1e308,1e308\n"  # row 5
    "3/7/2025,Dr. A,5,200.00,150.00\n"  # row 6
    "3/8/2025,Dr. B,,,\n"  # row 7: blanks are not problems
)


def test_hostile_values_are_nulled_and_listed_with_their_rows():
    p = run(HOSTILE_CSV.encode(), "hostile.csv")
    f = p.frame
    # Every row stays: the referral counts even when its money is refused.
    assert p.rows_loaded == 6 and p.quality["referrals"] == 6
    assert f["visits"].isna().tolist() == [False, True, False, False, False, True]
    assert f["charges"].isna().tolist() == [False, True, True, True, False, True]
    assert f["payments"].isna().tolist() == [False, False, True, True, False, True]
    assert f["charges"].sum() == 300.0 and f["payments"].sum() == 280.0
    assert f["visits"].sum() == 14
    assert p.quality["value_problems"] == {
        "visits": {"count": 1, "rows": [3], "examples": ["-3"], "reason": "negative"},
        "charges:not a number": {
            "count": 1,
            "rows": [3],
            "examples": ["abc"],
            "reason": "not a number",
        },
        "charges:not finite": {
            "count": 1,
            "rows": [4],
            "examples": ["NaN"],
            "reason": "not finite",
        },
        "charges:over 1,000,000": {
            "count": 1,
            "rows": [5],
            "examples": ["1e308"],
            "reason": "over 1,000,000",
        },
        "payments:not finite": {
            "count": 1,
            "rows": [4],
            "examples": ["inf"],
            "reason": "not finite",
        },
        "payments:over 1,000,000": {
            "count": 1,
            "rows": [5],
            "examples": ["1e308"],
            "reason": "over 1,000,000",
        },
    }


def test_workbook_numbers_are_checked_with_rows_below_the_title_block():
    rows = [
        ["Referrals Report"],
        [],
        ["Referral Date", "Referring Provider", "Charges", "Payments"],
    ]
    for i in range(30):
        bad = i in (4, 7, 8)
        rows.append([f"3/{i % 28 + 1}/2025", "Dr. A", 1e308 if bad else 100.0, "n/a"])
    p = run(xlsx_bytes(rows), "report.xlsx")
    assert p.rows_loaded == 30
    assert p.frame["charges"].sum() == 2700.0
    # Body row 0 is spreadsheet row 4 (two title rows and the header above it).
    assert p.quality["value_problems"] == {
        "charges": {
            "count": 3,
            "rows": [8, 11, 12],
            "examples": ["1e+308"],
            "reason": "over 1,000,000",
        }
    }


def test_problem_rows_are_capped_at_20_and_skip_rejected_rows():
    body = "".join(f"2025-01-{i % 28 + 1:02d},Dr. A,lots\n" for i in range(25))
    text = "Referral Date,Referring Provider,Payments\nnot a date,Dr. B,oops\n" + body
    p = run(text.encode(), "many.csv")
    problem = p.quality["value_problems"]["payments"]
    assert problem["count"] == 25
    assert problem["rows"] == list(range(3, 23))
    assert problem["examples"] == ["lots"]
    assert p.rejections[0].row == 2  # the undated row is rejected, not a value problem


def test_long_examples_are_truncated_and_distinct():
    cells = ["x" * 50, "x" * 50, "12 dollars", "twelve", "thirteen"]
    body = "".join(f"2025-01-0{i + 1},Dr. A,{c}\n" for i, c in enumerate(cells))
    p = run(("Referral Date,Referring Provider,Payments\n" + body).encode(), "long.csv")
    problem = p.quality["value_problems"]["payments"]
    assert problem["count"] == 5 and problem["rows"] == [2, 3, 4, 5, 6]
    assert problem["examples"] == ["x" * 30, "12 dollars", "twelve"]


def test_summary_rows_scale_the_money_cap_by_their_referral_count():
    text = (
        "Month,Referring Provider,Referrals,Payments\n"
        "2025-01,Dr. A,40,1.500.000,00\n"  # 37.500 a referral: fine
        "2025-02,Dr. A,1,1.500.000,00\n"  # one referral paid 1.5M: refused
    )
    # Comma-separated with decimal commas unquoted would be ambiguous; quote as Excel does.
    text = text.replace("1.500.000,00", '"1.500.000,00"')
    p = run(text.encode(), "summary.csv")
    assert p.frame["count"].tolist() == [40, 1]
    assert p.frame["payments"].fillna(0).tolist() == [1_500_000.0, 0.0]
    assert p.quality["value_problems"]["payments"]["rows"] == [3]


def test_activity_cost_problems_are_listed_and_count_as_zero():
    text = (
        "Date,Referral Partner,Activity,Cost\n"
        '2025-02-03,Dr. Okafor,Lunch,"250,00 €"\n'
        "2025-02-04,Summit Gym,Gift,lunch for 12\n"
        '2025-02-05,Summit Gym,Gift,"1.234,50"\n'
    )
    p = run(text.encode(), "outreach.csv", kind="activities")
    assert p.frame["cost"].tolist() == [250.0, 0.0, 1234.5]
    assert p.quality["total_cost"] == 1484.5
    assert p.quality["number_conventions"] == {"cost": values.DECIMAL_COMMA}
    assert p.quality["value_problems"] == {
        "cost": {"count": 1, "rows": [3], "examples": ["lunch for 12"], "reason": "not a number"}
    }


def test_a_file_without_number_columns_reports_no_problems():
    text = "Referral Date,Referring Provider\n2025-01-02,Dr. A\n"
    p = run(text.encode(), "plain.csv")
    assert p.quality["value_problems"] == {}
    assert p.quality["number_conventions"] == {}


def test_a_long_csv_of_us_amounts_keeps_its_fast_reading():
    cells = (f"2025-01-{i % 28 + 1:02d},Dr. A,{i % 97}.{i % 100:02d}\n" for i in range(12_000))
    body = "".join(cells)
    p = run(("Referral Date,Referring Provider,Payments\n" + body).encode(), "big.csv")
    expected = sum(i % 97 + (i % 100) / 100 for i in range(12_000))
    assert p.frame["payments"].sum() == pytest.approx(expected)
    assert p.quality["number_conventions"] == {"payments": values.DECIMAL_POINT}
    assert p.frame["payments"].notna().all()


def test_upload_page_lists_number_formats_and_refused_cells():
    many = "".join(f'2025-01-{i + 1:02d},Dr. A,"1.234,{i:02d}",oops\n' for i in range(7))
    text = "Referral Date,Referring Provider,Charges,Payments\n" + many
    p = run(text.encode(), "report.csv")
    table = upload_report.quality_report(p)
    report = dict(zip(table["Check"], table["Value"], strict=True))
    assert report["Number format"] == "Charges: decimal comma (1.234,50)"
    assert report["Payments / collections left blank (not a number)"] == (
        "7 cells, rows 2, 3, 4, 5, 6…; e.g. 'oops'"
    )
    one = run(HOSTILE_CSV.encode(), "hostile.csv")
    table = upload_report.quality_report(one)
    report = dict(zip(table["Check"], table["Value"], strict=True))
    assert report["Visits left blank (negative)"] == "1 cell, row 3; e.g. '-3'"
    assert report["Number format"] == (
        "Charges: decimal point (1,234.50); Payments / collections: decimal point (1,234.50)"
    )


def test_unreadable_evaluation_and_discharge_dates_are_listed_with_rows():
    text = (
        "Referral Date,Referring Provider,Eval Date,Discharge Date\n"
        "2025-03-03,Dr. A,2025-03-05,2025-04-30\n"  # row 2
        "2025-03-04,Dr. A,soon,\n"  # row 3
        "2025-03-05,Dr. A,1980-03-06,n/a\n"  # row 4
        "2025-03-06,Dr. A,,31.04.2025\n"  # row 5
    )
    p = run(text.encode(), "dates.csv")
    assert p.rows_loaded == 4
    assert p.frame["eval_date"].notna().tolist() == [True, False, False, False]
    assert p.quality["value_problems"] == {
        "eval_date:not a date": {
            "count": 1,
            "rows": [3],
            "examples": ["soon"],
            "reason": "not a date",
        },
        "eval_date:before 1990": {
            "count": 1,
            "rows": [4],
            "examples": ["1980-03-06"],
            "reason": "before 1990",
        },
        "discharge_date": {
            "count": 1,
            "rows": [5],
            "examples": ["31.04.2025"],
            "reason": "not a date",
        },
    }


@pytest.mark.parametrize("ragged", [False, True])
def test_csv_placeholders_are_missing_but_nan_in_money_is_said(ragged):
    text = (
        "Referral Date,Referring Provider,Location,Payments\n"
        "2025-03-03,Dr. Lee MD,NULL,NaN\n"
        "2025-03-04,N/A,NA,nan\n"
        "2025-03-05,Dr. Lee MD,Mitte,12.50\n"
    )
    if ragged:  # a short "Total" line sends the file through the other CSV parser
        text += "Total\n"
    p = run(text.encode(), "x.csv")
    f = p.frame
    assert f["clinic"].tolist() == ["(Unassigned)", "(Unassigned)", "Mitte"]
    assert f["source_name"].isna().tolist() == [False, True, False]
    assert f["payments"].sum() == 12.5
    assert p.quality["value_problems"] == {
        "payments": {"count": 2, "rows": [2, 3], "examples": ["NaN", "nan"], "reason": "not finite"}
    }


def test_a_patient_column_mapped_as_an_amount_shows_no_cells():
    text = "Referral Date,Referring Provider,MRN\n2025-03-03,Dr. A,52872006\n"
    p = run(text.encode(), "x.csv", overrides={"payments": "MRN"})
    assert p.quality["value_problems"] == {
        "payments": {
            "count": 1,
            "rows": [2],
            "examples": ["(hidden: patient identifier)"],
            "reason": "over 1,000,000",
        }
    }
    assert "52872006" not in str(p.quality)


def test_every_convention_has_words_on_the_upload_page():
    dates = {v for k, v in vars(values).items() if k.startswith(("DAY_", "MONTH_"))}
    assert dates | {values.NO_SLASH_DATES} == set(upload_report.DATE_CONVENTIONS)
    numbers = {v for k, v in vars(values).items() if k.startswith(("DECIMAL_", "MIXED_"))}
    assert numbers == set(upload_report.NUMBER_CONVENTIONS)
