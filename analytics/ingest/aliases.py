"""The stored alias table as resolve_sources reads it, and the alias keys of people."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import pandas as pd

from analytics.ingest.names import Name, text_key
from analytics.ingest.source_types import is_blank
from analytics.ingest.vocabulary import credential_class

ALIAS_COLUMNS: tuple[str, ...] = ("key", "npi", "source", "source_type")


class Known(NamedTuple):
    by_npi: dict[str, tuple[str, str]]
    by_key: dict[str, list[tuple[str | None, str, str]]]
    rows: frozenset[tuple[str | None, str | None, str, str]]
    # Person keys without what tells namesakes apart: "smith|john" -> its alias keys.
    by_base: dict[str, list[str]]


def read_known(known: pd.DataFrame | None) -> Known:
    if known is None or known.empty:
        return Known({}, {}, frozenset(), {})
    missing = [c for c in ALIAS_COLUMNS if c not in known.columns]
    if missing:
        raise ValueError(f"The alias table lacks columns {missing}; it needs {ALIAS_COLUMNS}.")
    by_npi: dict[str, tuple[str, str]] = {}
    by_key: dict[str, list[tuple[str | None, str, str]]] = defaultdict(list)
    rows = set()
    for key, npi, source, source_type in known[list(ALIAS_COLUMNS)].itertuples(index=False):
        key = None if is_blank(key) else str(key)
        npi = None if is_blank(npi) else str(npi)
        if is_blank(source):
            continue
        source_type = "unknown" if is_blank(source_type) else str(source_type)
        rows.add((key, npi, str(source), source_type))
        if npi is not None:
            by_npi.setdefault(npi, (str(source), source_type))
        if key is not None:
            by_key[key].append((npi, str(source), source_type))
    by_base: dict[str, list[str]] = defaultdict(list)
    for key in by_key:
        if "|" in key:
            by_base[key.partition(POINT_MARK)[0]].append(key)
    return Known(by_npi, dict(by_key), frozenset(rows), dict(by_base))


# An alias key of a person is "surname|first", then what tells namesakes apart when the
# spelling says it: "smith|john~do~" (John Smith, DO), "patel|~~lakeshore im".
POINT_MARK = "~"
Point = tuple[str, str]  # (credential class, practice or location key), "" when unsaid


def point_of(name: Name | None) -> Point:
    """What a person's spelling says besides the name: credential class and practice."""
    if name is None or name.kind != "person":
        return "", ""
    cred = credential_class(name.credential) if name.credential else ""
    return cred.lower(), text_key(name.qualifier) if name.qualifier else ""


def alias_key_of(key: str, point: Point) -> str:
    return key if point == ("", "") else f"{key}{POINT_MARK}{point[0]}{POINT_MARK}{point[1]}"


def point_of_key(alias_key: str) -> Point:
    _, mark, rest = alias_key.partition(POINT_MARK)
    if not mark:
        return "", ""
    cred, _, qualifier = rest.partition(POINT_MARK)
    return cred, qualifier
