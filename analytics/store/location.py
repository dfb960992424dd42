"""Where a store is: a DuckDB file path, or a PostgreSQL URL naming a practice's schema.

`postgresql://user@host:5432/db?practice=northside_pt` is the practice `northside_pt`, kept
in the schema `practice_northside_pt` of that database (docs/postgres.md says why one schema
per practice). Without `practice=` the practice is `referrals`, as the default DuckDB file
is `data/referrals.duckdb`. The password is never printed (`str()` leaves it out).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from analytics.errors import IngestError

__all__ = [
    "SCHEMA_PREFIX",
    "PostgresLocation",
    "is_postgres",
    "resolve",
]

SCHEMES = ("postgresql://", "postgres://")
SCHEMA_PREFIX = "practice_"
DEFAULT_PRACTICE = "referrals"
_PRACTICE = re.compile(r"^[a-z0-9_]{1,60}$")


def resolve(path: str | os.PathLike | None) -> str | Path:
    """The store a caller means: the given location, else $REFERRALS_DB, else the default."""
    from analytics.store.connection import DEFAULT_DB

    given = path or os.environ.get("REFERRALS_DB") or DEFAULT_DB
    if isinstance(given, PostgresLocation):
        return given.url
    return given if is_postgres(given) else Path(given)


def is_postgres(location: object) -> bool:
    """True for a postgresql:// URL (or a PostgresLocation)."""
    if isinstance(location, PostgresLocation):
        return True
    return isinstance(location, str) and location.startswith(SCHEMES)


@dataclass(frozen=True)
class PostgresLocation:
    """One practice in one PostgreSQL database: the server's URL and the practice's name."""

    conninfo: str  # the URL without practice= (what psycopg connects to)
    practice: str

    @classmethod
    def parse(cls, url: str) -> PostgresLocation:
        """The location a URL names, or one sentence on what is wrong with it."""
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        practice = next((v for k, v in query if k == "practice"), DEFAULT_PRACTICE)
        if not _PRACTICE.match(practice):
            raise IngestError(
                f"practice={practice} in the PostgreSQL URL is not a practice name; use lower-"
                "case letters, digits and _ (up to 60), such as practice=northside_pt."
            )
        rest = urlencode([(k, v) for k, v in query if k != "practice"])
        return cls(urlunsplit(parts._replace(query=rest)), practice)

    @property
    def schema(self) -> str:
        return SCHEMA_PREFIX + self.practice

    @property
    def name(self) -> str:
        """What messages call the store (as a file's name)."""
        return f"practice {self.practice}"

    @property
    def url(self) -> str:
        """The full URL (with the password, if one was given): for connecting, never printing."""
        parts = urlsplit(self.conninfo)
        query = [*parse_qsl(parts.query, keep_blank_values=True), ("practice", self.practice)]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def with_practice(self, practice: str) -> PostgresLocation:
        """The same server, another practice."""
        return PostgresLocation.parse(PostgresLocation(self.conninfo, practice).url)

    def __str__(self) -> str:
        parts = urlsplit(self.url)
        if parts.password:
            host = parts.hostname or ""
            port = f":{parts.port}" if parts.port else ""
            user = f"{parts.username}@" if parts.username else ""
            parts = parts._replace(netloc=f"{user}{host}{port}")
        return urlunsplit(parts)
