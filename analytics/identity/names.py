"""What a source name says by itself: person name parts, credentials, words, type hints,
how alike two first names or two organisation names are, and which outreach names can only
be one referral source.

identity_match weighs these into the evidence that two sources are one referrer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from analytics.ingest import labels
from analytics.ingest.source_types import infer_type, person_key, type_from_label
from analytics.schema import UNKNOWN_SOURCE

__all__ = [
    "CHANNEL_TYPES",
    "DESCRIPTOR_GROUP",
    "NICKNAMES",
    "NameReading",
    "first_letter",
    "first_name_fit",
    "fold",
    "org_coverage",
    "org_key",
    "org_similarity",
    "outreach_matches",
    "partial_names",
    "read_name",
    "short_form",
    "surnames_alike",
    "typo_distance",
]

CHANNEL_TYPES = frozenset({"patient", "self", "marketing"})
_TITLES = frozenset(
    {"dr", "drs", "doctor", "mr", "mrs", "ms", "miss", "prof", "professor", "dra", "dres",
     "dott", "dottssa", "med", "dent", "rer", "nat", "herr", "frau"}
)  # fmt: skip
# Words typed before a surname that are roles, not first names ("Coach Dunn", "Nurse Kim").
_ROLES = frozenset({"coach", "nurse", "trainer", "therapist", "attorney", "counselor", "officer"})
_DEGREES = frozenset(
    {"phd", "mph", "mba", "msc", "bsn", "msn", "rn", "facs", "faaos", "faafp", "facp", "jr",
     "sr", "ii", "iii", "esq", "c", "bc"}
)  # fmt: skip
# Words that say nothing about which organisation a name is.
_NOISE = frozenset(
    {"the", "and", "of", "at", "for", "inc", "llc", "llp", "pllc", "pc", "co", "corp", "ltd",
     "hr", "dept", "department", "employer", "dr", "drs", "new", "s", "a", "an", "office"}
)  # fmt: skip
# Descriptive words: weak evidence, and any word of the same group matches ("gym" ~ "fitness").
_DESCRIPTOR_GROUPS: dict[str, tuple[str, ...]] = {
    "fitness": ("gym", "gyms", "fitness", "crossfit", "training"),
    "ortho": ("ortho", "orthopedic", "orthopedics", "orthopaedic", "orthopaedics", "spine"),
    "medicine": ("med", "medicine", "medical", "health", "healthcare", "care", "primary"),
    "chiro": ("chiro", "chiropractic", "chiropractor", "chiropractors"),
    "law": ("law", "legal", "attorney", "attorneys", "lawyer", "lawyers", "firm"),
    "sports": ("sports", "sport", "athletic", "athletics"),
    "family": ("family", "families"),
    "school": ("school", "hs", "high", "university", "univ", "college", "academy"),
    "group": ("associates", "group", "partners", "practice", "clinic", "center", "centre",
              "institute", "specialists", "physicians", "services"),
    "therapy": ("massage", "therapy", "yoga", "pilates", "wellness", "spa"),
    "foot": ("foot", "ankle", "podiatry"),
    "dental": ("dental", "dentistry", "dentist", "orthodontics"),
}  # fmt: skip
DESCRIPTOR_GROUP = {word: group for group, words in _DESCRIPTOR_GROUPS.items() for word in words}
_DESCRIPTOR_WEIGHT = 0.4
NICKNAMES: dict[str, frozenset[str]] = {
    name: frozenset(group)
    for group in (
        ("robert", "bob", "rob", "bobby"), ("william", "bill", "will", "billy"),
        ("james", "jim", "jimmy"), ("michael", "mike"), ("richard", "rick", "dick", "rich"),
        ("thomas", "tom", "tommy"), ("anthony", "tony"), ("elizabeth", "liz", "beth", "betsy"),
        ("katherine", "kate", "katie", "kathy", "catherine"), ("margaret", "peggy", "maggie"),
        ("jennifer", "jen", "jenny"), ("susan", "sue"), ("david", "dave"), ("daniel", "dan"),
        ("stephen", "steve", "steven"), ("joseph", "joe"), ("charles", "chuck", "charlie"),
        ("edward", "ed", "ted", "eddie"), ("henry", "hank"), ("john", "jack"),
        ("samuel", "sam"), ("alexander", "alex"), ("andrew", "andy", "drew"),
        ("christopher", "chris"), ("matthew", "matt"), ("nicholas", "nick"),
        ("patricia", "pat", "patty"), ("gregory", "greg"), ("kenneth", "ken"),
        ("rebecca", "becky"), ("deborah", "deb", "debbie"), ("victoria", "vicky"),
    )
    for name in group
}  # fmt: skip
_NICKNAME_ROOT = {
    name: max(group, key=len) for name, group in NICKNAMES.items()
}  # "bob" -> "robert"
# "Kelly (Okafor's PA)" is Kelly, not Okafor: a possessive names someone else.
_POSSESSIVE = re.compile(r"\b\w+['’]s\b", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def fold(text: str) -> str:
    """Lowercase ASCII words of a name: "Núñez & O'Brien" -> "nunez and obrien", "Weiß" ->
    "weiss" (the same folding as the keys of names.parse_name)."""
    return labels.fold(text)


class NameReading(NamedTuple):
    """What a source name says by itself."""

    kind: str  # "person" | "surname" ("Dr. Okafor") | "orgish" | "channel"
    titled: bool  # "Dr." before the name
    surname: str  # letters of the surname ("" when not a person)
    first: str  # letters of the first given name ("" when none)
    initials: str  # "am" for Anne-Marie, "j" for John
    credential: str  # "MD", "PA-C", "" when none
    words: frozenset[str]  # every folded word, brackets included
    name_words: tuple[str, ...]  # a person's name words, sorted (titles, credentials out)
    org_words: tuple[str, ...]  # words that can name an organisation
    hint: str | None  # the partner type the name alone suggests, None when none


@lru_cache(maxsize=65536)
def read_name(name: str) -> NameReading:
    """Read one source name: person parts, words, organisation words and type hint."""
    words = fold(name).split()
    org_words = tuple(w for w in words if w not in _NOISE)
    label = type_from_label(name)
    hint = _type_hint(name, words)
    words = fold(_POSSESSIVE.sub(" ", name)).split()
    if name == UNKNOWN_SOURCE or label in CHANNEL_TYPES or label == "unknown":
        return NameReading("channel", False, "", "", "", "", frozenset(words), (), org_words, None)
    parsed = person_key(name)
    if parsed is None:
        return NameReading("orgish", False, "", "", "", "", frozenset(words), (), org_words, hint)
    key, display = parsed
    surname, _, first = key.partition("|")
    base, _, credential = display.partition(", ")
    titled = base.startswith("Dr. ") or any(w in _TITLES for w in words[:1])
    given = base.split()[0] if first and not base.startswith("Dr. ") else ""
    if first in _ROLES:
        first, given = "", ""
    parts = [p for p in re.split(r"[-\s]", given) if p]
    if len(parts) > 1:
        initials = "".join(p[0] for p in parts).lower()
    elif given.isupper() and 2 <= len(given) <= 3:
        initials = given.lower()  # "AM Dubois"
    else:
        initials = first[:1]
    plain = fold(_BRACKETS.sub(" ", name).replace("-", " ")).split()
    name_words = tuple(
        sorted(
            w
            for w in plain
            if w not in _TITLES and w not in _DEGREES and w not in _ROLES
            and type_from_label(w) is None
        )
    )  # fmt: skip
    if first:
        kind = "person"
    elif titled or credential:
        kind = "surname"
    else:
        kind = "orgish"  # one untitled word: "Riverbend", "Kelly"
    return NameReading(
        kind, titled, surname, first, initials, credential, frozenset(words), name_words,
        org_words, hint,
    )  # fmt: skip


# Types a single word can say of a person; "organization" and channels say nothing here.
_PERSON_HINTS = frozenset({"physician", "physician_extender", "chiropractor", "health_wellness"})


def _type_hint(name: str, words: list[str]) -> str | None:
    """The partner type a name suggests: its credential or keyword ("Okafor's PA", "Chiro")."""
    inferred = infer_type(name)
    if inferred in _PERSON_HINTS:
        return inferred
    said = {type_from_label(w) for w in words} & _PERSON_HINTS
    return said.pop() if len(said) == 1 else None


def org_key(organization: str) -> str:
    """An organisation name without legal forms and filler: what its members share."""
    return " ".join(w for w in fold(organization).split() if w not in _NOISE)


# --- organisation words ----------------------------------------------------------------------


def _word_fits(word: str, other: str) -> bool:
    if word == other:
        return True
    short, long = sorted((word, other), key=len)
    if len(short) >= 3 and long.startswith(short):
        return True
    return len(short) >= 5 and fuzz.ratio(word, other) >= 88


def _covered(
    words: tuple[str, ...], others: tuple[str, ...], common: frozenset[str]
) -> tuple[float, float, int]:
    """(covered weight, total weight, evidence) of `words` against `others`: evidence is 0
    without a distinctive word matched, 1 with one matched only as an acronym, else 2."""
    acronym_parts: set[int] = set()
    for w in others:  # "IV" covers "Iron Valley": the words its letters start
        if 2 <= len(w) <= 4 and w not in DESCRIPTOR_GROUP:
            for i in range(len(words) - len(w) + 1):
                if "".join(x[0] for x in words[i : i + len(w)]) == w:
                    acronym_parts.update(range(i, i + len(w)))
    covered = total = 0.0
    distinctive = 0
    for i, word in enumerate(words):
        group = DESCRIPTOR_GROUP.get(word)
        weight = _DESCRIPTOR_WEIGHT if group else 1.0
        total += weight
        if group:
            hit = any(DESCRIPTOR_GROUP.get(o) == group for o in others)
        elif word in common:
            weight = _DESCRIPTOR_WEIGHT
            total += weight - 1.0
            hit = word in others
        else:
            hit = any(_word_fits(word, o) for o in others if o not in DESCRIPTOR_GROUP)
            if hit:
                distinctive = 2
            elif (
                i in acronym_parts
                or (
                    2 <= len(word) <= 4  # this word is the acronym
                    and any(
                        "".join(x[0] for x in others[j : j + len(word)]) == word
                        for j in range(len(others) - len(word) + 1)
                    )
                )
            ):
                hit, distinctive = True, max(distinctive, 1)
        covered += weight if hit else 0.0
    return covered, total, distinctive


def org_similarity(
    a: tuple[str, ...], b: tuple[str, ...], common: frozenset[str] = frozenset()
) -> float:
    """0..1: how surely two organisation names (as org words) name the same organisation."""
    if not a or not b:
        return 0.0
    ca, ta, da = _covered(a, b, common)
    cb, tb, db = _covered(b, a, common)
    if not (da and db) or not ta or not tb:
        return 0.0
    surety = 1.0 if min(da, db) == 2 else 0.8  # matched only through an acronym: less sure
    kinds_a = {DESCRIPTOR_GROUP[w] for w in a if w in DESCRIPTOR_GROUP}
    kinds_b = {DESCRIPTOR_GROUP[w] for w in b if w in DESCRIPTOR_GROUP}
    if kinds_a and kinds_b and not kinds_a & kinds_b:
        surety *= 0.4  # "Cedar Ridge Fitness" and "Cedar Ridge Chiropractic": two businesses
    if ta <= tb:
        small, large = ca / ta, cb / tb
    else:
        small, large = cb / tb, ca / ta
    if small < 1:  # each name has words the other lacks: "Blue Lake Logistics" / "... Law"
        return surety * 0.6 * small**2 * (0.55 + 0.35 * large)
    whole = 0.1 if large == 1 else 0.0
    return surety * (0.55 + 0.35 * large + whole)


def org_coverage(words: tuple[str, ...], organization: str) -> float:
    """Share (0..1) of an organisation's name found in these words (0 without a real word)."""
    org_words = tuple(w for w in fold(organization).split() if w not in _NOISE)
    if not org_words:
        return 0.0
    covered, total, evidence = _covered(org_words, words, frozenset())
    return covered / total if evidence and total else 0.0


# --- person names ----------------------------------------------------------------------------


def typo_distance(surname: str) -> int:
    """Edits (a transposition is one) a surname of this length may carry as a typo."""
    return 0 if len(surname) < 4 else 1 if len(surname) < 8 else 2


def surnames_alike(a: str, b: str) -> bool:
    """Two different surnames one typo apart: "Natarajan" / "Natrajan", "Ashton" / "Asthon"."""
    allowed = min(typo_distance(a), typo_distance(b))
    return a != b and bool(allowed) and OSA.distance(a, b, score_cutoff=allowed) <= allowed


def short_form(short: str, long: str) -> bool:
    """ "Greg" for Gregory, "Ken" for Kenneth; not "Maria" for Marianne (names themselves)."""
    return 3 <= len(short) <= 4 and len(long) - len(short) >= 2 and long.startswith(short)


def first_letter(reading: NameReading) -> str:
    """The letter every first name that can fit this one starts with ("r" for Bob), "" for
    none: names with different letters never fit, so they need no comparing."""
    return _NICKNAME_ROOT.get(reading.first, reading.first)[:1]


def first_name_fit(a: NameReading, b: NameReading) -> tuple[float, str] | None:
    """How well two first names fit one person (score, reason); None when they cannot."""
    return _first_name_fit(a.first, a.initials, b.first, b.initials)


@lru_cache(maxsize=65536)
def _first_name_fit(
    a_first: str, a_initials: str, b_first: str, b_initials: str
) -> tuple[float, str] | None:
    if not a_first or not b_first:
        return 0.6, "surname only"
    if a_first == b_first:
        if len(a_first) == 1:
            return 0.7, f"same initial {a_first.upper()}"
        return 0.92, "same first and last name"
    (short, _), (long, long_initials) = sorted(
        ((a_first, a_initials), (b_first, b_initials)), key=lambda p: len(p[0])
    )
    if len(short) == 1:
        return (
            (0.75, f"initial {short.upper()} fits {long.capitalize()}")
            if long[0] == short
            else None
        )
    if short == long_initials:  # "AM" for Anne-Marie
        return 0.75, f"initials {short.upper()} fit {long.capitalize()}"
    if short_form(short, long) or long in NICKNAMES.get(short, ()):
        return 0.85, f"{short.capitalize()} is short for {long.capitalize()}"
    if long.startswith(short):
        return None  # "Robert" / "Roberta", "Daniel" / "Daniela": two names
    if len(short) >= 4 and fuzz.ratio(short, long) >= 85:
        return 0.75, f"first names spelled alike ({short.capitalize()} / {long.capitalize()})"
    return None


# --- outreach names ----------------------------------------------------------------------------


def partial_names(names: Iterable[str]) -> list[str]:
    """The names that give a surname with a title or an initial only: "Dr. Okafor", "M. Okafor"."""
    return [
        name
        for name in names
        if (reading := read_name(name)).kind == "surname"
        or (reading.kind == "person" and len(reading.first) == 1)
    ]


def outreach_matches(names: Iterable[str], sources: Iterable[str]) -> dict[str, str]:
    """Outreach names that fit exactly one person among the referral sources.

    "Dr. Okafor" or "M. Okafor" -> "Maria Okafor, MD" when she is the only Okafor (with that
    initial); anything less certain is left for the owner (see identity_suggest).
    """
    wanted = {name: read_name(name) for name in partial_names(names)}
    if not wanted:
        return {}
    people: dict[str, list[tuple[str, str]]] = {}
    for source in sources:
        reading = read_name(source)
        if reading.kind == "person" and len(reading.first) > 1:
            people.setdefault(reading.surname, []).append((reading.first, source))
    matches = {}
    for name, reading in wanted.items():
        fits = {
            s for first, s in people.get(reading.surname, ()) if first.startswith(reading.first)
        }
        if len(fits) == 1:
            matches[name] = fits.pop()
    return matches
