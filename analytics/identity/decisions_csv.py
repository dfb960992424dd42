"""The decisions CSV: every decision exported, and imported into another store as decisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analytics.identity.decisions import (
    DecisionsFileError,
    decisions_csv,
    read_decisions_csv,
)
from analytics.identity.decisions import record as record_decisions
from analytics.identity.names import read_name
from analytics.identity.outreach import activities_of

if TYPE_CHECKING:
    from analytics.store import Store
from analytics.identity.review import IdentityError, current


@dataclass(frozen=True)
class ImportResult:
    """What importing a decisions CSV did."""

    decisions: int
    rejected: int
    problems: tuple[str, ...]

    @property
    def sentence(self) -> str:
        """What the import did, for the owner, with the first few problems."""
        said = f"Imported {self.decisions} decisions and {self.rejected} pairs kept apart."
        return " ".join([said, *self.problems[:5]])


def export_csv(store: Store) -> bytes:
    """The store's decisions as a CSV another store can import (safe to open in Excel)."""
    return decisions_csv(current(store), store.rejected_pairs())


def _name_key(name: str) -> str:
    """What makes two spellings of a name the same in another store: a full person key, else
    the folded words."""
    reading = read_name(name)
    if reading.kind == "person" and len(reading.first) > 1:
        return f"{reading.surname}|{reading.first}"
    return " ".join(sorted(reading.org_words))


def import_csv(store: Store, data: bytes | object) -> ImportResult:
    """Apply a decisions CSV: its names and the same names spelled another way in this store.

    Decisions that already hold are skipped, so importing a file twice changes nothing.
    """
    if not isinstance(data, bytes):  # an uploaded file
        data = data.getvalue()
    try:
        rows, problems = read_decisions_csv(data)
    except DecisionsFileError as exc:
        raise IdentityError(str(exc)) from None
    state = current(store)
    profiles = store.source_profiles()
    known = list(profiles["source"]) + list(activities_of(store)["partner"].unique())
    by_key: dict[str, set[str]] = {}
    for name in known:
        by_key.setdefault(_name_key(name), set()).add(name)
    types = dict(zip(profiles["source"], profiles["source_type"], strict=True))
    decisions: list[dict] = []
    rejected: list[tuple[str, str]] = []
    done: set[tuple] = set()

    def add(decision: dict) -> None:
        key = tuple(decision.values())
        if key not in done:
            done.add(key)
            decisions.append(decision)

    for row in rows.itertuples(index=False):
        if row.applies_to == "different":
            rejected.append((row.source, row.canonical))
            continue
        if row.applies_to == "spelling":
            if state.spelling_map.query("spelling == @row.source").empty:
                add({"action": "split", "source": row.source, "canonical": row.canonical})
            continue
        canonical = row.canonical or row.source
        # This store's own spellings of both names: "Gregory Lane" for "Gregory Lane, MD".
        same = by_key.get(_name_key(row.source), set()) | by_key.get(_name_key(canonical), set())
        for name in sorted({row.source} | same):
            if name != canonical and state.canonical(name) != canonical:
                kept = types.get(canonical)
                merged_type = kept if name in types and types[name] != kept else None
                add({"action": "merge", "source": name, "canonical": canonical,
                     "source_type": merged_type, "note": "imported"})  # fmt: skip
        if row.source_type and state.types.get(canonical) != row.source_type:
            add({"action": "type", "source": canonical, "source_type": row.source_type})
        if row.organization is not None and state.organizations.get(canonical) != row.organization:
            add({"action": "organization", "source": canonical, "organization": row.organization})
    already = set(store.rejected_pairs())
    rejected = [p for p in rejected if tuple(sorted(p)) not in already]
    record_decisions(store, decisions, rejected=rejected)
    return ImportResult(len(decisions), len(rejected), tuple(problems))
