"""Parse a long list of referrer spellings in a second process while the ingest goes on.

Reading a spelling ("Smith, John MD") is pure Python and holds the interpreter lock: about
30 µs each, so the 14,000 spellings of a million-row export cost half a second. The machine
has a second core, and the rest of the ingest (dates, amounts, text, hashing) is mostly Arrow
work; so the spellings go to a child process at the start and come back when the sources are
resolved. Short lists are parsed in place: a process costs more than it saves.
Any failure of the child (no interpreter, a crash, a timeout) falls back to parsing here, so
the result never depends on the child. Only referrer spellings cross to the child, through a
pipe; patient identifiers never do (a referring patient typed in the referrer column crosses in
memory like any spelling, and resolution drops it before anything is stored).

    python -m analytics.ingest.parse_ahead < spellings.json > parsed.json   (what the child runs)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

from analytics.ingest.names import Name, parse_name

__all__ = ["MIN_SPELLINGS", "ParseAhead"]

MIN_SPELLINGS = 2_000  # below this the child's start-up (~50 ms) outweighs the parsing
_TIMEOUT_SECONDS = 120
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ParseAhead:
    """Spellings being parsed in a child process; `result()` waits for them."""

    def __init__(self, spellings: Iterable[str], *, min_spellings: int = MIN_SPELLINGS):
        self._spellings = [s for s in dict.fromkeys(spellings) if isinstance(s, str)]
        self._reply: list | None = None
        self._thread: threading.Thread | None = None
        if len(self._spellings) >= min_spellings and sys.executable:
            self._thread = threading.Thread(target=self._ask_child, daemon=True)
            self._thread.start()

    def _ask_child(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_PROJECT_ROOT), env.get("PYTHONPATH")) if p
        )
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "analytics.ingest.parse_ahead"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            return
        try:
            out, _ = proc.communicate(json.dumps(self._spellings).encode(), _TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return
        if proc.returncode == 0:
            try:
                reply = json.loads(out)
            except ValueError:
                return
            if isinstance(reply, list) and len(reply) == len(self._spellings):
                self._reply = reply

    def result(self) -> dict[str, Name]:
        """Each spelling's parse: the child's when it answered, else parsed here."""
        if self._thread is not None:
            self._thread.join()
        if self._reply is None:
            return {s: parse_name(s) for s in self._spellings}
        return {s: Name(*fields) for s, fields in zip(self._spellings, self._reply, strict=True)}


def _serve() -> None:
    spellings = json.load(sys.stdin)
    json.dump([list(parse_name(s)) for s in spellings], sys.stdout)


if __name__ == "__main__":
    _serve()
