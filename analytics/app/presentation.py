"""Presentation mode: a consultant locks the app to one client's practice while a client
watches. The lock is a file in the data folder, so a reload or a new tab stays locked, and
only the PIN the consultant chose unlocks it (kept as a salted hash, never as typed)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

__all__ = ["LOCK_FILE", "PresentationError", "leave", "lock_file", "locked_practice", "start"]

LOCK_FILE = "presentation.json"
MIN_PIN = 4
_ROUNDS = 200_000


class PresentationError(Exception):
    """Presentation mode cannot start; the message is one sentence for the user."""


def lock_file(folder: str | Path, who: str | None = None) -> Path:
    """The lock's file: one for the whole folder without sign-in; with sign-in, one per
    signed-in person (`who`), so a consultant presenting locks their own sessions only."""
    if not who:
        return Path(folder) / LOCK_FILE
    digest = hashlib.sha256(who.strip().lower().encode()).hexdigest()[:16]
    return Path(folder) / f"presentation.{digest}.json"


def _digest(pin: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, _ROUNDS).hex()


def start(folder: str | Path, store: str | Path, pin: str, who: str | None = None) -> None:
    """Lock the app in `folder` (for `who`, when signed in) to the practice `store` until
    `pin` is given back."""
    pin = str(pin).strip()
    if len(pin) < MIN_PIN or not pin.isdigit():
        raise PresentationError(
            f"Choose a PIN of at least {MIN_PIN} digits: you need it to leave presentation mode."
        )
    salt = os.urandom(16)
    lock = {"practice": Path(store).name, "salt": salt.hex(), "hash": _digest(pin, salt)}
    path = lock_file(folder, who)
    path.write_text(json.dumps(lock), encoding="utf-8")
    path.chmod(0o600)


def _lock(folder: str | Path, who: str | None = None) -> dict | None:
    try:
        lock = json.loads(lock_file(folder, who).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return lock if isinstance(lock, dict) else None


def locked_practice(folder: str | Path, who: str | None = None) -> Path | None:
    """The practice the app (for `who`) is locked to, or None when no presentation runs."""
    lock = _lock(folder, who)
    if lock is None:
        return None
    name = str(lock.get("practice", ""))
    # Only a store file in this folder: the lock cannot point elsewhere.
    if not name or Path(name).name != name:
        return None
    return Path(folder) / name


def leave(folder: str | Path, pin: str, who: str | None = None) -> bool:
    """End the presentation when the PIN matches; False (still locked) when it does not."""
    lock = _lock(folder, who)
    if lock is None:
        return True
    try:
        salt = bytes.fromhex(str(lock["salt"]))
        expected = str(lock["hash"])
    except (KeyError, ValueError):
        return False
    if not hmac.compare_digest(_digest(str(pin).strip(), salt), expected):
        return False
    lock_file(folder, who).unlink(missing_ok=True)
    return True
