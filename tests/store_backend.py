"""Run store tests on PostgreSQL: `--store-backend postgres` (or REFERRALS_TEST_BACKEND).

Under it, every `Store(tmp_path / "x.duckdb")` a test makes opens a fresh practice in
PostgreSQL instead (location.resolve maps the path to a practice named after it), so the
same tests check both engines. The server is $REFERRALS_TEST_POSTGRES_URL when set (CI's
running server), else a throwaway one started for the session (tests/postgres_server.py);
without PostgreSQL installed those tests skip, unless REQUIRE_POSTGRES=1 makes that fail.
Tests that are about DuckDB files (lock waits, file checks) are marked `duckdb_only`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

import pytest

from analytics.store import location as locations

BACKEND_ENV = "REFERRALS_TEST_BACKEND"
URL_ENV = "REFERRALS_TEST_POSTGRES_URL"
REQUIRE_ENV = "REQUIRE_POSTGRES"
# In the name of every practice a session makes, so a server kept between runs (CI's) never
# hands one run another's practice, and the session drops its own at the end.
RUN = secrets.token_hex(3)


def add_option(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-backend",
        choices=("duckdb", "postgres"),
        default=os.environ.get(BACKEND_ENV, "duckdb"),
        help="run store tests on DuckDB files (default) or PostgreSQL practices",
    )


def start_postgres(factory: pytest.TempPathFactory) -> tuple[str, object | None]:
    """A server URL (the given one, or a throwaway server's) and the server to stop."""
    given = os.environ.get(URL_ENV)
    if given:
        return given, None
    from tests.postgres_server import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = (
            "PostgreSQL is not installed (no initdb on PATH, in $POSTGRES_BIN or "
            f"/usr/lib/postgresql/*/bin) and ${URL_ENV} is not set"
        )
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}.", pytrace=False)
        pytest.skip(f"{reason}.")
    # Not under pytest's own temp folder: that is root's alone, and the server runs as postgres.
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="referrals-pg-")), bin_dir).start()
    return server.url, server


def drop_practices(url: str) -> None:
    """Drop the practices this session made on a server that outlives it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        schemas = con.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [f"practice_%{RUN}%"]
        ).fetchall()
        for (schema,) in schemas:
            con.execute(f'DROP SCHEMA "{schema}" CASCADE')


def redirect_to(url: str):
    """location.resolve with DuckDB paths mapped to practices of the server at `url`."""
    original = locations.resolve

    def resolve(path):
        found = original(path)
        if isinstance(found, Path) and found.suffix == ".duckdb":
            digest = hashlib.sha1(str(found.resolve()).encode()).hexdigest()[:12]
            sep = "&" if "?" in url else "?"
            return f"{url}{sep}practice=t{digest}_{RUN}"
        return found

    return resolve
