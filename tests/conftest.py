"""Shared fixtures: small export files built in code, and a fresh store per test."""

from __future__ import annotations

import io
import types
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from streamlit.runtime.scriptrunner import script_runner

from analytics.store import Store
from tests import store_backend

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"

# A WebPT-like report: title rows, types under "Referral Source", names under "Referral Contact".
WEBPT_HEADER = [
    "Referral Received Date",
    "Patient Name",
    "Case ID",
    "Referral Source",
    "Referral Contact",
    "Referring NPI",
    "Primary Treatment Clinic",
    "Insurance",
    "Referred by Physician",
    "Initial Evaluation Date",
    "Visits",
    "Total Payments",
]
WEBPT_ROWS = [
    [
        datetime(2025, 3, 3),
        "Alice Patientson",
        "C-1",
        "Physician",
        "Smith, John MD",
        1234567893.0,
        "Northside",
        "Medicare",
        "Yes",
        datetime(2025, 3, 6),
        8,
        880.0,
    ],
    [
        datetime(2025, 3, 4),
        "Bob Patientson",
        "C-2",
        "Physician",
        "Dr. John Smith",
        None,
        "Northside",
        "Aetna",
        "Yes",
        None,
        None,
        None,
    ],
    [
        datetime(2025, 3, 10),
        "Carol Patientson",
        "C-3",
        "Self Referral",
        None,
        None,
        "(Unassigned)",
        "Self Pay",
        "No",
        datetime(2025, 3, 12),
        5,
        500.0,
    ],
    [
        datetime(2025, 3, 20),
        "Dan Patientson",
        "C-4",
        "Chiropractor",
        "Lee, Ann DC",
        None,
        "Northside",
        "Blue Cross",
        "No",
        datetime(2025, 3, 25),
        6,
        612.5,
    ],
]


def xlsx_bytes(
    rows: list[list[object]], sheet: str = "Referrals", extra: dict | None = None
) -> bytes:
    """An .xlsx workbook with the given rows on one sheet (and optional extra sheets)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for name, extra_rows in (extra or {}).items():
        other = wb.create_sheet(name)
        for row in extra_rows:
            other.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def webpt_rows() -> list[list[object]]:
    """The WebPT-like report with its title block and footer."""
    return [
        ["Referrals Report"],
        ["Date Range: 03/01/2025 - 03/31/2025"],
        [],
        WEBPT_HEADER,
        *(list(row) for row in WEBPT_ROWS),  # copies: a test may edit its rows
        [],
        ["Grand Total", None, None, None, None, None, None, None, None, None, 19, 1992.5],
        ["Count: 4"],
    ]


@pytest.fixture
def webpt_xlsx() -> bytes:
    return xlsx_bytes(webpt_rows())


HAND_LOG_CSV = (
    "Date Referred,Patient,Referred By,Referral Type,Location,Evaluated? (Y/N),# Visits,"
    "Amount Collected\r\n"
    '3/7/2025,Eve Patientson,"Smith, John MD",Physician,Lakeside,Y,10,"$1,234.50"\r\n'
    "3/9/2025,Frank Patientson,Google,Internet,Lakeside,N,,\r\n"
    ",,,,,,,\r\n"
    '3/14/2025,Gina Patientson,Dr. José Núñez DC,Chiropractor,Lakeside,Y,4,"(120.00)"\r\n'
    "2/30/2025,Hal Patientson,JOHN SMITH M.D.,Physician,Lakeside,Y,3,$300\r\n"
    ",Ida Patientson,Friend,Patient Referral,Lakeside,Y,2,$200\r\n"
    "Total,,,,,,14,\r\n"
)


@pytest.fixture
def hand_log_cp1252() -> bytes:
    return HAND_LOG_CSV.encode("cp1252")


def pytest_addoption(parser: pytest.Parser) -> None:
    store_backend.add_option(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "duckdb_only: about DuckDB files; skipped on PostgreSQL")


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A PostgreSQL server for the session (see tests/store_backend.py); skips without one."""
    url, server = store_backend.start_postgres(tmp_path_factory)
    yield url
    if server is not None:
        server.stop()
    else:
        store_backend.drop_practices(url)


@pytest.fixture(scope="session", autouse=True)
def store_engine(request, tmp_path_factory):
    """Under --store-backend postgres, stores at *.duckdb paths open PostgreSQL practices."""
    if request.config.getoption("--store-backend") != "postgres":
        yield "duckdb"
        return
    url = request.getfixturevalue("postgres_url")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_backend.locations, "resolve", store_backend.redirect_to(url))
        patch.setenv("REFERRALS_KEY_FILE", str(tmp_path_factory.getbasetemp() / "referrals.key"))
        yield "postgres"


@pytest.fixture(autouse=True)
def _duckdb_only(request, store_engine):
    if store_engine == "postgres" and request.node.get_closest_marker("duckdb_only"):
        pytest.skip("about DuckDB files (run without --store-backend postgres)")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


def first_of(d: date) -> date:
    return d.replace(day=1)


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Store:
    """The bundled sample practice loaded once for the whole test session (read-only use)."""
    from analytics.ingest.cli import SAMPLE_FILES, ingest_file

    store = Store(tmp_path_factory.mktemp("sample") / "sample.duckdb")
    for name, kind in SAMPLE_FILES:
        ingest_file(store, SAMPLE_DIR / name, kind=kind)
    yield store
    store.close()


def run_the_frame(monkeypatch) -> None:
    """Run the entry script (sidebar and router) on every AppTest run, as the server does.

    Streamlit remembers "this app has a legacy pages/ folder" in a class flag; the server clears
    it for good once st.navigation is called, but AppTest resets it before every run, so from
    the second run on it would execute the page script alone, without the sidebar filters.
    """

    def run_main_script(main_script_path: str) -> None:
        path = Path(main_script_path)
        module = types.ModuleType("__main__")
        module.__file__ = str(path)
        exec(compile(path.read_text(), str(path), "exec"), module.__dict__)

    monkeypatch.setattr(script_runner, "_mpa_v1", run_main_script)


@pytest.fixture(autouse=True)
def navigation_runs_the_frame(monkeypatch):
    """Every AppTest runs dashboard.py around its page (see run_the_frame)."""
    run_the_frame(monkeypatch)
