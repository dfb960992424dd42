"""Reading one referrer spelling: type labels, credentials, keywords, person keys.

Pure Python (no pandas), so a second process can parse a long list of spellings while the
ingest reads the other columns; `sources` turns the parsed names into canonical sources.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from analytics.schema import SOURCE_TYPES

__all__ = ["Name", "fold", "label_key", "label_type", "parse_name", "text_key"]

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


def fold(text: str) -> str:
    """Lowercase ASCII words: the comparison form of a name or label."""
    lowered = _ascii(text).lower().replace("&", " and ").replace("'", "")
    return _NON_ALNUM.sub(" ", lowered).strip()


# Every word of every label, blank-like label and noise word: a name with none of them (most
# people) is not a type label.
_LABEL_WORDS = frozenset(
    word for label in (*_LABEL_TYPES, *_UNKNOWN_LABELS, *_LABEL_NOISE) for word in label.split()
)


@lru_cache(maxsize=65536)
def label_type(folded: str) -> str | None:
    if folded and _LABEL_WORDS.isdisjoint(folded.split()):
        return None
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


def label_key(folded: str) -> str:
    """Key of a channel label: "Self Referral" and "Self" are one source."""
    return " ".join(w for w in folded.split() if w not in _LABEL_NOISE) or folded


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


# Every word of every keyword phrase: a name with none of them (most people) has no keyword.
_KEYWORD_WORDS = frozenset(word for phrase in _KEYWORD_TYPES for word in phrase.split())


def _keyword_type(folded: str, person_signal: bool) -> str | None:
    """Type named by the keywords of a folded name, None when it has none."""
    words = folded.split()
    if _KEYWORD_WORDS.isdisjoint(words):
        return None
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


def text_key(text: str) -> str:
    """Key of an organisation: "Summit Orthopedics, P.A." is "summit orthopedics"."""
    folded = fold(text.replace(".", ""))
    words = folded.split()
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


class Name(NamedTuple):
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
    if lower.isascii() and lower.isalpha() and not lower.startswith("mc"):
        return lower.capitalize()  # the usual word: no hyphen, apostrophe or "Mc"
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
def parse_name(text: str) -> Name:
    """Read one cleaned name: a person with credentials, an organisation, a channel..."""
    folded = fold(text)
    label = label_type(folded)
    if label == "unknown" or not _HAS_LETTER.search(folded):
        return Name("blank", "unknown", None, "", "")
    if label is not None:
        return Name("label", label, label_key(folded), text, "")
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
    if _KEYWORD_WORDS.isdisjoint(folded.split()):  # no segment can hold a keyword
        flagged: list[str | None] = [None] * len(stripped)
    else:
        flagged = [_keyword_type(fold(" ".join(s)), person_signal) for s in stripped]
    name_segments = [s for s, t in zip(stripped, flagged, strict=True) if t is None]
    keyword = min((t for t in flagged if t), key=_KEYWORD_RANK.__getitem__, default=None)
    typed = (
        sorted(
            (c for c in credentials if _CREDENTIALS[c]), key=lambda c: _TYPE_RANK[_CREDENTIALS[c]]
        )
        if credentials
        else []
    )
    credential_type = _CREDENTIALS[typed[0]] if typed else None
    if not name_segments or (not person_signal and len(name_segments) < len(stripped)):
        return Name("other", keyword or credential_type, text_key(text), text, "")
    given, surname = _split_person(name_segments)
    surname_key, first_key = _letters(surname), _letters(given[:1])
    if not surname_key:
        return Name("other", keyword or credential_type, folded, text, "")
    display_tokens = [*given[:1], *surname]
    display = " ".join(_smart_case(t, i == 0) for i, t in enumerate(display_tokens))
    if display[1:2] in (" ", "."):
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
    return Name("person", source_type, f"{surname_key}|{first_key}", display, credential)


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
