"""People who share a name: told apart by NPI, credential class and practice."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from analytics.ingest.aliases import Known, Point, alias_key_of, point_of_key
from analytics.ingest.combos import Combo


@dataclass(eq=False)
class _Person:
    """One person among those sharing a name key: what their spellings said so far."""

    identity: tuple[str, str]
    creds: set[str]
    places: set[str]
    points: set[Point]

    def add(self, point: Point) -> None:
        self.points.add(point)
        if point[0]:
            self.creds.add(point[0])
        if point[1]:
            self.places.add(point[1])

    def fits(self, point: Point) -> bool:
        """Nothing said of this person contradicts the point (a credential, a practice)."""
        cred, place = point
        return (not cred or not self.creds or cred in self.creds) and (
            not place or not self.places or place in self.places
        )

    @property
    def specific(self) -> bool:
        return bool(self.creds or self.places or self.identity[0] == "npi")


def identify_people(
    base: str,
    members: list[int],
    combos: list[Combo],
    points: list[Point],
    stored: Known,
    identities: list[tuple[str, str] | None],
    pinned: dict[tuple[str, str], tuple[str, str]],
    crowded: set[tuple[str, str]],
) -> None:
    """Identities of the combinations sharing one person key (fills `identities`).

    A valid NPI is a person. Stored sources are people. A spelling without an NPI joins the
    one person nothing contradicts (a different credential class or practice does); with none
    it is a new person; with several it stays apart (ambiguous, for the owner to settle).
    """
    people: dict[tuple[str, str], _Person] = {}
    for i in members:
        npi = combos[i].npi
        if npi:
            people.setdefault(("npi", npi), _Person(("npi", npi), set(), set(), set())).add(
                points[i]
            )
    # Stored sources under this name: each is one person, whatever its alias keys.
    stored_people: dict[str, _Person] = {}
    for alias_key in stored.by_base.get(base, ()):
        for npi, source, source_type in stored.by_key[alias_key]:
            identity = ("npi", npi) if npi else ("src", source)
            person = stored_people.get(source)
            if person is None:
                person = people.get(identity) or _Person(identity, set(), set(), set())
                stored_people[source] = person
                if identity[0] == "src":
                    pinned[identity] = (source, source_type)
            elif npi and person.identity[0] == "src":
                pinned.pop(person.identity, None)
                same = people.get(("npi", npi))  # the NPI is in this upload too: one person
                if same is not None:
                    for point in person.points:
                        same.add(point)
                    person = stored_people[source] = same
                else:
                    person.identity = ("npi", npi)
            person.add(point_of_key(alias_key))
    for person in stored_people.values():
        people.setdefault(person.identity, person)
    # A new NPI under a name stored without one is that name's when it can only be that one.
    nameless = [p for p in stored_people.values() if p.identity[0] == "src"]
    new_npis = [p for p in people.values() if p.identity[0] == "npi" and p.identity[1]
                not in stored.by_npi and p not in stored_people.values()]  # fmt: skip
    for person in nameless:
        fitting = [n for n in new_npis if all(person.fits(point) for point in n.points)]
        if len(fitting) != 1:
            continue
        npi_person = fitting[0]
        if sum(all(o.fits(point) for point in npi_person.points) for o in nameless) != 1:
            continue
        del people[person.identity], people[npi_person.identity]
        pinned[npi_person.identity] = pinned.pop(person.identity)
        person.identity = npi_person.identity
        for point in npi_person.points:
            person.add(point)
        people[person.identity] = person
        new_npis.remove(npi_person)
    by_point: dict[Point, list[int]] = defaultdict(list)
    for i in members:
        if not combos[i].npi:
            by_point[points[i]].append(i)

    def order(point: Point) -> tuple:
        weight = sum(combos[i].weight for i in by_point[point])
        return -(bool(point[0]) + bool(point[1])), -weight, by_point[point][0]

    undecided = 0
    for point in sorted(by_point, key=order):
        # The one person this very spelling was read as before, else those it may be.
        fits = [p for p in people.values() if point in p.points]
        if len(fits) != 1:
            fits = [p for p in people.values() if p.fits(point)]
            if len(fits) > 1 and any(p.specific for p in fits):
                fits = [p for p in fits if p.specific]  # a bare stored name does not compete
        if len(fits) == 1:
            identity = fits[0].identity
            fits[0].add(point)
        else:
            identity = ("key", alias_key_of(base, point))
            if fits:  # several people it may be: kept apart, the owner decides
                undecided += 1
            else:
                people[identity] = _Person(identity, set(), set(), set())
                people[identity].add(point)
        for i in by_point[point]:
            identities[i] = identity
    if len(people) + undecided > 1:  # namesakes: shown with their practice
        crowded.update(identities[i] for i in members)


def key_matches(weights: Counter[str], stored: set[str]) -> dict[str, str]:
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
