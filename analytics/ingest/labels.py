"""Type labels an export writes for a source ("Physician", "Self Referral"), and folding."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


def ascii_letters(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_LETTERS))
    return decomposed.encode("ascii", "ignore").decode()


def fold(text: str) -> str:
    """Lowercase ASCII words: the comparison form of a name or label."""
    lowered = ascii_letters(text).lower().replace("&", " and ").replace("'", "")
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
