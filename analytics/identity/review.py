"""Referrer identity over a store: the owner's decisions (merge, rename, type, organisation,
split) made from suggested merges and picks.

Every change is a decision in the store's log; reads apply the log, so past and future uploads,
every metric and every page agree at once, and undoing a decision deletes it. `suggest` finds
the likely duplicates; `decisions_csv` reuses decisions across stores; `view` shapes what the
Partners page shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analytics.identity.decisions import (
    Replayed,
    replay,
)
from analytics.identity.decisions import record as record_decisions
from analytics.identity.decisions import undo as undo_decisions
from analytics.identity.entities import Entity
from analytics.identity.outreach import activities_of
from analytics.identity.suggest import MIN_CONFIDENCE, Suggestion, entities_of, suggest
from analytics.ingest.source_types import person_key
from analytics.schema import PARTNER_TYPES, SOURCE_TYPES, UNKNOWN_SOURCE

if TYPE_CHECKING:
    from analytics.store import Store

__all__ = [
    "BulkResult",
    "IdentityError",
    "accept",
    "accept_all",
    "bulk_candidates",
    "current",
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


class IdentityError(ValueError):
    """A decision that cannot be made; the message is one sentence for the owner."""


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
