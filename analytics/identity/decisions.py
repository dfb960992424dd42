"""The owner's identity decisions, replayed into the maps every read applies, and their CSV form.

A decision is one row of the store's `source_decisions` log:

| action | source | canonical | source_type | organization |
|---|---|---|---|---|
| merge | a current source name | the name it is read as | the kept source's type | |
| rename | a current source name | its new name | | |
| type | a current source name | | the type it is read as | |
| organization | a current source name | | | its organisation ("" = none) |
| split | a raw spelling (`source_name`) | the name its rows are read as | | |

Replaying the log in order gives two small tables the store joins at read time:
`source_map` (ingest-time source -> canonical name, type, organisation) and `spelling_map`
(raw spelling -> source name). Undo deletes one decision and replays the rest, so an undone
merge is as if it had never been made, and past and future uploads read the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analytics.ingest.source_types import type_from_label
from analytics.safe_csv import FORMULA_STARTS, defuse
from analytics.schema import SOURCE_TYPES, UNKNOWN_SOURCE
from analytics.store import Store
from analytics.store.decisions import (
    ACTIONS,
    DECISION_COLUMNS,
    DecisionsChanged,
    decision_row,
)

__all__ = [
    "ACTIONS",
    "CSV_COLUMNS",
    "DECISION_COLUMNS",
    "DecisionsFileError",
    "Replayed",
    "decisions_csv",
    "read_decisions_csv",
    "record",
    "replay",
    "undefuse",
    "undo",
]

# The portable form: one row per mapped name, spelling or "different people" pair.
CSV_COLUMNS: tuple[str, ...] = ("source", "canonical", "source_type", "organization", "applies_to")
APPLIES_TO = ("source", "spelling", "different")


@dataclass(frozen=True, eq=False)
class Replayed:
    """What the decision log amounts to now.

    source_map: source, canonical, source_type (None = keep the row's), organization (None =
    keep the partner's usual one, "" = none). spelling_map: spelling, source. roots: every
    name a decision mentions -> the canonical name it is read as.
    """

    source_map: pd.DataFrame
    spelling_map: pd.DataFrame
    roots: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # chosen types, by canonical name
    organizations: dict[str, str] = field(default_factory=dict)  # by canonical name

    def canonical(self, name: str) -> str:
        """The name a source is read as (itself when no decision touches it)."""
        return self.roots.get(name, name)


class _Forest:
    """Names pointing at the names they are read as; every chain ends at a canonical name.

    A type chosen for a canonical name applies to everything read as it. A merge without one
    gives the merged rows the kept source's type (recorded with the merge), and leaves the
    kept source's own rows as they are.
    """

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}  # canonical name -> every name read as it
        self.chosen_type: dict[str, str] = {}  # by canonical name
        self.organization: dict[str, str] = {}  # by canonical name
        self.merged_type: dict[str, str] = {}  # by any name

    def root(self, name: str) -> str:
        seen = {name}
        while name in self.parent:
            name = self.parent[name]
            if name in seen:  # never made by link(); a guard against a hand-edited log
                break
            seen.add(name)
        return name

    def _members(self, root: str) -> set[str]:
        return self.members.setdefault(root, {root})

    def link(
        self, source: str, target: str, merged_type: str | None = None, rename: bool = False
    ) -> None:
        """Read `source` (and whatever reads as it) as `target`: a merge into another source
        keeps the target's type, a rename carries the source's type and organisation along."""
        old, new = self.root(source), self.root(target)
        if old == new:
            if target != new:  # renaming back to an earlier name: that name becomes the root
                self.parent.pop(target, None)
                self.parent[new] = target
                self.members[target] = self.members.pop(new, {new}) | {target}
                self._move(new, target)
            return
        moved = self.members.pop(old, {old})
        if merged_type:
            self.merged_type.update(dict.fromkeys(moved, merged_type))
        self.parent[old] = new
        self._members(new).update(moved)
        if not rename:
            self.chosen_type.pop(old, None)
        self._move(old, new)

    def _move(self, old: str, new: str) -> None:
        for attribute in (self.chosen_type, self.organization):
            if old in attribute:
                value = attribute.pop(old)
                attribute.setdefault(new, value)


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def replay(decisions: pd.DataFrame) -> Replayed:
    """Replay a decision log (DECISION_COLUMNS, any order) into the maps reads apply."""
    forest = _Forest()
    spellings: dict[str, str] = {}
    names: set[str] = set()
    ordered = decisions.sort_values("decision_id") if len(decisions) else decisions
    for row in ordered.itertuples(index=False):
        action, source = row.action, _text(row.source)
        canonical, source_type = _text(row.canonical), _text(row.source_type)
        organization = _text(row.organization)
        if source is None:
            continue
        if action == "split":
            if canonical:
                spellings[source] = canonical
                names.add(canonical)
            continue
        names.add(source)
        if action in ("merge", "rename") and canonical:
            names.add(canonical)
            if action == "merge":
                forest.link(source, canonical, merged_type=source_type)
            else:
                forest.link(source, canonical, rename=True)
        elif action == "type" and source_type:
            forest.chosen_type[forest.root(source)] = source_type
        elif action == "organization" and organization is not None:
            forest.organization[forest.root(source)] = organization.strip()
    rows, roots, types, organizations = [], {}, {}, {}
    for name in sorted(names):
        root = forest.root(name)
        roots[name] = root
        source_type = forest.chosen_type.get(root) or forest.merged_type.get(name)
        organization = forest.organization.get(root)
        if root in forest.chosen_type:
            types[root] = forest.chosen_type[root]
        if organization is not None:
            organizations[root] = organization
        if root != name or source_type or organization is not None:
            rows.append((name, root, source_type, organization))
    source_map = pd.DataFrame(
        rows, columns=["source", "canonical", "source_type", "organization"], dtype=object
    )
    spelling_map = pd.DataFrame(sorted(spellings.items()), columns=["spelling", "source"])
    return Replayed(source_map, spelling_map, roots, types, organizations)


# --- CSV -----------------------------------------------------------------------------------


def undefuse(text: str) -> str:
    """Undo safe_csv.defuse: drop the apostrophe put before a formula-like start."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def decisions_csv(replayed: Replayed, rejected: Iterable[tuple[str, str]] = ()) -> bytes:
    """The decisions as portable CSV rows (UTF-8 with BOM, formula-like text defused)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in replayed.source_map.itertuples(index=False):
        writer.writerow(
            [defuse(row.source), defuse(row.canonical), replayed.types.get(row.canonical, ""),
             _organization_cell(row.organization), "source"]
        )  # fmt: skip
    for row in replayed.spelling_map.itertuples(index=False):
        canonical = replayed.canonical(row.source)
        writer.writerow([defuse(row.spelling), defuse(canonical), "", "", "spelling"])
    for a, b in sorted(rejected):
        writer.writerow([defuse(a), defuse(b), "", "", "different"])
    return out.getvalue().encode("utf-8-sig")


def _organization_cell(organization: str | None) -> str:
    if organization is None:
        return ""  # keep the store's own
    return "(none)" if organization == "" else defuse(organization)


class DecisionsFileError(ValueError):
    """A decisions CSV that cannot be read: the message says what to fix."""


def read_decisions_csv(data: bytes) -> tuple[pd.DataFrame, list[str]]:
    """Rows of a decisions CSV (CSV_COLUMNS, text cleaned) and one problem line per bad row.

    Raises DecisionsFileError when the file is not such a CSV at all.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise DecisionsFileError("The decisions file is empty; export one from a Partners page.")
    header = [undefuse(h).strip().lower() for h in header]
    if "source" not in header:
        raise DecisionsFileError(
            "The decisions file has no 'source' column; it needs the columns "
            f"{', '.join(CSV_COLUMNS)} as exported from the Partners page."
        )
    at = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    rows, problems = [], []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        value = {
            name: (undefuse(cells[i]).strip() if i < len(cells) else "") for name, i in at.items()
        }
        applies_to = (value.get("applies_to") or "source").lower()
        source = " ".join(value.get("source", "").split())
        canonical = " ".join(value.get("canonical", "").split())
        source_type = value.get("source_type", "")
        if not source:
            problems.append(f"Row {number}: no source name; the row was skipped.")
            continue
        if applies_to not in APPLIES_TO:
            problems.append(
                f"Row {number}: applies_to '{applies_to}' is not one of "
                f"{', '.join(APPLIES_TO)}; the row was skipped."
            )
            continue
        if source == UNKNOWN_SOURCE and applies_to == "source":
            problems.append(f"Row {number}: '{UNKNOWN_SOURCE}' cannot be renamed or merged.")
            continue
        if source_type:
            known = source_type if source_type in SOURCE_TYPES else type_from_label(source_type)
            if known is None:
                problems.append(
                    f"Row {number}: '{source_type}' is not a source type (use one of "
                    f"{', '.join(SOURCE_TYPES)}); the type was left as it was."
                )
            source_type = known or ""
        if applies_to != "source" and not canonical:
            problems.append(f"Row {number}: a {applies_to} row needs a canonical name.")
            continue
        rows.append(
            {
                "source": source,
                "canonical": canonical or None,
                "source_type": source_type or None,
                "organization": _organization_value(value.get("organization")),
                "applies_to": applies_to,
            }
        )
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS), dtype=object), problems


def _organization_value(cell: str | None) -> str | None:
    """An empty organization cell keeps the store's own (None); "(none)" clears it ("")."""
    if not cell:
        return None
    return "" if cell.casefold() == "(none)" else cell


# How often a change is re-prepared when another writer changed the log meanwhile.
_ATTEMPTS = 5


def record(
    store: Store,
    decisions: Sequence[Mapping[str, object]],
    rejected: Iterable[tuple[str, str]] = (),
) -> list[int]:
    """Add decisions and "different referrers" pairs to the store's log in one transaction,
    with the maps the whole log replays to; returns the new decisions' ids."""
    rows = [decision_row(d) for d in decisions]  # a bad decision is refused before any read
    for attempt in range(_ATTEMPTS):
        with store.session():
            state = store.decision_log_state()
            log = store.decisions()
            # The new decisions replay after every stored one (the store gives them larger ids).
            first = state[1] + 1
            new = pd.DataFrame(
                [[first + i, *row[:5], None, row[5]] for i, row in enumerate(rows)],
                columns=list(DECISION_COLUMNS),
            )
            replayed = replay(pd.concat([log, new], ignore_index=True) if rows else log)
            try:
                return store.record_decisions(
                    decisions,
                    rejected,
                    source_map=replayed.source_map,
                    spelling_map=replayed.spelling_map,
                    read_state=state,
                )
            except DecisionsChanged:
                if attempt == _ATTEMPTS - 1:
                    raise
    return []


def undo(store: Store, decision_ids: Iterable[int]) -> int:
    """Delete decisions (the rest replayed as if they had never been made); returns how many."""
    ids = {int(i) for i in decision_ids}
    for attempt in range(_ATTEMPTS):
        with store.session():
            state = store.decision_log_state()
            log = store.decisions()
            replayed = replay(log[~log["decision_id"].isin(ids)])
            try:
                return store.undo_decisions(
                    ids,
                    source_map=replayed.source_map,
                    spelling_map=replayed.spelling_map,
                    read_state=state,
                )
            except DecisionsChanged:
                if attempt == _ATTEMPTS - 1:
                    raise
    return 0
