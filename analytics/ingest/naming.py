"""The shown name and type of one resolved source: reused from the aliases or composed."""

from __future__ import annotations

from collections.abc import Mapping

from analytics.ingest.aliases import POINT_MARK, Known
from analytics.ingest.combos import Combo, is_channel
from analytics.ingest.source_types import CHANNEL_TYPES, TYPE_RANK


def majority(votes: Mapping[str, int]) -> str | None:
    if len(votes) < 2:
        return next(iter(votes), None)
    return min(votes, key=lambda t: (-votes[t], TYPE_RANK.get(t, 99), t))


def _most_frequent(votes: Mapping[str, int]) -> str | None:
    """Most frequent spelling; ties prefer mixed case ("Google" over "GOOGLE"), then order."""

    def rank(spelling: str) -> tuple[int, bool, str]:
        letters = [c for c in spelling if c.isalpha()]
        flat = all(c.isupper() for c in letters) or all(c.islower() for c in letters)
        return -votes[spelling], flat, spelling

    if len(votes) < 2:
        return next(iter(votes), None)
    return min(votes, key=rank)


def tell_apart(
    resolved: dict[tuple[str, str], tuple[str, str]],
    reused: set[tuple[str, str]],
    stored: Known,
) -> None:
    """Two people must not share a shown name (the store reads a source by its name): a
    newly composed name already used by another source gets a number, "John Smith (2)"."""
    taken = {source for rows in stored.by_key.values() for _, source, _ in rows}
    taken |= {source for source, _ in stored.by_npi.values()}
    taken |= {resolved[identity][0] for identity in reused}
    for identity, (source, source_type) in resolved.items():
        if identity in reused:
            continue
        if source not in taken:
            taken.add(source)
            continue
        n = 2
        while f"{source} ({n})" in taken:
            n += 1
        resolved[identity] = (f"{source} ({n})", source_type)
        taken.add(f"{source} ({n})")


def resolve_group(
    identity: tuple[str, str],
    members: list[Combo],
    keys: list[str | None],
    stored: Known,
    npi_keys: dict[str, set[str]],
    default_type: str,
    pinned: tuple[str, str] | None = None,
    namesakes: bool = False,
) -> tuple[str, str, bool]:
    """(source, source_type, reused) of one identity: reused from the alias table, or
    composed (reused False)."""
    npi = identity[1] if identity[0] == "npi" else None
    evidence = _evidence_type(members)
    reuse = (stored.by_npi.get(npi) if npi else None) or pinned
    if reuse is None:
        candidates = set()
        for key in {k for k in keys if k}:
            rows = stored.by_key.get(key, [])
            # A stored name already tied to another NPI is that other person's.
            if npi is None or not any(known and known != npi for known, _, _ in rows):
                candidates |= {(source, source_type) for _, source, source_type in rows}
        if len({source for source, _ in candidates}) == 1:
            reuse = min(candidates, key=lambda c: TYPE_RANK.get(c[1], 99))
    if reuse is not None:
        source, source_type = reuse
        # An earlier upload without type information does not pin a type forever.
        kept_type = evidence if source_type == "unknown" and evidence else source_type
        return source, kept_type, True
    display = _display(members, npi, keys, npi_keys, namesakes)
    return display, evidence or default_type, False


def _evidence_type(members: list[Combo]) -> str | None:
    """Majority type label, else majority type read from the names; None without signal."""
    # Plain dicts, not Counters: this runs for every source of a million-row upload.
    labels: dict[str, int] = {}
    named: dict[str, int] = {}
    for combo in members:
        name = combo.name
        if name is not None and is_channel(name):
            # A channel named as the contact outranks the type column: "Google" is marketing.
            labels[name.source_type] = labels.get(name.source_type, 0) + combo.weight
        elif combo.label_votes:
            for label, votes in combo.label_votes.items():
                labels[label] = labels.get(label, 0) + votes
        if name is not None and name.source_type not in (None, "unknown"):
            named[name.source_type] = named.get(name.source_type, 0) + combo.weight
    label, from_names = majority(labels), majority(named)
    # "Physician" labels cover PAs and NPs in most EMRs; the credential is the finer truth.
    if label == "physician" and from_names == "physician_extender":
        return from_names
    return label or from_names


def _display(
    members: list[Combo],
    npi: str | None,
    keys: list[str | None],
    npis_by_key: dict,
    namesakes: bool = False,
) -> str:
    """Most frequent person display (with its most frequent credential and practice), else
    spelling."""
    people: dict[str, int] = {}
    places: dict[str, int] = {}
    partial: dict[str, int] = {}  # "Dr. Okafor", "J. Smith": only when nothing fuller
    credentials: dict[str, int] = {}
    others: dict[str, int] = {}
    for combo in members:
        name, weight = combo.name, combo.weight
        if name is not None and name.kind == "person":
            full = name.key is not None and len(name.key.partition("|")[2]) > 1
            spellings = people if full else partial
            spellings[name.display] = spellings.get(name.display, 0) + weight
            if name.credential:
                credentials[name.credential] = credentials.get(name.credential, 0) + weight
            if name.qualifier:
                places[name.qualifier] = places.get(name.qualifier, 0) + weight
        elif name is not None and (name.kind == "other" or is_channel(name)):
            others[name.display] = others.get(name.display, 0) + weight
        elif combo.label_type in CHANNEL_TYPES and combo.label_text:
            others[combo.label_text] = others.get(combo.label_text, 0) + weight
    display = _most_frequent(people) or _most_frequent(partial)
    if display is not None:
        credential = _most_frequent(credentials)
        display = f"{display}, {credential}" if credential else display
        if places and namesakes:  # "Dr. Patel (Lakeshore IM)": tells namesakes apart
            display = f"{display} ({_most_frequent(places)})"
    else:
        display = _most_frequent(others) or f"NPI {npi}"
    bases = {k.partition(POINT_MARK)[0] for k in keys if k}
    if npi and any(len(npis_by_key.get(k, ())) > 1 for k in bases):
        display = f"{display} (NPI …{npi[-4:]})"
    return display
