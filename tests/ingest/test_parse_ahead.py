"""Spellings parsed in a second process come back exactly as parsing them here would give."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from analytics.ingest import parse_ahead
from analytics.ingest.names import parse_name
from analytics.ingest.parse_ahead import ParseAhead

TRUTH = Path(__file__).resolve().parents[2] / "sample_data" / "truth.csv"


def _spellings() -> list[str]:
    with TRUTH.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    found = {value for row in rows for value in row.values() if value}
    return [*sorted(found), "Dr. Okafor", "O'Brien-Smith, Mary PA-C", "Muñoz, Inés DPT"]


def test_the_child_parses_as_this_process_does():
    spellings = _spellings()
    ahead = ParseAhead(spellings, min_spellings=1)
    got = ahead.result()
    assert ahead._reply is not None  # the child answered
    assert got == {s: parse_name(s) for s in spellings}


def test_short_lists_are_parsed_here_without_a_child():
    ahead = ParseAhead(["Smith, John MD", "Google"])
    assert ahead._thread is None
    assert ahead.result()["Smith, John MD"].key == "smith|john"


def test_a_child_that_cannot_start_falls_back_to_parsing_here(monkeypatch):
    monkeypatch.setattr(parse_ahead.sys, "executable", str(Path(sys.prefix) / "no-such-python"))
    ahead = ParseAhead(["Smith, John MD", "Jane Doe, DO"], min_spellings=1)
    assert ahead.result()["Jane Doe, DO"].source_type == "physician"
    assert ahead._reply is None


@pytest.mark.parametrize("reply", [b"not json", b"[]", b'{"a": 1}'])
def test_a_wrong_answer_falls_back_to_parsing_here(monkeypatch, reply):
    class Liar:
        returncode = 0

        def __init__(self, *args, **kwargs):
            pass

        def communicate(self, *args, **kwargs):
            return reply, b""

    monkeypatch.setattr(parse_ahead.subprocess, "Popen", Liar)
    ahead = ParseAhead(["Smith, John MD"], min_spellings=1)
    assert ahead.result() == {"Smith, John MD": parse_name("Smith, John MD")}
    assert ahead._reply is None
