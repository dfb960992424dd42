"""Referrer identity over a store: suggested merges, the owner's decisions, CSV reuse.

Every change is a decision in the store's log (merge, rename, type, organisation, split);
reads apply the log, so past and future uploads, every metric and every page agree at once,
and undoing a decision deletes it. This module turns what the owner picks into decisions and
shapes what the Partners page shows; identity_suggest finds the likely duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from analytics.filters import Filters
from analytics.identity.decisions import (
    DecisionsFileError,
    Replayed,
    decisions_csv,
    read_decisions_csv,
    replay,
)
from analytics.identity.decisions import record as record_decisions
from analytics.identity.decisions import undo as undo_decisions
from analytics.identity.match import Entity
from analytics.identity.names import read_name
from analytics.identity.outreach import activities_of
from analytics.identity.suggest import MIN_CONFIDENCE, Suggestion, entities_of, suggest
from analytics.ingest.source_types import person_key
from analytics.metrics.concentration import concentration_of
from analytics.metrics.periods import tables_from_sources
from analytics.schema import PARTNER_TYPES, SOURCE_TYPE_LABELS, SOURCE_TYPES, UNKNOWN_SOURCE

if TYPE_CHECKING:
    from analytics.store import Store

__all__ = [
    "BulkResult",
    "IdentityError",
    "IdentityView",
    "ImportResult",
    "OutreachName",
    "accept",
    "accept_all",
    "bulk_candidates",
    "concentration_now",
    "current",
    "export_csv",
    "identity_view",
    "import_csv",
    "merge",
    "merge_into",
    "rank_by_impact",
    "reject",
    "rename",
    "set_organization",
    "set_type",
    "split_spelling",
    "suggestions",
    "undo",
]


OUTREACH_CONFIDENCE = 0.3


class IdentityError(ValueError):
    """A decision that cannot be made; the message is one sentence for the owner."""


@dataclass(frozen=True)
class OutreachName:
    """An outreach-log name that is no referral source, with the sources it may be."""

    name: str
    activities: int
    spellings: tuple[str, ...]
    candidates: tuple[Suggestion, ...]  # best first; each one's target is a referral source


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


@dataclass(frozen=True, eq=False)
class IdentityView:
    """Everything the Partners page shows, built once per store version."""

    suggestions: tuple[Suggestion, ...]  # between referral sources, largest effect first
    outreach: tuple[OutreachName, ...]
    partners: pd.DataFrame
    decisions: pd.DataFrame
    sources: tuple[str, ...]  # every current source, most referrals first
    referring: tuple[str, ...]  # the sources with referrals, most first
    organizations: tuple[str, ...]
    organization_of: dict[str, str]
    spellings: dict[str, tuple[str, ...]]
    types: dict[str, str]
    referrals: int = 0  # every source's, for the share a suggested pair holds

    def choices_for(self, name: OutreachName) -> list[str]:
        """Referral sources an outreach name may be: its likely matches first, then the rest."""
        return list(dict.fromkeys([c.target for c in name.candidates] + list(self.referring)))


def _clean(name: str | None) -> str:
    return " ".join(str(name or "").split())


def current(store: Store) -> Replayed:
    """The store's decision log, replayed."""
    return replay(store.decisions())


def _entities(store: Store) -> list[Entity]:
    return entities_of(store.source_profiles(), activities_of(store))


def suggestions(store: Store, min_confidence: float = MIN_CONFIDENCE) -> list[Suggestion]:
    """Likely duplicate sources in the store, most confident first (rejected pairs left out)."""
    return suggest(_entities(store), store.rejected_pairs(), min_confidence)


# --- decisions -------------------------------------------------------------------------------


def merge(store: Store, sources: Iterable[str], into: str, note: str | None = None) -> list[int]:
    """Read every one of `sources` as `into` from now on (past and future uploads)."""
    into = _clean(into)
    merged = [s for s in dict.fromkeys(sources) if s and s != into]
    if not into:
        raise IdentityError("Choose the name to keep.")
    if not merged:
        raise IdentityError(f"Choose at least one other source to merge into {into}.")
    if UNKNOWN_SOURCE in merged:
        raise IdentityError(
            f"'{UNKNOWN_SOURCE}' holds the referrals without a source and cannot be merged."
        )
    profiles = store.source_profiles().set_index("source")
    types = profiles["source_type"].to_dict()
    kept_type = types.get(into)
    decisions = [
        {
            "action": "merge",
            "source": source,
            "canonical": into,
            # The merged referrals take the kept source's type; outreach has no type.
            "source_type": kept_type if source in types and types[source] != kept_type else None,
            "note": note,
        }
        for source in merged
    ]
    return record_decisions(store, decisions)


def merge_into(store: Store, source: str, target: str | None) -> list[int]:
    """Read one source (an outreach name, say) as the partner `target`."""
    if not target:
        raise IdentityError(f"Choose the partner {source} is.")
    return merge(store, [source], target)


def accept(store: Store, suggestion: Suggestion) -> list[int]:
    """Make a suggested merge."""
    note = f"Suggested ({suggestion.confidence:.0%}): {'; '.join(suggestion.evidence)}"
    return merge(store, [suggestion.source], suggestion.target, note)


@dataclass(frozen=True)
class BulkResult:
    """What accepting every suggestion above a confidence did."""

    merged: int
    left: int  # above the confidence but left for the owner: ambiguous or overlapping

    @property
    def sentence(self) -> str:
        """What was done, for the owner."""
        said = f"Merged {self.merged} suggested pair{'s' if self.merged != 1 else ''}."
        if self.left:
            said += (
                f" {self.left} left for you to decide: they name more than one candidate or"
                " involve a source merged just now."
            )
        return said


def bulk_candidates(
    suggestions: Iterable[Suggestion], min_confidence: float
) -> tuple[list[Suggestion], int]:
    """The suggestions a bulk accept at `min_confidence` makes, and how many it leaves.

    Ambiguous ones (naming several candidates) are left for the owner, and so is any that
    involves a source already merged by a surer one in the same batch.
    """
    chosen: list[Suggestion] = []
    touched: set[str] = set()
    left = 0
    for s in sorted(suggestions, key=lambda s: -s.confidence):
        if s.confidence < min_confidence:
            continue
        if s.alternatives or s.source in touched or s.target in touched:
            left += 1
            continue
        chosen.append(s)
        touched.add(s.source)
    return chosen, left


def accept_all(
    store: Store, suggestions: Iterable[Suggestion], min_confidence: float
) -> BulkResult:
    """Make every suggested merge at or above `min_confidence` (see bulk_candidates)."""
    if not 0 < min_confidence <= 1:
        raise IdentityError("Choose a confidence between 1% and 100%.")
    chosen, left = bulk_candidates(suggestions, min_confidence)
    if not chosen:
        raise IdentityError(f"No suggestion is {min_confidence:.0%} sure or more.")
    types = store.source_profiles().set_index("source")["source_type"].to_dict()
    decisions = []
    for s in chosen:
        kept_type = types.get(s.target)
        decisions.append(
            {
                "action": "merge",
                "source": s.source,
                "canonical": s.target,
                "source_type": kept_type
                if s.source in types and types[s.source] != kept_type
                else None,
                "note": f"Suggested ({s.confidence:.0%}), accepted in bulk: "
                + "; ".join(s.evidence),
            }
        )
    record_decisions(store, decisions)
    return BulkResult(len(chosen), left)


def rank_by_impact(suggestions: Iterable[Suggestion], types: dict[str, str]) -> list[Suggestion]:
    """Suggestions that move concentration most first: pairs of partners (physicians and
    other referral partners) before the rest, then by the referrals the pair holds together,
    then the surest."""

    def key(s: Suggestion) -> tuple:
        partners = types.get(s.source) in PARTNER_TYPES and types.get(s.target) in PARTNER_TYPES
        held = s.source_referrals + s.target_referrals
        return (not partners, -held, -s.confidence, s.source, s.target)

    return sorted(suggestions, key=key)


def reject(store: Store, suggestion: Suggestion) -> None:
    """Remember that a suggested pair are different referrers."""
    store.reject_pairs([suggestion.pair])


def rename(store: Store, source: str, new_name: str) -> int:
    """Show a source under a new canonical name (a name already in use merges the two)."""
    new_name = _clean(new_name)
    if not new_name:
        raise IdentityError("Type the new name.")
    if UNKNOWN_SOURCE in (source, new_name):
        raise IdentityError(f"'{UNKNOWN_SOURCE}' is kept for referrals without a source.")
    if new_name == source:
        raise IdentityError(f"{source} already has that name.")
    return record_decisions(store, [{"action": "rename", "source": source, "canonical": new_name}])[
        0
    ]


def set_type(store: Store, source: str, source_type: str) -> int:
    """Read every referral of a source as this type."""
    if source_type not in SOURCE_TYPES:
        raise IdentityError(f"Choose a type among {', '.join(SOURCE_TYPES)}.")
    return record_decisions(
        store, [{"action": "type", "source": source, "source_type": source_type}]
    )[0]


def set_organization(store: Store, source: str, organization: str | None) -> int:
    """Put a partner in an organisation (practice group, health system); None or blank takes
    it out of any (its referrals' own organisation column is then ignored too)."""
    return record_decisions(
        store, [{"action": "organization", "source": source, "organization": _clean(organization)}]
    )[0]


def split_spelling(store: Store, spelling: str, into: str | None = None) -> list[int]:
    """Read one raw spelling as its own source (or as `into`), apart from where it is now."""
    profiles = store.source_profiles()
    holder = next((r.source for r in profiles.itertuples() if spelling in r.spellings), None)
    if holder is None:
        activities = activities_of(store)
        found = activities.loc[activities["partner_name"] == spelling, "partner"]
        holder = found.iloc[0] if len(found) else None
    if holder is None:
        raise IdentityError(f"No referral or outreach row is spelled '{spelling}'.")
    if into is None:
        parsed = person_key(spelling)
        into = parsed[1] if parsed else _clean(spelling)
        # Another source's name ("Dr. Patel" for "Dr. Patel (Lakeshore IM)") would merge the
        # spelling into it: the spelling as typed is its own name then.
        if into == holder or into in set(profiles["source"]):
            into = _clean(spelling)
    into = _clean(into)
    if into == holder:
        raise IdentityError(f"'{spelling}' is already read as {holder}.")
    decision = {"action": "split", "source": spelling, "canonical": into}
    return record_decisions(store, [decision], rejected=[(into, holder)])


def undo(store: Store, decision_ids: Iterable[int]) -> int:
    """Undo decisions: reads go back to what the rest of the log says."""
    return undo_decisions(store, decision_ids)


# --- CSV -------------------------------------------------------------------------------------


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


# --- what the Partners page shows ------------------------------------------------------------


def _decision_sentence(row) -> str:
    source, canonical = row.source, row.canonical
    if row.action == "merge":
        return f"Merged “{source}” into “{canonical}”"
    if row.action == "rename":
        return f"Renamed “{source}” to “{canonical}”"
    if row.action == "type":
        return f"Counted “{source}” as {SOURCE_TYPE_LABELS.get(row.source_type, row.source_type)}"
    if row.action == "organization":
        if not row.organization:
            return f"Took “{source}” out of its organisation"
        return f"Put “{source}” in “{row.organization}”"
    return f"Read the spelling “{source}” as “{canonical}”"


def decisions_table(log: pd.DataFrame) -> pd.DataFrame:
    """The decision log as the owner reads it, newest first."""
    return pd.DataFrame(
        {
            "ID": log["decision_id"].astype("int64"),
            "When": pd.to_datetime(log["decided_at"]),
            "Decision": [_decision_sentence(r) for r in log.itertuples(index=False)],
            "Note": log["note"].fillna("").astype(str),
        }
    )


def _outreach(entities: Sequence[Entity], found: Sequence[Suggestion]) -> tuple[OutreachName, ...]:
    referring = {e.name for e in entities if e.referrals}
    by_name: dict[str, list[Suggestion]] = {}
    for suggestion in found:  # the kept side has more referrals: an outreach name is merged
        if suggestion.source not in referring and suggestion.target in referring:
            by_name.setdefault(suggestion.source, []).append(suggestion)
    return tuple(
        OutreachName(e.name, e.activities, e.spellings, tuple(by_name.get(e.name, ())))
        for e in sorted(entities, key=lambda e: (-e.activities, e.name))
        if not e.referrals and e.activities
    )


def identity_view(store: Store) -> IdentityView:
    """Suggestions, outreach names, partners and decisions, as the Partners page shows them."""
    profiles = store.source_profiles()
    entities = entities_of(profiles, activities_of(store))
    # Outreach names also get the weaker candidates ("Dr. Smith" among two Smiths).
    found = suggest(entities, store.rejected_pairs(), OUTREACH_CONFIDENCE)
    referring = [e for e in entities if e.referrals]
    ranked = sorted(entities, key=lambda e: (-e.referrals, -e.activities, e.name))
    partners = pd.DataFrame(
        {
            "Partner": [e.name for e in ranked],
            "Type": [SOURCE_TYPE_LABELS.get(e.source_type, "—") if e.referrals else "Outreach only"
                     for e in ranked],
            "Organisation": [e.organization or "" for e in ranked],
            "Referrals": [e.referrals for e in ranked],
            "Outreach": [e.activities for e in ranked],
            "Spellings": [len(e.spellings) for e in ranked],
            "NPI": [", ".join(sorted(e.npis)) for e in ranked],
        }
    )  # fmt: skip
    organizations = sorted({e.organization for e in referring if e.organization})
    return IdentityView(
        suggestions=tuple(
            rank_by_impact(
                (
                    s
                    for s in found
                    if s.source_referrals and s.target_referrals and s.confidence >= MIN_CONFIDENCE
                ),
                {e.name: e.source_type for e in entities},
            )
        ),
        referrals=sum(e.referrals for e in referring),
        outreach=_outreach(entities, found),
        partners=partners,
        decisions=decisions_table(store.decisions()),
        sources=tuple(e.name for e in ranked),
        referring=tuple(e.name for e in ranked if e.referrals),
        organizations=tuple(organizations),
        organization_of={e.name: e.organization for e in referring if e.organization},
        spellings={e.name: e.spellings for e in entities},
        types={e.name: e.source_type for e in entities},
    )


def concentration_now(store: Store, filters: Filters) -> dict:
    """The period's concentration as every page reads it now (decisions applied)."""
    sources, start, end = store.period_sources(filters)
    return concentration_of(tables_from_sources(sources, filters, start, end))
