"""Replaying the decision log, and decisions carried to another store as CSV."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analytics import identity
from analytics.identity.decisions import (
    DECISION_COLUMNS,
    DecisionsFileError,
    decisions_csv,
    read_decisions_csv,
    replay,
    undefuse,
)
from analytics.safe_csv import defuse
from analytics.store import Store
from tests.identity.test_identity_store import GREG, GREGORY, HEADER, LANE_CSV, OKAFOR, load


def log(*decisions: tuple) -> pd.DataFrame:
    """A decision log from (action, source, canonical, source_type, organization) tuples."""
    rows = [
        (i, *d, *(None,) * (5 - len(d)), pd.Timestamp("2025-01-01"), None)
        for i, d in enumerate(decisions, start=1)
    ]
    return pd.DataFrame(rows, columns=list(DECISION_COLUMNS))


def mapping(decisions: pd.DataFrame) -> dict:
    replayed = replay(decisions)
    return {
        r.source: (r.canonical, r.source_type, r.organization)
        for r in replayed.source_map.itertuples(index=False)
    }


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([("merge", "A", "C")], {"A": ("C", None, None)}),
        # a chain: everything read as A follows A
        (
            [("merge", "A", "B"), ("merge", "B", "C")],
            {"A": ("C", None, None), "B": ("C", None, None)},
        ),
        # a merge records the kept source's type for the merged rows only
        ([("merge", "A", "C", "physician")], {"A": ("C", "physician", None)}),
        # a rename of the kept source: its members follow
        (
            [("merge", "A", "C"), ("rename", "C", "N")],
            {"A": ("N", None, None), "C": ("N", None, None)},
        ),
        # renaming back: the first name is the canonical one again
        (
            [("rename", "C", "N"), ("rename", "N", "C")],
            {"N": ("C", None, None)},
        ),
        # a type chosen for the canonical name applies to every member
        (
            [("merge", "A", "C"), ("type", "C", None, "chiropractor")],
            {"A": ("C", "chiropractor", None), "C": ("C", "chiropractor", None)},
        ),
        # a merged source's own type decision does not overrule the kept source
        ([("type", "A", None, "self"), ("merge", "A", "C")], {"A": ("C", None, None)}),
        # a rename carries type and organisation along
        (
            [("type", "C", None, "physician"), ("organization", "C", None, None, "Ortho"),
             ("rename", "C", "N")],
            {"C": ("N", "physician", "Ortho"), "N": ("N", "physician", "Ortho")},
        ),
        # "" takes a partner out of any organisation
        ([("organization", "C", None, None, "")], {"C": ("C", None, "")}),
    ],
)  # fmt: skip
def test_replay(decisions, expected):
    assert mapping(log(*decisions)) == expected


def test_undo_is_replaying_without_the_decision():
    decisions = log(("merge", "A", "C"), ("rename", "C", "N"), ("merge", "B", "N"))
    undone = decisions[decisions["decision_id"] != 1]
    assert mapping(undone) == {"B": ("N", None, None), "C": ("N", None, None)}


def test_a_split_spelling_reads_as_its_own_name():
    replayed = replay(log(("split", "Dr. Smith", "Dr. Smith"), ("merge", "Dr. Smith", "Jane")))
    assert replayed.spelling_map.values.tolist() == [["Dr. Smith", "Dr. Smith"]]
    assert replayed.canonical("Dr. Smith") == "Jane"


@pytest.mark.parametrize(
    "text", ["=HYPERLINK(1)", "+1 Ortho", "-Other-", "@Home Health", "\tTabbed", "\rReturn"]
)
def test_formula_like_names_are_defused_and_restored(text):
    assert defuse(text).startswith("'")
    assert undefuse(defuse(text)) == text
    assert undefuse("'Neil") == "'Neil"  # a real apostrophe stays


def test_decisions_csv_round_trip_keeps_formula_like_names():
    decisions = log(
        ("merge", "=cmd|' /C calc'!A0", "@Home Health"),
        ("organization", "@Home Health", None, None, "+Group"),
        ("type", "@Home Health", None, "organization"),
        ("split", "-Dr. Smith-", "Jane Smith, DO"),
    )
    data = decisions_csv(replay(decisions), [("-A-", "B")])
    text = data.decode("utf-8-sig")
    assert "\n=" not in text and ",=" not in text and ",+" not in text and ",@" not in text
    rows, problems = read_decisions_csv(data)
    assert problems == []
    assert rows.values.tolist() == [
        ["=cmd|' /C calc'!A0", "@Home Health", "organization", "+Group", "source"],
        ["@Home Health", "@Home Health", "organization", "+Group", "source"],
        ["-Dr. Smith-", "Jane Smith, DO", None, None, "spelling"],
        ["-A-", "B", None, None, "different"],
    ]


@pytest.mark.parametrize(
    ("csv", "problem"),
    [
        ("source,canonical,source_type\nDr. X,Dr. Y,wizard\n", "'wizard' is not a source type"),
        ("source,canonical\n,Dr. Y\n", "Row 2: no source name"),
        ("source,canonical,applies_to\nA,B,maybe\n", "applies_to 'maybe'"),
        ("source,canonical\nUnknown,Dr. Y\n", "'Unknown' cannot be renamed or merged"),
        ("source,canonical,applies_to\nA,,spelling\n", "a spelling row needs a canonical name"),
    ],
)
def test_bad_rows_are_reported_one_sentence_each(csv, problem):
    _, problems = read_decisions_csv(csv.encode())
    assert len(problems) == 1 and problem in problems[0]


def test_a_file_without_a_source_column_is_refused():
    with pytest.raises(DecisionsFileError, match="no 'source' column"):
        read_decisions_csv(b"name,other\nA,B\n")
    with pytest.raises(identity.IdentityError, match="no 'source' column"):
        identity.import_csv(Store(":memory:"), b"name,other\nA,B\n")


def test_type_labels_are_read_as_types():
    rows, _ = read_decisions_csv(b"source,source_type\nDr. X,Physician Assistant\n")
    assert rows["source_type"].tolist() == ["physician_extender"]


def _reads(store: Store) -> list:
    frame = store.referrals()
    columns = ["source_name", "source", "source_type", "organization"]
    return frame[columns].astype(object).values.tolist()


def test_a_consultant_carries_decisions_to_another_store(tmp_path):
    first = Store(tmp_path / "first.duckdb")
    load(first, LANE_CSV, "lane.csv")
    identity.merge(first, [GREG], GREGORY)
    identity.rename(first, GREGORY, "Dr. Gregory Lane")
    identity.set_organization(first, "Dr. Gregory Lane", "Northgate IM")
    identity.set_type(first, OKAFOR, "physician")
    identity.set_organization(first, OKAFOR, None)
    first.reject_pairs([(OKAFOR, "Dr. Gregory Lane")])
    exported = identity.export_csv(first)

    second = Store(tmp_path / "second.duckdb")
    load(second, LANE_CSV, "lane.csv")
    result = identity.import_csv(second, exported)
    assert result.problems == () and result.decisions > 0 and result.rejected == 1
    assert _reads(second) == _reads(first)
    assert second.rejected_pairs() == first.rejected_pairs()
    # The same file again changes nothing.
    again = identity.import_csv(second, exported)
    assert (again.decisions, again.rejected) == (0, 0)


def test_imported_names_match_other_spellings_of_the_same_person(tmp_path):
    first = Store(tmp_path / "first.duckdb")
    load(first, LANE_CSV, "lane.csv")
    identity.merge(first, [GREG], GREGORY)
    # Another clinic's export writes no credentials: its sources are "Greg Lane" etc.
    second = Store(tmp_path / "second.duckdb")
    plain = LANE_CSV.replace(" MD,", ",").replace("Physician", "")
    load(second, plain, "plain.csv")
    assert "Greg Lane" in set(second.referrals()["source"])
    identity.import_csv(second, identity.export_csv(first))
    assert set(second.referrals().query("source_name.str.contains('Lane')")["source"]) == {GREGORY}
    # A name the store has not seen yet is kept for future uploads.
    load(second, HEADER + "2025-04-01,Greg Lane MD,Physician,,North,Aetna\n", "april.csv")
    assert second.referrals().iloc[-1]["source"] == GREGORY


def test_the_command_line_exports_and_imports_decisions(tmp_path, capsys):
    from analytics.cli import main

    first = Store(tmp_path / "first.duckdb")
    load(first, LANE_CSV, "lane.csv")
    first.close()
    db, out = str(tmp_path / "first.duckdb"), str(tmp_path / "decisions.csv")
    assert main(["identity", "suggestions", "--db", db, "--json"]) == 0
    [suggestion] = json.loads(capsys.readouterr().out)
    assert (suggestion["source"], suggestion["target"]) == (GREG, GREGORY)
    first = Store(db)
    identity.merge(first, [GREG], GREGORY)
    first.close()
    assert main(["identity", "export", "--db", db, "--out", out]) == 0
    second = str(tmp_path / "second.duckdb")
    store = Store(second)
    load(store, LANE_CSV, "lane.csv")
    store.close()
    capsys.readouterr()
    assert main(["identity", "import", out, "--db", second, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"] == 1
    assert main(["identity", "import", str(tmp_path / "missing.csv"), "--db", second]) == 2
    assert "cannot be read" in capsys.readouterr().err
