"""Reading one referrer spelling into a Name: person or organisation, type, key and display.

Pure Python (no pandas), so a second process can parse a long list of spellings while the
ingest reads the other columns; `sources` turns the parsed names into canonical sources.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from analytics.ingest.labels import ascii_letters, fold, label_key, label_type
from analytics.ingest.vocabulary import (
    AMBIGUOUS_CREDENTIALS,
    CREDENTIAL_DISPLAY,
    CREDENTIALS,
    DOCTOR_TITLES,
    KEYWORD_RANK,
    KEYWORD_WORDS,
    LEGAL_FORMS,
    PARTICLES,
    SHOWN_TITLES,
    SUFFIXES,
    TITLE_DISPLAY,
    TITLE_WORDS,
    TITLES,
    credential_code,
    keyword_type,
)
from analytics.schema import SOURCE_TYPES

__all__ = [
    "PATIENT_NAME",
    "SELF_NAME",
    "Name",
    "parse_name",
    "text_key",
]

_TYPE_RANK = {t: i for i, t in enumerate(SOURCE_TYPES)}


def text_key(text: str) -> str:
    """Key of an organisation: "Summit Orthopedics, P.A." is "summit orthopedics"."""
    folded = fold(text.replace(".", ""))
    words = folded.split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
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
    if not first and lower in PARTICLES:
        return lower
    if not (token.isupper() or token.islower()):
        return token  # typed in mixed case on purpose: "McDonald", "DeAngelo"
    if lower.isascii() and lower.isalpha() and not lower.startswith("mc"):
        return lower.capitalize()  # the usual word: no hyphen, apostrophe or "Mc"
    cased = _WORD_PART.sub(lambda m: m.group(0).capitalize(), lower)
    return _MC.sub(lambda m: "Mc" + m.group(1).upper(), cased)


def _letters(tokens: list[str]) -> str:
    return _NOT_LETTER.sub("", ascii_letters(" ".join(tokens)).lower())


def _strip_tokens(
    tokens: list[str], name_tokens: int, case_informative: bool
) -> tuple[list[str], list[str], bool, list[str]]:
    """Leading titles and trailing credentials/suffixes off one comma segment."""
    titled = False
    titles: list[str] = []
    while len(tokens) > 1:
        title = credential_code(tokens[0])
        if not (title in TITLES or (titled and title in TITLE_WORDS)):
            break
        titled |= title in DOCTOR_TITLES
        titles.append(tokens[0])
        tokens = tokens[1:]
    found: list[str] = []
    while tokens:
        token = tokens[-1].strip(".,")
        code = credential_code(token)
        if code in SUFFIXES:
            tokens = tokens[:-1]
            continue
        if code in CREDENTIALS:
            parts = [code]
        elif "/" in token:  # "MD/PhD", "ATC/L"
            parts = [credential_code(p) for p in token.split("/") if p]
            if not parts or not all(p in CREDENTIALS for p in parts):
                break
        else:
            break
        if code in AMBIGUOUS_CREDENTIALS:
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
        code = credential_code(token)
        if code in TITLE_DISPLAY:
            shown.append(TITLE_DISPLAY[code])
        elif code in SHOWN_TITLES:
            shown.append(token.capitalize() if token.isupper() else token)
        elif code in TITLE_WORDS and shown:
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
    if label_type(rest_text) is not None or keyword_type(rest_text, False) is not None:
        return None
    tokens = {credential_code(t) for t in text.split()}
    if not tokens.isdisjoint(DOCTOR_TITLES) or any(
        CREDENTIALS.get(t) for t in tokens if t not in AMBIGUOUS_CREDENTIALS
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
        codes = [credential_code(t.strip(".,")) for t in tokens]
        if codes and all(c in CREDENTIALS or c in SUFFIXES for c in codes):
            credentials.extend(c for c in codes if c in CREDENTIALS)
        # "(Dr. Lane)", "(Okafor's PA)" name someone else: not where this person works.
        elif (
            DOCTOR_TITLES.isdisjoint(codes)
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
    last = CREDENTIALS.get(credential_code(tokens[-1].strip(".,")))
    return credential_code(tokens[0]) in DOCTOR_TITLES or last is not None


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
    if KEYWORD_WORDS.isdisjoint(words):  # no segment can hold a keyword
        flagged: list[str | None] = [None] * len(stripped)
        tail_keywords: list[str | None] = []
    else:
        flagged = [keyword_type(fold(" ".join(s)), person_signal) for s in stripped]
        tail_keywords = [keyword_type(fold(t), False) for t in tail_parts]
    name_segments = [s for s, t in zip(stripped, flagged, strict=True) if t is None]
    keyword = min((t for t in flagged if t), key=KEYWORD_RANK.__getitem__, default=None)
    typed = (
        sorted((c for c in credentials if CREDENTIALS[c]), key=lambda c: _TYPE_RANK[CREDENTIALS[c]])
        if credentials
        else []
    )
    credential_type = CREDENTIALS[typed[0]] if typed else None
    # Without a credential or title, a part naming an organisation makes the whole an
    # organisation's name ("Jessica Park - RU Athletics", "Summit Ortho, Okafor").
    if not name_segments or (
        not person_signal and (len(name_segments) < len(stripped) or any(tail_keywords))
    ):
        found = min((t for t in tail_keywords if t), key=KEYWORD_RANK.__getitem__, default=None)
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
    credential = CREDENTIAL_DISPLAY.get(typed[0], typed[0]) if typed else ""
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
        if tokens[i].lower() in PARTICLES:
            start = i
            break
    return tokens[:1], tokens[start:]
