"""Keyed SipHash of byte strings as 32 hex characters: patient keys at ingest and their
re-keying in the store share it."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from pandas.core.util.hashing import hash_array

# Two hex characters for each byte value, looked up 16 bytes a row at a time.
_HEX_PAIRS = np.array([f"{i:02x}".encode() for i in range(256)], dtype="S2").view(np.uint16)


def siphash_hex(objects: np.ndarray, salt: bytes) -> pa.StringArray:
    """Hash each byte string with 16 bytes of `salt` per round (a second round hashes the
    first round's hex key)."""
    hexed = _siphash_hex(objects, salt[:16])
    for start in range(16, len(salt), 16):
        objects = hexed.cast(pa.large_binary()).to_numpy(zero_copy_only=False)
        hexed = _siphash_hex(objects, salt[start : start + 16])
    return hexed


def _siphash_hex(objects: np.ndarray, salt: bytes) -> pa.StringArray:
    key = salt.hex()
    parts = [hash_array(objects, hash_key=key[i : i + 16], categorize=False) for i in (0, 16)]
    digest = np.stack([p.astype(">u8") for p in parts], axis=1).view(np.uint8)
    # 32 hex characters a row, laid end to end: the string array is built around that buffer.
    return pa.StringArray.from_buffers(
        len(digest),
        pa.py_buffer(np.arange(0, 32 * len(digest) + 1, 32, dtype=np.int32)),
        pa.py_buffer(_HEX_PAIRS[digest]),
    )
