"""Source types and referrer identity: labels, credentials, name keys and resolution."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.ingest import source_types
from analytics.ingest.sources import ALIAS_COLUMNS, resolve_sources
from analytics.schema import SOURCE_TYPES, UNKNOWN_SOURCE

# --- type labels -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Physician", "physician"),
        ("Doctor", "physician"),
        ("MD", "physician"),
        ("Orthopedic Surgeon", "physician"),
        ("Orthopedics", "physician"),
        ("Primary Care", "physician"),
        ("PCP", "physician"),
        ("Physician Referral", "physician"),
        ("Physician Assistant", "physician_extender"),
        ("Physician's Assistant", "physician_extender"),
        ("PA", "physician_extender"),
        ("Nurse Practitioner", "physician_extender"),
        ("NP", "physician_extender"),
        ("PA/NP", "physician_extender"),
        ("Chiropractor", "chiropractor"),
        ("Athletic Trainer", "health_wellness"),
        ("Personal Trainer", "health_wellness"),
        ("Massage Therapist", "health_wellness"),
        ("Dentist", "health_wellness"),
        ("Podiatrist", "health_wellness"),
        ("Gym", "health_wellness"),
        ("Employer", "organization"),
        ("Attorney", "organization"),
        ("Case Manager", "organization"),
        ("Insurance", "organization"),
        ("Hospital", "organization"),
        ("School", "organization"),
        ("Patient Referral", "patient"),
        ("Friend/Family", "patient"),
        ("Family/Friend", "patient"),
        ("Word of Mouth", "patient"),
        ("Former Patient", "patient"),
        ("Referred by patient", "patient"),
        ("Self Referral", "self"),
        ("Self", "self"),
        ("self-referral", "self"),
        ("Direct Access", "self"),
        ("Walk-in", "self"),
        ("Google", "marketing"),
        ("Internet", "marketing"),
        ("Website", "marketing"),
        ("Facebook/Instagram", "marketing"),
        ("Social Media", "marketing"),
        ("Advertisement", "marketing"),
        ("Signage", "marketing"),
        ("Community Event", "marketing"),
        ("Marketing Referral", "marketing"),
        ("  MARKETING  ", "marketing"),
        ("(Unassigned)", "unknown"),
        ("Unknown", "unknown"),
        ("Other", "unknown"),
        ("N/A", "unknown"),
        ("-", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
        # Not type labels: names of people or places.
        ("John Smith", None),
        ("Smith, John MD", None),
        ("Dr. Okafor", None),
        ("Summit Orthopedics", None),
        ("Gold's Gym", None),
    ],
)
def test_type_from_label(label, expected):
    assert source_types.type_from_label(label) == expected


@pytest.mark.parametrize(
    ("column", "low", "high"),
    [
        # WebPT "Referral Source": types only.
        (["Physician", "Self Referral", "Google", "Physician", "(Unassigned)"], 1.0, 1.0),
        # WebPT "Referral Contact": names (one channel slipped in).
        (["Smith, John MD", "Dr. Lee", "Ann Chu", "Google", "Other", None], 0.2, 0.3),
        (["Smith, John MD", "Dr. Lee", "Ann Chu"], 0.0, 0.0),
        # Blank-like values say nothing either way.
        (["Other", "(Unassigned)", "", None], 0.0, 0.0),
    ],
)
def test_share_type_labels(column, low, high):
    share = source_types.share_type_labels(pd.Series(column, dtype=object))
    assert low <= share <= high


# --- type inference from names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Smith, John MD", "physician"),
        ("John Smith, M.D.", "physician"),
        ("Jane Roe, DO", "physician"),
        ("JANE ROE D.O.", "physician"),
        ("Dr. John Smith", "physician"),
        ("Dr Okafor", "physician"),
        ("Amy Jones PA-C", "physician_extender"),
        ("Amy Jones, PA", "physician_extender"),
        ("Kate O'Brien, NP", "physician_extender"),
        ("Lisa Park FNP", "physician_extender"),
        ("Lisa Park, APRN", "physician_extender"),
        ("Lisa Park CRNP", "physician_extender"),
        ("Ann Lee, DC", "chiropractor"),
        ("Dr. Ann Lee, D.C.", "chiropractor"),
        ("Back in Line Chiropractic", "chiropractor"),
        ("Tom Ray ATC", "health_wellness"),
        ("Tom Ray, LAT", "health_wellness"),
        ("Tom Ray CSCS", "health_wellness"),
        ("Mia Cruz LMT", "health_wellness"),
        ("Dr. Paul Foot, DPM", "health_wellness"),
        ("Dr. Sam Tooth DDS", "health_wellness"),
        ("Sam Tooth, DMD", "health_wellness"),
        ("Olive Hand, OTR/L", "health_wellness"),
        ("Sue Talk, CCC-SLP", "health_wellness"),
        ("Pat Move, DPT", "health_wellness"),
        ("Rick Lift CPT", "health_wellness"),
        ("Gold's Gym", "health_wellness"),
        ("Core Pilates Studio", "health_wellness"),
        ("Serenity Massage & Spa", "health_wellness"),
        ("CrossFit Northside", "health_wellness"),
        ("Summit Orthopedics", "organization"),
        ("Summit Orthopedics, P.A.", "organization"),
        ("Valley Family Medicine", "organization"),
        ("Mercy Hospital", "organization"),
        ("Acme Manufacturing, Inc.", "organization"),
        ("Smith & Associates", "organization"),
        ("Jones Law Firm", "organization"),
        ("John Smith, Esq.", "organization"),
        ("Liberty Mutual Workers Comp", "organization"),
        ("Jane Doe, RN, Case Manager", "organization"),
        ("Lincoln High School Athletics", "organization"),
        ("State University", "organization"),
        ("Referred by patient", "patient"),
        ("Former Patient", "patient"),
        ("Word of mouth", "patient"),
        ("Friend/Family", "patient"),
        ("Self", "self"),
        ("Direct Access", "self"),
        ("Walk in", "self"),
        ("Google", "marketing"),
        ("Yelp reviews", "marketing"),
        ("Our website", "marketing"),
        ("Facebook ad", "marketing"),
        ("Billboard on Route 9", "marketing"),
        ("Spring Health Fair", "marketing"),
        ("(Unassigned)", "unknown"),
        ("Unassigned", "unknown"),
        ("Unknown", "unknown"),
        ("Other", "unknown"),
        ("None", "unknown"),
        ("N/A", "unknown"),
        ("-", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
        # A bare name says nothing: the default applies.
        ("John Smith", "unknown"),
        ("SMITH, JOHN", "unknown"),
        ("Thanh Do", "unknown"),  # "Do" in mixed case is a surname, not D.O.
        ("Li Pa", "unknown"),
        # Surnames that are also keywords stay people when a credential says so.
        ("Mary Church MD", "physician"),
        ("Bing Law, MD", "physician"),
    ],
)
def test_infer_type(name, expected):
    assert source_types.infer_type(name) == expected


@pytest.mark.parametrize(
    ("name", "default", "expected"),
    [
        ("John Smith", "physician", "physician"),
        ("Okafor", "physician", "physician"),
        ("John Smith", "unknown", "unknown"),
        ("Amy Jones PA-C", "physician", "physician_extender"),
        ("Google", "physician", "marketing"),
        ("(Unassigned)", "physician", "unknown"),
        ("", "physician", "unknown"),
    ],
)
def test_infer_type_default(name, default, expected):
    assert source_types.infer_type(name, default=default) == expected


def test_inferred_types_are_schema_types():
    names = ["Dr. X", "A B PA-C", "A B DC", "A B ATC", "Acme Inc", "Google", "Self", "Patient"]
    assert {source_types.infer_type(n) for n in names} <= set(SOURCE_TYPES)


# --- person keys -----------------------------------------------------------------------

SAME_PERSON = [
    (
        "smith|john",
        ["Smith, John MD", "John Smith, M.D.", "Dr. John Smith", "SMITH, JOHN", " John  Smith ",
         "JOHN SMITH M.D.", "Smith, John A., MD", "Dr John Smith", "John A. Smith MD",
         "john smith md", "Smith, John, Jr.", "John Smith III, MD", "Dr. John Smith (Summit Ortho)",
         "John Smith, MD, FAAOS", "Smith,John MD"],
    ),
    ("garcialopez|ana", ["Garcia-Lopez, Ana DO", "Ana Garcia-Lopez DO", "ANA GARCIA-LOPEZ, D.O."]),
    ("vanderberg|pieter", ["Van Der Berg, Pieter MD", "Pieter van der Berg MD",
                           "VAN DER BERG, PIETER"]),
    ("obrien|kate", ["O'Brien, Kate NP", "Kate O'Brien, NP", "KATE O’BRIEN NP"]),
    ("mcdonald|ronald", ["McDonald, Ronald PA-C", "RONALD MCDONALD PA-C", "ronald mcdonald"]),
    ("lopez|jose", ["José López, MD", "Jose Lopez MD", "LÓPEZ, JOSÉ"]),
    ("do|thanh", ["Thanh Do", "Do, Thanh", "Thanh Do, MD"]),
]  # fmt: skip


@pytest.mark.parametrize(("key", "spellings"), SAME_PERSON)
def test_person_key_equivalence_classes(key, spellings):
    for spelling in spellings:
        found = source_types.person_key(spelling)
        assert found is not None, spelling
        assert found[0] == key, spelling


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("John Smith MD", "Jane Smith MD"),
        ("Smith, John MD", "Smith, Joan MD"),
        ("John Smith MD", "John Smyth MD"),
        ("Ana Garcia-Lopez DO", "Ana Garcia DO"),
        ("Kate O'Brien", "Kate Brien"),
    ],
)
def test_person_key_tells_people_apart(a, b):
    assert source_types.person_key(a)[0] != source_types.person_key(b)[0]


@pytest.mark.parametrize(
    ("name", "display"),
    [
        ("Smith, John MD", "John Smith, MD"),
        ("JOHN SMITH M.D.", "John Smith, MD"),
        ("Smith, John A., MD", "John Smith, MD"),
        ("SMITH, JOHN", "John Smith"),
        ("Dr. John Smith", "John Smith"),
        ("Van Der Berg, Pieter MD", "Pieter van der Berg, MD"),
        ("RONALD MCDONALD PA-C", "Ronald McDonald, PA-C"),
        ("o'brien, kate np", "Kate O'Brien, NP"),
        ("Garcia-Lopez, Ana DO", "Ana Garcia-Lopez, DO"),
        ("Olive Hand, OTR/L", "Olive Hand, OTR/L"),
        ("Sarah Lee, MD, PhD", "Sarah Lee, MD"),
        ("Dr. Okafor", "Dr. Okafor"),
        ("J Smith", "J. Smith"),
    ],
)
def test_person_key_display(name, display):
    assert source_types.person_key(name)[1] == display


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Dr. Okafor", "okafor|"),
        ("Okafor MD", "okafor|"),
        ("J. Smith", "smith|j"),
    ],
)
def test_person_key_partial_names(name, key):
    assert source_types.person_key(name)[0] == key


@pytest.mark.parametrize(
    "name",
    ["Google", "Self Referral", "Summit Orthopedics", "Summit Orthopedics, P.A.", "Mercy Hospital",
     "(Unassigned)", "Other", "", None, "12345", "Physician", "Word of mouth", "Gold's Gym"],
)  # fmt: skip
def test_person_key_none_for_non_people(name):
    assert source_types.person_key(name) is None


# --- resolution ------------------------------------------------------------------------


def resolve(rows, known=None, default_type="unknown", index=None):
    """resolve_sources over (name, npi, type label) rows; NPIs are normalised there."""
    frame = pd.DataFrame(rows, columns=["name", "npi", "label"], index=index)
    return resolve_sources(
        frame["name"].astype("str"),
        frame["npi"].astype("str"),
        None,
        frame["label"].astype("str"),
        known,
        default_type=default_type,
    )


def pairs(result):
    return list(zip(result.frame["source"], result.frame["source_type"], strict=True))


def test_npi_is_the_identity():
    got = resolve(
        [
            ("Smith, John MD", "1234567893", None),
            ("Dr. John Smith", "1234567893", None),
            ("JOHN SMITH M.D.", "1234567893", None),
            ("J. Smith", "1234567893", None),
            ("Jonathan Smith MD", "1234567893", None),
        ]
    )
    assert set(pairs(got)) == {("John Smith, MD", "physician")}


def test_npi_display_most_frequent_then_alphabetical():
    got = resolve(
        [
            ("Jon Smyth", "1234567893", None),
            ("Jon Smyth", "1234567893", None),
            ("Smith, John MD", "1234567893", None),
        ]
    )
    assert set(got.frame["source"]) == {"Jon Smyth, MD"}
    tie = resolve([("Zed Alpha", "1234567893", None), ("Abe Zulu", "1234567893", None)])
    assert set(tie.frame["source"]) == {"Abe Zulu"}


def test_name_key_joins_its_npi():
    got = resolve(
        [
            ("Smith, John MD", "1234567893", "Physician"),
            ("Dr. John Smith", None, "Physician"),
            ("SMITH, JOHN", "", None),
            ("John Smith", "1234567890", None),  # invalid NPI: ignored, the name decides
        ]
    )
    assert set(pairs(got)) == {("John Smith, MD", "physician")}
    assert got.aliases["source"].eq("John Smith, MD").all()


def test_two_npis_sharing_a_name_stay_two_sources():
    got = resolve(
        [
            ("Lee, Sarah MD", "1245319599", None),
            ("Sarah Lee MD", "1679576722", None),
            ("Sarah Lee MD", "1679576722", None),
            ("Dr. Sarah Lee", None, None),
        ],
        default_type="physician",
    )
    assert got.frame["source"].tolist() == [
        "Sarah Lee, MD (NPI …9599)",
        "Sarah Lee, MD (NPI …6722)",
        "Sarah Lee, MD (NPI …6722)",
        "Sarah Lee",  # which of the two? nobody can say: its own source
    ]


def test_people_without_npi_group_by_key():
    got = resolve(
        [
            ("Smith, John MD", None, None),
            ("JOHN SMITH", None, None),
            ("Smith, Joan MD", None, None),
            ("Jane Smith, MD", None, None),
        ]
    )
    assert got.frame["source"].tolist() == [
        "John Smith, MD",
        "John Smith, MD",
        "Joan Smith, MD",
        "Jane Smith, MD",
    ]


def test_partial_and_reversed_names_join_the_only_full_name():
    got = resolve(
        [
            ("Okafor, James MD", None, None),
            ("Dr. Okafor", None, None),
            ("J. Okafor", None, None),
            ("OKAFOR JAMES", None, None),  # no comma: read as first-last, then flipped
            ("Dr. Lin", None, None),  # two Lins: stays apart
            ("Lin, Amy MD", None, None),
            ("Lin, Bo MD", None, None),
        ]
    )
    assert got.frame["source"].tolist()[:4] == ["James Okafor, MD"] * 4
    assert got.frame["source"].tolist()[4:] == ["Dr. Lin", "Amy Lin, MD", "Bo Lin, MD"]


def test_organisations_and_channels_fold_spelling():
    got = resolve(
        [
            ("Google", None, None),
            ("google ", None, None),
            ("GOOGLE", None, None),
            ("Summit Orthopedics, P.A.", None, None),
            ("SUMMIT ORTHOPEDICS", None, None),
            ("Summit Orthopedics", None, None),
        ]
    )
    assert (
        pairs(got) == [("Google", "marketing")] * 3 + [("Summit Orthopedics", "organization")] * 3
    )


@pytest.mark.parametrize(
    ("label", "source", "source_type"),
    [
        ("Google", "Google", "marketing"),
        ("Self Referral", "Self Referral", "self"),
        ("Patient Referral", "Patient Referral", "patient"),
        ("Walk-in", "Walk-in", "self"),
        # A partner type with no name goes to unknown (METRICS.md).
        ("Physician", UNKNOWN_SOURCE, "unknown"),
        ("Chiropractor", UNKNOWN_SOURCE, "unknown"),
        ("Attorney", UNKNOWN_SOURCE, "unknown"),
        ("(Unassigned)", UNKNOWN_SOURCE, "unknown"),
        ("Other", UNKNOWN_SOURCE, "unknown"),
        (None, UNKNOWN_SOURCE, "unknown"),
    ],
)
def test_type_label_without_contact(label, source, source_type):
    for blank in (None, "", "(Unassigned)", "Other"):
        assert pairs(resolve([(blank, None, label)])) == [(source, source_type)]


def test_channel_label_and_channel_name_are_one_source():
    got = resolve([(None, None, "Google"), ("Google", None, "Marketing"), ("google", None, None)])
    assert set(pairs(got)) == {("Google", "marketing")}


def test_unknown_rows_store_no_alias():
    got = resolve([("(Unassigned)", None, "Other"), (None, None, None), ("Other", None, "")])
    assert set(pairs(got)) == {(UNKNOWN_SOURCE, "unknown")}
    assert got.aliases.empty
    assert got.aliases.columns.tolist() == list(ALIAS_COLUMNS)


@pytest.mark.parametrize(
    ("rows", "default_type", "expected"),
    [
        # Majority type label wins over the name.
        ([("Ann Chu", None, "Chiropractor"), ("Ann Chu", None, "Chiropractor"),
          ("Ann Chu", None, "Physician")], "unknown", "chiropractor"),
        # No label: the credential.
        ([("Ann Chu DC", None, None)], "physician", "chiropractor"),
        # "Physician" in an EMR type column covers PAs: the credential refines it.
        ([("Amy Jones PA-C", None, "Physician")], "unknown", "physician_extender"),
        # No label, no credential: the caller's default for its column.
        ([("Ann Chu", None, None)], "physician", "physician"),
        ([("Ann Chu", None, None)], "unknown", "unknown"),
        # Unknown-like labels are no label at all.
        ([("Ann Chu MD", None, "(Unassigned)")], "unknown", "physician"),
    ],
)  # fmt: skip
def test_source_type_rules(rows, default_type, expected):
    assert set(resolve(rows, default_type=default_type).frame["source_type"]) == {expected}


def test_frame_is_aligned_and_typed():
    got = resolve(
        [("Smith, John MD", None, None), (None, None, "Google"), (None, None, None)],
        index=[30, 10, 20],
    )
    assert got.frame.index.tolist() == [30, 10, 20]
    assert got.frame.columns.tolist() == ["source", "source_type", "patient_named"]
    assert (got.frame[["source", "source_type"]].dtypes == "str").all()
    assert got.frame["patient_named"].tolist() == [False, False, False]
    assert got.frame["source"].tolist() == ["John Smith, MD", "Google", UNKNOWN_SOURCE]


def test_aliases_list_keys_and_npis():
    got = resolve(
        [
            ("Smith, John MD", "1234567893", None),
            ("Dr. John Smith", None, None),
            (None, None, "Google"),
            ("Summit Orthopedics", None, None),
        ]
    )
    rows = {tuple(None if pd.isna(v) else v for v in r) for r in got.aliases.itertuples(False)}
    assert rows == {
        # The credential class goes into a person's alias key: a DO namesake is another key.
        ("smith|john~md~", "1234567893", "John Smith, MD", "physician"),
        ("smith|john", None, "John Smith, MD", "physician"),
        ("google", None, "Google", "marketing"),
        ("summit orthopedics", None, "Summit Orthopedics", "organization"),
    }
    assert (got.aliases.dtypes == "str").all()


KNOWN = pd.DataFrame(
    [
        ("smith|john", "1234567893", "Dr. John Smith (Summit)", "physician"),
        ("smith|john", None, "Dr. John Smith (Summit)", "physician"),
        ("okafor|james", None, "James Okafor, MD", "physician"),
        ("chu|ann", None, "Ann Chu", "unknown"),
        ("google", None, "Google Search", "marketing"),
    ],
    columns=list(ALIAS_COLUMNS),
)


def test_known_aliases_keep_canonical_names_across_uploads():
    got = resolve(
        [
            ("JOHN SMITH", None, None),  # by key
            ("Jonathan Smith", "1234567893", None),  # by NPI
            ("Okafor, James", None, "Physician"),
            ("Dr. Okafor", None, None),  # partial key, joined through the alias table
            ("GOOGLE", None, None),
            ("Ann Chu DC", None, None),  # stored type was unknown: new evidence wins
        ],
        known=KNOWN,
    )
    assert pairs(got) == [
        ("Dr. John Smith (Summit)", "physician"),
        ("Dr. John Smith (Summit)", "physician"),
        ("James Okafor, MD", "physician"),
        ("James Okafor, MD", "physician"),
        ("Google Search", "marketing"),
        ("Ann Chu", "chiropractor"),
    ]
    rows = {tuple(None if pd.isna(v) else v for v in r) for r in got.aliases.itertuples(False)}
    # Only what the table does not hold yet: the new NPI-less... nothing for Smith or Okafor.
    assert rows == {
        ("smith|jonathan", "1234567893", "Dr. John Smith (Summit)", "physician"),
        ("chu|ann~dc~", None, "Ann Chu", "chiropractor"),  # the DC Ann Chu, joined to the one
    }


def test_known_npi_with_a_new_name_spelling_and_a_second_npi():
    got = resolve(
        [
            ("Smith, John MD", "1003000126", None),  # another John Smith, new NPI
            ("Smith, John MD", "1234567893", None),
        ],
        known=KNOWN,
    )
    assert got.frame["source"].tolist() == [
        "John Smith, MD (NPI …0126)",
        "Dr. John Smith (Summit)",
    ]


def test_resolving_twice_with_its_own_aliases_changes_nothing():
    rows = [
        ("Smith, John MD", "1234567893", "Physician"),
        ("Dr. John Smith", None, "Physician"),
        ("Lee, Sarah MD", "1245319599", None),
        ("Sarah Lee MD", "1679576722", None),
        (None, None, "Self Referral"),
        ("Summit Orthopedics", None, None),
        ("Ann Chu", None, None),
    ]
    first = resolve(rows, default_type="physician")
    again = resolve(rows, known=first.aliases, default_type="physician")
    assert pairs(again) == pairs(first)
    assert again.aliases.empty


def test_known_table_needs_its_columns():
    with pytest.raises(ValueError, match="alias table"):
        resolve([("A B", None, None)], known=pd.DataFrame({"key": ["a|b"]}))


def test_names_only():
    got = resolve_sources(pd.Series(["Dr. Okafor", "Okafor, James MD", None], dtype="str"))
    assert pairs(got) == [("James Okafor, MD", "physician")] * 2 + [(UNKNOWN_SOURCE, "unknown")]
