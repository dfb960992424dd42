"""Practices on a PostgreSQL server: listed, created and named, as practices.py does for the
DuckDB files of a data folder.

A practice is a schema `practice_<name>` holding the store's tables; its display name, demo
label and logo are kept in its own `settings` table (there is no folder to put files in).
The app's practice selector calls `practice_urls(server_url)` and `create_practice`; every
other page works on `Store(url)` as on a file.
"""

from __future__ import annotations

import psycopg

from analytics.store.base import Store
from analytics.store.location import SCHEMA_PREFIX, PostgresLocation
from analytics.store.postgres import connect

__all__ = ["create_practice", "load_pg_profile", "practice_urls", "save_pg_profile"]

NAME, DEMO, LOGO = "practice_name", "practice_demo", "practice_logo"


def practice_urls(server_url: str) -> list[str]:
    """Every practice on the server of `server_url` (any practice= ignored), sorted by name."""
    location = PostgresLocation.parse(server_url)
    with connect(location, schema=False) as con:
        rows = con.execute(
            """SELECT n.nspname FROM pg_namespace n
               JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'meta'
               WHERE starts_with(n.nspname, %s) ORDER BY 1""",
            [SCHEMA_PREFIX],
        ).fetchall()
    return [location.with_practice(schema[len(SCHEMA_PREFIX) :]).url for (schema,) in rows]


def create_practice(server_url: str, name: str) -> str:
    """A new, empty practice named `name` on the server; its URL (one sentence if taken)."""
    from analytics.store.practices import PracticeError, store_file_for

    slug = store_file_for(".", name).stem  # the same name -> key rule as for files
    url = PostgresLocation.parse(server_url).with_practice(slug).url
    if url in practice_urls(server_url):
        raise PracticeError(f"A practice stored as {slug} already exists; open it instead.")
    store = Store(url)
    store.set_setting(NAME, " ".join(str(name).split()))
    return url


def load_pg_profile(location: PostgresLocation) -> tuple[str | None, bool, bytes | None]:
    """(name, demo, logo) kept in a practice's settings (None where never set)."""
    try:
        store = Store(location.url, create=False)
        with store.session():
            name, demo, logo = (store.setting(k) for k in (NAME, DEMO, LOGO))
    except (psycopg.Error, OSError):
        return None, False, None
    return name, demo == "1", bytes.fromhex(logo) if logo else None


def save_pg_profile(
    location: PostgresLocation, name: str | None, demo: bool, logo: bytes | None
) -> None:
    """Keep a practice's name (and demo label) and logo in its settings."""
    store = Store(location.url)
    with store.session():
        if name is not None:
            store.set_setting(NAME, name)
            store.set_setting(DEMO, "1" if demo else "0")
        if logo is not None:
            store.set_setting(LOGO, logo.hex())
