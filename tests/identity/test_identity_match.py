"""Pairs of real-looking spellings: which are one referrer, which never are, and why."""

from __future__ import annotations

import pytest

from analytics.identity.entities import Context, Entity
from analytics.identity.match import match, told_apart
from analytics.identity.names import first_name_fit, org_similarity, outreach_matches, read_name


def scored(
    a: str, b: str, *others: str, a_npi: str = "", b_npi: str = "", rows: dict | None = None
):
    """match() of two sources among some others (every one with referrals); rows: the
    Entity fields of "a" and "b" beyond their names."""
    rows = rows or {}
    first = Entity(a, referrals=2, npis=frozenset({a_npi} - {""}), **rows.get("a", {}))
    second = Entity(b, referrals=9, npis=frozenset({b_npi} - {""}), **rows.get("b", {}))
    entities = [first, second, *(Entity(o, referrals=1) for o in others)]
    return match(first, second, Context.of(entities))


@pytest.mark.parametrize(
    ("a", "b", "at_least", "evidence"),
    [
        # credentials, commas, case, spaces, "Dr" with and without a dot
        ("Okafor, Maria MD", "Dr. Maria Okafor", 0.9, "same first and last name"),
        ("Smith, John R MD", "John Smith, M.D.", 0.9, "same first and last name"),
        ("JOHN  SMITH", "john smith", 0.9, "same first and last name"),
        ("Dr Maria Okafor", "Dr. Maria Okafor", 0.9, "same first and last name"),
        ("O'Brien, Kevin DC", "Kevin OBrien DC", 0.9, "same first and last name"),
        ("Dr. Peter van der Berg", "van der Berg, Peter MD", 0.9, "same first and last name"),
        # initials, nicknames, a surname alone (the only one)
        ("J. Smith", "John Smith MD", 0.8, "the only J. Smith"),
        ("AM Dubois NP", "Anne-Marie Dubois, NP", 0.8, "initials AM fit"),
        ("Greg Lane MD", "Gregory Lane MD", 0.8, "Greg is short for Gregory"),
        ("Bob Hughes DO", "Robert Hughes, DO", 0.8, "Bob is short for Robert"),
        ("Dr. Okafor", "Maria Okafor, MD", 0.7, "the only Okafor"),
        # hyphenated and two-part surnames, typos
        ("Garcia-Lopez, Ana MD", "Ana Garcia Lopez MD", 0.9, "same name words"),
        ("Ana Garcia MD", "Ana Garcia-Lopez, MD", 0.6, "two-part surname"),
        ("Priya Natrajan MD", "Priya Natarajan, MD", 0.7, "surnames spelled alike"),
        ("Kevin Asthon DC", "Kevin Ashton, DC", 0.7, "surnames spelled alike"),
        # outreach-log names for a person's practice or role
        ("Okafor Ortho", "Maria Okafor, MD", 0.6, "names Okafor"),
        ("Summit Ortho (Okafor)", "Maria Okafor, MD", 0.6, "names Okafor"),
        ("Coach Dunn (Northside HS)", "Mike Dunn, ATC", 0.6, "names Dunn"),
        ("Karen Lee massage", "Karen Lee, LMT", 0.8, "names Lee and Karen"),
        # organisations
        ("Iron Valley gym", "Iron Valley Fitness", 0.9, "organisation names alike"),
        ("Peak Perf. gym", "Peak Performance Gym", 0.9, "organisation names alike"),
        ("IV Fitness", "Iron Valley Fitness", 0.7, "organisation names alike"),
        ("Hale & Morrow", "Hale & Morrow Law", 0.8, "organisation names alike"),
        ("Riverbend (employer)", "Riverbend Logistics", 0.6, "organisation names alike"),
    ],
)
def test_spellings_of_one_referrer_are_suggested(a, b, at_least, evidence):
    found = scored(a, b)
    assert found is not None
    assert found.confidence >= at_least, found
    assert any(evidence in e for e in found.evidence), found


@pytest.mark.parametrize(
    ("a", "b", "others"),
    [
        # a shared surname alone never makes one referrer
        ("John Smith MD", "Jane Smith DO", ()),
        ("Smith, John MD", "Smith, Jane DO", ()),
        ("Robert Hughes, DO", "Roberta Hughes, MD", ()),
        ("Daniel Lee MD", "Daniela Lee MD", ()),
        ("Jon Smith MD", "John Smith MD", ()),
        # a business named after someone else, or by someone's possessive
        ("Valerie Hoffman Logistics", "Julia Hoffman Logistics", ()),
        ("Summit Ortho (Okafor)", "Natarajan - Summit Ortho", ("Maria Okafor, MD",)),
        ("Kelly (Okafor's PA)", "Maria Okafor, MD", ()),
        # two businesses of one place
        ("Cedar Ridge Fitness", "Cedar Ridge Chiropractic", ()),
        ("Blue Lake Logistics", "Blue Lake Law Group", ()),
        # channels: different channels, or a channel and a partner
        ("Google", "Website", ()),
        ("Self Referral", "Google", ()),
        ("Maria Okafor, MD", "Google", ()),
    ],
)
def test_different_referrers_are_never_suggested(a, b, others):
    assert scored(a, b, *others) is None


def test_two_different_npis_are_never_one_referrer():
    same_name = scored("Maria Okafor, MD", "Maria Okafor, MD (NPI …3893)",
                       a_npi="1023346699", b_npi="1234567893")  # fmt: skip
    assert same_name is None
    assert scored("Okafor, M", "Maria Okafor, MD", a_npi="1023346699", b_npi="1023346699")


def test_the_same_npi_is_one_referrer_whatever_the_names():
    found = scored("Maria Okafor-Reyes, MD", "Maria Okafor, MD",
                   a_npi="1023346699", b_npi="1023346699")  # fmt: skip
    assert found.confidence >= 0.95 and "same NPI …6699" in found.evidence


def test_a_surname_alone_is_weak_when_two_people_share_it():
    alone = scored("Dr. Smith", "John Smith, MD", "Jane Smith, DO")
    assert alone.confidence < 0.4
    assert "2 people named Smith" in alone.evidence
    # The outreach name naming Jane's practice tips it to her.
    jane = {"b": {"organization": "Riverside Family Medicine"}}
    tipped = scored(
        "Dr. Smith (Riverside Family Med)", "Jane Smith, DO", "John Smith, MD", rows=jane
    )
    assert tipped.confidence >= 0.5 and "names Riverside Family Medicine" in tipped.evidence


def test_namesakes_with_different_npis_make_an_unnumbered_spelling_uncertain():
    people = [
        Entity("Aaron Gomez, MD", "physician", 5, npis=frozenset({"1000000001"})),
        Entity("Aaron Gomez, MD (NPI …0002)", "physician", 5, npis=frozenset({"1000000002"})),
        Entity("Gomez, Aaron", "physician", 1),
    ]
    ctx = Context.of(people)
    assert match(people[0], people[1], ctx) is None
    found = match(people[2], people[0], ctx)
    assert found.confidence < 0.6 and "2 people named Aaron Gomez" in found.evidence


@pytest.mark.parametrize(
    ("a", "b", "rows", "effect"),
    [
        (
            "Gregory Lane",
            "Greg Lane MD",
            {"a": {"organization": "Northgate IM"}, "b": {"organization": "Valley Care"}},
            "different organisations (Northgate IM / Valley Care)",
        ),
        (
            "Gregory Lane",
            "Greg Lane MD",
            {"a": {"clinics": frozenset({"North"})}, "b": {"clinics": frozenset({"North"})}},
            "same clinics",
        ),
    ],
)
def test_row_evidence_moves_the_confidence(a, b, rows, effect):
    found = scored(a, b, rows=rows)
    assert effect in found.evidence


# Issue 11: a name alone never joins two people that anything tells apart.
@pytest.mark.parametrize(
    ("a", "b", "a_npi", "b_npi", "apart"),
    [
        ("Maria Okafor, MD", "Maria Okafor, DO", "", "", "different credentials (MD / DO)"),
        ("Peter Kim, DC", "Peter Kim, MD", "", "", "different credentials (DC / MD)"),
        ("Kelly Brennan, NP", "Kelly Brennan, PA-C", "", "", "different credentials (NP / PA-C)"),
        ("Dr. Patel (Lakeshore IM)", "Dr. Patel (Summit Orthopedics)", "", "",
         "different practices in the name"),
        ("John Smith, MD", "Smith, John MD", "1234567893", "1245319599", "different NPIs"),
        # Nothing tells them apart: the same credential class, or one NPI for both.
        ("Kelly Brennan, PA", "Kelly Brennan, PA-C", "", "", None),
        ("Rachel Kim, NP", "Kim, Rachel FNP", "", "", None),
        ("Maria Okafor, MD", "Maria Okafor, DO", "1234567893", "1234567893", None),
        ("Dr. Patel (Lakeshore IM)", "Dr. Patel (Lakeshore IM)", "", "", None),
    ],
)  # fmt: skip
def test_people_told_apart_are_never_suggested(a, b, a_npi, b_npi, apart):
    first = Entity(a, referrals=2, npis=frozenset({a_npi} - {""}))
    second = Entity(b, referrals=9, npis=frozenset({b_npi} - {""}))
    assert told_apart(first, second) == apart
    found = scored(a, b, a_npi=a_npi, b_npi=b_npi)
    assert (found is None) == (apart is not None)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Patient Referral", "Former patient"),
        ("Friend/Family", "Word of mouth"),
        ("Patient referral", "Patient Referral"),
    ],
)
def test_patient_channels_are_never_suggested(a, b):
    first, second = Entity(a, "patient", 5), Entity(b, "patient", 3)
    assert match(first, second, Context.of([first, second])) is None


@pytest.mark.parametrize(
    ("a", "b", "fits"),
    [
        ("John Smith", "J. Smith", True),
        ("John Smith", "Jack Smith", True),  # a nickname
        ("Kenneth Albright", "Ken Albright", True),
        ("Anne-Marie Dubois", "AM Dubois", True),
        ("Dr. Smith", "Jane Smith", True),  # no first name: a surname alone fits anyone
        ("John Smith", "Jane Smith", False),
        ("Jane Smith", "J. Smith", True),
        ("Maria Okafor", "Marianne Okafor", False),
    ],
)
def test_first_name_fit(a, b, fits):
    assert (first_name_fit(read_name(a), read_name(b)) is not None) is fits


def test_names_are_read_once_into_their_parts():
    okafor = read_name("Dr. Maria Okafor MD")
    assert (okafor.kind, okafor.surname, okafor.first, okafor.credential) == (
        "person", "okafor", "maria", "MD")  # fmt: skip
    assert read_name("Dr. Okafor").kind == "surname"
    assert read_name("Coach Dunn (Northside HS)").first == ""  # a role, not a first name
    assert read_name("Kelly (Okafor's PA)").hint == "physician_extender"
    assert "okafor" not in read_name("Kelly (Okafor's PA)").words
    assert read_name("Google").kind == "channel"
    assert read_name("Iron Valley Fitness").kind == "orgish"


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("Iron Valley gym", "Iron Valley Fitness", 0.9, 1.0),
        ("IV Fitness", "Iron Valley Fitness", 0.6, 0.9),  # an acronym: less sure
        ("Riverbend", "Riverbend Logistics", 0.6, 0.8),
        ("Summit Orthopedic Associates", "Summit Foot & Ankle", 0.0, 0.4),
        ("Lotus Yoga Studio", "Peak Performance Gym", 0.0, 0.0),
    ],
)
def test_organisation_similarity(a, b, low, high):
    assert low <= org_similarity(read_name(a).org_words, read_name(b).org_words) <= high


@pytest.mark.parametrize(
    ("names", "sources", "expected"),
    [
        (
            ["Dr. Okafor"],
            ["Maria Okafor, MD", "John Smith, MD"],
            {"Dr. Okafor": "Maria Okafor, MD"},
        ),
        (["Dr Okafor"], ["Maria Okafor, MD"], {"Dr Okafor": "Maria Okafor, MD"}),
        (["M. Okafor"], ["Maria Okafor, MD"], {"M. Okafor": "Maria Okafor, MD"}),
        (["Dr. Smith"], ["John Smith, MD", "Jane Smith, DO"], {}),  # two Smiths: the owner picks
        (["J. Smith"], ["John Smith, MD", "Mary Smith, DO"], {"J. Smith": "John Smith, MD"}),
        (["Dr. Rao DPM"], ["Anita Rao, DPM"], {"Dr. Rao DPM": "Anita Rao, DPM"}),
        (["Okafor Ortho"], ["Maria Okafor, MD"], {}),  # a practice name: suggested, not assumed
        (["Dr. Okafor"], ["Okafor Logistics"], {}),
    ],
)
def test_outreach_names_that_fit_one_person_only(names, sources, expected):
    assert outreach_matches(names, sources) == expected
