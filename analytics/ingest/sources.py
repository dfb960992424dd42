"""Resolving referrers: each row's canonical source and type from names, NPIs and labels."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.ingest.aliases import ALIAS_COLUMNS, POINT_MARK, alias_key_of, point_of, read_known
from analytics.ingest.combos import Combo, combinations, combo_key
from analytics.ingest.names import PATIENT_NAME, SELF_NAME, Name
from analytics.ingest.namesakes import identify_people, key_matches
from analytics.ingest.naming import majority, resolve_group, tell_apart
from analytics.ingest.npi import normalize_npi
from analytics.ingest.source_types import TYPE_RANK, type_from_label
from analytics.schema import SOURCE_TYPES, UNKNOWN_SOURCE

# type_from_label: prepare reads it through this module, with resolve_sources.
__all__ = ["ALIAS_COLUMNS", "Resolution", "resolve_sources", "type_from_label"]


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
    if default_type not in TYPE_RANK:
        raise ValueError(f"default_type must be one of {SOURCE_TYPES}, not {default_type!r}.")
    valid_npis = None
    if npis is not None:
        if npi_valid is None:
            npis, npi_valid = normalize_npi(npis)
        valid_npis = npis.reset_index(drop=True).where(pd.Series(np.asarray(npi_valid, bool)))
    row_codes, combos = combinations(names, valid_npis, type_labels, parsed or dict, weights)
    stored = read_known(known)
    combos, anonymous = _anonymise(combos, set(stored.by_base))

    # Person keys: surname-only spellings join the one full name that shares the surname.
    combo_keys = [combo_key(combo) for combo in combos]
    person_weights: Counter[str] = Counter()
    for key, combo in zip(combo_keys, combos, strict=True):
        if key and "|" in key:
            person_weights[key] += combo.weight
    joined = key_matches(person_weights, set(stored.by_base))
    combo_keys = [joined.get(k, k) if k else k for k in combo_keys]

    npis_by_key: dict[str, set[str]] = defaultdict(set)
    for key, combo in zip(combo_keys, combos, strict=True):
        if key and combo.npi:
            npis_by_key[key].add(combo.npi)
    for key, rows in stored.by_key.items():
        npis_by_key[key.partition(POINT_MARK)[0]].update(npi for npi, _, _ in rows if npi)

    # Identity of each combination: ("npi", npi), ("key", key), ("src", a stored source) or
    # None for Unknown. People sharing a name are told apart by credential, practice and NPI.
    points = [point_of(combo.name) for combo in combos]
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
                identities[i] = ("key", alias_key_of(base, point))
            continue
        identify_people(base, members, combos, points, stored, identities, pinned, crowded)
    alias_keys = [
        alias_key_of(key, point) if key and "|" in key else key
        for key, point in zip(combo_keys, points, strict=True)
    ]

    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, identity in enumerate(identities):
        if identity is not None:
            groups[identity].append(i)

    resolved: dict[tuple[str, str], tuple[str, str]] = {}
    reused: set[tuple[str, str]] = set()
    for identity, members in groups.items():
        source, source_type, again = resolve_group(
            identity, [combos[i] for i in members], [alias_keys[i] for i in members],
            stored, npis_by_key, default_type, pinned.get(identity), identity in crowded,
        )  # fmt: skip
        resolved[identity] = source, source_type
        if again:
            reused.add(identity)
    tell_apart(resolved, reused, stored)

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


def _anonymise(combos: list[Combo], known_people: set[str]) -> tuple[list[Combo], list[bool]]:
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
    out: list[Combo] = []
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
            said = majority(combo.label_votes)
            channel = {"patient": PATIENT_NAME, "self": SELF_NAME}.get(said or "")
        flags.append(channel is not None)
        out.append(combo._replace(name=channel) if channel is not None else combo)
    return out, flags


def _take_text(per_combo: list[str], row_codes: np.ndarray) -> pd.Series:
    # pyarrow take: building 1M Python strings into "str" would cost more than the rest.
    # Large strings take five times faster than 32-bit offsets (no overflow checks).
    taken = pa.array(per_combo, type=pa.large_string()).take(pa.array(row_codes))
    return pd.Series(taken, dtype="str")
