"""Source types and the deterministic identity of referrers (names, NPIs and type labels)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.ingest.names import (
    PATIENT_NAME,
    SELF_NAME,
    Name,
    credential_class,
    fold,
    label_key,
    label_type,
    parse_name,
    text_key,
)
from analytics.ingest.values import clean_text, normalize_npi
from analytics.schema import PARTNER_TYPES, SOURCE_TYPES, UNKNOWN_SOURCE

__all__ = [
    "ALIAS_COLUMNS",
    "CHANNEL_TYPES",
    "Resolution",
    "infer_type",
    "person_key",
    "resolve_sources",
    "share_type_labels",
    "type_from_label",
]

ALIAS_COLUMNS: tuple[str, ...] = ("key", "npi", "source", "source_type")
# Non-partner types whose label alone names a source ("Google", "Self referral").
CHANNEL_TYPES: frozenset[str] = frozenset(SOURCE_TYPES) - PARTNER_TYPES - {"unknown"}
_TYPE_RANK = {t: i for i, t in enumerate(SOURCE_TYPES)}


def _is_blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def type_from_label(label: str | None) -> str | None:
    """The source type a type label names ("Physician", "Self Referral"...); None if not one."""
    if _is_blank(label):
        return "unknown"
    return label_type(fold(str(label)))


def share_type_labels(values: pd.Series) -> float:
    """Share (0..1) of distinct non-blank values that are type labels, ignoring "Other"-likes."""
    distinct = pd.Series(pd.unique(pd.Series(values).dropna()), dtype=object)
    folded = {fold(v) for v in clean_text(distinct).dropna()}
    # Blank-like labels fill both type and name columns, so they tell the two apart not at all.
    types = [label_type(f) for f in folded]
    informative = [t for t in types if t != "unknown"]
    if not informative:
        return 0.0
    return sum(t is not None for t in informative) / len(informative)


def _clean_name(name: object) -> str | None:
    if _is_blank(name):
        return None
    text = " ".join(str(name).split())
    return text or None


def infer_type(name: str | None, default: str = "unknown") -> str:
    """Source type from a name's credentials and keywords; default for a bare person name."""
    text = _clean_name(name)
    if text is None:
        return "unknown"
    return parse_name(text).source_type or default


def person_key(name: str | None) -> tuple[str, str] | None:
    """(key, display) identifying a person's name ("smith|john", "John Smith, MD"), else None."""
    text = _clean_name(name)
    if text is None:
        return None
    parsed = parse_name(text)
    if parsed.kind != "person" or parsed.key is None:
        return None
    display = f"{parsed.display}, {parsed.credential}" if parsed.credential else parsed.display
    return parsed.key, display


# --- resolution ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Resolution:
    """Result of resolve_sources.

    frame: one row per input row (same index as names), columns "source" (canonical display
    name) and "source_type", both "str".
    aliases: rows to upsert into the alias table on (key, npi), columns ALIAS_COLUMNS ("str",
    key or npi may be missing): every (name key, valid NPI) pair seen whose source or type is
    not already stored that way in `known`.
    """

    frame: pd.DataFrame
    aliases: pd.DataFrame


class _Combo(NamedTuple):
    """A distinct (name, NPI) of the input (with its type label when it has no usable name)."""

    name: Name | None
    npi: str | None
    label_type: str | None  # nameless combinations: the recognised, informative label
    label_text: str | None
    label_votes: dict[str, int]  # rows per recognised type label, for the type majority
    weight: int


def _codes(values: pd.Series | None, length: int) -> tuple[np.ndarray, np.ndarray]:
    if values is None:
        return np.full(length, -1, dtype=np.int64), np.array([], dtype=object)
    codes, uniques = pd.factorize(pd.Series(values), use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _with_missing(per_unique: list) -> list:
    # Code -1 (missing) + 1 is position 0.
    return [None, *per_unique]


def _combos(
    names: pd.Series,
    npis: pd.Series | None,
    labels: pd.Series | None,
    parsed_ahead: Callable[[], Mapping[str, Name]],
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, list[_Combo]]:
    """Row -> combination codes and the distinct combinations, each name parsed once.

    The row-level work comes first, while the spellings may still be parsed in another
    process; `parsed_ahead` is called only when they are needed.
    """
    n = len(names)
    name_codes, name_uniques = _codes(names, n)
    npi_codes, npi_uniques = _codes(npis, n)
    label_codes, label_uniques = _codes(labels, n)
    b, c = len(npi_uniques) + 1, len(label_uniques) + 1
    # The finest combinations, (name, NPI, label), in order of first appearance.
    fine_codes, fine = pd.factorize(((name_codes + 1) * b + (npi_codes + 1)) * c + label_codes + 1)
    fine_weights = np.bincount(fine_codes, weights=weights, minlength=len(fine)).astype(np.int64)
    fine_rest, fine_label = np.divmod(fine, c)
    fine_name = fine_rest // b

    ahead = parsed_ahead()
    name_text = clean_text(pd.Series(name_uniques, dtype=object)).tolist()
    parsed = _with_missing(
        [(ahead.get(t) or parse_name(t)) if isinstance(t, str) else None for t in name_text]
    )
    label_text = _with_missing(clean_text(pd.Series(label_uniques, dtype=object)).tolist())
    label_text = [t if isinstance(t, str) else None for t in label_text]
    label_type = [None if t is None else type_from_label(t) for t in label_text]
    label_type = [t if t in _TYPE_RANK and t != "unknown" else None for t in label_type]
    # The label is part of the identity only where the name cannot be: "Google" as the type
    # and no contact. Elsewhere it only votes for the type, so it need not split combinations.
    nameless = np.array([p is None or not _has_name(p) for p in parsed])
    kept_label = np.where(nameless[fine_name], fine_label, 0)
    # Merging fine combinations keeps the order of first appearance in the rows.
    coarse_of_fine, joint_uniques = pd.factorize(fine_rest * c + kept_label)
    size = len(joint_uniques)
    row_codes = coarse_of_fine[fine_codes]
    weights = np.bincount(coarse_of_fine, weights=fine_weights, minlength=size).astype(np.int64)
    label_votes: list[dict[str, int]] = [{} for _ in range(size)]
    if labels is not None:
        type_codes = np.array([_TYPE_RANK[t] if t else -1 for t in label_type], dtype=np.int64)
        slots = len(SOURCE_TYPES) + 1
        votes = np.bincount(
            coarse_of_fine * slots + type_codes[fine_label] + 1,
            weights=fine_weights,
            minlength=size * slots,
        ).reshape(size, slots)[:, 1:]
        for combo, type_at in zip(*np.nonzero(votes), strict=True):
            label_votes[combo][SOURCE_TYPES[type_at]] = int(votes[combo, type_at])
    rest, label_at = np.divmod(joint_uniques, c)
    name_at, npi_at = np.divmod(rest, b)
    npi_text = _with_missing([str(x) for x in npi_uniques])
    return row_codes, [
        _Combo(parsed[a], npi_text[p], label_type[li], label_text[li], v, w)
        for a, p, li, v, w in zip(
            name_at.tolist(),
            npi_at.tolist(),
            label_at.tolist(),
            label_votes,
            weights.tolist(),
            strict=True,
        )
    ]


def _is_channel(name: Name) -> bool:
    """A channel label typed as the name ("Google" as Referral Contact)."""
    return name.kind == "label" and name.source_type in CHANNEL_TYPES


def _has_name(name: Name) -> bool:
    """A person, an organisation or a channel: not blank, not a partner type label."""
    return name.kind in {"person", "other"} or _is_channel(name)


def _combo_key(combo: _Combo) -> str | None:
    """Name key of a combination; a channel label stands in for a missing name."""
    name = combo.name
    if name is not None and _has_name(name):
        return name.key
    # "Google" or "Self Referral" as the type and no contact: the channel is the source.
    if combo.label_type in CHANNEL_TYPES and combo.label_text:
        return label_key(fold(combo.label_text))
    return None


def _majority(votes: Mapping[str, int]) -> str | None:
    if len(votes) < 2:
        return next(iter(votes), None)
    return min(votes, key=lambda t: (-votes[t], _TYPE_RANK.get(t, 99), t))


def _most_frequent(votes: Mapping[str, int]) -> str | None:
    """Most frequent spelling; ties prefer mixed case ("Google" over "GOOGLE"), then order."""

    def rank(spelling: str) -> tuple[int, bool, str]:
        letters = [c for c in spelling if c.isalpha()]
        flat = all(c.isupper() for c in letters) or all(c.islower() for c in letters)
        return -votes[spelling], flat, spelling

    if len(votes) < 2:
        return next(iter(votes), None)
    return min(votes, key=rank)


class _Known(NamedTuple):
    by_npi: dict[str, tuple[str, str]]
    by_key: dict[str, list[tuple[str | None, str, str]]]
    rows: frozenset[tuple[str | None, str | None, str, str]]
    # Person keys without what tells namesakes apart: "smith|john" -> its alias keys.
    by_base: dict[str, list[str]]


def _read_known(known: pd.DataFrame | None) -> _Known:
    if known is None or known.empty:
        return _Known({}, {}, frozenset(), {})
    missing = [c for c in ALIAS_COLUMNS if c not in known.columns]
    if missing:
        raise ValueError(f"The alias table lacks columns {missing}; it needs {ALIAS_COLUMNS}.")
    by_npi: dict[str, tuple[str, str]] = {}
    by_key: dict[str, list[tuple[str | None, str, str]]] = defaultdict(list)
    rows = set()
    for key, npi, source, source_type in known[list(ALIAS_COLUMNS)].itertuples(index=False):
        key = None if _is_blank(key) else str(key)
        npi = None if _is_blank(npi) else str(npi)
        if _is_blank(source):
            continue
        source_type = "unknown" if _is_blank(source_type) else str(source_type)
        rows.add((key, npi, str(source), source_type))
        if npi is not None:
            by_npi.setdefault(npi, (str(source), source_type))
        if key is not None:
            by_key[key].append((npi, str(source), source_type))
    by_base: dict[str, list[str]] = defaultdict(list)
    for key in by_key:
        if "|" in key:
            by_base[key.partition(_POINT_MARK)[0]].append(key)
    return _Known(by_npi, dict(by_key), frozenset(rows), dict(by_base))


# --- people who share a name -----------------------------------------------------------

# An alias key of a person is "surname|first", then what tells namesakes apart when the
# spelling says it: "smith|john~do~" (John Smith, DO), "patel|~~lakeshore im".
_POINT_MARK = "~"
_Point = tuple[str, str]  # (credential class, practice or location key), "" when unsaid


def _point(name: Name | None) -> _Point:
    """What a person's spelling says besides the name: credential class and practice."""
    if name is None or name.kind != "person":
        return "", ""
    cred = credential_class(name.credential) if name.credential else ""
    return cred.lower(), text_key(name.qualifier) if name.qualifier else ""


def _alias_key(key: str, point: _Point) -> str:
    return key if point == ("", "") else f"{key}{_POINT_MARK}{point[0]}{_POINT_MARK}{point[1]}"


def _point_of_key(alias_key: str) -> _Point:
    _, mark, rest = alias_key.partition(_POINT_MARK)
    if not mark:
        return "", ""
    cred, _, qualifier = rest.partition(_POINT_MARK)
    return cred, qualifier


@dataclass(eq=False)
class _Person:
    """One person among those sharing a name key: what their spellings said so far."""

    identity: tuple[str, str]
    creds: set[str]
    places: set[str]
    points: set[_Point]

    def add(self, point: _Point) -> None:
        self.points.add(point)
        if point[0]:
            self.creds.add(point[0])
        if point[1]:
            self.places.add(point[1])

    def fits(self, point: _Point) -> bool:
        """Nothing said of this person contradicts the point (a credential, a practice)."""
        cred, place = point
        return (not cred or not self.creds or cred in self.creds) and (
            not place or not self.places or place in self.places
        )

    @property
    def specific(self) -> bool:
        return bool(self.creds or self.places or self.identity[0] == "npi")


def _people(
    base: str,
    members: list[int],
    combos: list[_Combo],
    points: list[_Point],
    stored: _Known,
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
            person.add(_point_of_key(alias_key))
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
    by_point: dict[_Point, list[int]] = defaultdict(list)
    for i in members:
        if not combos[i].npi:
            by_point[points[i]].append(i)

    def order(point: _Point) -> tuple:
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
            identity = ("key", _alias_key(base, point))
            if fits:  # several people it may be: kept apart, the owner decides
                undecided += 1
            else:
                people[identity] = _Person(identity, set(), set(), set())
                people[identity].add(point)
        for i in by_point[point]:
            identities[i] = identity
    if len(people) + undecided > 1:  # namesakes: shown with their practice
        crowded.update(identities[i] for i in members)


def _key_matches(weights: Counter[str], stored: set[str]) -> dict[str, str]:
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


def resolve_sources(
    names: pd.Series,
    npis: pd.Series | None = None,
    npi_valid: pd.Series | None = None,
    type_labels: pd.Series | None = None,
    known: pd.DataFrame | None = None,
    default_type: str = "unknown",
    parsed: Callable[[], Mapping[str, Name]] | None = None,
    weights: np.ndarray | None = None,
) -> Resolution:
    """Canonical source and source_type per row, from names, NPIs, type labels and known aliases.

    npis (normalize_npi's text), npi_valid and type_labels align with names by position;
    without npi_valid the NPIs are normalised here. A valid NPI is the identity; otherwise the
    person key (person_key) or, for organisations and channels, the folded text. `parsed`
    gives spellings parsed elsewhere (ParseAhead.result), asked for once the rows are encoded;
    the others are parsed here. `weights`, when given, is how many rows each input row
    stands for (a streamed file resolves its distinct rows once). See Resolution.
    """
    if default_type not in _TYPE_RANK:
        raise ValueError(f"default_type must be one of {SOURCE_TYPES}, not {default_type!r}.")
    valid_npis = None
    if npis is not None:
        if npi_valid is None:
            npis, npi_valid = normalize_npi(npis)
        valid_npis = npis.reset_index(drop=True).where(pd.Series(np.asarray(npi_valid, bool)))
    row_codes, combos = _combos(names, valid_npis, type_labels, parsed or dict, weights)
    stored = _read_known(known)
    combos, anonymous = _anonymise(combos, set(stored.by_base))

    # Person keys: surname-only spellings join the one full name that shares the surname.
    combo_keys = [_combo_key(combo) for combo in combos]
    person_weights: Counter[str] = Counter()
    for key, combo in zip(combo_keys, combos, strict=True):
        if key and "|" in key:
            person_weights[key] += combo.weight
    joined = _key_matches(person_weights, set(stored.by_base))
    combo_keys = [joined.get(k, k) if k else k for k in combo_keys]

    npis_by_key: dict[str, set[str]] = defaultdict(set)
    for key, combo in zip(combo_keys, combos, strict=True):
        if key and combo.npi:
            npis_by_key[key].add(combo.npi)
    for key, rows in stored.by_key.items():
        npis_by_key[key.partition(_POINT_MARK)[0]].update(npi for npi, _, _ in rows if npi)

    # Identity of each combination: ("npi", npi), ("key", key), ("src", a stored source) or
    # None for Unknown. People sharing a name are told apart by credential, practice and NPI.
    points = [_point(combo.name) for combo in combos]
    identities: list[tuple[str, str] | None] = [None] * len(combos)
    by_base: dict[str, list[int]] = defaultdict(list)
    for i, (key, combo) in enumerate(zip(combo_keys, combos, strict=True)):
        if combo.npi:
            identities[i] = ("npi", combo.npi)
        if key and "|" in key:
            by_base[key].append(i)
        elif key and not combo.npi:
            identities[i] = ("key", key)
    pinned: dict[tuple[str, str], tuple[str, str]] = {}
    crowded: set[tuple[str, str]] = set()
    for base, members in by_base.items():
        point = points[members[0]]
        if base not in stored.by_base and all(
            points[i] == point and not combos[i].npi for i in members
        ):  # the usual name: one person, nothing stored, nothing to tell apart
            for i in members:
                identities[i] = ("key", _alias_key(base, point))
            continue
        _people(base, members, combos, points, stored, identities, pinned, crowded)
    alias_keys = [
        _alias_key(key, point) if key and "|" in key else key
        for key, point in zip(combo_keys, points, strict=True)
    ]

    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, identity in enumerate(identities):
        if identity is not None:
            groups[identity].append(i)

    resolved: dict[tuple[str, str], tuple[str, str]] = {}
    reused: set[tuple[str, str]] = set()
    for identity, members in groups.items():
        source, source_type, again = _resolve_group(
            identity, [combos[i] for i in members], [alias_keys[i] for i in members],
            stored, npis_by_key, default_type, pinned.get(identity), identity in crowded,
        )  # fmt: skip
        resolved[identity] = source, source_type
        if again:
            reused.add(identity)
    _tell_apart(resolved, reused, stored)

    sources = [UNKNOWN_SOURCE] * len(combos)
    types = ["unknown"] * len(combos)
    alias_rows: set[tuple[str | None, str | None, str, str]] = set()
    for i, identity in enumerate(identities):
        if identity is None:
            continue
        sources[i], types[i] = resolved[identity]
        row = (alias_keys[i], combos[i].npi, sources[i], types[i])
        if row not in stored.rows:
            alias_rows.add(row)

    frame = pd.DataFrame(
        {
            "source": _take_text(sources, row_codes),
            "source_type": _take_text(types, row_codes),
            "patient_named": np.asarray(anonymous, dtype=bool)[row_codes],
        }
    ).set_axis(names.index)
    aliases = pd.DataFrame(sorted(alias_rows, key=lambda r: tuple(x or "" for x in r)))
    aliases = aliases.reindex(columns=range(4)).set_axis(list(ALIAS_COLUMNS), axis=1)
    return Resolution(frame, aliases.astype("str"))


def _anonymise(combos: list[_Combo], known_people: set[str]) -> tuple[list[_Combo], list[bool]]:
    """Referring patients named in the name column become the patient (or self) channel.

    A spelling that says so ("Former patient - Rosa H."), or a bare person's name (no
    credential, title or NPI) whose rows' type label is mostly Patient / Friend / Word of
    mouth (or Self): the name is a patient's and must not be kept. A name that other rows or
    earlier uploads give as a clinician's ("Smith, John MD") is a clinician's, whatever a
    "Returning patient" label says.
    """
    clinicians = set(known_people)
    for combo in combos:
        name = combo.name
        if (
            name is not None
            and name.kind == "person"
            and (combo.npi or name.credential or name.titled)
        ):
            clinicians.add(name.key)
    out: list[_Combo] = []
    flags: list[bool] = []
    for combo in combos:
        name, channel = combo.name, None
        if name is not None and name.kind == "patient":
            channel = PATIENT_NAME if name.source_type == "patient" else SELF_NAME
        elif (
            name is not None
            and name.kind in ("person", "other")
            and name.source_type in (None, "patient", "self")
            and not (combo.npi or name.credential or name.titled)
            and combo.label_votes
            and name.key not in clinicians
        ):
            said = _majority(combo.label_votes)
            channel = {"patient": PATIENT_NAME, "self": SELF_NAME}.get(said or "")
        flags.append(channel is not None)
        out.append(combo._replace(name=channel) if channel is not None else combo)
    return out, flags


def _tell_apart(
    resolved: dict[tuple[str, str], tuple[str, str]],
    reused: set[tuple[str, str]],
    stored: _Known,
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


def _take_text(per_combo: list[str], row_codes: np.ndarray) -> pd.Series:
    # pyarrow take: building 1M Python strings into "str" would cost more than the rest.
    # Large strings take five times faster than 32-bit offsets (no overflow checks).
    taken = pa.array(per_combo, type=pa.large_string()).take(pa.array(row_codes))
    return pd.Series(taken, dtype="str")


def _resolve_group(
    identity: tuple[str, str],
    members: list[_Combo],
    keys: list[str | None],
    stored: _Known,
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
            reuse = min(candidates, key=lambda c: _TYPE_RANK.get(c[1], 99))
    if reuse is not None:
        source, source_type = reuse
        # An earlier upload without type information does not pin a type forever.
        kept_type = evidence if source_type == "unknown" and evidence else source_type
        return source, kept_type, True
    display = _display(members, npi, keys, npi_keys, namesakes)
    return display, evidence or default_type, False


def _evidence_type(members: list[_Combo]) -> str | None:
    """Majority type label, else majority type read from the names; None without signal."""
    # Plain dicts, not Counters: this runs for every source of a million-row upload.
    labels: dict[str, int] = {}
    named: dict[str, int] = {}
    for combo in members:
        name = combo.name
        if name is not None and _is_channel(name):
            # A channel named as the contact outranks the type column: "Google" is marketing.
            labels[name.source_type] = labels.get(name.source_type, 0) + combo.weight
        elif combo.label_votes:
            for label, votes in combo.label_votes.items():
                labels[label] = labels.get(label, 0) + votes
        if name is not None and name.source_type not in (None, "unknown"):
            named[name.source_type] = named.get(name.source_type, 0) + combo.weight
    label, from_names = _majority(labels), _majority(named)
    # "Physician" labels cover PAs and NPs in most EMRs; the credential is the finer truth.
    if label == "physician" and from_names == "physician_extender":
        return from_names
    return label or from_names


def _display(
    members: list[_Combo],
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
        elif name is not None and (name.kind == "other" or _is_channel(name)):
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
    bases = {k.partition(_POINT_MARK)[0] for k in keys if k}
    if npi and any(len(npis_by_key.get(k, ())) > 1 for k in bases):
        display = f"{display} (NPI …{npi[-4:]})"
    return display
