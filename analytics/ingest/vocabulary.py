"""The words of referrer names: credentials, titles, particles, keywords and legal forms."""

from __future__ import annotations

CREDENTIALS: dict[str, str | None] = {
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
AMBIGUOUS_CREDENTIALS = frozenset(
    {"DO", "PA", "OT", "PT", "DC", "MS", "MA", "BA", "BS", "ND", "OD", "RD", "LAT", "LAC", "CPT"}
)
CREDENTIAL_DISPLAY = {
    "PAC": "PA-C", "FNPC": "FNP-C", "FNPBC": "FNP-BC", "APRNBC": "APRN-BC", "NPC": "NP-C",
    "OTRL": "OTR/L", "CCCSLP": "CCC-SLP", "ATCL": "ATC/L", "ESQ": "Esq.", "LAC": "LAc",
    "ERYT": "E-RYT", "PHD": "PhD", "PHARMD": "PharmD", "MBCHB": "MBChB",
}  # fmt: skip
SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV", "2ND", "3RD"})
# Doctor titles in the languages a practice meets: "Dr.", "Dra.", "Dr.ª", "Dott.ssa"...
DOCTOR_TITLES = frozenset(
    {"DR", "DRS", "DOCTOR", "DRA", "DRª", "DRº", "DRES", "DOTT", "DOTTSSA", "DOTTORE",
     "DOTTORESSA", "DOC"}
)  # fmt: skip
TITLES = DOCTOR_TITLES | frozenset(
    {"MR", "MRS", "MS", "MISS", "MX", "PROF", "PROFESSOR", "PROFA", "PROFª", "PR", "HERR",
     "FRAU", "MME", "MLLE", "SRA", "SRTA"}
)  # fmt: skip
# Words that go on a doctor's title: "Dr. med.", "Dr. rer. nat.", "Dr. med. dent.", "Dr. h.c.".
TITLE_WORDS = frozenset(
    {"MED", "DENT", "MEDDENT", "VET", "MEDVET", "RER", "NAT", "RERNAT", "PHIL", "HC", "HABIL",
     "MULT", "SCI", "IUR", "JUR", "UNIV", "ING"}
)  # fmt: skip
# Titles kept before a surname shown without a first name ("Dr. med. Hofmann", "Prof. Lund").
SHOWN_TITLES = DOCTOR_TITLES | {"PROF", "PROFESSOR", "PROFA", "PROFª"}
TITLE_DISPLAY = {"DR": "Dr.", "DOCTOR": "Dr.", "DRS": "Dr.", "PROF": "Prof.",
                  "PROFESSOR": "Prof."}  # fmt: skip
PARTICLES = frozenset(
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
KEYWORD_RANK = {source_type: rank for rank, source_type in enumerate(_KEYWORDS)}
# Keywords that are also surnames or given names ("Mary Church", "Bing Li", "Kevin Law"):
# they make a name an organisation only when no credential or "Dr." says it is a person.
_WEAK_KEYWORDS = frozenset(
    {"law", "church", "bing", "spa", "web", "sign", "signs", "ad", "ads", "self", "team", "co",
     "pc", "va", "and", "fb", "tv", "health", "online", "event", "events", "social", "barre",
     "training", "trainer", "group", "partners", "league", "society", "ag", "box", "studio",
     "dance", "golf", "running", "firm", "swim", "fc", "lp"}
)  # fmt: skip
LEGAL_FORMS = frozenset(
    {"inc", "incorporated", "llc", "llp", "pllc", "pc", "pa", "corp", "corporation", "co",
     "company", "ltd", "lp", "plc", "gmbh", "ag", "kg", "limited", "pty"}
)  # fmt: skip


# Every word of every keyword phrase: a name with none of them (most people) has no keyword.
KEYWORD_WORDS = frozenset(word for phrase in _KEYWORD_TYPES for word in phrase.split())


def keyword_type(folded: str, person_signal: bool) -> str | None:
    """Type named by the keywords of a folded name, None when it has none."""
    words = folded.split()
    if KEYWORD_WORDS.isdisjoint(words):
        return None
    best = None
    for size in (1, 2, 3):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            found = _KEYWORD_TYPES.get(phrase)
            if found is None or (person_signal and phrase in _WEAK_KEYWORDS):
                continue
            if best is None or KEYWORD_RANK[found] < KEYWORD_RANK[best]:
                best = found
    return best


_CREDENTIAL_PUNCTUATION = str.maketrans("", "", ".-/")


def credential_code(token: str) -> str:
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
    code = credential_code(credential)
    return _CREDENTIAL_CLASS.get(code, code)
