"""The patient-key secret: kept outside every store, so a copied store reveals no patient.

A store's own salt is public (it sits in the file); the key that hashes patient identifiers
is derived from it and a secret that never enters the store: the environment variable
REFERRALS_KEY, else a key file (`referrals.key`, 32 random bytes as hex, owner-only
permissions) in the folder that holds the data folder, or where REFERRALS_KEY_FILE says.
The store keeps a check value of the secret (a keyed hash of a constant, which reveals
nothing of it), so a load with another secret is refused instead of splitting every
patient into two. See docs/patient-keys.md.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from contextlib import suppress
from pathlib import Path

from analytics.errors import IngestError

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "check_value", "derive", "key_file_for", "load_secret"]

KEY_ENV = "REFERRALS_KEY"
KEY_FILE_ENV = "REFERRALS_KEY_FILE"
KEY_FILE_NAME = "referrals.key"


def key_file_for(store: Path) -> Path:
    """Where the key file of a store lives: beside its data folder (not inside it); for a
    practice in PostgreSQL, in the working folder (where `data/referrals.duckdb`'s is)."""
    named = os.environ.get(KEY_FILE_ENV)
    if named:
        return Path(named)
    if not isinstance(store, (str, os.PathLike)):  # a PostgresLocation: no file of its own
        return Path(KEY_FILE_NAME).resolve()
    return Path(store).resolve().parent.parent / KEY_FILE_NAME


def load_secret(store: Path, *, create: bool) -> bytes | None:
    """The secret's bytes: from REFERRALS_KEY, else the key file (made when `create`)."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return hashlib.sha256(from_env.encode()).digest()
    path = key_file_for(store)
    text = _read(path)
    if text is None and create:
        _write_new(path)
        text = _read(path)
    if text is None:
        return None
    try:
        secret = bytes.fromhex(text.strip())
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise IngestError(
            f"{path} is not a patient-key file (it should hold 64 hexadecimal characters); "
            "put the original key file back, or move this one away to start a new key."
        )
    return secret


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IngestError(
            f"{path} (the patient-key file) cannot be read ({exc.strerror}); check its permissions."
        ) from None


def _write_new(path: Path) -> None:
    """A new random key, owner-only from the first byte; never overwrites one that exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
        with suppress(FileExistsError):  # a key another process made first wins
            os.link(temp, path)  # atomic: the file is whole when it appears
    finally:
        temp.unlink(missing_ok=True)


def derive(secret: bytes, salt: bytes) -> bytes:
    """The 16-byte hashing key of one store: its salt keyed by the secret."""
    return hashlib.blake2b(salt, key=secret[:64], digest_size=16, person=b"patient-key").digest()


def check_value(secret: bytes) -> str:
    """What the store keeps to recognise its secret (reveals nothing of it)."""
    return hashlib.blake2b(b"key-check", key=secret[:64], digest_size=16).hexdigest()
