"""Text cells trimmed, whitespace folded and blanks missing, read from the bytes where long."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.cells import Uniques, arrow_text, distinct_values, fold_text, text_rows


def _text_of_numbers(nums: np.ndarray) -> pa.Array:
    """Numbers as text, integral floats without ".0" (Excel turns IDs into floats)."""
    finite = np.isfinite(nums)
    integral = finite & (nums == np.round(nums)) & (np.abs(nums) < 2**53)
    as_int = pc.cast(pa.array(np.where(integral, nums, 0).astype(np.int64)), pa.string())
    as_float = pc.cast(pa.array(np.where(finite, nums, 0.0)), pa.string())
    text = pc.if_else(pa.array(integral), as_int, as_float)
    return pc.if_else(pa.array(finite), text, pa.scalar(None, pa.string()))


def unique_text(u: Uniques) -> np.ndarray:
    """Cleaned text for each distinct value (object array, None for missing)."""
    out = np.full(u.size, None, dtype=object)
    text = pc.if_else(pc.equal(u.text, ""), pa.scalar(None, pa.string()), u.text)
    out[u.text_at] = text.to_numpy(zero_copy_only=False)
    out[u.number_at] = _text_of_numbers(u.numbers).to_numpy(zero_copy_only=False)
    out[u.bool_at] = np.where(u.bools, "True", "False")
    out[u.datetime_at] = [None if np.isnat(d) else str(d) for d in u.datetimes]
    other = pa.array([str(o) for o in u.others], type=pa.string())
    out[u.other_at] = fold_text(other).to_numpy(zero_copy_only=False)
    return out


class TextBytes(NamedTuple):
    """What the raw UTF-8 bytes of a text column hold, read without a regex pass."""

    ascii: bool
    edge_space: bool  # some value starts or ends with a space or control character
    odd_spacing: bool  # a tab, line break or other control character, or two spaces in a row
    unicode_space: bool  # bytes that may encode a non-breaking or other Unicode space


def text_bytes(text: pa.ChunkedArray) -> TextBytes:
    """Scan a string column's bytes with numpy: a few ms for a million cells.

    Two spaces in a row are looked for across the whole buffer, so "a " followed by " b"
    counts too: exact once no value has a space at its edges (trimmed text). Unicode spaces
    are U+00A0 (bytes C2 A0) or three-byte characters (lead byte E0-EF); accented Latin
    letters (C3 xx) are neither.
    """
    ascii, edge, odd, unicode_space = True, False, False, False
    for chunk in text.chunks:
        data = chunk.buffers()[2]
        if not len(chunk) or data is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        buffer = np.frombuffer(data, dtype=np.uint8)
        raw = buffer[offsets[0] : offsets[-1]]
        if not edge:
            starts, ends = offsets[:-1], offsets[1:]
            filled = ends > starts
            edge = bool(
                (buffer[starts[filled]] <= 0x20).any() or (buffer[ends[filled] - 1] <= 0x20).any()
            )
        if not odd:
            spaces = raw == 0x20
            odd = bool((raw < 0x20).any() or (spaces[1:] & spaces[:-1]).any())
        if (ascii or not unicode_space) and (raw >= 0x80).any():
            ascii = False
            three_byte = bool(((raw & 0xF0) == 0xE0).any())
            unicode_space = three_byte or bool(((raw[:-1] == 0xC2) & (raw[1:] == 0xA0)).any())
    return TextBytes(ascii, edge, odd, unicode_space)


def _clean_arrow_text(values: pd.Series) -> pd.Series:
    """clean_text for a long column already held as Arrow text (CSV): no per-value Python."""
    # Large strings throughout, as pandas holds them: no offset conversions, faster takes.
    text = arrow_text(values)
    found = text_bytes(text)
    if found.edge_space or not found.ascii:  # non-ASCII edges may be Unicode spaces
        text = pc.utf8_trim_whitespace(text)
        found = text_bytes(text)
    if found.odd_spacing or found.unicode_space:
        sample = text.slice(0, 20_000)
        if len(pc.unique(sample)) * 4 < len(sample):
            # Few distinct values ("Referring Provider"): fold each once, then spread.
            encoded = pc.dictionary_encode(text.combine_chunks())
            folded = fold_text(encoded.dictionary).cast(pa.large_string())
            text = pa.chunked_array([folded.take(encoded.indices)])
        else:
            text = fold_text(text)
    empty = pc.equal(pc.binary_length(text), 0)
    if pc.any(empty).as_py():  # cells of blanks only: missing, as the CSV's empty cells are
        text = pc.if_else(empty, pa.scalar(None, pa.large_string()), text)
    return pd.Series(text, index=values.index, name=values.name, dtype="str")


def clean_text(values: pd.Series) -> pd.Series:
    """Values as trimmed "str" text with whitespace runs folded; integral floats lose ".0"."""
    if isinstance(values.dtype, pd.StringDtype) and len(values) >= 10_000:
        return _clean_arrow_text(values)
    u = distinct_values(values)
    text = unique_text(u)
    return text_rows(u.codes, text, values)


_SAMPLE_SIZE = 1000


def present_sample(values: pd.Series) -> pd.Series:
    """Up to _SAMPLE_SIZE non-blank values, drawn reproducibly (for the column sniffers)."""
    present = pd.Series(values).dropna()
    if len(present) > _SAMPLE_SIZE:
        present = present.sample(_SAMPLE_SIZE, random_state=0)
    return present[clean_text(present).notna()]
