"""Fuzzing the readers, the column mapping and the whole ingest (issue 13, finding 12).

Property: whatever the bytes, the file name, the sheet or the `--map` overrides, `prepare`
returns rows or raises IngestError with one sentence; never another exception.
"""

from __future__ import annotations

import io
import resource
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.errors import IngestError
from analytics.ingest import IngestContext, prepare
from analytics.ingest.readers import read_workbook
from analytics.schema import FIELDS_BY_KIND
from tests.hostile import HEADER, ONE_REFERRAL, cell, xlsx

CONTEXT = IngestContext(salt=bytes(range(16)))
HEADERS = [
    "Referral Date",
    "Referring Provider",
    "Referral Type",
    "Clinic",
    "MRN",
    "Total Payments",
    "Visits",
    "Eval Date",
    "Notes",
]
FIELDS = [f.name for f in FIELDS_BY_KIND["referrals"]]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def loads_or_one_sentence(data: bytes, name: str, **options) -> None:
    try:
        prepared = prepare(data, name, CONTEXT, **options)
    except IngestError as exc:
        message = str(exc)
        assert message.strip() and "\n" not in message and "Traceback" not in message
        return
    assert prepared.rows_loaded + prepared.rows_rejected >= 0
    assert len(prepared.frame) == prepared.rows_loaded


# Cells that break naive readers: quotes, delimiters, CRs, BOMs, NULs, long and odd text.
quirky_text = st.text(
    alphabet=st.sampled_from(
        list("ab,;|\t\"\r\n \\'$*[]()<>=+-.0123456789/:#%\u00a0\ufeff\u00e9\u4e2d\x00")
    ),
    max_size=40,
)
cell_value = st.one_of(
    quirky_text,
    st.sampled_from(
        ["03/03/2025", "2025-03-04", "45000", "1e308", "NaN", "-3", "(120.00)", "$1,234.50"]
    ),
    st.text(max_size=30),
)


@st.composite
def delimited(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=7, unique=True))
    width = max(len(header), 1)
    rows = draw(
        st.lists(
            st.lists(cell_value, min_size=0, max_size=width + 2),
            max_size=12,
        )
    )
    title = draw(st.lists(quirky_text, max_size=3))
    lines = [*title, delimiter.join(header)]
    lines += [delimiter.join(_quoted(c) if draw(st.booleans()) else c for c in r) for r in rows]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@SETTINGS
@given(data=delimited(), name=st.sampled_from(["e.csv", "e.txt", "e.tsv", "e.xls"]))
def test_any_delimited_text_loads_or_is_one_sentence(data, name):
    loads_or_one_sentence(data, name)


# What readers look at first: byte-order marks and the zip and OLE signatures.
MAGIC = [
    b"",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"<table",
]


@SETTINGS
@given(
    magic=st.sampled_from(MAGIC),
    data=st.binary(max_size=3000),
    name=st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.ods"]),
)
def test_any_bytes_load_or_are_one_sentence(magic, data, name):
    loads_or_one_sentence(magic + data, name)


VALID_XLSX = xlsx(
    {1: HEADER, 2: ONE_REFERRAL, 3: cell("A3", "2025-03-05") + cell("B3", "Dr B")},
    dimension="A1:B3",
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flips=st.lists(
        st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=8,
    ),
    cut=st.one_of(st.none(), st.integers(0, len(VALID_XLSX))),
)
def test_a_damaged_workbook_loads_or_is_one_sentence(flips, cut):
    data = bytearray(VALID_XLSX)
    for position, value in flips:
        data[position] = value
    loads_or_one_sentence(bytes(data[:cut] if cut is not None else data), "damaged.xlsx")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sheet_xml=st.lists(
        st.sampled_from([*'<>/="rcvtisA1B2Z9 x\u00e9', "<c r=", "<row r=", "</", "<v>"]),
        max_size=80,
    ).map("".join)
)
def test_any_sheet_xml_loads_or_is_one_sentence(sheet_xml):
    """The sheet's XML itself fuzzed inside a well-formed package."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", sheet_xml.encode() + b"</sheetData>")
            target.writestr(item, body)
    loads_or_one_sentence(out.getvalue(), "fuzzed.xlsx")


@SETTINGS
@given(
    overrides=st.dictionaries(
        st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)),
        st.one_of(st.sampled_from(HEADERS), st.text(max_size=12)),
        max_size=4,
    ),
    clinic=st.one_of(st.none(), quirky_text),
    sheet=st.one_of(st.none(), st.text(max_size=10)),
    kind=st.sampled_from(["referrals", "activities"]),
)
def test_any_mapping_loads_or_is_one_sentence(overrides, clinic, sheet, kind):
    data = (
        b"Referral Date,Referring Provider,Referral Type,Clinic,MRN,Total Payments,Visits\n"
        b"03/03/2025,Dr A,Physician,North,1001,120.50,8\n"
        b"03/04/2025,Dr B,Chiropractor,,1002,abc,-3\n"
    )
    loads_or_one_sentence(
        data, "mapped.csv", overrides=overrides, clinic=clinic, sheet=sheet, kind=kind
    )


def test_fuzzing_stayed_within_memory():
    """All of the above ran in this process: its peak stays far below the read limit."""
    peak_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert peak_bytes < 3_000_000_000


@pytest.mark.parametrize("name", ["a.csv", "a.xlsx"])
def test_read_workbook_of_nothing_is_one_sentence(name):
    with pytest.raises(IngestError, match="is empty"):
        read_workbook(b"", name)
