"""Reading one referrer spelling (issue 11): names kept as written, titles in other languages,
organisations typed as such, practices that tell namesakes apart, patients named."""

from __future__ import annotations

import pytest

from analytics.ingest.names import PATIENT_NAME, SELF_NAME, parse_name
from analytics.ingest.vocabulary import credential_class


@pytest.mark.parametrize(
    ("spelling", "kind", "display", "source_type", "key"),
    [
        # Letters kept in what is shown; folded (ß -> ss, ø -> o) only in the key.
        ("Weiß, Anna", "person", "Anna Weiß", None, "weiss|anna"),
        ("WEISS, ANNA", "person", "Anna Weiss", None, "weiss|anna"),
        ("Søren Ødegaard", "person", "Søren Ødegaard", None, "odegaard|soren"),
        ("SØREN ØDEGAARD", "person", "Søren Ødegaard", None, "odegaard|soren"),
        ("José Núñez, D.C.", "person", "José Núñez", "chiropractor", "nunez|jose"),
        ("josé núñez", "person", "José Núñez", None, "nunez|jose"),
        ("Łukasz Wąsowicz MD", "person", "Łukasz Wąsowicz", "physician", "wasowicz|lukasz"),
        ("山田 太郎", "other", "山田 太郎", None, "山田 太郎"),
        # Titles in other languages are titles, not name words.
        ("Dr. med. Hofmann", "person", "Dr. med. Hofmann", "physician", "hofmann|"),
        ("DR MED HOFMANN", "person", "Dr. med. Hofmann", "physician", "hofmann|"),
        ("Prof. Dr. Anna Weiß", "person", "Anna Weiß", "physician", "weiss|anna"),
        ("Dr. rer. nat. Klaus Müller", "person", "Klaus Müller", "physician", "muller|klaus"),
        ("Dra. María García", "person", "María García", "physician", "garcia|maria"),
        ("Dr.ª Ana Sousa", "person", "Ana Sousa", "physician", "sousa|ana"),
        ("Prof. Lund", "person", "Prof. Lund", None, "lund|"),
        ("Dr. Okafor", "person", "Dr. Okafor", "physician", "okafor|"),
        ("Smith, John MD", "person", "John Smith", "physician", "smith|john"),
        # Organisations are organisations, typed as METRICS.md says.
        ("Coastal Rugby Club", "other", "Coastal Rugby Club", "health_wellness",
         "coastal rugby club"),
        ("Harbor CrossFit Box", "other", "Harbor CrossFit Box", "health_wellness",
         "harbor crossfit box"),
        ("Lotus Yoga Studio", "other", "Lotus Yoga Studio", "health_wellness",
         "lotus yoga studio"),
        ("Peak Performance Gym", "other", "Peak Performance Gym", "health_wellness",
         "peak performance gym"),
        ("Müller Bau GmbH", "other", "Müller Bau GmbH", "organization", "muller bau"),
        ("Riverbend Logistics, Inc.", "other", "Riverbend Logistics, Inc.", "organization",
         "riverbend logistics"),
        ("Hale & Morrow Law", "other", "Hale & Morrow Law", "organization",
         "hale and morrow law"),
        ("Smith & Jones Attorneys", "other", "Smith & Jones Attorneys", "organization",
         "smith and jones attorneys"),
        ("Lincoln High School", "other", "Lincoln High School", "organization",
         "lincoln high school"),
        ("Eastside School District", "other", "Eastside School District", "organization",
         "eastside school district"),
        ("Riverside University", "other", "Riverside University", "organization",
         "riverside university"),
        ("St. Mary Medical Center", "other", "St. Mary Medical Center", "organization",
         "st mary medical center"),
        ("Mercy Hospital", "other", "Mercy Hospital", "organization", "mercy hospital"),
    ],
)  # fmt: skip
def test_spellings_read_as_written(spelling, kind, display, source_type, key):
    name = parse_name(spelling)
    assert (name.kind, name.display, name.source_type, name.key) == (
        kind,
        display,
        source_type,
        key,
    )


@pytest.mark.parametrize(
    ("spelling", "display", "credential", "qualifier"),
    [
        ("Dr. Patel (Lakeshore IM)", "Dr. Patel", "", "Lakeshore IM"),
        ("Dr. Patel - Summit Orthopedics", "Dr. Patel", "", "Summit Orthopedics"),
        ("John Smith, MD - Lakeshore", "John Smith", "MD", "Lakeshore"),
        ("John Smith (MD)", "John Smith", "MD", ""),  # a credential in brackets
        ("John Smith - MD", "John Smith", "MD", ""),
        ("Northgate IM (Dr. Lane)", "Northgate Im", "", ""),  # names someone else
        ("Kelly (Okafor's PA)", "Kelly", "", ""),
        ("Coastal Chiro - Dr. Fox", "Dr. Fox", "", ""),  # the clinician after the dash
    ],
)
def test_practice_in_the_spelling(spelling, display, credential, qualifier):
    name = parse_name(spelling)
    assert (name.kind, name.display, name.credential, name.qualifier) == (
        "person",
        display,
        credential,
        qualifier,
    )


@pytest.mark.parametrize(
    ("credential", "kind"),
    [("MD", "MD"), ("M.D.", "MD"), ("MBBS", "MD"), ("DO", "DO"), ("PA-C", "PA"), ("PA", "PA"),
     ("FNP", "NP"), ("APRN", "NP"), ("NP", "NP"), ("DC", "DC"), ("", "")],
)  # fmt: skip
def test_credential_classes(credential, kind):
    assert credential_class(credential) == kind


@pytest.mark.parametrize(
    ("spelling", "named"),
    [
        ("Former patient - Rosa H.", PATIENT_NAME.display),
        ("Patient: Linda Pickett", PATIENT_NAME.display),
        ("Friend of Maria Lopez", PATIENT_NAME.display),
        ("Linda Pickett (patient)", PATIENT_NAME.display),
        ("Linda Pickett - friend", PATIENT_NAME.display),
        ("Referred by patient Linda Pickett", PATIENT_NAME.display),
        ("Word of mouth - Jane Doe", PATIENT_NAME.display),
        ("Self - John Doe", SELF_NAME.display),
        ("Walk-in: John Doe", SELF_NAME.display),
        # Not a patient's name: a surname, an organisation, a clinician, a bare label.
        ("Sarah Friend", None),
        ("Family Medicine Associates", None),
        ("Smith Family Chiropractic", None),
        ("Friend of Dr. Smith", None),
        ("Patient Referral", None),
        ("Friends and Family", None),
    ],
)
def test_patients_named_in_the_spelling(spelling, named):
    name = parse_name(spelling)
    assert (name.display if name.kind == "patient" else None) == named
    if named:  # the name itself is nowhere in what the parse returns
        assert all(w not in repr(name) for w in ("Rosa", "Linda", "Maria", "Jane", "John"))
