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

__all__ = [
    "PATIENT_NAME",
    "SELF_NAME",
    "Name",
    "credential_class",
    "fold",
    "label_key",
    "label_type",
    "parse_name",
    "text_key",
]

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


# Letters that do not decompose into an ASCII letter and a mark: spelled out, not dropped
# ("Weiß" folds to "weiss", "Ødegaard" to "odegaard"). Only keys are folded; shown names
# keep their letters.
_FOLD_LETTERS = str.maketrans(
    {"ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
     "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th",
     "ı": "i", "ħ": "h", "Ħ": "H", "ŋ": "ng"}
)  # fmt: skip


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_LETTERS))
    return decomposed.encode("ascii", "ignore").decode()


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
# Doctor titles in the languages a practice meets: "Dr.", "Dra.", "Dr.ª", "Dott.ssa"...
_DOCTOR_TITLES = frozenset(
    {"DR", "DRS", "DOCTOR", "DRA", "DRª", "DRº", "DRES", "DOTT", "DOTTSSA", "DOTTORE",
     "DOTTORESSA", "DOC"}
)  # fmt: skip
_TITLES = _DOCTOR_TITLES | frozenset(
    {"MR", "MRS", "MS", "MISS", "MX", "PROF", "PROFESSOR", "PROFA", "PROFª", "PR", "HERR",
     "FRAU", "MME", "MLLE", "SRA", "SRTA"}
)  # fmt: skip
# Words that go on a doctor's title: "Dr. med.", "Dr. rer. nat.", "Dr. med. dent.", "Dr. h.c.".
_TITLE_WORDS = frozenset(
    {"MED", "DENT", "MEDDENT", "VET", "MEDVET", "RER", "NAT", "RERNAT", "PHIL", "HC", "HABIL",
     "MULT", "SCI", "IUR", "JUR", "UNIV", "ING"}
)  # fmt: skip
# Titles kept before a surname shown without a first name ("Dr. med. Hofmann", "Prof. Lund").
_SHOWN_TITLES = _DOCTOR_TITLES | {"PROF", "PROFESSOR", "PROFA", "PROFª"}
_TITLE_DISPLAY = {"DR": "Dr.", "DOCTOR": "Dr.", "DRS": "Dr.", "PROF": "Prof.",
                  "PROFESSOR": "Prof."}  # fmt: skip
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
        # Clubs and sports: "Coastal Rugby Club", "Harbor CrossFit Box", "Eastside FC".
        "club", "clubs", "rugby", "soccer", "football", "baseball", "softball", "basketball",
        "hockey", "lacrosse", "volleyball", "tennis", "golf", "swim", "swimming", "running",
        "cycling", "climbing", "boxing", "dance", "studio", "studios", "box", "fc",
        "sportverein", "turnverein",
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
        # Employers' legal forms, law firms, schools and hospitals in other spellings.
        "gmbh", "ag", "kg", "limited", "plc", "lp", "pty", "holdings", "firm", "law firm",
        "law office", "law offices", "injury", "personal injury", "school district",
        "elementary", "unified", "usd", "klinik", "klinikum", "krankenhaus", "hopital",
        "spital", "medical center", "medical centre",
    ),
}  # fmt: skip
_KEYWORD_TYPES = {word: t for t, words in _KEYWORDS.items() for word in words}
_KEYWORD_RANK = {source_type: rank for rank, source_type in enumerate(_KEYWORDS)}
# Keywords that are also surnames or given names ("Mary Church", "Bing Li", "Kevin Law"):
# they make a name an organisation only when no credential or "Dr." says it is a person.
_WEAK_KEYWORDS = frozenset(
    {"law", "church", "bing", "spa", "web", "sign", "signs", "ad", "ads", "self", "team", "co",
     "pc", "va", "and", "fb", "tv", "health", "online", "event", "events", "social", "barre",
     "training", "trainer", "group", "partners", "league", "society", "ag", "box", "studio",
     "dance", "golf", "running", "firm", "swim", "fc", "lp"}
)  # fmt: skip
_LEGAL_FORMS = frozenset(
    {"inc", "incorporated", "llc", "llp", "pllc", "pc", "pa", "corp", "corporation", "co",
     "company", "ltd", "lp", "plc", "gmbh", "ag", "kg", "limited", "pty"}
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

    # "blank" | "label" (a type label used as a name) | "person" | "other" | "patient" (a
    # referring or self-referred patient named: the spelling must not be kept)
    kind: str
    source_type: str | None  # None: no signal in the name
    key: str | None  # person "surname|first", else folded text
    display: str  # person "First Last" without credential, else the text as typed
    credential: str  # display form of the type-giving credential, "" if none
    qualifier: str = ""  # a person's practice or location as typed: "Lakeshore IM"
    titled: bool = False  # a doctor's title before the name ("Dr.", "Dra.", "Dr. med.")


# What a referring patient's spelling becomes: a channel that names nobody.
PATIENT_NAME = Name("label", "patient", "patient", "Patient referral", "")
SELF_NAME = Name("label", "self", "self", "Self referral", "")

_CREDENTIAL_PUNCTUATION = str.maketrans("", "", ".-/")


def _credential(token: str) -> str:
    return token.translate(_CREDENTIAL_PUNCTUATION).upper()


# Credentials that name the same kind of clinician: "PA" and "PA-C", "NP" and "FNP".
_CREDENTIAL_CLASS = {
    **dict.fromkeys(("MD", "MBBS", "MBCHB"), "MD"),
    **dict.fromkeys(("PA", "PAC"), "PA"),
    **dict.fromkeys(
        ("NP", "NPC", "FNP", "FNPC", "FNPBC", "APRN", "APRNBC", "CRNP", "ANP", "ANPBC", "AGNP",
         "AGNPC", "ACNP", "DNP", "ARNP", "APN", "CNP", "PMHNP"),
        "NP",
    ),
}  # fmt: skip


def credential_class(credential: str) -> str:
    """The kind of clinician a credential names ("PA-C" -> "PA", "FNP" -> "NP"); "" for none."""
    code = _credential(credential)
    return _CREDENTIAL_CLASS.get(code, code)


_WORD_PART = re.compile(r"[^\W\d_]+")
_MC = re.compile(r"\bMc([a-z])")
_NOT_LETTER = re.compile(r"[^a-z]+")
_HAS_LETTER = re.compile(r"[a-z]")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SEGMENT_BREAK = re.compile(r"[,;|]")
# What follows a dash is where the person works, or a credential: "Dr. Patel - Summit Ortho".
_TAIL_BREAK = re.compile(r" [-–—/] ")


def _has_tail(text: str) -> bool:
    return " - " in text or " / " in text or "–" in text or "—" in text


_BARE_INITIAL = re.compile(r"^([^\W\d_])\.?(?= )")


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
    return _NOT_LETTER.sub("", _ascii(" ".join(tokens)).lower())


def _strip_tokens(
    tokens: list[str], name_tokens: int, case_informative: bool
) -> tuple[list[str], list[str], bool, list[str]]:
    """Leading titles and trailing credentials/suffixes off one comma segment."""
    titled = False
    titles: list[str] = []
    while len(tokens) > 1:
        title = _credential(tokens[0])
        if not (title in _TITLES or (titled and title in _TITLE_WORDS)):
            break
        titled |= title in _DOCTOR_TITLES
        titles.append(tokens[0])
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
    return tokens, found, titled, titles


def _title_display(titles: list[str]) -> str:
    """The titles shown before a lone surname: "Dr.", "Dr. med.", "Prof. Dr.", "Dra."."""
    shown = []
    for token in titles:
        code = _credential(token)
        if code in _TITLE_DISPLAY:
            shown.append(_TITLE_DISPLAY[code])
        elif code in _SHOWN_TITLES:
            shown.append(token.capitalize() if token.isupper() else token)
        elif code in _TITLE_WORDS and shown:
            shown.append(token if "." in token else f"{token.lower()}.")
    return " ".join(dict.fromkeys(shown)) if shown else ""


# --- referring patients named in the spelling ------------------------------------------

# Words that say the referrer is a patient or someone close to one: "Former patient - Rosa
# H.", "Patient: Linda Pickett", "Friend of Maria Lopez", "Linda Pickett (friend)".
_PATIENT_MARKERS = frozenset(
    {"patient", "patients", "friend", "friends", "family", "relative", "relatives", "spouse",
     "wife", "husband", "coworker", "coworkers", "colleague", "colleagues", "neighbor",
     "neighbors", "neighbour", "neighbours", "wom", "mouth", "client", "clients", "mother",
     "father", "mom", "dad", "son", "daughter", "sister", "brother", "cousin", "aunt", "uncle",
     "grandmother", "grandfather", "parent", "parents", "girlfriend", "boyfriend", "fiance",
     "fiancee"}
)  # fmt: skip
_SELF_MARKERS = frozenset({"self", "selfreferral", "walkin", "walk"})
_MENTION_MARKERS = _PATIENT_MARKERS | _SELF_MARKERS
# Words around the marker that are not the patient's name.
_MENTION_FILLER = frozenset(
    {"former", "past", "previous", "prior", "current", "existing", "returning", "return",
     "repeat", "old", "of", "by", "from", "referred", "referral", "referring", "ref", "via",
     "the", "a", "an", "and", "member", "members", "word", "co", "worker", "workers", "her",
     "his", "their", "my", "our", "s", "in", "law", "is", "was", "to", "pt", "name", "named",
     "source", "referrer", "ins"}
)  # fmt: skip
_MENTION_PARTS = re.compile(r"[()\[\]:;,|]| [-–—/] ")
_PATIENT_MENTION = Name("patient", "patient", "patient", PATIENT_NAME.display, "")
_SELF_MENTION = Name("patient", "self", "self", SELF_NAME.display, "")


def _names_patient(text: str, words: list[str]) -> Name | None:
    """A spelling that names a referring (or self-referred) patient, else None."""
    rest = [w for w in words if w not in _MENTION_MARKERS and w not in _MENTION_FILLER]
    if not rest or len(rest) > 4:
        return None
    first = next(i for i, w in enumerate(words) if w in _MENTION_MARKERS)
    # The marker leads ("Friend of ...") or stands apart ("... (patient)"); "Sarah Friend"
    # is a name.
    if any(w not in _MENTION_FILLER for w in words[:first]):
        apart = False
        for part in _MENTION_PARTS.split(text):
            said = fold(part).split()
            if said and all(w in _MENTION_MARKERS or w in _MENTION_FILLER for w in said):
                apart = apart or not _MENTION_MARKERS.isdisjoint(said)
        if not apart:
            return None
    rest_text = " ".join(rest)
    # What remains must be a person's name: not a label, an organisation or a clinician.
    if label_type(rest_text) is not None or _keyword_type(rest_text, False) is not None:
        return None
    tokens = {_credential(t) for t in text.split()}
    if not tokens.isdisjoint(_DOCTOR_TITLES) or any(
        _CREDENTIALS.get(t) for t in tokens if t not in _AMBIGUOUS_CREDENTIALS
    ):
        return None
    return _PATIENT_MENTION if not _PATIENT_MARKERS.isdisjoint(words) else _SELF_MENTION


# --- one spelling ----------------------------------------------------------------------


def _qualifier_parts(parts: list[str], credentials: list[str]) -> list[str]:
    """Bracketed or dash-separated parts that say where a person works; credentials found
    there go to `credentials` ("John Smith (MD)"), numbers (an NPI, a phone) are dropped."""
    kept = []
    for part in parts:
        tokens = part.split()
        codes = [_credential(t.strip(".,")) for t in tokens]
        if codes and all(c in _CREDENTIALS or c in _SUFFIXES for c in codes):
            credentials.extend(c for c in codes if c in _CREDENTIALS)
        # "(Dr. Lane)", "(Okafor's PA)" name someone else: not where this person works.
        elif (
            _DOCTOR_TITLES.isdisjoint(codes)
            and not _POSSESSIVE.search(part)
            and _HAS_LETTER.search(fold(part))
        ):
            kept.append(" ".join(tokens))
    return kept


_POSSESSIVE = re.compile(r"\w['’]s\b")


def _clinician(part: str) -> bool:
    """A part that names a clinician: a doctor's title first or a credential last."""
    tokens = part.split()
    if not tokens:
        return False
    last = _CREDENTIALS.get(_credential(tokens[-1].strip(".,")))
    return _credential(tokens[0]) in _DOCTOR_TITLES or last is not None


@lru_cache(maxsize=131072)
def parse_name(text: str) -> Name:
    """Read one cleaned name: a person with credentials, an organisation, a channel..."""
    folded = fold(text)
    if not _HAS_LETTER.search(folded):
        if any(c.isalpha() for c in text):  # letters no folding reaches: "山田 太郎"
            return Name("other", None, " ".join(text.casefold().split()), text, "")
        return Name("blank", "unknown", None, "", "")
    label = label_type(folded)
    if label == "unknown":
        return Name("blank", "unknown", None, "", "")
    if label is not None:
        return Name("label", label, label_key(folded), text, "")
    words = folded.split()
    if not _MENTION_MARKERS.isdisjoint(words) and (patient := _names_patient(text, words)):
        return patient
    brackets = [m[1:-1] for m in _BRACKETED.findall(text)] if "(" in text or "[" in text else []
    plain = _BRACKETED.sub(" ", text) if brackets else text
    head, *tails = _TAIL_BREAK.split(plain) if _has_tail(plain) else (plain,)
    if tails and (not head.strip() or (not _clinician(head) and any(map(_clinician, tails)))):
        # "Coastal Chiro - Dr. Fox": the clinician comes after the dash; read every part
        head, tails = _TAIL_BREAK.sub(", ", plain), []
    segments = [s.split() for s in _SEGMENT_BREAK.split(head)]
    segments = [s for s in segments if s]
    name_tokens = sum(len(s) for s in segments)
    case_informative = not (plain.isupper() or plain.islower())
    credentials: list[str] = []
    titled = False
    titles: list[str] = []
    stripped: list[list[str]] = []
    for tokens in segments:
        tokens, found, title, typed_titles = _strip_tokens(tokens, name_tokens, case_informative)
        credentials.extend(found)
        titled |= title
        titles.extend(typed_titles)
        if tokens:
            stripped.append(tokens)
    tail_parts = _qualifier_parts(tails, credentials) if tails else []
    bracket_parts = _qualifier_parts(brackets, credentials) if brackets else []
    person_signal = bool(credentials) or titled
    if _KEYWORD_WORDS.isdisjoint(words):  # no segment can hold a keyword
        flagged: list[str | None] = [None] * len(stripped)
        tail_keywords: list[str | None] = []
    else:
        flagged = [_keyword_type(fold(" ".join(s)), person_signal) for s in stripped]
        tail_keywords = [_keyword_type(fold(t), False) for t in tail_parts]
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
    # Without a credential or title, a part naming an organisation makes the whole an
    # organisation's name ("Jessica Park - RU Athletics", "Summit Ortho, Okafor").
    if not name_segments or (
        not person_signal and (len(name_segments) < len(stripped) or any(tail_keywords))
    ):
        found = min((t for t in tail_keywords if t), key=_KEYWORD_RANK.__getitem__, default=None)
        return Name("other", keyword or found or credential_type, text_key(text), text, "")
    given, surname = _split_person(name_segments)
    surname_key, first_key = _letters(surname), _letters(given[:1])
    if not surname_key:
        return Name("other", keyword or credential_type, folded, text, "")
    display_tokens = [*given[:1], *surname]
    display = " ".join(_smart_case(t, i == 0) for i, t in enumerate(display_tokens))
    if display[1:2] in (" ", "."):
        display = _BARE_INITIAL.sub(r"\1.", display)  # "J Smith" -> "J. Smith"
    if not given and (shown := _title_display(titles)):
        display = f"{shown} {display}"
    if credential_type is not None:
        source_type = credential_type
    elif keyword in {"chiropractor", "health_wellness"}:
        source_type = keyword
    elif titled:
        source_type = "physician"
    else:
        source_type = keyword
    credential = _CREDENTIAL_DISPLAY.get(typed[0], typed[0]) if typed else ""
    qualifier = "; ".join([*bracket_parts, *tail_parts])
    return Name(
        "person", source_type, f"{surname_key}|{first_key}", display, credential, qualifier, titled
    )


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
