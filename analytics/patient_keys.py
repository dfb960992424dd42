"""Patient keys: the only form in which a patient identifier goes past the ingest.

Keyed SipHash (pandas' vectorised hash) under a 128-bit key gives a 128-bit pseudonym per
patient name, MRN or account number: the same patient gets the same key within one store and
an unrelated key in another. The hashing key comes from the store's salt and a secret kept
outside the store (analytics/key_secret.py), so the store alone cannot turn a key back into an
MRN by hashing every possible one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.core.util.hashing import hash_array

from analytics import values

__all__ = ["hash_identifiers"]

# Two hex characters for each byte value, looked up 16 bytes a row at a time.
_HEX_PAIRS = np.array([f"{i:02x}".encode() for i in range(256)], dtype="S2").view(np.uint16)


def hash_identifiers(raw: pd.Series, salt: bytes) -> pd.Series:
    """32-hex-character keys of patient identifiers (missing where blank); see the module.

    `salt` holds 16 bytes per round: a second round hashes the first round's key (how a
    store keyed before the secret left it keeps its patients' keys, see key_secret)."""
    # Trimmed, spaces folded and blanks missing, as every text column; from a CSV or a
    # workbook alike, so one patient gets one key whichever format the month came in.
    text = values.arrow_text(values.clean_text(raw))
    folded = pc.ascii_lower(text) if values.text_bytes(text).ascii else pc.utf8_lower(text)
    missing = folded.is_null()
    # Bytes, not str: SipHash reads them as they are (3x faster than encoding each str).
    objects = folded.fill_null("").cast(pa.large_binary()).to_numpy()
    hexed = _siphash_hex(objects, salt[:16])
    for start in range(16, len(salt), 16):
        objects = hexed.cast(pa.large_binary()).to_numpy(zero_copy_only=False)
        hexed = _siphash_hex(objects, salt[start : start + 16])
    out = pd.Series(hexed, index=raw.index, dtype="str")
    return out.mask(missing.to_numpy(zero_copy_only=False))


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
