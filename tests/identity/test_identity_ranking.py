"""Suggestions as the owner meets them (issue 11): ranked by their effect on concentration,
ambiguous sources naming every candidate, patient channels never offered, bulk accept."""

from __future__ import annotations

import pytest

from analytics import identity
from analytics.identity.entities import Entity
from analytics.identity.suggest import Suggestion, suggest
from analytics.store import Store
from tests.identity.test_identity_store import load


def _s(source, target, confidence, a=0, b=0, alternatives=()):
    return Suggestion(source, target, confidence, ("why",), a, b, alternatives=alternatives)


TYPES = {
    "Greg Lane": "physician", "Gregory Lane, MD": "physician",
    "Okafor Ortho": "physician", "Maria Okafor, MD": "physician",
    "Facebook ad": "marketing", "Facebook": "marketing",
    "Riverbend": "organization", "Riverbend Logistics": "organization",
}  # fmt: skip


def test_partner_pairs_first_then_by_the_referrals_the_pair_holds():
    found = [
        _s("Facebook ad", "Facebook", 0.95, 40, 60),  # 100 referrals, not partners
        _s("Greg Lane", "Gregory Lane, MD", 0.88, 2, 8),  # 10
        _s("Riverbend", "Riverbend Logistics", 0.72, 30, 40),  # 70
        _s("Okafor Ortho", "Maria Okafor, MD", 0.70, 5, 25),  # 30
    ]
    ranked = [s.source for s in identity.rank_by_impact(found, TYPES)]
    assert ranked == ["Riverbend", "Okafor Ortho", "Greg Lane", "Facebook ad"]


def test_ties_go_to_the_surer():
    found = [
        _s("Greg Lane", "Gregory Lane, MD", 0.6, 2, 8),
        _s("Okafor Ortho", "Maria Okafor, MD", 0.9, 3, 7),
    ]
    assert [s.source for s in identity.rank_by_impact(found, TYPES)] == [
        "Okafor Ortho",
        "Greg Lane",
    ]


@pytest.mark.parametrize(
    ("minimum", "chosen", "left"),
    [
        (0.9, ["A"], 1),  # B names two candidates: left to the owner
        (0.8, ["A", "C"], 2),  # D's target C was merged just now
        (0.5, ["A", "C", "E"], 2),
        (0.99, [], 0),
    ],
)
def test_bulk_candidates(minimum, chosen, left):
    found = [
        _s("A", "X", 0.95),
        _s("B", "Y", 0.92, alternatives=("Z",)),
        _s("C", "W", 0.85),
        _s("D", "C", 0.82),
        _s("E", "V", 0.55),
        _s("F", "U", 0.4),
    ]
    picked, held = identity.bulk_candidates(found, minimum)
    assert ([s.source for s in picked], held) == (chosen, left)


def test_an_ambiguous_name_is_offered_with_both_candidates():
    entities = [
        Entity("Dr. Patel (Lakeshore IM)", "physician", 30),
        Entity("Dr. Patel (Summit Orthopedics)", "physician", 20),
        Entity("Dr. Patel", "physician", 40),  # more referrals than either: still the one merged
    ]
    found = suggest(entities)
    pairs = {(s.source, s.target): s.alternatives for s in found}
    assert pairs == {
        ("Dr. Patel", "Dr. Patel (Lakeshore IM)"): ("Dr. Patel (Summit Orthopedics)",),
        ("Dr. Patel", "Dr. Patel (Summit Orthopedics)"): ("Dr. Patel (Lakeshore IM)",),
    }
    assert all(any(e.startswith("could also be Dr. Patel (") for e in s.evidence) for s in found)
    assert identity.bulk_candidates(found, 0.0) == ([], 2)


def test_patient_channels_and_told_apart_people_are_never_suggested():
    entities = [
        Entity("Patient Referral", "patient", 400),
        Entity("Former patient", "patient", 50),
        Entity("Friend/Family", "patient", 170),
        Entity("John Smith, MD", "physician", 30),
        Entity("John Smith, DO", "physician", 10),
    ]
    assert suggest(entities, min_confidence=0.0) == []


BULK_CSV = (
    "Referral Date,Referring Provider,Referral Type\n"
    + "2025-03-03,Gregory Lane MD,Physician\n" * 3
    + "2025-03-04,Greg Lane MD,Physician\n" * 2
    + "2025-03-05,Maria Okafor MD,Physician\n" * 4
    + "2025-03-06,Okafor Ortho,Physician\n" * 1
)


def test_accept_all_merges_and_counts(tmp_path):
    store = Store(tmp_path / "bulk.duckdb")
    try:
        load(store, BULK_CSV, "bulk.csv")
        view = identity.identity_view(store)
        confidences = {(s.source, s.target): s.confidence for s in view.suggestions}
        assert set(confidences) == {
            ("Greg Lane, MD", "Gregory Lane, MD"),
            ("Okafor Ortho", "Maria Okafor, MD"),
        }
        # Lane's pair holds 5 referrals, Okafor's 5 too: the surer first.
        surer_first = sorted(confidences, key=lambda p: -confidences[p])
        assert [(s.source, s.target) for s in view.suggestions] == surer_first
        cut = min(confidences.values())
        result = identity.accept_all(store, view.suggestions, cut)
        assert (result.merged, result.left) == (2, 0)
        assert result.sentence == "Merged 2 suggested pairs."
        after = identity.identity_view(store)
        assert after.suggestions == ()
        assert set(after.referring) == {"Gregory Lane, MD", "Maria Okafor, MD"}
        assert len(store.decisions()) == 2
        with pytest.raises(identity.IdentityError, match="No suggestion is 100% sure"):
            identity.accept_all(store, view.suggestions, 1.0)
    finally:
        store.close()


NAMESAKES_CSV = (
    "Referral Date,Referring Provider,Referral Type,NPI\n"
    + "2025-03-03,John Smith MD,Physician,1234567893\n" * 4
    + '2025-03-04,"John Smith, DO",Physician,\n' * 3
    + "2025-03-05,Dr. John Smith,Physician,\n" * 2
    + "2025-03-06,Dr. Patel (Lakeshore IM),Physician,\n" * 3
    + "2025-03-07,Dr. Patel - Summit Orthopedics,Physician,\n" * 2
    + "2025-03-10,Dr. Patel,Physician,\n" * 1
)


def test_namesakes_stay_apart_and_the_ambiguous_names_point_back(tmp_path):
    store = Store(tmp_path / "namesakes.duckdb")
    try:
        load(store, NAMESAKES_CSV, "namesakes.csv")
        by_source = store.referrals().groupby("source")["count"].sum().to_dict()
        assert by_source == {
            "John Smith, MD": 4,
            "John Smith, DO": 3,
            "John Smith": 2,  # "Dr. John Smith": either of them
            "Dr. Patel (Lakeshore IM)": 3,
            "Dr. Patel (Summit Orthopedics)": 2,
            "Dr. Patel": 1,
        }
        found = identity.identity_view(store).suggestions
        assert {(s.source, s.target, s.alternatives) for s in found} == {
            ("John Smith", "John Smith, MD", ("John Smith, DO",)),
            ("John Smith", "John Smith, DO", ("John Smith, MD",)),
            ("Dr. Patel", "Dr. Patel (Lakeshore IM)", ("Dr. Patel (Summit Orthopedics)",)),
            ("Dr. Patel", "Dr. Patel (Summit Orthopedics)", ("Dr. Patel (Lakeshore IM)",)),
        }
        assert all(s.confidence < 0.6 for s in found)  # a guess between two people
        assert identity.bulk_candidates(found, 0.0) == ([], 4)  # the owner picks
    finally:
        store.close()


def test_splitting_a_spelling_never_lands_in_another_source(tmp_path):
    store = Store(tmp_path / "split.duckdb")
    try:
        load(store, NAMESAKES_CSV + "2025-03-11,DR PATEL (LAKESHORE IM),Physician,\n", "s.csv")
        before = store.referrals().groupby("source")["count"].sum().to_dict()
        assert before["Dr. Patel (Lakeshore IM)"] == 4 and before["Dr. Patel"] == 1
        identity.split_spelling(store, "DR PATEL (LAKESHORE IM)")
        after = store.referrals().groupby("source")["count"].sum().to_dict()
        # Its name read alone would be "Dr. Patel", the ambiguous source: kept as typed.
        assert after["DR PATEL (LAKESHORE IM)"] == 1
        assert after["Dr. Patel"] == 1 and after["Dr. Patel (Lakeshore IM)"] == 3
    finally:
        store.close()
