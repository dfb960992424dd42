"""Header bands: captions over two or three header rows are joined into column names."""

from __future__ import annotations

import pytest

from analytics.ingest.layout import header_band

MERGED = (((1, 0), (1, 2)), ((1, 3), (1, 4)))
HEAD = [
    ["Referral Report", "", "", "", "", ""],
    ["Referral", "", "", "Patient", "", ""],
    ["Date", "Source", "Provider", "Account", "Name", "Payer"],
]


@pytest.mark.parametrize(
    ("head", "index", "merged", "labels", "bands"),
    [
        # Merged captions name exactly the columns they span; "Payer" has none.
        (
            HEAD,
            2,
            MERGED,
            [
                "Referral Date",
                "Referral Source",
                "Referral Provider",
                "Patient Account",
                "Patient Name",
                "Payer",
            ],
            1,
        ),
        # The same band saved as CSV (no merges): a caption runs to the next one.
        (
            HEAD,
            2,
            (),
            [
                "Referral Date",
                "Referral Source",
                "Referral Provider",
                "Patient Account",
                "Patient Name",
                "Patient Payer",
            ],
            1,
        ),
        # A title row is no band: one caption, or one merged over the whole table.
        ([["Referral Report"], ["Date", "Source"]], 1, (), ["Date", "Source"], 0),
        (
            [["Report", "", ""], ["Date", "Source", "X"]],
            1,
            (((0, 0), (0, 2)),),
            ["Date", "Source", "X"],
            0,
        ),
        # A sentence over the header is a title too.
        (
            [["Referrals received this month by clinic", "Printed"], ["Date", "Source", "Clinic"]],
            1,
            (),
            ["Date", "Source", "Clinic"],
            0,
        ),
        # Three header rows.
        (
            [
                ["Intake", "", "Outcome", ""],
                ["Referral", "", "First", ""],
                ["Date", "Provider", "Visit", "Paid"],
            ],
            2,
            (),
            [
                "Intake Referral Date",
                "Intake Referral Provider",
                "Outcome First Visit",
                "Outcome First Paid",
            ],
            2,
        ),
        # A caption repeated in the header cell is not doubled.
        (
            [["Referral", "", ""], ["Referral Date", "Source", "Payer"]],
            1,
            (((0, 0), (0, 1)),),
            ["Referral Date", "Referral Source", "Payer"],
            1,
        ),
        # Numbers above the header are data, not captions.
        ([["2025", "12"], ["Date", "Source"]], 1, (), ["Date", "Source"], 0),
    ],
)
def test_header_band(head, index, merged, labels, bands):
    assert header_band(head, index, merged) == (labels, bands)


def test_two_row_csv_header_maps_by_joined_names():
    from analytics.ingest import IngestContext, prepare

    csv = (
        b"Referral,,,Patient\r\n"
        b"Date,Source,Provider,Account\r\n"
        b'03/02/2025,Physician,"Okafor, Maria MD",A1\r\n'
        b"03/03/2025,Self,,A2\r\n"
    )
    p = prepare(csv, "two.csv", IngestContext(salt=b"1" * 16))
    assert p.mapping["referral_date"] == "Referral Date"
    assert p.mapping["source_name"] == "Referral Provider"
    assert p.mapping["patient"] == "Patient Account"
    assert p.quality["header_rows"] == 2 and p.quality["title_rows"] == 0
    assert list(p.frame["source"]) == ["Maria Okafor, MD", "Self-referral"] or p.frame[
        "source"
    ].iloc[0].startswith("Maria Okafor")
