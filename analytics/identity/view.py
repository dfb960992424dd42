"""What the Partners page shows of identity: suggestions by impact, outreach names, decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from analytics.filters import Filters
from analytics.identity.entities import Entity
from analytics.identity.outreach import activities_of
from analytics.identity.suggest import MIN_CONFIDENCE, Suggestion, entities_of, suggest
from analytics.metrics.concentration import concentration_of
from analytics.metrics.periods import tables_from_sources
from analytics.schema import SOURCE_TYPE_LABELS

if TYPE_CHECKING:
    from analytics.store import Store
from analytics.identity.review import rank_by_impact

OUTREACH_CONFIDENCE = 0.3


@dataclass(frozen=True)
class OutreachName:
    """An outreach-log name that is no referral source, with the sources it may be."""

    name: str
    activities: int
    spellings: tuple[str, ...]
    candidates: tuple[Suggestion, ...]  # best first; each one's target is a referral source


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
