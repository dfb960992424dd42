"""What matching reads: each source as an Entity, and the counts over all (Context) that
make a surname or an organisation unique."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from analytics.identity.names import (
    CHANNEL_TYPES,
    DESCRIPTOR_GROUP,
    NICKNAMES,
    NameReading,
    first_letter,
    first_name_fit,
    org_key,
    read_name,
)
from analytics.ingest.names import parse_name, text_key
from analytics.ingest.source_types import type_from_label
from analytics.schema import PARTNER_TYPES


@dataclass(frozen=True)
class Entity:
    """One source as matching sees it: its name and what its rows say about it."""

    name: str
    source_type: str = "unknown"
    referrals: int = 0
    activities: int = 0
    npis: frozenset[str] = frozenset()
    clinics: frozenset[str] = frozenset()
    payers: frozenset[str] = frozenset()
    organization: str | None = None
    spellings: tuple[str, ...] = ()  # raw names typed for it ("Dr. Smith (Riverside Med)")

    @cached_property
    def reading(self) -> NameReading:
        return read_name(self.name)

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of its name and of the spellings behind it."""
        return self.reading.words.union(*(read_name(s).words for s in self.spellings[:20]))

    @cached_property
    def org_words(self) -> tuple[str, ...]:
        """Organisation words of its name, then of its spellings (each word once)."""
        found = dict.fromkeys(self.reading.org_words)
        for spelling in self.spellings[:20]:
            found.update(dict.fromkeys(read_name(spelling).org_words))
        return tuple(found)

    @property
    def channel(self) -> bool:
        return self.source_type in CHANNEL_TYPES or self.reading.kind == "channel"

    @cached_property
    def channel_type(self) -> str | None:
        """patient, self or marketing: from its rows, else from the label it is named by."""
        if self.source_type in CHANNEL_TYPES:
            return self.source_type
        label = type_from_label(self.name)
        return label if label in CHANNEL_TYPES else None

    @cached_property
    def place(self) -> tuple[str, ...]:
        """Organisation words of the practice or location its name gives ("Lakeshore IM")."""
        qualifier = parse_name(self.name).qualifier
        return tuple(text_key(qualifier).split()) if qualifier else ()

    @cached_property
    def kind_of_partner(self) -> str | None:
        """The partner type its rows say, else its names suggest; None when neither does."""
        if self.source_type in PARTNER_TYPES:
            return self.source_type
        hints = [self.reading.hint, *(read_name(s).hint for s in self.spellings[:20])]
        return next((h for h in hints if h), None)


@dataclass(frozen=True)
class Context:
    """Counts over all entities that make a surname or an organisation unique."""

    people_by_surname: Counter
    people_by_initial: Counter
    people_by_first: Counter
    members_by_organization: Counter
    # Words in so many names ("Logistics", "Holdings") that they say little about which one.
    common_words: frozenset[str] = frozenset()
    people_by_name: Counter = field(default_factory=Counter)  # (surname, first): namesakes

    def is_first_name(self, word: str) -> bool:
        return bool(self.people_by_first[word]) or word in NICKNAMES

    @classmethod
    def of(cls, entities: Iterable[Entity]) -> Context:
        """People among the referral sources (outreach-only names are mostly their
        duplicates), each counted once however it is spelled: first names that fit one
        person under one surname ("Gregory", "Greg", "G.") are one person."""
        entities = list(entities)
        referring = [e for e in entities if e.referrals] or entities
        full = [e for e in referring if e.reading.kind == "person" and len(e.reading.first) > 1]
        # A person's name has a credential or "Dr.", or a first name such names use: not
        # "Cedar Ridge Sports Med", which reads as first and last name too.
        known = {e.reading.first for e in full if e.reading.credential or e.reading.titled}
        known |= NICKNAMES.keys()
        by_surname: dict[str, list[Entity]] = defaultdict(list)
        for entity in full:
            if entity.reading.first in known:
                by_surname[entity.reading.surname].append(entity)
        counts = Counter(
            w for e in entities if not is_person(e, known) for w in set(e.reading.org_words)
        )
        floor = max(8, len(entities) // 200)
        common = frozenset(w for w, n in counts.items() if n >= floor and w not in DESCRIPTOR_GROUP)
        members: Counter = Counter(
            org_key(e.organization) for e in referring if e.organization and not e.channel
        )
        surnames, initials, firsts, names = Counter(), Counter(), Counter(), Counter()
        for surname, spelled in by_surname.items():
            people = people_of(spelled)
            surnames[surname] = len(people)
            for person in people:
                initials[(surname, person.first[0])] += 1
                firsts[person.first] += 1
                names[(surname, person.first)] += 1
        return cls(surnames, initials, firsts, members, common, names)


def is_person(entity: Entity, known_firsts: set[str]) -> bool:
    r = entity.reading
    return (
        r.kind == "person"
        and len(r.first) > 1
        and (bool(r.credential) or r.titled or r.first in known_firsts)
    )


def people_of(spelled: list[Entity]) -> list[NameReading]:
    """One reading per person among spellings of one surname: first names that fit one
    person are one, unless their NPIs differ (namesakes: a father and son, say)."""
    people: dict[str, list[tuple[NameReading, frozenset]]] = defaultdict(list)
    for entity in sorted(spelled, key=lambda e: (-len(e.reading.first), e.reading.first)):
        reading, npis = entity.reading, entity.npis
        same_letter = people[first_letter(reading)]
        for k, (person, known) in enumerate(same_letter):
            if first_name_fit(reading, person) and not (npis and known and not npis & known):
                same_letter[k] = (person, known | npis)
                break
        else:
            same_letter.append((reading, npis))
    return [person for same_letter in people.values() for person, _ in same_letter]
