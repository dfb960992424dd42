"""Patient keys: keyed, stable across releases and file formats, never the raw identifier."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from analytics.ingest.patient_keys import hash_identifiers

SALT = bytes(range(16))
# Computed by the first release's implementation (commit 9bb9c22): a store written then must
# give the same patient the same key now, or repeat patients split across the upgrade.
SMITH_JOHN = "b09ddf5a4c37bdadb636694447c62271"


def test_known_answer_is_unchanged():
    keys = hash_identifiers(pd.Series(["Smith, John", " SMITH,  JOHN ", "smith, john"]), SALT)
    assert keys.tolist() == [SMITH_JOHN] * 3


def test_another_salt_gives_an_unrelated_key():
    key = hash_identifiers(pd.Series(["Smith, John"]), bytes(range(1, 17))).iloc[0]
    assert len(key) == 32 and key != SMITH_JOHN


SPELLINGS = [
    "Smith, John",
    "Muñoz, Inés",
    "MUÑOZ,  INÉS",
    "José\u00a0Hernández",
    "Tab\tand\nbreak",
    "  padded  ",
    "4417-22",
]


@pytest.mark.parametrize("repeat", [1, 3_000])  # per-value path and the long Arrow path
def test_csv_text_and_workbook_cells_give_the_same_keys(repeat):
    cells = SPELLINGS * repeat
    from_csv = hash_identifiers(pd.Series(cells, dtype="str"), SALT)
    from_workbook = hash_identifiers(pd.Series(cells, dtype=object), SALT)
    assert from_csv.tolist() == from_workbook.tolist()
    assert from_csv.iloc[1] == from_csv.iloc[2]  # case and spacing do not split a patient
    assert from_csv.iloc[: len(SPELLINGS)].nunique() == len(SPELLINGS) - 1


def test_blank_identifiers_have_no_key_and_numbers_read_as_text():
    keys = hash_identifiers(pd.Series([None, "", "   ", float("nan"), 44172.0, "44172"]), SALT)
    assert keys.isna().tolist() == [True, True, True, True, False, False]
    assert keys.iloc[4] == keys.iloc[5]  # an MRN Excel turned into a number
    assert keys.index.tolist() == list(range(6))


def test_text_whose_offsets_do_not_start_at_zero_gets_the_keys_of_its_values():
    # A streamed chunk that starts inside one of Arrow's CSV batches is a slice: cast to large
    # strings, its offsets start past 0. pyarrow's ascii_lower mis-reads such text without
    # nulls (keys hashed from the bytes past the buffer; at 10M rows a segfault).
    cells = [f"{10_000_000 + i}" for i in range(30_000)]
    sliced = pa.array(cells, pa.string()).slice(15_000).cast(pa.large_string())
    assert sliced.buffers()[1].to_pybytes()[:8] != bytes(8)  # the first offset is not 0
    keys = hash_identifiers(pd.Series(pd.arrays.ArrowStringArray(sliced)), SALT)
    fresh = hash_identifiers(pd.Series(cells[15_000:], dtype="str"), SALT)
    assert keys.tolist() == fresh.tolist()
