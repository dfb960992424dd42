"""Every file of the hostile corpus ends in a load or one sentence, in a fresh process that
exits on its own: never an abort, a traceback or a runaway (issue 13, finding 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile_corpus import CORPUS, Entry, run


@pytest.mark.parametrize("entry", CORPUS.values(), ids=CORPUS.keys())
def test_hostile_file_loads_or_is_one_sentence(tmp_path: Path, entry: Entry):
    result = run(entry, tmp_path)
    assert "Traceback" not in result["stderr"], result["stderr"][-800:]
    assert result["returncode"] == 0, result["stderr"][-800:]  # the process itself survived
    if entry.expect == "loaded":
        assert result["code"] == 0 and "rows loaded" in result["stdout"], result
    else:
        lines = result["stderr"].strip().splitlines()
        assert result["code"] == 2 and len(lines) == 1, result
        assert lines[0].startswith(entry.expect), lines[0]
    assert result["seconds"] < 60
    assert result["peak_mb"] < 3_000
