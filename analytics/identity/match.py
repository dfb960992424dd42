"""Evidence that two source names are one referrer, weighed into a confidence with reasons.

Names are read once (identity_names); a pair is then scored by rules (same NPI, person
names, a name mentioned inside another, organisation names, channel labels) and adjusted by
what the rows say (organisation, type, credentials, clinics, payers). Two hard rules: two
different valid NPIs are never one referrer, and two full names whose first names disagree
("John Smith MD", "Jane Smith DO") are never suggested.
"""

from __future__ import annotations

from typing import NamedTuple

from analytics.identity.entities import Context, Entity
from analytics.identity.names import (
    NICKNAMES,
    NameReading,
    first_name_fit,
    org_coverage,
    org_key,
    org_similarity,
    read_name,
    short_form,
    surnames_alike,
)
from analytics.ingest.vocabulary import credential_class
from analytics.schema import UNKNOWN_SOURCE

__all__ = [
    "Match",
    "is_named",
    "match",
    "told_apart",
]


class Match(NamedTuple):
    """A scored pair: confidence 0..1 and the evidence, strongest first."""

    confidence: float
    evidence: tuple[str, ...]


_VETO = Match(-1.0, ())


def _unique(score: float, person: NameReading, ctx: Context, initial: str = "") -> Match:
    """A partial name's score: raised when it fits only one person, lowered when several."""
    count = (
        ctx.people_by_initial[(person.surname, initial)]
        if initial
        else ctx.people_by_surname[person.surname]
    )
    shown = f"{initial.upper()}. {person.surname.capitalize()}" if initial else person.surname
    if count <= 1:
        return Match(score + 0.12, (f"the only {shown.title()}",))
    return Match(score * 0.6, (f"{count} people named {shown.title()}",))


def _person_rule(a: Entity, b: Entity, ctx: Context) -> Match | None:
    ra, rb = a.reading, b.reading
    if ra.kind not in ("person", "surname") or rb.kind not in ("person", "surname"):
        return None
    if ra.surname == rb.surname:
        alike = 1.0
    else:
        alike = 0.8 if surnames_alike(ra.surname, rb.surname) else 0.0
    if not alike:
        if len(ra.name_words) >= 2 and ra.name_words == rb.name_words:
            return Match(0.9, ("same name words in another order",))
        small, large = sorted((set(ra.name_words), set(rb.name_words)), key=len)
        if len(small) >= 2 and small < large and first_name_fit(ra, rb):
            return Match(0.7, ("one part of a two-part surname missing",))
        return None
    fit = first_name_fit(ra, rb)
    if fit is None:
        return _VETO  # a shared surname alone never makes one referrer
    score, reason = fit
    evidence = [reason]
    namesakes = ctx.people_by_name[(ra.surname, ra.first)]
    if score >= 0.9 and namesakes > 1 and not a.npis & b.npis:
        score *= 0.6
        evidence.append(f"{namesakes} people named {ra.first.title()} {ra.surname.title()}")
    if alike < 1:
        evidence.append(f"surnames spelled alike ({ra.surname} / {rb.surname})")
        if score <= 0.75:  # a typo'd surname with an initial at most: two weak signs
            alike *= 0.75
    elif score <= 0.75:  # surname only, or an initial: is there only one such person?
        full, short = (rb, ra) if len(rb.first) > 1 else (ra, rb)
        initial = "" if not (ra.first and rb.first) else short.first[:1]
        score, why = _unique(score, full, ctx, initial)
        evidence.extend(why)
    return Match(score * alike, tuple(evidence))


def is_named(entity: Entity, ctx: Context) -> bool:
    """A person's name ("Dr. Okafor", "Maria Okafor"), not a group named after one."""
    r = entity.reading
    if r.kind == "surname":
        return True
    if r.kind != "person":
        return False
    # "Hughes Spine", "Northgate IM" parse as first + last name: a real first name is typed
    # with a title or credential, is shared with another person, or is a known short form.
    return bool(
        r.credential or r.titled or len(r.first) == 1 or ctx.people_by_first[r.first] > 1
        or r.first in NICKNAMES
    )  # fmt: skip


def _same_first(word: str, person: NameReading) -> bool:
    """A word that can be this person's first name ("greg" for Gregory, "am" for Anne-Marie)."""
    first = person.first
    if word == first or (len(person.initials) > 1 and word == person.initials):
        return True
    short, long = sorted((word, first), key=len)
    return short_form(short, long) or long in NICKNAMES.get(short, ())


def _mention_rule(a: Entity, b: Entity, ctx: Context) -> Match | None:
    """`a` (a group, a nickname, a role) names the person `b`: "Okafor Ortho" is Okafor's."""
    ra, rb = a.reading, b.reading
    if rb.kind != "person" or len(rb.first) < 2 or ra.kind == "channel":
        return None
    if is_named(a, ctx) or not is_named(b, ctx):
        return None
    if ra.kind in ("person", "surname") and ra.surname == rb.surname:
        return None  # _person_rule's case
    words = a.words
    if len(rb.surname) >= 3 and rb.surname in words:
        others = {w for w in words - {rb.surname} if ctx.is_first_name(w)}
        if others and not any(_same_first(w, rb) for w in others):
            return None  # "Julia Hoffman Logistics" is not Peter Hoffman's
        score, named = 0.55, f"names {rb.surname.capitalize()}"
        if rb.first in words or (len(rb.initials) > 1 and rb.initials in words):
            score += 0.25
            named += f" and {rb.first.capitalize()}"
        score, why = _unique(score, rb, ctx)
        return Match(score, (named, *why))
    if len(rb.first) >= 3 and rb.first in words and ctx.people_by_first[rb.first] == 1:
        return Match(0.4, (f"names {rb.first.capitalize()}, the only {rb.first.capitalize()}",))
    return None


def _organization_rule(a: Entity, b: Entity, ctx: Context) -> Match | None:
    named_a, named_b = is_named(a, ctx), is_named(b, ctx)
    if named_a and named_b:
        return None
    if not named_a and not named_b:
        people_a = {w for w in a.words if ctx.people_by_surname[w]}
        people_b = {w for w in b.words if ctx.people_by_surname[w]}
        if bool(people_a) != bool(people_b) or (people_a and not people_a & people_b):
            return None  # "Summit Ortho (Okafor)" is Okafor: not the group, nor Natarajan
        firsts_a = {w for w in a.words if ctx.is_first_name(w)}
        firsts_b = {w for w in b.words if ctx.is_first_name(w)}
        if firsts_a and firsts_b and not firsts_a & firsts_b:
            return None  # "Valerie Hoffman Logistics" and "Julia Hoffman Logistics"
        similarity = org_similarity(a.org_words, b.org_words, ctx.common_words)
        if similarity >= 0.4:
            return Match(similarity, ("organisation names alike",))
        return None
    group, person = (b, a) if named_a else (a, b)
    if (
        not person.organization
        or person.reading.kind != "person"
        or group.reading.kind == "channel"
    ):
        return None
    if ctx.members_by_organization[org_key(person.organization)] != 1:
        return None
    organization = read_name(person.organization).org_words
    if org_similarity(group.org_words, organization, ctx.common_words) < 0.7:
        return None
    return Match(0.6, (f"names {person.organization}, where {person.name} is the only partner",))


def _channel_rule(a: Entity, b: Entity) -> Match | None:
    if not (a.channel and b.channel) or UNKNOWN_SOURCE in (a.name, b.name):
        return None
    if a.channel_type is None or a.channel_type != b.channel_type:
        return None
    if a.channel_type == "marketing":
        if org_similarity(a.reading.org_words, b.reading.org_words) >= 0.6:
            return Match(0.8, ("marketing labels naming the same channel",))
        return None
    label = "patient word-of-mouth" if a.channel_type == "patient" else "self-referral"
    return Match(0.65, (f"both are {label} labels",))


def told_apart(a: Entity, b: Entity) -> str | None:
    """What says two sources are two people, whatever their names: different NPIs, credential
    classes (MD / DO, NP / PA) or practices in the name; None when nothing does."""
    if a.npis and b.npis and not (a.npis & b.npis):
        return "different NPIs"
    if a.npis & b.npis:
        return None  # one valid NPI is one person, however the rest is typed
    ca, cb = a.reading.credential, b.reading.credential
    if ca and cb and credential_class(ca) != credential_class(cb):
        return f"different credentials ({ca} / {cb})"
    if a.place and b.place and org_similarity(a.place, b.place) < 0.7:
        return "different practices in the name"
    return None


def match(a: Entity, b: Entity, ctx: Context) -> Match | None:
    """The evidence that a and b are one referrer, or None when there is none (or a veto)."""
    if "patient" in (a.source_type, b.source_type, a.channel_type, b.channel_type):
        return None  # word of mouth is no one referrer: never offered as a merge
    if a.channel or b.channel:
        return _channel_rule(a, b)
    if told_apart(a, b):
        return None
    shared = a.npis & b.npis
    found = [
        m
        for m in (
            _person_rule(a, b, ctx),
            _mention_rule(a, b, ctx),
            _mention_rule(b, a, ctx),
            _organization_rule(a, b, ctx),
        )
        if m is not None
    ]
    if shared:
        found.append(Match(0.97, (f"same NPI …{min(shared)[-4:]}",)))
    elif any(m is _VETO for m in found):
        return None
    found = [m for m in found if m is not _VETO]
    if not found:
        return None
    best = max(found)
    score, evidence = best.confidence, list(best.evidence)
    score, evidence = _adjust(a, b, score, evidence, ctx)
    return Match(round(max(0.0, min(score, 0.99)), 3), tuple(evidence))


def _adjust(
    a: Entity, b: Entity, score: float, evidence: list[str], ctx: Context
) -> tuple[float, list[str]]:
    """What the rows add: organisation, type, credentials, clinics and payers."""
    if a.organization and b.organization:
        same = org_similarity(
            read_name(a.organization).org_words,
            read_name(b.organization).org_words,
            ctx.common_words,
        )
        if same >= 0.75:
            score += 0.08
            evidence.append(f"both at {b.organization}")
        else:
            score *= 0.85
            evidence.append(f"different organisations ({a.organization} / {b.organization})")
    else:
        for words, other in ((a.org_words, b), (b.org_words, a)):
            said = f"names {other.organization}"
            if any(e.startswith(said) for e in evidence):
                break
            if other.organization and org_coverage(words, other.organization) >= 0.75:
                score += 0.15
                evidence.append(said)
                break
    ta, tb = a.kind_of_partner, b.kind_of_partner
    if ta and tb:
        if ta == tb:
            score += 0.03
        elif "organization" not in (ta, tb):  # a practice is often named after its doctor
            score *= 0.6
            evidence.append(f"types differ ({ta} / {tb})")
    ca, cb = a.reading.credential, b.reading.credential
    if ca and cb and ca != cb and ta == tb:
        score *= 0.8
        evidence.append(f"credentials differ ({ca} / {cb})")
    for label, x, y in (("clinics", a.clinics, b.clinics), ("payers", a.payers, b.payers)):
        if x and y and len(x & y) / len(x | y) >= 0.5:
            score += 0.02
            evidence.append(f"same {label}")
    return score, evidence
