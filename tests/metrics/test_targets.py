"""Targets, on-target share and the red / yellow / green view, against hand counts."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.metrics.periods import encode
from analytics.metrics.targets import (
    on_target_of,
    parse_targets_csv,
    proposed_targets,
    rag_of,
    share_at_target,
)
from tests.frames import make_frame, repeat


def _book(april_day: str = "2025-04-10"):
    rows = []
    for month in ("2025-01-15", "2025-02-15", "2025-03-15"):
        rows += repeat(month, "A", "physician", 3)
        rows += repeat(month, "B", "chiropractor", 4)
        rows += repeat(month, "C", "physician", 2)
    rows += repeat("2024-12-15", "E", "physician", 9)  # before the 3 months: no average
    rows += repeat("2025-03-20", "Friend", "patient", 5)  # not a partner
    rows += repeat(april_day, "A", "physician", 3)
    rows += repeat(april_day, "B", "chiropractor", 3)
    rows += repeat(april_day, "C", "physician", 1)
    rows += repeat(april_day, "D", "organization", 2)
    return encode(make_frame(rows))


END = pd.Timestamp("2025-04-30")


def test_proposed_targets_are_the_trailing_average():
    assert proposed_targets(_book(), END) == {"A": 3.0, "B": 4.0, "C": 2.0}


def test_on_target_and_share():
    table = on_target_of(_book(), END, {"A": 3, "B": 4, "D": 1, "Z": 2})
    got = table.set_index("Partner")[["This month", "On target"]].to_dict("index")
    assert got == {
        "A": {"This month": 3, "On target": True},
        "B": {"This month": 3, "On target": False},
        "D": {"This month": 2, "On target": True},
        "Z": {"This month": 0, "On target": False},
    }
    assert share_at_target(table) == 0.5
    assert share_at_target(table.iloc[:0]) is None


def test_part_month_prorates_the_target():
    # Data to April 15 of 30 days: a target of 3 expects 1.5 so far.
    table = on_target_of(_book(), pd.Timestamp("2025-04-15"), {"A": 3, "B": 8})
    row = table.set_index("Partner")
    assert row.loc["A", "Expected so far"] == 1.5
    assert bool(row.loc["A", "On target"])
    assert row.loc["B", "Gap"] == 3 - 4.0


def test_rag_against_own_average():
    rag = rag_of(_book(), END).set_index("Partner")
    assert rag.loc["A", "Status"] == "green"  # 3 against 3
    assert rag.loc["B", "Status"] == "yellow"  # 3 against 4: 75%
    assert rag.loc["C", "Status"] == "red"  # 1 against 2
    assert rag.loc["D", "Status"] == "no average"
    assert rag.loc["B", "Ratio"] == 0.75
    assert "E" not in rag.index and "Friend" not in rag.index
    assert not rag["Declining (Poisson test)"].any()
    assert list(rag.index[:2]) == ["C", "B"]  # red first


@pytest.mark.parametrize(
    ("text", "targets", "problems"),
    [
        ("partner,monthly_target\nA,3\nB,2.5\n", {"A": 3.0, "B": 2.5}, 0),
        ("Partner,Target\n A ,4\n,2\nC,lots\nD,-1\n", {"A": 4.0}, 3),
        ("referrer,expected per month\nQ,1\n", {"Q": 1.0}, 1),  # Q not yet seen
    ],
)
def test_targets_csv(text, targets, problems):
    got = parse_targets_csv(text.encode(), known={"A", "B", "C", "D"})
    assert got.targets == targets
    assert len(got.problems) == problems


def test_targets_csv_needs_its_columns():
    with pytest.raises(ValueError, match="needs a 'partner' column"):
        parse_targets_csv(b"name_x,value\nA,1\n")
