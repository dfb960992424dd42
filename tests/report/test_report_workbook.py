"""The data-room workbook, opened back with openpyxl: every page's tables, the cover, the
formats, the numbers of `metrics --json`, and no formula anywhere."""

from __future__ import annotations

import csv
import io
import zipfile
from functools import cache

import openpyxl
import pytest

from analytics import formatting as fmt
from analytics.report.sheets import NUMBER_FORMATS
from analytics.report.workbook import report_sheets, workbook_bytes
from analytics.safe_csv import FORMULA_STARTS, to_safe_csv
from tests.reports import (
    FORMULA_NAMES,
    MARGIN,
    PRACTICE,
    cli_metrics,
    formula_content,
    sample_content,
    sample_db,
)


@cache
def sample_bytes() -> bytes:
    return workbook_bytes(sample_content())


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(sample_bytes()))


def table(ws) -> list[dict]:
    """The sheet's table (header on row 4) as records."""
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_every_table_of_every_page_has_its_sheet(book):
    sheets = report_sheets(sample_content())
    assert book.sheetnames == ["Cover", *(s.name for s in sheets)]
    pages = {s.page for s in sheets}
    assert pages >= {
        "Overview",
        "Sources & concentration",
        "Physician dependence",
        "Trends & alerts",
        "Partner ROI",
        "Engagement",
        "Valuation readiness",
        "Upload",
    }
    for sheet in sheets:
        ws = book[sheet.name]
        header = [c.value for c in ws[4]][: sheet.frame.shape[1]]
        assert header == [str(c) for c in sheet.frame.columns], sheet.name
        assert ws.max_row >= 4 + len(sheet.frame), sheet.name


def test_cover_states_period_filters_store_and_time(book):
    cover = {
        row[0]: row[1]
        for row in book["Cover"].iter_rows(values_only=True)
        if row and row[0] is not None
    }
    assert PRACTICE in cover
    assert cover["Period"] == "Nov 1, 2025 – Oct 31, 2026"
    assert cover["Clinics"] == "All clinics"
    assert cover["Concentration measured by"] == "Referrals"
    assert cover["Partners counted as"] == "Each referrer"
    # The practice's name, never the store's file name; how current the data is.
    assert "Store" not in cover and str(sample_db().name) not in str(cover)
    assert cover["Practice"] == PRACTICE
    assert cover["Data through"] == "Oct 31, 2026"
    assert cover["Exported"] == "Nov 2, 2026 09:30"
    # The contents link to every sheet.
    links = {c.value: c.hyperlink.location for c in book["Cover"]["A"] if c.hyperlink}
    assert links["Every partner"] == "'Every partner'!A1"


def test_headline_figures_equal_metrics_json(book):
    summary = cli_metrics()
    assert sample_content().summary == summary
    values = {r["Figure"]: r["Value"] for r in table(book["Headline figures"])}
    c = summary["concentration"]
    assert values["Referrals"] == summary["referrals"]
    assert values["Arrived (evaluated)"] == summary["arrived"]
    assert values["Revenue"] == pytest.approx(summary["revenue"])
    assert values["Active partners"] == c["partners"]
    assert values["Concentration (HHI)"] == pytest.approx(c["hhi"], abs=0.05)
    assert values["Largest partner"] == pytest.approx(c["cr1"], abs=5e-5)
    assert values["Patient word-of-mouth"] == pytest.approx(summary["patient_share"], abs=5e-5)


def test_tables_add_up_to_metrics_json(book):
    summary = cli_metrics()
    sources = table(book["Sources"])
    assert sum(r["Referrals"] for r in sources) == summary["referrals"]
    assert sum(r["Revenue"] for r in sources) == pytest.approx(summary["revenue"])
    partners = {r["Partner"]: r for r in table(book["Every partner"])}
    assert len(partners) == summary["concentration"]["partners"]
    for key in summary["physician_dependence"]["key_referrers"]:
        assert partners[key["name"]]["Share"] == pytest.approx(key["share"], abs=5e-5)
        assert partners[key["name"]]["Revenue"] == pytest.approx(key["revenue"])
    ranked = table(book["Partners ranked"])
    assert ranked[0]["Share of referrals"] == pytest.approx(
        summary["concentration"]["cr1"], abs=5e-5
    )


def test_scorecard_and_stress_test_sheets(book):
    content = sample_content()
    scorecard = table(book["Scorecard"])
    assert [r["Check"] for r in scorecard] == [c["label"] for c in content.scorecard]
    assert [r["Value"] for r in scorecard] == [c["shown"] for c in content.scorecard]
    assert [r["Status"].lower() for r in scorecard] == [c["status"] for c in content.scorecard]
    stress = {r["Measure"]: r for r in table(book["Stress test"])}
    first = content.scenarios[0]
    column = first["name"]
    assert column == "Maria Okafor, MD stops"
    assert stress["Referrals lost a year"][column] == first["referrals_lost_per_year"]
    assert stress["Revenue lost a year"][column] == pytest.approx(first["revenue_lost_per_year"])
    assert stress["Contribution margin"][column] == MARGIN
    assert stress["Contribution lost a year"][column] == pytest.approx(
        MARGIN * first["revenue_lost_per_year"]
    )
    trend = table(book["Scorecard trend"])
    assert len(trend) == 12


def test_formats_frozen_panes_and_widths(book):
    ws = book["Every partner"]
    header = {c.value: c.column_letter for c in ws[4]}
    assert ws[f"{header['Share']}5"].number_format == NUMBER_FORMATS["percent"]
    assert ws[f"{header['Revenue']}5"].number_format == NUMBER_FORMATS["money"]
    assert ws[f"{header['Referrals']}5"].number_format == NUMBER_FORMATS["count"]
    assert ws[f"{header['First referral']}5"].number_format == NUMBER_FORMATS["date"]
    assert ws.freeze_panes == "B5"
    assert ws[f"{header['Partner']}4"].font.bold
    assert ws.column_dimensions[header["Partner"]].width > 15
    assert ws.auto_filter.ref.startswith("A4:")
    months = book["Monthly trend"]
    assert months["A5"].number_format == NUMBER_FORMATS["month"]
    assert months.freeze_panes == "A5"
    headline = {r[0].value: r[1] for r in book["Headline figures"].iter_rows(min_row=5)}
    assert headline["Revenue"].number_format == NUMBER_FORMATS["money"]
    assert headline["Conversion"].number_format == NUMBER_FORMATS["percent"]


def _formulas(data: bytes) -> list[str]:
    """Every <f> element in the workbook's XML (a formula, whatever wrote it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def test_no_cell_of_the_sample_workbook_holds_a_formula(book):
    assert _formulas(sample_bytes()) == []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row), ws.title


def test_partner_names_that_look_like_formulas_stay_text():
    data = workbook_bytes(formula_content())
    assert _formulas(data) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    cells.setdefault(cell.value, cell)
    for name in FORMULA_NAMES:
        cell = cells[name]  # exactly as typed, not quoted, not evaluated
        assert cell.data_type == "s"
        assert cell.quotePrefix == name.startswith(FORMULA_STARTS)
    assert cells["=Practice()"].data_type == "s"
    # The practice group's scenario is named after it.
    assert cells["=Group() stops"].data_type == "s" and cells["=Group() stops"].quotePrefix


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_downloads_of_the_same_tables_are_defused():
    partners = formula_content().concentration.partners
    text = to_safe_csv(partners).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    for name in FORMULA_NAMES:
        if name.startswith(FORMULA_STARTS):
            assert "'" + name in cells
    assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not _is_number(c)]


def test_money_shows_in_whole_dollars(book):
    content = sample_content()
    revenue = content.summary["revenue"]
    ws = book["Headline figures"]
    cell = next(r[1] for r in ws.iter_rows(min_row=5) if r[0].value == "Revenue")
    assert cell.value == pytest.approx(revenue)
    assert fmt.money(revenue).startswith("$")
