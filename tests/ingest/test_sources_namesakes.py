"""Resolution at ingest (issue 11): two people are never one source on a name alone when
anything tells them apart; referring patients become the patient channel, unnamed."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.ingest.test_sources import resolve

NPI_A, NPI_B = "1234567893", "1245319599"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # Found in testing: the DO's rows without an NPI were credited to the MD.
        (
            [("John Smith, MD", NPI_A), ("John Smith, DO", None), ("Smith, John D.O.", None)],
            ["John Smith, MD", "John Smith, DO", "John Smith, DO"],
        ),
        # The practice in the spelling tells the Patels apart; "Dr. Patel" may be either.
        (
            [("Dr. Patel (Lakeshore IM)", None), ("Dr. Patel - Summit Orthopedics", None),
             ("Dr. Patel", None), ("DR PATEL (LAKESHORE IM)", None)],
            ["Dr. Patel (Lakeshore IM)", "Dr. Patel (Summit Orthopedics)", "Dr. Patel",
             "Dr. Patel (Lakeshore IM)"],
        ),
        # NP and PA are two people; the bare name could be either.
        (
            [("Kelly Brennan, NP", None), ("Kelly Brennan, PA-C", None), ("Kelly Brennan", None)],
            ["Kelly Brennan, NP", "Kelly Brennan, PA-C", "Kelly Brennan"],
        ),
        # Nothing tells them apart: one person (the legitimate merges stay).
        (
            [("Smith, John MD", None), ("Dr. John Smith", None), ("JOHN SMITH M.D.", None)],
            ["John Smith, MD"] * 3,
        ),
        # (a tie between spellings of the credential goes to the first alphabetically)
        ([("Tom Alvarez, PA", None), ("Tom Alvarez, PA-C", None)], ["Tom Alvarez, PA"] * 2),
        ([("John Smith MD", NPI_A), ("John Smith", None)], ["John Smith, MD"] * 2),
        # One practice named, no namesake: the practice is not needed in the name.
        ([("John Smith, MD", None), ("John Smith, MD (Lakeshore)", None)], ["John Smith, MD"] * 2),
        # A valid NPI is the identity, whatever the credential typed.
        (
            [("Maria Okafor, MD", NPI_A), ("Maria Okafor, DO", NPI_A), ("Okafor, Maria MD", NPI_A)],
            ["Maria Okafor, MD"] * 3,
        ),
    ],
)  # fmt: skip
def test_namesakes_at_ingest(rows, expected):
    got = resolve([(name, npi, None) for name, npi in rows])
    assert got.frame["source"].tolist() == expected


def test_namesakes_across_uploads_through_the_alias_table():
    first = resolve([("John Smith, MD", NPI_A, None), ("Dr. Patel (Lakeshore IM)", None, None)])
    assert first.frame["source"].tolist() == ["John Smith, MD", "Dr. Patel"]
    second = resolve(
        [
            ("John Smith, DO", None, None),  # not the stored MD's
            ("Smith, John MD", None, None),  # the stored MD
            ("Dr. Patel - Summit Orthopedics", None, None),  # another Patel
            ("Dr. Patel (Lakeshore IM)", None, None),  # the stored one
        ],
        known=first.aliases,
    )
    assert second.frame["source"].tolist() == [
        "John Smith, DO",
        "John Smith, MD",
        "Dr. Patel (Summit Orthopedics)",
        "Dr. Patel",
    ]
    known = pd.concat([first.aliases, second.aliases], ignore_index=True)
    third = resolve([("Dr. Patel", None, None), ("Dr. Patel", None, None)], known=known)
    # Either stored Patel: kept apart under a name of its own, never read as one of them.
    assert third.frame["source"].tolist() == ["Dr. Patel (2)", "Dr. Patel (2)"]


def test_a_new_npi_joins_the_one_name_stored_without_one():
    first = resolve([("Whitaker, Ruth MD", None, None)])
    second = resolve(
        [("Whitaker, Ruth MD", NPI_A, None), ("WHITAKER, RUTH", None, None)],
        known=first.aliases,
    )
    assert second.frame["source"].tolist() == ["Ruth Whitaker, MD"] * 2


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # A bare person's name on a patient-labelled row is a referring patient.
        (("Linda Pickett", None, "Patient"), ("Patient referral", "patient", True)),
        (("Linda Pickett", None, "Former patient"), ("Patient referral", "patient", True)),
        (("Pickett, Linda", None, "Friend/Family"), ("Patient referral", "patient", True)),
        (("Agatha Thistlewood", None, "Word of mouth"), ("Patient referral", "patient", True)),
        (("Penny Ash", None, "Self Referral"), ("Self referral", "self", True)),
        # ... or the spelling says so, whatever the label.
        (("Former patient - Rosa H.", None, None), ("Patient referral", "patient", True)),
        (("Patient: Linda Pickett", None, None), ("Patient referral", "patient", True)),
        (("Friend of Maria Lopez", None, "Physician"), ("Patient referral", "patient", True)),
        # A clinician (credential, title or NPI) or an organisation is kept as named.
        (("John Smith MD", None, "Friend/Family"), ("John Smith, MD", "patient", False)),
        (("Dr. Hill", None, "Patient"), ("Dr. Hill", "patient", False)),
        (("Rosa Hill", NPI_A, "Patient"), ("Rosa Hill", "patient", False)),
        (("Coastal Rugby Club", None, "Word of mouth"), ("Coastal Rugby Club", "patient", False)),
        # Unlabelled bare names are not guessed to be patients.
        (("Linda Pickett", None, None), ("Linda Pickett", "unknown", False)),
        ((None, None, "Patient"), ("Patient", "patient", False)),
    ],
)
def test_referring_patients_become_the_patient_channel(row, expected):
    got = resolve([row])
    frame = got.frame
    assert (frame["source"][0], frame["source_type"][0], bool(frame["patient_named"][0])) == (
        expected
    )
    stored = got.aliases.astype(str).to_csv()
    for word in ("Pickett", "Rosa H", "Lopez", "Thistlewood", "Penny", "pickett", "thistlewood"):
        assert word not in stored or not expected[2]


def test_a_clinician_named_elsewhere_is_no_patient_whatever_the_label():
    rows = [("Smith, John MD", None, "Physician"), ("John Smith", None, "Returning patient")]
    got = resolve(rows)
    assert got.frame["source"].tolist() == ["John Smith, MD"] * 2
    assert not got.frame["patient_named"].any()
    # ... or in an earlier upload.
    later = resolve([("John Smith", None, "Returning patient")], known=got.aliases)
    assert later.frame["source"].tolist() == ["John Smith, MD"]
    assert not later.frame["patient_named"].any()


def test_patients_join_the_patient_channel_of_the_same_upload():
    got = resolve(
        [
            ("Linda Pickett", None, "Patient"),
            ("Former patient - Rosa H.", None, None),
            (None, None, "Patient Referral"),
            ("Okafor, Maria MD", NPI_A, "Physician"),
        ]
    )
    assert got.frame["source"].tolist() == ["Patient referral"] * 3 + ["Maria Okafor, MD"]
    assert got.frame["patient_named"].tolist() == [True, True, False, False]
    keys = set(got.aliases["key"].dropna())
    assert keys == {"patient", "okafor|maria~md~"}


def test_one_person_over_three_uploads_keeps_one_name():
    first = resolve([("John Smith", None, None)])
    second = resolve([("John Smith MD", NPI_A, None)], known=first.aliases)
    known = pd.concat([first.aliases, second.aliases], ignore_index=True)
    third = resolve([("John Smith MD", NPI_A, None), ("Dr. John Smith", None, None)], known=known)
    assert [r.frame["source"].tolist() for r in (first, second, third)] == [
        ["John Smith"],
        ["John Smith"],  # the new NPI joins the one name stored without one
        ["John Smith", "John Smith"],
    ]
