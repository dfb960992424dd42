"""Source types and the deterministic identity of referrers (names, NPIs and type labels)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.names import Name, fold, label_key, label_type, parse_name
from analytics.schema import PARTNER_TYPES, SOURCE_TYPES, UNKNOWN_SOURCE
from analytics.values import clean_text, normalize_npi

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
    fine_weights = np.bincount(fine_codes, minlength=len(fine))
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


def _read_known(known: pd.DataFrame | None) -> _Known:
    if known is None or known.empty:
        return _Known({}, {}, frozenset())
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
    return _Known(by_npi, dict(by_key), frozenset(rows))


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
) -> Resolution:
    """Canonical source and source_type per row, from names, NPIs, type labels and known aliases.

    npis (normalize_npi's text), npi_valid and type_labels align with names by position;
    without npi_valid the NPIs are normalised here. A valid NPI is the identity; otherwise the
    person key (person_key) or, for organisations and channels, the folded text. `parsed`
    gives spellings parsed elsewhere (ParseAhead.result), asked for once the rows are encoded;
    the others are parsed here. See Resolution for the return shape.
    """
    if default_type not in _TYPE_RANK:
        raise ValueError(f"default_type must be one of {SOURCE_TYPES}, not {default_type!r}.")
    valid_npis = None
    if npis is not None:
        if npi_valid is None:
            npis, npi_valid = normalize_npi(npis)
        valid_npis = npis.reset_index(drop=True).where(pd.Series(np.asarray(npi_valid, bool)))
    row_codes, combos = _combos(names, valid_npis, type_labels, parsed or dict)
    stored = _read_known(known)

    # Person keys: surname-only spellings join the one full name that shares the surname.
    combo_keys = [_combo_key(combo) for combo in combos]
    person_weights: Counter[str] = Counter()
    for key, combo in zip(combo_keys, combos, strict=True):
        if key and "|" in key:
            person_weights[key] += combo.weight
    joined = _key_matches(person_weights, {k for k in stored.by_key if "|" in k})
    combo_keys = [joined.get(k, k) if k else k for k in combo_keys]

    npis_by_key: dict[str, set[str]] = defaultdict(set)
    for key, combo in zip(combo_keys, combos, strict=True):
        if key and combo.npi:
            npis_by_key[key].add(combo.npi)
    for key, rows in stored.by_key.items():
        npis_by_key[key].update(npi for npi, _, _ in rows if npi)

    # Identity of each combination: ("npi", npi), ("key", key) or None for Unknown.
    identities: list[tuple[str, str] | None] = []
    for key, combo in zip(combo_keys, combos, strict=True):
        if combo.npi:
            identities.append(("npi", combo.npi))
        elif key:
            one = npis_by_key.get(key, set())
            identities.append(("npi", next(iter(one))) if len(one) == 1 else ("key", key))
        else:
            identities.append(None)

    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, identity in enumerate(identities):
        if identity is not None:
            groups[identity].append(i)

    resolved: dict[tuple[str, str], tuple[str, str]] = {}
    for identity, members in groups.items():
        resolved[identity] = _resolve_group(
            identity, [combos[i] for i in members], [combo_keys[i] for i in members],
            stored, npis_by_key, default_type,
        )  # fmt: skip

    sources = [UNKNOWN_SOURCE] * len(combos)
    types = ["unknown"] * len(combos)
    alias_rows: set[tuple[str | None, str | None, str, str]] = set()
    for i, identity in enumerate(identities):
        if identity is None:
            continue
        sources[i], types[i] = resolved[identity]
        row = (combo_keys[i], combos[i].npi, sources[i], types[i])
        if row not in stored.rows:
            alias_rows.add(row)

    frame = pd.DataFrame(
        {"source": _take_text(sources, row_codes), "source_type": _take_text(types, row_codes)}
    ).set_axis(names.index)
    aliases = pd.DataFrame(sorted(alias_rows, key=lambda r: tuple(x or "" for x in r)))
    aliases = aliases.reindex(columns=range(4)).set_axis(list(ALIAS_COLUMNS), axis=1)
    return Resolution(frame, aliases.astype("str"))


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
    npis_by_key: dict[str, set[str]],
    default_type: str,
) -> tuple[str, str]:
    """(source, source_type) of one identity: reused from the alias table, or composed."""
    npi = identity[1] if identity[0] == "npi" else None
    evidence = _evidence_type(members)
    reuse = stored.by_npi.get(npi) if npi else None
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
        return source, (evidence if source_type == "unknown" and evidence else source_type)
    return _display(members, npi, keys, npis_by_key), evidence or default_type


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
    members: list[_Combo], npi: str | None, keys: list[str | None], npis_by_key: dict
) -> str:
    """Most frequent person display (with its most frequent credential), else spelling."""
    people: dict[str, int] = {}
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
        elif name is not None and (name.kind == "other" or _is_channel(name)):
            others[name.display] = others.get(name.display, 0) + weight
        elif combo.label_type in CHANNEL_TYPES and combo.label_text:
            others[combo.label_text] = others.get(combo.label_text, 0) + weight
    display = _most_frequent(people) or _most_frequent(partial)
    if display is not None:
        credential = _most_frequent(credentials)
        display = f"{display}, {credential}" if credential else display
    else:
        display = _most_frequent(others) or f"NPI {npi}"
    if npi and any(k and len(npis_by_key.get(k, ())) > 1 for k in keys):
        display = f"{display} (NPI …{npi[-4:]})"
    return display
