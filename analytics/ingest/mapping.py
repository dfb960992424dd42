"""Map an export's columns to canonical fields: by header names first, then by the values."""

from __future__ import annotations

import hashlib
import re

import pandas as pd

from analytics.errors import IngestError
from analytics.ingest.dates import looks_like_dates
from analytics.ingest.source_types import infer_type, share_type_labels
from analytics.ingest.synonyms import (
    REFERRAL_SYNONYMS as REFERRAL_SYNONYMS,  # re-exported: prepare reads it from here
)
from analytics.ingest.synonyms import SYNONYMS_BY_KIND
from analytics.schema import FIELDS_BY_KIND

Mapping = dict[str, str]  # canonical field -> the export's column header

DATE_FIELDS = {"referral_date", "eval_date", "discharge_date", "activity_date", "case_created"}


def normalize_header(header: object) -> str:
    """Fold a header to lowercase words: 'Evaluated? (Y/N)' -> 'evaluated'."""
    text = "" if header is None else str(header)
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # ReferringNPI -> Referring NPI
    text = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
    text = text.lower().replace("#", " number ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    if words[:1] == ["number"] and len(words) > 1:
        words = words[1:]  # "# Visits" -> "visits"
    if words[:2] == ["no", "of"]:
        words = ["number", "of", *words[2:]]
    return " ".join(words)


def _exact(norm: str, kind: str) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for field, names in SYNONYMS_BY_KIND[kind].items():
        if norm in names:
            rank = names.index(norm)
            if best is None or rank < best[1]:
                best = (field, rank)
    return best


def _rank(header: str, kind: str) -> tuple[str, int] | None:
    words = normalize_header(header).split()
    # A caption joined over a header ("Intake Referral Date") also names what its last words
    # name, ranked after every exact name; two words at least, so "Insurance Group" is no group.
    for drop in range(len(words)):
        tail = words[drop:]
        if drop and len(tail) < 2:
            break
        hit = _exact(" ".join(tail), kind)
        if hit:
            return hit[0], hit[1] + 100 * drop
    return None


def header_score(row: list[object], kind: str) -> int:
    """How many distinct canonical fields a row's cells name: the header row scores highest."""
    fields = {hit[0] for cell in row if isinstance(cell, str) and (hit := _rank(cell, kind))}
    return len(fields)


def unique_headers(row: list[object]) -> list[str]:
    """Header labels as text, blanks named by position and repeats numbered."""
    seen: dict[str, int] = {}
    out = []
    for i, cell in enumerate(row):
        label = " ".join(str(cell).split()) if cell not in (None, "") else f"Column {i + 1}"
        if isinstance(cell, float) and cell.is_integer():
            label = str(int(cell))
        if label in seen:
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        else:
            seen[label] = 1
        out.append(label)
    return out


def layout_signature(headers: list[str], kind: str) -> str:
    """A stable key for a header layout, so next month's export reuses a confirmed mapping."""
    norm = "\x1f".join(sorted(normalize_header(h) for h in headers))
    return hashlib.sha256(f"{kind}\x1e{norm}".encode()).hexdigest()[:16]


def detect_mapping(headers: list[str], body: pd.DataFrame, kind: str) -> Mapping:
    """Guess the mapping from header names, then from values for what names could not tell."""
    candidates: dict[str, tuple[int, int, str]] = {}
    for position, header in enumerate(headers):
        hit = _rank(header, kind)
        if hit is None:
            continue
        field, rank = hit
        if field not in candidates or (rank, position) < candidates[field][:2]:
            candidates[field] = (rank, position, header)
    mapping: Mapping = {field: header for field, (_, _, header) in candidates.items()}
    if kind == "referrals":
        _settle_source_columns(mapping, headers, body)
    _infer_from_values(mapping, headers, body, kind)
    return mapping


def _sample(body: pd.DataFrame, headers: list[str], header: str, n: int = 500) -> pd.Series:
    """The column's first n non-blank values."""
    col = body.iloc[:, headers.index(header)]
    # The first rows nearly always hold n of them: no need to test a million cells.
    for rows in (20 * n, len(col)):
        head = col.head(rows)
        found = head[head.notna() & (head.astype(str).str.strip() != "")]
        if len(found) >= n or rows >= len(col):
            return found.head(n)
    return found.head(n)


# Headers of columns that hold people who are not referrers, whatever their credentials.
NOT_REFERRER_WORDS = frozenset(
    {
        "therapist",
        "treating",
        "rendering",
        "clinician",
        "staff",
        "scheduler",
        "user",
        "entered",
        "created",
        "patient",
        "client",
        "guarantor",
        "subscriber",
        "insured",
        "emergency",
        "employee",
    }
)


def _settle_source_columns(mapping: Mapping, headers: list[str], body: pd.DataFrame) -> None:
    # WebPT's "Referral Source" holds types ("Physician", "Self Referral") while the names sit
    # in "Referral Contact"; other exports put names under "Referral Source". Decide by values.
    named = sorted(
        (hit[1], pos, h)
        for pos, h in enumerate(headers)
        if (hit := _rank(h, "referrals")) and hit[0] == "source_name"
    )
    typed = [h for _, _, h in named if share_type_labels(_sample(body, headers, h)) >= 0.6]
    if typed and "source_type" not in mapping:
        mapping["source_type"] = typed[0]
    people = [h for _, _, h in named if h not in typed]
    if people:
        mapping["source_name"] = people[0]
    else:
        mapping.pop("source_name", None)
    if len(people) > 1 and "referral_source" not in mapping:
        # Raintree: "Referring Provider" and "Referral Source" (an employer, an attorney).
        mapping["referral_source"] = people[1]
    type_col = mapping.get("source_type")
    if type_col and share_type_labels(_sample(body, headers, type_col)) < 0.3:
        # A "Type" column of something else (visit type, case type): not a source type.
        del mapping["source_type"]


def referrer_candidates(
    mapping: Mapping, headers: list[str], body: pd.DataFrame
) -> list[tuple[float, str]]:
    """Unmapped columns whose values read as referring clinicians (credentials after names),
    with the share of their distinct values that do, best first."""
    used = set(mapping.values())
    found = []
    for header in headers:
        words = set(normalize_header(header).split())
        if header in used or words & NOT_REFERRER_WORDS:
            continue
        share = _person_share(_sample(body, headers, header))
        if share > 0.3:
            found.append((share, header))
    return sorted(found, key=lambda t: -t[0])


def _infer_from_values(mapping: Mapping, headers: list[str], body: pd.DataFrame, kind: str) -> None:
    used = set(mapping.values())
    free = [h for h in headers if h not in used]
    date_field = "referral_date" if kind == "referrals" else "activity_date"
    if date_field not in mapping:
        for header in free:
            if looks_like_dates(_sample(body, headers, header)) >= 0.8:
                mapping[date_field] = header
                free.remove(header)
                break
    if kind != "referrals":
        return
    candidates = referrer_candidates(mapping, headers, body)
    if not candidates:
        return
    share, best = candidates[0]
    if "source_name" not in mapping:
        # A header that says little ("Provider" under a "Referral" caption, "Column 4") over
        # values like "Smith, John MD": that column holds the referrers.
        mapping["source_name"] = best
        return
    current = _person_share(_sample(body, headers, mapping["source_name"]))
    if current < 0.15 and share >= 0.5:
        # The column named like a source holds channels or organisations, the other one the
        # doctors: the doctors are the referrers, the other column speaks where they are blank.
        if "referral_source" not in mapping:
            mapping["referral_source"] = mapping["source_name"]
        mapping["source_name"] = best


def _person_share(sample: pd.Series) -> float:
    texts = [str(v) for v in sample.unique() if isinstance(v, str)]
    if not texts:
        return 0.0
    hits = sum(infer_type(t) in ("physician", "physician_extender", "chiropractor") for t in texts)
    return hits / len(texts)


def apply_overrides(
    mapping: Mapping, overrides: dict[str, str], headers: list[str], kind: str
) -> Mapping:
    """Apply FIELD=COLUMN choices; an unknown field or column is one clear error."""
    fields = {f.name for f in FIELDS_BY_KIND[kind]}
    out = dict(mapping)
    lookup = {normalize_header(h): h for h in headers} | {h: h for h in headers}
    for field, column in overrides.items():
        if field not in fields:
            raise IngestError(
                f"'{field}' is not a field of {kind}; use one of: {', '.join(sorted(fields))}."
            )
        if column in ("", None):
            out.pop(field, None)
            continue
        header = lookup.get(column) or lookup.get(normalize_header(column))
        if header is None:
            raise IngestError(
                f"The file has no column '{column}' for {field}; its columns are: "
                f"{', '.join(headers)}."
            )
        for other, col in list(out.items()):
            if col == header and other != field:
                del out[other]
        out[field] = header
    return out


class MissingColumn(IngestError):
    """A required field no column was found for. str() is the command line's sentence; the
    Upload page says `on_page` instead and offers the file's `headers` to pick from."""

    def __init__(self, message: str, field: str, label: str, headers: list[str]) -> None:
        super().__init__(message)
        self.field = field
        self.label = label
        self.headers = list(headers)

    @property
    def on_page(self) -> str:
        """What to do on the Upload page."""
        return (
            f"No {self.label} column was found in this file. Pick the column that holds the "
            f"{self.label} below, then press “Use this column”."
        )


def check_required(mapping: Mapping, headers: list[str], kind: str, file_name: str) -> None:
    """Refuse a mapping without the columns every row needs, naming what to do."""
    columns = ", ".join(headers[:12]) + (" ..." if len(headers) > 12 else "")
    if kind == "referrals":
        if "referral_date" not in mapping and "count" in mapping:
            raise IngestError(
                f"No referral date column was found in {file_name} (columns: {columns}); "
                "a summary without dates needs a Month column (e.g. 'Apr 2025') saying which "
                "month each row counts: add it in the spreadsheet and upload again."
            )
        needed = [("referral_date", "referral date")]
        if "source_name" not in mapping and "source_type" not in mapping:
            needed.append(("source_name", "referral source"))
    else:
        needed = [("activity_date", "date"), ("partner", "referral partner")]
    for field, label in needed:
        if field not in mapping:
            raise MissingColumn(
                f"No {label} column was found in {file_name} (columns: {columns}); "
                f"choose it with --map {field}=COLUMN.",
                field,
                label,
                headers,
            )
