"""Patient keys: the only form in which a patient identifier goes past the ingest.

Keyed SipHash (pandas' vectorised hash) under a 128-bit key gives a 128-bit pseudonym per
patient name, MRN or account number: the same patient gets the same key within one store and
an unrelated key in another. The hashing key comes from the store's salt and a secret kept
outside the store (analytics/store/secret.py), so the store alone cannot turn a key back into an
MRN by hashing every possible one.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.ingest.cells import arrow_text
from analytics.ingest.cleaning import clean_text
from analytics.siphash import siphash_hex

__all__ = ["hash_identifiers"]


def hash_identifiers(raw: pd.Series, salt: bytes) -> pd.Series:
    """32-hex-character keys of patient identifiers (missing where blank); see the module.

    `salt` holds 16 bytes per round: a second round hashes the first round's key (how a
    store keyed before the secret left it keeps its patients' keys, see key_secret)."""
    # Trimmed, spaces folded and blanks missing, as every text column; from a CSV or a
    # workbook alike, so one patient gets one key whichever format the month came in.
    text = arrow_text(clean_text(raw))
    # utf8_lower, never ascii_lower: pyarrow 26's ascii_lower mis-reads text without nulls
    # whose offsets start past 0 (a streamed chunk's slice), hashing bytes past the buffer.
    folded = pc.utf8_lower(text)
    missing = folded.is_null()
    # Bytes, not str: SipHash reads them as they are (3x faster than encoding each str).
    objects = folded.fill_null("").cast(pa.large_binary()).to_numpy()
    hexed = siphash_hex(objects, salt)
    out = pd.Series(hexed, index=raw.index, dtype="str")
    return out.mask(missing.to_numpy(zero_copy_only=False))
