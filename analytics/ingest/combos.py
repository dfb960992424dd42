"""An upload's distinct (name, NPI, type label) combinations, each name parsed once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics.ingest.cleaning import clean_text
from analytics.ingest.labels import fold, label_key
from analytics.ingest.names import Name, parse_name
from analytics.ingest.source_types import CHANNEL_TYPES, TYPE_RANK, type_from_label
from analytics.schema import SOURCE_TYPES


class Combo(NamedTuple):
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


def combinations(
    names: pd.Series,
    npis: pd.Series | None,
    labels: pd.Series | None,
    parsed_ahead: Callable[[], Mapping[str, Name]],
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, list[Combo]]:
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
    label_type = [t if t in TYPE_RANK and t != "unknown" else None for t in label_type]
    # The label is part of the identity only where the name cannot be: "Google" as the type
    # and no contact. Elsewhere it only votes for the type, so it need not split combinations.
    nameless = np.array([p is None or not has_name(p) for p in parsed])
    kept_label = np.where(nameless[fine_name], fine_label, 0)
    # Merging fine combinations keeps the order of first appearance in the rows.
    coarse_of_fine, joint_uniques = pd.factorize(fine_rest * c + kept_label)
    size = len(joint_uniques)
    row_codes = coarse_of_fine[fine_codes]
    weights = np.bincount(coarse_of_fine, weights=fine_weights, minlength=size).astype(np.int64)
    label_votes: list[dict[str, int]] = [{} for _ in range(size)]
    if labels is not None:
        type_codes = np.array([TYPE_RANK[t] if t else -1 for t in label_type], dtype=np.int64)
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
        Combo(parsed[a], npi_text[p], label_type[li], label_text[li], v, w)
        for a, p, li, v, w in zip(
            name_at.tolist(),
            npi_at.tolist(),
            label_at.tolist(),
            label_votes,
            weights.tolist(),
            strict=True,
        )
    ]


def is_channel(name: Name) -> bool:
    """A channel label typed as the name ("Google" as Referral Contact)."""
    return name.kind == "label" and name.source_type in CHANNEL_TYPES


def has_name(name: Name) -> bool:
    """A person, an organisation or a channel: not blank, not a partner type label."""
    return name.kind in {"person", "other"} or is_channel(name)


def combo_key(combo: Combo) -> str | None:
    """Name key of a combination; a channel label stands in for a missing name."""
    name = combo.name
    if name is not None and has_name(name):
        return name.key
    # "Google" or "Self Referral" as the type and no contact: the channel is the source.
    if combo.label_type in CHANNEL_TYPES and combo.label_text:
        return label_key(fold(combo.label_text))
    return None
