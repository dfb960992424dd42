"""Other EMRs' report layouts map without questions: each vendor-style header set (from
../shared/FORMATS.md and the vendors' public help pages) gives the expected fields."""

from __future__ import annotations

import pytest

from analytics.ingest import IngestContext, prepare
from tests.conftest import xlsx_bytes
from tests.export_shapes import RAINTREE_HEADER

CTX = IngestContext(salt=b"0" * 16)

# (style, header, one data row, expected field -> column)
LAYOUTS = [
    (
        "raintree",
        RAINTREE_HEADER,
        [
            "C1",
            "12345",
            "03/04/2025",
            "03/02/2025",
            "Okafor, Maria MD",
            "Acme Logistics",
            "Employer",
            "03/09/2025",
            "BCBS",
            "Main St",
            "Jane Doe, PT, DPT",
        ],
        {
            "case_id": "Case #",
            "patient": "Patient Account #",
            "case_created": "Case Created",
            "referral_date": "Referral Date",
            "source_name": "Referring Provider",
            "referral_source": "Referral Source",
            "source_type": "Referral Source Category",
            "eval_date": "Initial Eval Date",
            "payer": "Payer",
            "clinic": "Location",
        },
    ),
    (
        "prompt",
        [
            "Referral Date",
            "Patient",
            "Referring Provider",
            "Referral Source",
            "First Visit",
            "Location",
            "Primary Insurance",
            "Provider",
        ],
        [
            "2025-03-02",
            "Pat One",
            "Alan Reyes, DO",
            "Physician",
            "2025-03-05",
            "Harbor",
            "Aetna",
            "Sam Roe, PT",
        ],
        {
            "referral_date": "Referral Date",
            "patient": "Patient",
            "source_name": "Referring Provider",
            "source_type": "Referral Source",
            "eval_date": "First Visit",
            "clinic": "Location",
            "payer": "Primary Insurance",
        },
    ),
    (
        "webpt",
        [
            "Referral Received Date",
            "Patient Name",
            "Referral Source",
            "Referral Contact",
            "Primary Treatment Clinic",
            "Initial Evaluation Clinic",
            "Insurance Type",
            "Insurance",
            "Referred by Physician",
            "Marketing Referral",
        ],
        [
            "03/02/2025",
            "Pat One",
            "Physician",
            "Smith, John MD",
            "Northside",
            "Northside",
            "Commercial",
            "Aetna",
            "Yes",
            "No",
        ],
        {
            "referral_date": "Referral Received Date",
            "patient": "Patient Name",
            "source_type": "Referral Source",
            "source_name": "Referral Contact",
            "clinic": "Primary Treatment Clinic",
            "payer": "Insurance",
            "physician_flag": "Referred by Physician",
        },
    ),
    (
        "clinicient",
        [
            "Case Open Date",
            "Referral Date",
            "Referring Physician",
            "Referring Physician NPI",
            "Clinic",
            "Payer",
            "Discipline",
            "Patient ID",
            "Total Visits",
            "Total Charges",
            "Total Payments",
            "Discharge Date",
        ],
        [
            "03/01/2025",
            "02/27/2025",
            "Lee, Ann DO",
            "1234567893",
            "Eastside",
            "Medicare",
            "PT",
            "P-1",
            "8",
            "$1,200.00",
            "$960.00",
            "04/15/2025",
        ],
        {
            "case_created": "Case Open Date",
            "referral_date": "Referral Date",
            "source_name": "Referring Physician",
            "clinic": "Clinic",
            "payer": "Payer",
            "patient": "Patient ID",
            "visits": "Total Visits",
            "charges": "Total Charges",
            "payments": "Total Payments",
            "discharge_date": "Discharge Date",
        },
    ),
    (
        "net health",
        [
            "Referral Received",
            "Start of Care",
            "Referring Physician",
            "Physician NPI",
            "Facility",
            "Primary Payer",
            "MRN",
            "Visits",
            "Discharge Date",
        ],
        [
            "03/02/2025",
            "03/06/2025",
            "Kim, Dana NP",
            "1234567893",
            "Harbor",
            "Humana",
            "M-9",
            "6",
            "04/01/2025",
        ],
        {
            "referral_date": "Referral Received",
            "eval_date": "Start of Care",
            "source_name": "Referring Physician",
            "npi": "Physician NPI",
            "clinic": "Facility",
            "payer": "Primary Payer",
            "patient": "MRN",
            "visits": "Visits",
            "discharge_date": "Discharge Date",
        },
    ),
    (
        "salesforce",
        [
            "ReferralDate",
            "ReferringPractitioner",
            "ReferringNPI",
            "ReferringOrganization",
            "ReferralStatus",
            "PrimaryInsurance",
            "InsuranceType",
            "DischargeDate",
        ],
        [
            "2025-03-02",
            "Okafor, Maria MD",
            "1234567893",
            "Harbor Ortho",
            "Converted",
            "Aetna",
            "Commercial",
            "2025-04-01",
        ],
        {
            "referral_date": "ReferralDate",
            "source_name": "ReferringPractitioner",
            "npi": "ReferringNPI",
            "organization": "ReferringOrganization",
            "arrived": "ReferralStatus",
            "payer": "PrimaryInsurance",
            "discharge_date": "DischargeDate",
        },
    ),
    (
        "nookal summary by month",
        ["Month", "Referrer", "Type", "Postcode", "New Clients", "New Cases"],
        ["Apr 2025", "Okafor, Maria MD", "Standard", "2000", "4", "5"],
        {"referral_date": "Month", "source_name": "Referrer", "count": "New Clients"},
    ),
    (
        "nookal referral values",
        ["Month", "Referrer", "New Client", "Appointments", "Invoiced", "Paid"],
        ["Apr 2025", "Okafor, Maria MD", "3", "18", "$1,800.00", "$1,500.00"],
        {
            "referral_date": "Month",
            "source_name": "Referrer",
            "visits": "Appointments",
            "charges": "Invoiced",
            "payments": "Paid",
        },
    ),
    (
        "carestack refer in",
        ["Month", "Referral Source", "Referred By", "New Patients", "Production", "Collections"],
        ["Apr 2025", "Doctor", "Dr. Maria Okafor", "4", "$2,000.00", "$1,600.00"],
        {
            "referral_date": "Month",
            "source_type": "Referral Source",
            "source_name": "Referred By",
            "count": "New Patients",
            "charges": "Production",
            "payments": "Collections",
        },
    ),
]


@pytest.mark.parametrize(
    ("style", "header", "row", "expected"), LAYOUTS, ids=[x[0] for x in LAYOUTS]
)
def test_vendor_layouts_map(style, header, row, expected):
    rows = [header, row, list(row)]
    p = prepare(
        xlsx_bytes(rows), f"{style}.xlsx", CTX, today=__import__("datetime").date(2026, 1, 1)
    )
    for field, column in expected.items():
        assert p.mapping.get(field) == column, (field, p.mapping)
    assert "Therapist" not in p.mapping.values() and "Provider" not in p.mapping.values()
    assert p.rows_loaded == 2


def test_summary_without_dates_is_refused_with_what_to_do():
    rows = [
        ["Referrer", "Type", "Postcode", "New Clients"],
        ["Okafor, Maria MD", "Standard", "2000", "4"],
    ]
    from analytics.errors import IngestError

    with pytest.raises(IngestError, match="Month column"):
        prepare(xlsx_bytes(rows), "referrers.xlsx", CTX)
