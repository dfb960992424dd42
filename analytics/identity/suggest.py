"""Suggested merges: likely duplicate sources, found by blocking and scored by identity_match.

Comparing every pair of 5,000 sources is 12.5 million pairs; blocking keeps only pairs that
share something a duplicate shares (a surname or one spelled alike, a name word, a word that
is another source's surname or first name, an organisation word or acronym, an NPI, a
channel type), so a store of 5,000 sources is scored in well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

from analytics.identity.entities import Context, Entity
from analytics.identity.match import is_named, match
from analytics.identity.names import (
    CHANNEL_TYPES,
    DESCRIPTOR_GROUP,
    NameReading,
    first_letter,
    first_name_fit,
    read_name,
    surnames_alike,
)

__all__ = ["Suggestion", "candidate_pairs", "entities_of", "suggest"]

MIN_CONFIDENCE = 0.4
AMBIGUOUS_FACTOR = 0.6  # a name that fits two people is at best a guess between them
_MAX_BLOCK = 300  # a word shared by more sources than this says nothing about identity
_GENERIC_WORDS = frozenset(
    {"gym", "fitness", "clinic", "center", "group", "associates", "medical", "health",
     "physical", "therapy", "sports", "family", "medicine", "care", "law", "school"}
)  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    """Merge `source` into `target` (the one kept), with a confidence 0..1 and its evidence."""

    source: str
    target: str
    confidence: float
    evidence: tuple[str, ...]
    source_referrals: int = 0
    target_referrals: int = 0
    source_activities: int = 0
    target_activities: int = 0
    # Other sources `source` may as well be (two people it could name): the owner picks.
    alternatives: tuple[str, ...] = ()

    @property
    def pair(self) -> tuple[str, str]:
        """The two names, sorted: how a rejection is remembered."""
        a, b = sorted((self.source, self.target))
        return a, b


def entities_of(profiles: pd.DataFrame, activities: pd.DataFrame | None = None) -> list[Entity]:
    """Entities from Store.source_profiles() and Store.activities() (outreach names)."""
    outreach_spellings: dict[str, tuple[str, ...]] = {}
    counts: dict[str, int] = {}
    if activities is not None and len(activities):
        grouped = activities.groupby("partner", sort=True)["partner_name"]
        counts = grouped.size().to_dict()
        outreach_spellings = {
            partner: tuple(sorted(set(names.dropna()))) for partner, names in grouped
        }
    activities = counts
    entities = []
    for row in profiles.itertuples(index=False):
        organization = row.organization if isinstance(row.organization, str) else None
        entities.append(
            Entity(
                name=row.source,
                source_type=row.source_type,
                referrals=int(row.referrals),
                activities=activities.pop(row.source, 0),
                npis=frozenset(row.npis),
                clinics=frozenset(row.clinics),
                payers=frozenset(row.payers),
                organization=organization,
                spellings=tuple(
                    dict.fromkeys((*row.spellings, *outreach_spellings.pop(row.source, ())))
                ),
            )
        )
    for name, count in sorted(activities.items()):
        spellings = outreach_spellings.get(name, ())
        entities.append(Entity(name=name, activities=int(count), spellings=spellings))
    return entities


def _pairs_within(members: Sequence[int], pairs: set[tuple[int, int]]) -> None:
    if 1 < len(members) <= _MAX_BLOCK:
        pairs.update(combinations(sorted(set(members)), 2))


class _People:
    """Person names by surname, paired only where their first names can be one person's."""

    def __init__(self, entities: Sequence[Entity]):
        self.entities = entities
        self.by_surname: dict[str, list[int]] = defaultdict(list)
        self.by_part: dict[str, list[int]] = defaultdict(list)  # other name words

    def add(self, i: int) -> None:
        reading = self.entities[i].reading
        self.by_surname[reading.surname].append(i)
        for word in reading.name_words:
            if word not in (reading.first, reading.surname) and len(word) >= 3:
                self.by_part[word].append(i)

    def pair(self, left: Sequence[int], right: Sequence[int], pairs: set[tuple[int, int]]) -> None:
        """Pairs across two blocks whose first names fit (a surname alone fits anyone)."""
        right_groups: dict[str, dict[NameReading, list[int]]] = defaultdict(dict)
        for j in right:
            reading = self.entities[j].reading
            right_groups[first_letter(reading)].setdefault(reading, []).append(j)
        left_groups: dict[NameReading, list[int]] = defaultdict(list)
        for i in left:
            left_groups[self.entities[i].reading].append(i)
        for reading, members in left_groups.items():
            letter = first_letter(reading)
            for other_letter in right_groups if not letter else (letter, ""):
                for other, others in right_groups.get(other_letter, {}).items():
                    if first_name_fit(reading, other) is not None:
                        pairs.update(
                            (min(i, j), max(i, j)) for i in members for j in others if i != j
                        )

    def all_pairs(self, pairs: set[tuple[int, int]]) -> None:
        for members in self.by_surname.values():
            self.pair(members, members, pairs)
        # Two-part surnames: "Ana Garcia Lopez" and "Garcia-Lopez, Ana" share "garcia".
        for word, members in self.by_part.items():
            self.pair(members, [*members, *self.by_surname.get(word, ())], pairs)
        # Surnames a typo apart ("Natarajan" / "Natrajan"), compared within first-letter and
        # last-two-letter blocks so a typo at either end is still found.
        surnames = [s for s in self.by_surname if len(s) >= 4]
        for block_key in (lambda s: s[0], lambda s: s[-2:]):
            blocks: dict[str, list[str]] = defaultdict(list)
            for surname in surnames:
                blocks[block_key(surname)].append(surname)
            for names in blocks.values():
                if len(names) < 2:
                    continue
                edits = process.cdist(
                    names, names, scorer=OSA.distance, score_cutoff=2, dtype=np.uint8, workers=-1
                )
                for i, j in zip(*np.nonzero(np.triu(edits <= 2, k=1)), strict=True):
                    if surnames_alike(names[i], names[j]):
                        self.pair(self.by_surname[names[i]], self.by_surname[names[j]], pairs)


def candidate_pairs(entities: Sequence[Entity], ctx: Context) -> set[tuple[int, int]]:
    """Index pairs (i < j) worth scoring."""
    pairs: set[tuple[int, int]] = set()
    people = _People(entities)
    by_first: dict[str, list[int]] = defaultdict(list)
    by_word: dict[str, list[int]] = defaultdict(list)  # organisation words and their prefixes
    acronyms: dict[str, list[int]] = defaultdict(list)
    by_npi: dict[str, list[int]] = defaultdict(list)
    by_organization: dict[str, list[int]] = defaultdict(list)
    channels: dict[str, list[int]] = defaultdict(list)
    groups: list[int] = []  # names that are not a person's: may mention one
    for i, entity in enumerate(entities):
        reading = entity.reading
        for npi in entity.npis:
            by_npi[npi].append(i)
        if entity.channel:
            channels[entity.source_type if entity.source_type in CHANNEL_TYPES else ""].append(i)
            continue
        if reading.kind in ("person", "surname"):
            people.add(i)
            if len(reading.first) > 1 and ctx.people_by_first[reading.first] == 1:
                by_first[reading.first].append(i)
            if entity.organization:
                by_organization[entity.organization].append(i)
        if not is_named(entity, ctx):
            groups.append(i)
            words = [w for w in entity.org_words if len(w) >= 2]
            for word in words:
                if len(word) >= 3 and word not in ctx.common_words and word not in DESCRIPTOR_GROUP:
                    by_word[word].append(i)
                    if len(word) >= 4:
                        by_word[word[:4]].append(i)
            for size in (2, 3):
                for k in range(len(words) - size + 1):
                    acronyms["".join(w[0] for w in words[k : k + size])].append(i)
    people.all_pairs(pairs)
    for block in (*by_word.values(), *by_npi.values()):
        _pairs_within(block, pairs)
    # A group name that names a person (by surname, or by a first name only one person has),
    # an organisation a single partner belongs to, or another group by its acronym.
    organizations = {org: set(read_name(org).org_words) for org in by_organization}
    for i in groups:
        entity = entities[i]
        words = entity.words
        firsts = {w for w in words if ctx.is_first_name(w)}
        for word in words:
            named = people.by_surname.get(word, ())
            if firsts:  # "Julia Hoffman Logistics": only the Hoffmans that can be Julia
                named = [j for j in named if any(_first_fits(f, entities[j]) for f in firsts)]
            hits = [*named, *by_first.get(word, ()), *acronyms.get(word, ())]
            if len(word) >= 4 and word not in ctx.common_words:
                hits.extend(by_word.get(word[:4], ()))
            if len(hits) <= _MAX_BLOCK:
                pairs.update((min(i, j), max(i, j)) for j in hits if j != i)
        for org, org_words in organizations.items():
            members = by_organization[org]
            if len(members) == 1 and org_words & set(entity.org_words) - ctx.common_words:
                j = members[0]
                pairs.add((min(i, j), max(i, j)))
    _channel_pairs(entities, channels, pairs)
    return pairs


def _first_fits(word: str, entity: Entity) -> bool:
    first = entity.reading.first
    return word == first or (min(len(word), len(first)) >= 3 and first.startswith(word))


def _channel_pairs(
    entities: Sequence[Entity], channels: Mapping[str, list[int]], pairs: set[tuple[int, int]]
) -> None:
    """Patient and self-referral labels each join the biggest of their type; marketing labels
    pair up when their words overlap (scored by identity_match)."""
    for source_type, members in channels.items():
        if source_type in ("patient", "self") and len(members) > 1:
            biggest = max(members, key=lambda i: (entities[i].referrals, entities[i].name))
            pairs.update((min(i, biggest), max(i, biggest)) for i in members if i != biggest)
        elif source_type == "marketing":
            _pairs_within(members, pairs)


def _keep_order(entity: Entity) -> tuple:
    """Which of two sources is kept: more referrals, then outreach, an NPI, a full name."""
    reading = entity.reading
    return (
        entity.referrals,
        entity.activities,
        bool(entity.npis),
        reading.kind == "person" and len(reading.first) > 1,
        bool(reading.credential),
        -len(entity.name),
        entity.name,
    )


def suggest(
    entities: Sequence[Entity],
    rejected: Iterable[tuple[str, str]] = (),
    min_confidence: float = MIN_CONFIDENCE,
) -> list[Suggestion]:
    """Likely duplicates, most confident first; never a rejected pair or two different NPIs."""
    ctx = Context.of(entities)
    refused = {tuple(sorted(p)) for p in rejected}
    found = []
    for i, j in candidate_pairs(entities, ctx):
        a, b = entities[i], entities[j]
        if tuple(sorted((a.name, b.name))) in refused:
            continue
        scored = match(a, b, ctx)
        if scored is None or scored.confidence < min_confidence:
            continue
        source, target = sorted((a, b), key=_keep_order)
        found.append(
            Suggestion(
                source.name,
                target.name,
                scored.confidence,
                scored.evidence,
                source.referrals,
                target.referrals,
                source.activities,
                target.activities,
            )
        )
    found = _name_alternatives(found, {e.name: e for e in entities}, ctx)
    found.sort(key=lambda s: (-s.confidence, -s.target_referrals, s.source, s.target))
    return found


def _name_alternatives(
    found: list[Suggestion], by_name: Mapping[str, Entity], ctx: Context
) -> list[Suggestion]:
    """A source suggested with two people who are not one ("Dr. Patel" with the Lakeshore
    and the Summit Patel) is ambiguous: each of its suggestions merges it (never them) and
    names the others, so the owner picks."""
    partners: dict[str, set[str]] = defaultdict(set)
    for s in found:
        partners[s.source].add(s.target)
        partners[s.target].add(s.source)
    ambiguous: dict[str, tuple[str, ...]] = {}
    for name, others in partners.items():
        people = sorted(o for o in others if is_named(by_name[o], ctx))
        apart = {
            o for a, b in combinations(people, 2)
            if match(by_name[a], by_name[b], ctx) is None for o in (a, b)
        }  # fmt: skip
        if len(apart) > 1:
            ambiguous[name] = tuple(sorted(apart))
    if not ambiguous:
        return found
    out = []
    for s in found:
        if s.target in ambiguous and s.source in ambiguous[s.target]:
            s = replace(
                s, source=s.target, target=s.source,
                source_referrals=s.target_referrals, target_referrals=s.source_referrals,
                source_activities=s.target_activities, target_activities=s.source_activities,
            )  # fmt: skip
        if s.source in ambiguous and s.target in ambiguous[s.source]:
            others = tuple(o for o in ambiguous[s.source] if o != s.target)
            evidence = [e for e in s.evidence if not e.startswith("the only ")]
            confidence = s.confidence
            if not any(" people named " in e for e in evidence):  # not weighed in yet
                confidence = round(confidence * AMBIGUOUS_FACTOR, 3)
            evidence.append(f"could also be {' or '.join(others)}")
            s = replace(s, confidence=confidence, alternatives=others, evidence=tuple(evidence))
        out.append(s)
    return out
