"""Source types read from type labels and names, and the person key of a referrer's name."""

from __future__ import annotations

import pandas as pd

from analytics.ingest.cleaning import clean_text
from analytics.ingest.labels import fold, label_type
from analytics.ingest.names import parse_name
from analytics.schema import PARTNER_TYPES, SOURCE_TYPES

# Non-partner types whose label alone names a source ("Google", "Self referral").
CHANNEL_TYPES: frozenset[str] = frozenset(SOURCE_TYPES) - PARTNER_TYPES - {"unknown"}
TYPE_RANK = {t: i for i, t in enumerate(SOURCE_TYPES)}


def is_blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def type_from_label(label: str | None) -> str | None:
    """The source type a type label names ("Physician", "Self Referral"...); None if not one."""
    if is_blank(label):
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
    if is_blank(name):
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
