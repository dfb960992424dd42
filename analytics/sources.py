"""Source types and the deterministic identity of referrers (names, NPIs and type labels)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.schema import PARTNER_TYPES, SOURCE_TYPES, UNKNOWN_SOURCE
from analytics.values import clean_text, normalize_npi

__all__ = [
    "ALIAS_COLUMNS",
    "CHANNEL_TYPES",
    "Resolution",
    "infer_type",
    "person_key",
    "resolve_sources",
    "share_type_labels",
    "type_from_label",
]

ALIAS_COLUMNS: tuple[str, ...] = ("key", "npi", "source", "source_type")
# Non-partner types whose label alone names a source ("Google", "Self referral").
CHANNEL_TYPES: frozenset[str] = frozenset(SOURCE_TYPES) - PARTNER_TYPES - {"unknown"}
_TYPE_RANK = {t: i for i, t in enumerate(SOURCE_TYPES)}

# --- type labels -----------------------------------------------------------------------

_LABELS: dict[str, tuple[str, ...]] = {
    "physician": (
        "physician", "physicians", "doctor", "doctors", "md", "m d", "do", "md do", "mds",
        "medical doctor", "orthopedic surgeon", "orthopaedic surgeon", "orthopedic",
        "orthopaedic", "orthopedics", "orthopaedics", "ortho", "orthopedist", "surgeon",
        "primary care", "primary care physician", "primary care provider", "pcp",
        "family doctor", "family physician", "family medicine", "internal medicine",
        "sports medicine", "specialist", "neurologist", "neurology", "neurosurgeon",
        "neurosurgery", "rheumatologist", "rheumatology", "pain management", "physiatrist",
        "physiatry", "pm and r", "pmr", "ob gyn", "obgyn", "pediatrician", "pediatrics",
        "prescriber", "provider", "physician office", "doctors office", "physicians office",
        "emergency physician", "hospitalist",
    ),
    "physician_extender": (
        "physician assistant", "physicians assistant", "physician assistants", "pa", "pa c",
        "pac", "nurse practitioner", "nurse practitioners", "np", "pa np", "np pa",
        "physician extender", "mid level", "midlevel", "mid level provider", "aprn", "arnp",
        "apn", "crnp", "fnp", "dnp", "advanced practice provider", "app",
    ),
    "chiropractor": ("chiropractor", "chiropractors", "chiropractic", "chiro", "dc", "d c"),
    "health_wellness": (
        "athletic trainer", "athletic trainers", "certified athletic trainer", "atc",
        "personal trainer", "trainer", "coach", "strength coach", "massage",
        "massage therapist", "massage therapy", "lmt", "dentist", "dental", "dds", "dmd",
        "orthodontist", "podiatrist", "podiatry", "dpm", "gym", "fitness", "fitness center",
        "health club", "health and wellness", "health wellness", "wellness",
        "occupational therapist", "occupational therapy", "ot", "speech therapist",
        "speech therapy", "slp", "physical therapist", "physical therapy", "pt", "acupuncture",
        "acupuncturist", "yoga", "yoga studio", "pilates", "crossfit", "dietitian",
        "nutritionist", "naturopath", "optometrist", "audiologist", "allied health",
    ),
    "organization": (
        "employer", "employers", "company", "business", "corporate", "occupational health",
        "occ health", "workers comp", "workers compensation", "workmans comp", "work comp",
        "attorney", "attorneys", "lawyer", "legal", "law firm", "case manager",
        "nurse case manager", "case management", "adjuster", "insurance",
        "insurance company", "insurer", "payer", "third party", "hospital", "hospitals",
        "health system", "hospital system", "clinic", "medical group", "urgent care",
        "emergency room", "er", "skilled nursing", "snf", "home health", "nursing home",
        "assisted living", "school", "schools", "university", "college", "high school",
        "athletics", "school athletics", "sports team", "organization", "organisation",
        "community organization", "church", "military", "government", "agency",
    ),
    "patient": (
        "patient", "patients", "friend", "friends", "family", "friend family",
        "family friend", "friends and family", "friends family", "family and friends",
        "family member", "relative", "spouse", "coworker", "co worker", "colleague",
        "neighbor", "word of mouth", "wom", "former patient", "past patient",
        "previous patient", "prior patient", "current patient", "existing patient",
        "returning patient", "return patient", "repeat patient", "client", "clients",
        "former client", "personal", "patient family",
    ),
    "self": (
        "self", "self referral", "self referred", "selfreferral", "direct access", "walk in",
        "walkin", "walk ins", "direct", "myself",
    ),
    "marketing": (
        "google", "google search", "google maps", "google ads", "adwords", "bing", "yahoo",
        "search engine", "internet", "internet search", "online", "online search", "web",
        "website", "web site", "web search", "yelp", "facebook", "instagram",
        "facebook instagram", "tiktok", "twitter", "linkedin", "youtube", "nextdoor",
        "social", "social media", "advertisement", "advertising", "ad", "ads", "signage",
        "sign", "drive by", "billboard", "radio", "tv", "television", "newspaper",
        "magazine", "print", "print ad", "mailer", "direct mail", "postcard", "flyer",
        "brochure", "email", "newsletter", "community event", "event", "events",
        "health fair", "seminar", "workshop", "screening", "free screening", "marketing",
        "promotion", "campaign", "zocdoc", "healthgrades",
    ),
}  # fmt: skip
_LABEL_TYPES = {label: t for t, labels in _LABELS.items() for label in labels}
_UNKNOWN_LABELS = frozenset(
    {
        "", "unassigned", "unknown", "other", "others", "none", "n a", "na", "null", "nil",
        "not specified", "not provided", "not applicable", "not available", "no source",
        "blank", "tbd", "unk", "misc", "miscellaneous", "select", "select one",
        "please select",
    }
)  # fmt: skip
# Words around a type label that do not change it ("Physician Referral", "Referred by patient").
_LABEL_NOISE = frozenset(
    {"referral", "referrals", "referred", "referring", "ref", "by", "from", "source", "type",
     "a", "an", "the", "via", "other"}
)  # fmt: skip

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _fold(text: str) -> str:
    """Lowercase ASCII words: the comparison form of a name or label."""
    lowered = _ascii(text).lower().replace("&", " and ").replace("'", "")
    return _NON_ALNUM.sub(" ", lowered).strip()


@lru_cache(maxsize=65536)
def _label_type(folded: str) -> str | None:
    if folded in _UNKNOWN_LABELS:
        return "unknown"
    if folded in _LABEL_TYPES:
        return _LABEL_TYPES[folded]
    core = " ".join(w for w in folded.split() if w not in _LABEL_NOISE)
    if not core:
        return "unknown"  # "Referral", "Other Referral": says nothing
    if core in _UNKNOWN_LABELS or core in _LABEL_TYPES:
        return _LABEL_TYPES.get(core, "unknown")
    # "Facebook/Instagram", "MD/DO", "PA/NP": every word a label of the same type.
    words = {_LABEL_TYPES.get(w) for w in core.split()}
    return words.pop() if len(words) == 1 and None not in words else None


def _label_key(folded: str) -> str:
    """Key of a channel label: "Self Referral" and "Self" are one source."""
    return " ".join(w for w in folded.split() if w not in _LABEL_NOISE) or folded


def _is_blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def type_from_label(label: str | None) -> str | None:
    """The source type a type label names ("Physician", "Self Referral"...); None if not one."""
    if _is_blank(label):
        return "unknown"
    return _label_type(_fold(str(label)))


def share_type_labels(values: pd.Series) -> float:
    """Share (0..1) of distinct non-blank values that are type labels, ignoring "Other"-likes."""
    distinct = pd.Series(pd.unique(pd.Series(values).dropna()), dtype=object)
    folded = {_fold(v) for v in clean_text(distinct).dropna()}
    # Blank-like labels fill both type and name columns, so they tell the two apart not at all.
    types = [_label_type(f) for f in folded]
    informative = [t for t in types if t != "unknown"]
    if not informative:
        return 0.0
    return sum(t is not None for t in informative) / len(informative)


# --- names: credentials and keywords ---------------------------------------------------

_CREDENTIALS: dict[str, str | None] = {
    **dict.fromkeys(("MD", "DO", "MBBS", "MBCHB"), "physician"),
    **dict.fromkeys(
        ("PA", "PAC", "NP", "NPC", "FNP", "FNPC", "FNPBC", "APRN", "APRNBC", "CRNP", "ANP",
         "ANPBC", "AGNP", "AGNPC", "ACNP", "DNP", "ARNP", "APN", "CNP", "PMHNP"),
        "physician_extender",
    ),
    "DC": "chiropractor",
    **dict.fromkeys(
        ("ATC", "LAT", "ATCL", "CSCS", "LMT", "LMP", "CMT", "DPM", "DDS", "DMD", "OTR", "OTRL",
         "OT", "OTD", "COTA", "SLP", "CCCSLP", "PT", "DPT", "MPT", "MSPT", "PTA", "CPT", "CHT",
         "RYT", "ERYT", "LAC", "DACM", "RD", "RDN", "ND", "OD"),
        "health_wellness",
    ),
    **dict.fromkeys(("ESQ", "JD"), "organization"),
    # Degrees and fellowships: part of the name's spelling, not of its type.
    **dict.fromkeys(
        ("PHD", "MPH", "MS", "MA", "MBA", "MSC", "BS", "BA", "RN", "BSN", "MSN", "LPN", "FACS",
         "FAAOS", "FAAFP", "FACP", "FAAPMR", "FACSM", "FAAP", "FRCSC", "CAQSM", "MHA", "MHS",
         "MPAS", "MMS", "PHARMD", "CCM"),
        None,
    ),
}  # fmt: skip
# Credentials that are also name words ("Thanh Do", "Li Pa"): need capitals or dots.
_AMBIGUOUS_CREDENTIALS = frozenset(
    {"DO", "PA", "OT", "PT", "DC", "MS", "MA", "BA", "BS", "ND", "OD", "RD", "LAT", "LAC", "CPT"}
)
_CREDENTIAL_DISPLAY = {
    "PAC": "PA-C", "FNPC": "FNP-C", "FNPBC": "FNP-BC", "APRNBC": "APRN-BC", "NPC": "NP-C",
    "OTRL": "OTR/L", "CCCSLP": "CCC-SLP", "ATCL": "ATC/L", "ESQ": "Esq.", "LAC": "LAc",
    "ERYT": "E-RYT", "PHD": "PhD", "PHARMD": "PharmD", "MBCHB": "MBChB",
}  # fmt: skip
_SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV", "2ND", "3RD"})
_TITLES = frozenset({"DR", "DRS", "DOCTOR", "MR", "MRS", "MS", "MISS", "MX", "PROF", "PROFESSOR"})
_DOCTOR_TITLES = frozenset({"DR", "DRS", "DOCTOR"})
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "st",
     "ste", "saint", "bin", "ibn", "al", "el", "dos", "das", "ten", "ter", "vander", "vanden",
     "y"}
)  # fmt: skip


# Keywords by type, matched as whole words or phrases of the folded name; when several
# types match, the one listed first wins ("Health Fair" is marketing, not organisation).
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "patient": (
        "patient", "patients", "friend", "friends", "friends and family", "family and friends",
        "family member", "family members", "family friend", "family friends",
        "word of mouth", "wom", "relative", "relatives", "spouse", "coworker", "coworkers",
        "co worker", "co workers", "neighbor", "neighbors", "neighbour", "former client",
    ),
    "self": ("self", "self referral", "self referred", "direct access", "walk in", "walkin",
             "walk ins"),
    "marketing": (
        "google", "yelp", "bing", "website", "websites", "web site", "web", "internet",
        "online", "facebook", "fb", "instagram", "social media", "social", "tiktok",
        "twitter", "linkedin", "youtube", "nextdoor", "ad", "ads", "advert", "adverts",
        "advertisement", "advertisements", "advertising", "newspaper", "newspapers",
        "radio", "billboard", "billboards", "sign", "signs", "signage", "mailer", "mailers",
        "direct mail", "flyer", "flyers", "postcard", "postcards", "event", "events",
        "health fair", "health fairs", "seminar", "seminars", "workshop", "workshops",
        "screening", "screenings", "marketing", "email", "e mail", "newsletter",
        "newsletters", "tv", "television", "magazine", "magazines", "zocdoc",
        "healthgrades", "drive by",
    ),
    "chiropractor": ("chiropractic", "chiropractor", "chiropractors", "chiro"),
    "health_wellness": (
        "gym", "gyms", "fitness", "crossfit", "cross fit", "yoga", "pilates", "massage",
        "spa", "wellness", "athletic trainer", "athletic trainers", "personal trainer",
        "personal trainers", "trainer", "trainers", "training", "dental", "dentistry",
        "dentist", "dentists", "orthodontic", "orthodontics", "podiatry", "podiatrist",
        "podiatrists", "acupuncture", "physical therapy", "physical therapist",
        "physical therapists", "occupational therapy", "occupational therapist",
        "speech therapy", "speech therapist", "ymca", "ywca", "martial arts", "karate",
        "barre", "health club", "athletic club", "rec center", "recreation center",
    ),
    "organization": (
        "hospital", "hospitals", "health system", "health systems", "healthsystem",
        "healthcare", "health care", "health", "medical", "medicine", "clinic", "clinics",
        "associates", "group", "partners", "physicians", "orthopedics", "orthopaedics",
        "orthopedic", "orthopaedic", "ortho", "specialists", "institute", "center",
        "centers", "centre", "practice", "urgent care", "emergency", "inc", "incorporated",
        "llc", "llp", "pllc", "pc", "corp", "corporation", "co", "company", "ltd", "law",
        "legal", "attorney", "attorneys", "lawyer", "lawyers", "esq", "insurance",
        "assurance", "mutual", "casualty", "workers comp", "workers compensation",
        "work comp", "workmans comp", "case manager", "case managers", "case management",
        "adjuster", "adjusters", "claims", "bcbs", "blue cross", "blue shield", "aetna",
        "cigna", "humana", "united healthcare", "unitedhealthcare", "uhc", "kaiser",
        "medicare", "medicaid", "tricare", "school", "schools", "university", "univ",
        "college", "academy", "athletics", "district", "isd", "county", "city of",
        "department", "dept", "army", "navy", "air force", "va", "veterans", "church",
        "foundation", "association", "society", "team", "league", "employer", "employers",
        "and", "rehab", "rehabilitation", "nursing", "home health", "assisted living",
        "senior living", "services", "solutions", "enterprises", "industries",
        "manufacturing", "construction", "logistics",
    ),
}  # fmt: skip
_KEYWORD_TYPES = {word: t for t, words in _KEYWORDS.items() for word in words}
_KEYWORD_RANK = {source_type: rank for rank, source_type in enumerate(_KEYWORDS)}
# Keywords that are also surnames or given names ("Mary Church", "Bing Li", "Kevin Law"):
# they make a name an organisation only when no credential or "Dr." says it is a person.
_WEAK_KEYWORDS = frozenset(
    {"law", "church", "bing", "spa", "web", "sign", "signs", "ad", "ads", "self", "team", "co",
     "pc", "va", "and", "fb", "tv", "health", "online", "event", "events", "social", "barre",
     "training", "trainer", "group", "partners", "league", "society"}
)  # fmt: skip
_LEGAL_FORMS = frozenset(
    {"inc", "incorporated", "llc", "llp", "pllc", "pc", "pa", "corp", "corporation", "co",
     "company", "ltd", "lp", "plc"}
)  # fmt: skip


def _keyword_type(folded: str, person_signal: bool) -> str | None:
    """Type named by the keywords of a folded name, None when it has none."""
    words = folded.split()
    best = None
    for size in (1, 2, 3):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            found = _KEYWORD_TYPES.get(phrase)
            if found is None or (person_signal and phrase in _WEAK_KEYWORDS):
                continue
            if best is None or _KEYWORD_RANK[found] < _KEYWORD_RANK[best]:
                best = found
    return best


def _text_key(text: str) -> str:
    """Key of an organisation: "Summit Orthopedics, P.A." is "summit orthopedics"."""
    folded = _fold(text.replace(".", ""))
    words = folded.split()
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


class _Name(NamedTuple):
    """What one spelling of a source name says: its kind, type signal, key and display."""

    kind: str  # "blank" | "label" (a type label used as a name) | "person" | "other"
    source_type: str | None  # None: no signal in the name
    key: str | None  # person "surname|first", else folded text
    display: str  # person "First Last" without credential, else the text as typed
    credential: str  # display form of the type-giving credential, "" if none


_CREDENTIAL_PUNCTUATION = str.maketrans("", "", ".-/")


def _credential(token: str) -> str:
    return token.translate(_CREDENTIAL_PUNCTUATION).upper()


_WORD_PART = re.compile(r"[a-z]+")
_MC = re.compile(r"\bMc([a-z])")
_NOT_LETTER = re.compile(r"[^a-z]+")
_HAS_LETTER = re.compile(r"[a-z]")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SEGMENT_BREAK = re.compile(r"[,;|]| - | / ")
_BARE_INITIAL = re.compile(r"^([A-Za-z])\.?(?= )")


def _smart_case(token: str, first: bool) -> str:
    lower = token.lower()
    if not first and lower in _PARTICLES:
        return lower
    if not (token.isupper() or token.islower()):
        return token  # typed in mixed case on purpose: "McDonald", "DeAngelo"
    cased = _WORD_PART.sub(lambda m: m.group(0).capitalize(), lower)
    return _MC.sub(lambda m: "Mc" + m.group(1).upper(), cased)


def _letters(tokens: list[str]) -> str:
    return _NOT_LETTER.sub("", " ".join(tokens).lower())


def _strip_tokens(
    tokens: list[str], name_tokens: int, case_informative: bool
) -> tuple[list[str], list[str], bool]:
    """Leading titles and trailing credentials/suffixes off one comma segment."""
    titled = False
    while len(tokens) > 1 and (title := _credential(tokens[0])) in _TITLES:
        titled |= title in _DOCTOR_TITLES
        tokens = tokens[1:]
    found: list[str] = []
    while tokens:
        token = tokens[-1].strip(".,")
        code = _credential(token)
        if code in _SUFFIXES:
            tokens = tokens[:-1]
            continue
        if code in _CREDENTIALS:
            parts = [code]
        elif "/" in token:  # "MD/PhD", "ATC/L"
            parts = [_credential(p) for p in token.split("/") if p]
            if not parts or not all(p in _CREDENTIALS for p in parts):
                break
        else:
            break
        if code in _AMBIGUOUS_CREDENTIALS:
            others = name_tokens - len(found) - 1
            if not ("." in token or (token.isupper() if case_informative else others >= 2)):
                break
        found.extend(parts)
        tokens = tokens[:-1]
    return tokens, found, titled


@lru_cache(maxsize=131072)
def _parse_name(text: str) -> _Name:
    """Read one cleaned name: a person with credentials, an organisation, a channel..."""
    folded = _fold(text)
    label = _label_type(folded)
    if label == "unknown" or not _HAS_LETTER.search(folded):
        return _Name("blank", "unknown", None, "", "")
    if label is not None:
        return _Name("label", label, _label_key(folded), text, "")
    plain = _BRACKETED.sub(" ", _ascii(text))
    segments = [s.split() for s in _SEGMENT_BREAK.split(plain)]
    segments = [s for s in segments if s]
    name_tokens = sum(len(s) for s in segments)
    case_informative = not (plain.isupper() or plain.islower())
    credentials: list[str] = []
    titled = False
    stripped: list[list[str]] = []
    for tokens in segments:
        tokens, found, title = _strip_tokens(tokens, name_tokens, case_informative)
        credentials.extend(found)
        titled |= title
        if tokens:
            stripped.append(tokens)
    person_signal = bool(credentials) or titled
    flagged = [_keyword_type(_fold(" ".join(s)), person_signal) for s in stripped]
    name_segments = [s for s, t in zip(stripped, flagged, strict=True) if t is None]
    keyword = min((t for t in flagged if t), key=_KEYWORD_RANK.__getitem__, default=None)
    typed = sorted(
        (c for c in credentials if _CREDENTIALS[c]), key=lambda c: _TYPE_RANK[_CREDENTIALS[c]]
    )
    credential_type = _CREDENTIALS[typed[0]] if typed else None
    if not name_segments or (not person_signal and len(name_segments) < len(stripped)):
        return _Name("other", keyword or credential_type, _text_key(text), text, "")
    given, surname = _split_person(name_segments)
    surname_key, first_key = _letters(surname), _letters(given[:1])
    if not surname_key:
        return _Name("other", keyword or credential_type, folded, text, "")
    display_tokens = [*given[:1], *surname]
    display = " ".join(_smart_case(t, i == 0) for i, t in enumerate(display_tokens))
    display = _BARE_INITIAL.sub(r"\1.", display)  # "J Smith" -> "J. Smith"
    if titled and not given:
        display = f"Dr. {display}"
    if credential_type is not None:
        source_type = credential_type
    elif keyword in {"chiropractor", "health_wellness"}:
        source_type = keyword
    elif titled:
        source_type = "physician"
    else:
        source_type = keyword
    credential = _CREDENTIAL_DISPLAY.get(typed[0], typed[0]) if typed else ""
    return _Name("person", source_type, f"{surname_key}|{first_key}", display, credential)


def _split_person(segments: list[list[str]]) -> tuple[list[str], list[str]]:
    """(given names, surname words) of "Last, First Middle" or "First Middle Last"."""
    clean = [[t.strip(".,") for t in s if t.strip(".,")] for s in segments]
    clean = [s for s in clean if s]
    if len(clean) >= 2:
        return clean[1], clean[0]
    tokens = clean[0]
    if len(tokens) == 1:
        return [], tokens
    start = len(tokens) - 1
    for i in range(1, len(tokens) - 1):
        if tokens[i].lower() in _PARTICLES:
            start = i
            break
    return tokens[:1], tokens[start:]


def _clean_name(name: object) -> str | None:
    if _is_blank(name):
        return None
    text = " ".join(str(name).split())
    return text or None


def infer_type(name: str | None, default: str = "unknown") -> str:
    """Source type from a name's credentials and keywords; default for a bare person name."""
    text = _clean_name(name)
    if text is None:
        return "unknown"
    return _parse_name(text).source_type or default


def person_key(name: str | None) -> tuple[str, str] | None:
    """(key, display) identifying a person's name ("smith|john", "John Smith, MD"), else None."""
    text = _clean_name(name)
    if text is None:
        return None
    parsed = _parse_name(text)
    if parsed.kind != "person" or parsed.key is None:
        return None
    display = f"{parsed.display}, {parsed.credential}" if parsed.credential else parsed.display
    return parsed.key, display


# --- resolution ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Resolution:
    """Result of resolve_sources.

    frame: one row per input row (same index as names), columns "source" (canonical display
    name) and "source_type", both "str".
    aliases: rows to upsert into the alias table on (key, npi), columns ALIAS_COLUMNS ("str",
    key or npi may be missing): every (name key, valid NPI) pair seen whose source or type is
    not already stored that way in `known`.
    """

    frame: pd.DataFrame
    aliases: pd.DataFrame


class _Combo(NamedTuple):
    """A distinct (name, NPI) of the input (with its type label when it has no usable name)."""

    name: _Name | None
    npi: str | None
    label_type: str | None  # nameless combinations: the recognised, informative label
    label_text: str | None
    label_votes: dict[str, int]  # rows per recognised type label, for the type majority
    weight: int


def _codes(values: pd.Series | None, length: int) -> tuple[np.ndarray, np.ndarray]:
    if values is None:
        return np.full(length, -1, dtype=np.int64), np.array([], dtype=object)
    codes, uniques = pd.factorize(pd.Series(values), use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _with_missing(per_unique: list) -> list:
    # Code -1 (missing) + 1 is position 0.
    return [None, *per_unique]


def _combos(
    names: pd.Series, npis: pd.Series | None, labels: pd.Series | None
) -> tuple[np.ndarray, list[_Combo]]:
    """Row -> combination codes and the distinct combinations, each name parsed once."""
    n = len(names)
    name_codes, name_uniques = _codes(names, n)
    npi_codes, npi_uniques = _codes(npis, n)
    label_codes, label_uniques = _codes(labels, n)
    name_text = clean_text(pd.Series(name_uniques, dtype=object)).tolist()
    parsed = _with_missing([_parse_name(t) if isinstance(t, str) else None for t in name_text])
    label_text = _with_missing(clean_text(pd.Series(label_uniques, dtype=object)).tolist())
    label_text = [t if isinstance(t, str) else None for t in label_text]
    label_type = [None if t is None else type_from_label(t) for t in label_text]
    label_type = [t if t in _TYPE_RANK and t != "unknown" else None for t in label_type]
    # The label is part of the identity only where the name cannot be: "Google" as the type
    # and no contact. Elsewhere it only votes for the type, so it need not split combinations.
    nameless = np.array([p is None or not _has_name(p) for p in parsed])
    kept_label = np.where(nameless[name_codes + 1], label_codes, -1)
    b, c = len(npi_uniques) + 1, len(label_uniques) + 1
    joint = ((name_codes + 1) * b + (npi_codes + 1)) * c + (kept_label + 1)
    row_codes, joint_uniques = pd.factorize(joint)
    size = len(joint_uniques)
    weights = np.bincount(row_codes, minlength=size)
    type_codes = np.array([_TYPE_RANK[t] if t else -1 for t in label_type], dtype=np.int64)
    slots = len(SOURCE_TYPES) + 1
    votes = np.bincount(
        row_codes * slots + type_codes[label_codes + 1] + 1, minlength=size * slots
    ).reshape(size, slots)[:, 1:]
    label_votes: list[dict[str, int]] = [{} for _ in range(size)]
    for combo, type_at in zip(*np.nonzero(votes), strict=True):
        label_votes[combo][SOURCE_TYPES[type_at]] = int(votes[combo, type_at])
    rest, label_at = np.divmod(joint_uniques, c)
    name_at, npi_at = np.divmod(rest, b)
    npi_text = _with_missing([str(x) for x in npi_uniques])
    return row_codes, [
        _Combo(parsed[a], npi_text[p], label_type[li], label_text[li], v, w)
        for a, p, li, v, w in zip(
            name_at.tolist(),
            npi_at.tolist(),
            label_at.tolist(),
            label_votes,
            weights.tolist(),
            strict=True,
        )
    ]


def _is_channel(name: _Name) -> bool:
    """A channel label typed as the name ("Google" as Referral Contact)."""
    return name.kind == "label" and name.source_type in CHANNEL_TYPES


def _has_name(name: _Name) -> bool:
    """A person, an organisation or a channel: not blank, not a partner type label."""
    return name.kind in {"person", "other"} or _is_channel(name)


def _combo_key(combo: _Combo) -> str | None:
    """Name key of a combination; a channel label stands in for a missing name."""
    name = combo.name
    if name is not None and _has_name(name):
        return name.key
    # "Google" or "Self Referral" as the type and no contact: the channel is the source.
    if combo.label_type in CHANNEL_TYPES and combo.label_text:
        return _label_key(_fold(combo.label_text))
    return None


def _majority(votes: Counter[str]) -> str | None:
    if not votes:
        return None
    return min(votes, key=lambda t: (-votes[t], _TYPE_RANK.get(t, 99), t))


def _most_frequent(votes: Counter[str]) -> str | None:
    """Most frequent spelling; ties prefer mixed case ("Google" over "GOOGLE"), then order."""

    def rank(spelling: str) -> tuple[int, bool, str]:
        letters = [c for c in spelling if c.isalpha()]
        flat = all(c.isupper() for c in letters) or all(c.islower() for c in letters)
        return -votes[spelling], flat, spelling

    return min(votes, key=rank) if votes else None


class _Known(NamedTuple):
    by_npi: dict[str, tuple[str, str]]
    by_key: dict[str, list[tuple[str | None, str, str]]]
    rows: frozenset[tuple[str | None, str | None, str, str]]


def _read_known(known: pd.DataFrame | None) -> _Known:
    if known is None or known.empty:
        return _Known({}, {}, frozenset())
    missing = [c for c in ALIAS_COLUMNS if c not in known.columns]
    if missing:
        raise ValueError(f"The alias table lacks columns {missing}; it needs {ALIAS_COLUMNS}.")
    by_npi: dict[str, tuple[str, str]] = {}
    by_key: dict[str, list[tuple[str | None, str, str]]] = defaultdict(list)
    rows = set()
    for key, npi, source, source_type in known[list(ALIAS_COLUMNS)].itertuples(index=False):
        key = None if _is_blank(key) else str(key)
        npi = None if _is_blank(npi) else str(npi)
        if _is_blank(source):
            continue
        source_type = "unknown" if _is_blank(source_type) else str(source_type)
        rows.add((key, npi, str(source), source_type))
        if npi is not None:
            by_npi.setdefault(npi, (str(source), source_type))
        if key is not None:
            by_key[key].append((npi, str(source), source_type))
    return _Known(by_npi, dict(by_key), frozenset(rows))


def _key_matches(weights: Counter[str], stored: set[str]) -> dict[str, str]:
    """Person keys that stand for exactly one fuller key of the input or the alias table.

    "okafor|" (Dr. Okafor) and "okafor|j" (J. Okafor) join the only "okafor|<first>";
    "john|smith" (SMITH JOHN without a comma) joins an existing "smith|john".
    """
    every = set(weights) | stored
    full: dict[str, set[str]] = defaultdict(set)
    for key in every:
        surname, _, first = key.partition("|")
        if len(first) > 1:
            full[surname].add(key)
    matches: dict[str, str] = {}
    for key in weights:
        surname, _, first = key.partition("|")
        if len(first) <= 1:
            fits = {k for k in full.get(surname, ()) if k.partition("|")[2].startswith(first)}
            if len(fits) == 1:
                matches[key] = fits.pop()
            continue
        flipped = f"{first}|{surname}"
        if flipped == key or flipped not in every or key in stored:
            continue
        # The spelling already stored, else the more frequent one, else the first in order.
        if (flipped in stored, weights[flipped], key) > (False, weights[key], flipped):
            matches[key] = flipped
    return {key: matches.get(target, target) for key, target in matches.items()}


def resolve_sources(
    names: pd.Series,
    npis: pd.Series | None = None,
    npi_valid: pd.Series | None = None,
    type_labels: pd.Series | None = None,
    known: pd.DataFrame | None = None,
    default_type: str = "unknown",
) -> Resolution:
    """Canonical source and source_type per row, from names, NPIs, type labels and known aliases.

    npis (normalize_npi's text), npi_valid and type_labels align with names by position;
    without npi_valid the NPIs are normalised here. A valid NPI is the identity; otherwise the
    person key (person_key) or, for organisations and channels, the folded text. See
    Resolution for the return shape.
    """
    if default_type not in _TYPE_RANK:
        raise ValueError(f"default_type must be one of {SOURCE_TYPES}, not {default_type!r}.")
    valid_npis = None
    if npis is not None:
        if npi_valid is None:
            npis, npi_valid = normalize_npi(npis)
        valid_npis = npis.reset_index(drop=True).where(pd.Series(np.asarray(npi_valid, bool)))
    row_codes, combos = _combos(names, valid_npis, type_labels)
    stored = _read_known(known)

    # Person keys: surname-only spellings join the one full name that shares the surname.
    combo_keys = [_combo_key(combo) for combo in combos]
    person_weights: Counter[str] = Counter()
    for key, combo in zip(combo_keys, combos, strict=True):
        if key and "|" in key:
            person_weights[key] += combo.weight
    joined = _key_matches(person_weights, {k for k in stored.by_key if "|" in k})
    combo_keys = [joined.get(k, k) if k else k for k in combo_keys]

    npis_by_key: dict[str, set[str]] = defaultdict(set)
    for key, combo in zip(combo_keys, combos, strict=True):
        if key and combo.npi:
            npis_by_key[key].add(combo.npi)
    for key, rows in stored.by_key.items():
        npis_by_key[key].update(npi for npi, _, _ in rows if npi)

    # Identity of each combination: ("npi", npi), ("key", key) or None for Unknown.
    identities: list[tuple[str, str] | None] = []
    for key, combo in zip(combo_keys, combos, strict=True):
        if combo.npi:
            identities.append(("npi", combo.npi))
        elif key:
            one = npis_by_key.get(key, set())
            identities.append(("npi", next(iter(one))) if len(one) == 1 else ("key", key))
        else:
            identities.append(None)

    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, identity in enumerate(identities):
        if identity is not None:
            groups[identity].append(i)

    resolved: dict[tuple[str, str], tuple[str, str]] = {}
    for identity, members in groups.items():
        resolved[identity] = _resolve_group(
            identity, [combos[i] for i in members], [combo_keys[i] for i in members],
            stored, npis_by_key, default_type,
        )  # fmt: skip

    sources = [UNKNOWN_SOURCE] * len(combos)
    types = ["unknown"] * len(combos)
    alias_rows: set[tuple[str | None, str | None, str, str]] = set()
    for i, identity in enumerate(identities):
        if identity is None:
            continue
        sources[i], types[i] = resolved[identity]
        row = (combo_keys[i], combos[i].npi, sources[i], types[i])
        if row not in stored.rows:
            alias_rows.add(row)

    frame = pd.DataFrame(
        {"source": _take_text(sources, row_codes), "source_type": _take_text(types, row_codes)}
    ).set_axis(names.index)
    aliases = pd.DataFrame(sorted(alias_rows, key=lambda r: tuple(x or "" for x in r)))
    aliases = aliases.reindex(columns=range(4)).set_axis(list(ALIAS_COLUMNS), axis=1)
    return Resolution(frame, aliases.astype("str"))


def _take_text(per_combo: list[str], row_codes: np.ndarray) -> pd.Series:
    # pyarrow take: building 1M Python strings into "str" would cost more than the rest.
    # Large strings take five times faster than 32-bit offsets (no overflow checks).
    taken = pa.array(per_combo, type=pa.large_string()).take(pa.array(row_codes))
    return pd.Series(taken, dtype="str")


def _resolve_group(
    identity: tuple[str, str],
    members: list[_Combo],
    keys: list[str | None],
    stored: _Known,
    npis_by_key: dict[str, set[str]],
    default_type: str,
) -> tuple[str, str]:
    """(source, source_type) of one identity: reused from the alias table, or composed."""
    npi = identity[1] if identity[0] == "npi" else None
    evidence = _evidence_type(members)
    reuse = stored.by_npi.get(npi) if npi else None
    if reuse is None:
        candidates = set()
        for key in {k for k in keys if k}:
            rows = stored.by_key.get(key, [])
            # A stored name already tied to another NPI is that other person's.
            if npi is None or not any(known and known != npi for known, _, _ in rows):
                candidates |= {(source, source_type) for _, source, source_type in rows}
        if len({source for source, _ in candidates}) == 1:
            reuse = min(candidates, key=lambda c: _TYPE_RANK.get(c[1], 99))
    if reuse is not None:
        source, source_type = reuse
        # An earlier upload without type information does not pin a type forever.
        return source, (evidence if source_type == "unknown" and evidence else source_type)
    return _display(members, npi, keys, npis_by_key), evidence or default_type


def _evidence_type(members: list[_Combo]) -> str | None:
    """Majority type label, else majority type read from the names; None without signal."""
    labels: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for combo in members:
        name = combo.name
        if name is not None and _is_channel(name):
            # A channel named as the contact outranks the type column: "Google" is marketing.
            labels[name.source_type] += combo.weight
        else:
            labels.update(combo.label_votes)
        if name is not None and name.source_type not in (None, "unknown"):
            named[name.source_type] += combo.weight
    label, from_names = _majority(labels), _majority(named)
    # "Physician" labels cover PAs and NPs in most EMRs; the credential is the finer truth.
    if label == "physician" and from_names == "physician_extender":
        return from_names
    return label or from_names


def _display(
    members: list[_Combo], npi: str | None, keys: list[str | None], npis_by_key: dict
) -> str:
    """Most frequent person display (with its most frequent credential), else spelling."""
    people: Counter[str] = Counter()
    partial: Counter[str] = Counter()  # "Dr. Okafor", "J. Smith": only when nothing fuller
    credentials: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for combo in members:
        name = combo.name
        if name is not None and name.kind == "person":
            full = name.key is not None and len(name.key.partition("|")[2]) > 1
            (people if full else partial)[name.display] += combo.weight
            if name.credential:
                credentials[name.credential] += combo.weight
        elif name is not None and (name.kind == "other" or _is_channel(name)):
            others[name.display] += combo.weight
        elif combo.label_type in CHANNEL_TYPES and combo.label_text:
            others[combo.label_text] += combo.weight
    display = _most_frequent(people) or _most_frequent(partial)
    if display is not None:
        credential = _most_frequent(credentials)
        display = f"{display}, {credential}" if credential else display
    else:
        display = _most_frequent(others) or f"NPI {npi}"
    if npi and any(k and len(npis_by_key.get(k, ())) > 1 for k in keys):
        display = f"{display} (NPI …{npi[-4:]})"
    return display
