"""The practices the app can switch between, whichever engine holds them: the seam the app's
practice selector calls with the location it was started on (a path or a postgresql:// URL).

For files these are practices.py's rules (the *.duckdb files of the data folder); for a
PostgreSQL server, pg_practices.py's (the practice schemas of the database).
"""

from __future__ import annotations

from pathlib import Path

from analytics.store.location import PostgresLocation, is_postgres

__all__ = ["create_practice_beside", "practice_choices", "practice_exists", "practice_key"]


def practice_key(location: str) -> str:
    """The short name a link carries (?practice=...): the file's stem, or the practice."""
    if is_postgres(location):
        return PostgresLocation.parse(location).practice
    return Path(location).stem


def practice_choices(current: str) -> list[str]:
    """Every practice beside `current` (same folder or same server), `current` included,
    sorted by key."""
    if is_postgres(current):
        from analytics.store.pg_practices import practice_urls

        found = set(practice_urls(current)) | {PostgresLocation.parse(current).url}
    else:
        path = Path(current)
        found = {str(p) for p in path.parent.glob("*.duckdb")} | {str(path)}
    return sorted(found, key=lambda loc: practice_key(loc).lower())


def practice_exists(location: str) -> bool:
    """Whether the practice is still there (a file, or a schema on the server)."""
    if is_postgres(location):
        from analytics.store.pg_practices import practice_urls

        return PostgresLocation.parse(location).url in practice_urls(location)
    return Path(location).exists()


def create_practice_beside(current: str, name: str) -> str:
    """A new, empty practice next to `current` (its folder or its server); its location."""
    if is_postgres(current):
        from analytics.store.pg_practices import create_practice

        return create_practice(current, name)
    from analytics.store.practices import create_practice

    return str(create_practice(Path(current).parent, name))
