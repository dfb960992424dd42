"""The team store: people, their grants on practices, and the audit log, in one database
beside the practices' stores (`<data folder>/team.db`), or in the schema `team` of the
PostgreSQL database that holds the practices (when given a postgresql:// URL).

Standard SQL only, `?` parameters and no engine-specific types or upserts (a change is a
DELETE then an INSERT in one transaction), so a PostgreSQL backend runs the same statements.
Opened per operation, like a practice's Store: the command line can load meanwhile.
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from analytics.access import ADMIN, GRANT_ROLES, Person, practice_key
from analytics.store.location import PostgresLocation, is_postgres

__all__ = ["TEAM_FILE", "TEAM_PG_SCHEMA", "TEAM_SCHEMA", "TeamError", "TeamStore", "clean_email"]

# Not *.duckdb: the data folder's *.duckdb files are the practices.
TEAM_FILE = "team.db"
# The PostgreSQL schema (never a practice's: those are practice_<name>).
TEAM_PG_SCHEMA = "team"
LOCK_WAIT_SECONDS = 10.0
MAX_EMAIL = 254
MAX_NAME = 120
MAX_DETAIL = 500

TEAM_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS people (
        email VARCHAR(254) PRIMARY KEY,
        name VARCHAR(120) NOT NULL,
        admin BOOLEAN NOT NULL,
        added_at TIMESTAMP NOT NULL,
        added_by VARCHAR(254) NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS grants (
        email VARCHAR(254) NOT NULL,
        practice VARCHAR(200) NOT NULL,
        role VARCHAR(20) NOT NULL CHECK (role IN ('consultant', 'owner', 'viewer')),
        granted_at TIMESTAMP NOT NULL,
        granted_by VARCHAR(254) NOT NULL,
        PRIMARY KEY (email, practice)
    )""",
    """CREATE TABLE IF NOT EXISTS audit (
        happened_at TIMESTAMP NOT NULL,
        email VARCHAR(254) NOT NULL,
        action VARCHAR(40) NOT NULL,
        practice VARCHAR(200),
        detail VARCHAR(500) NOT NULL
    )""",
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class TeamError(Exception):
    """A person or grant cannot be saved as given; the message is one sentence."""


def clean_email(email: object) -> str:
    """The email as stored: trimmed, lower case; one sentence when it is not an address."""
    text = str(email or "").strip().lower()
    if not _EMAIL.match(text) or len(text) > MAX_EMAIL:
        raise TeamError(f"{str(email)[:60]!r} is not an email address; give one like a@b.org.")
    return text


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class _PgTeamConnection:
    """A psycopg connection seen as the DuckDB connection the team store uses."""

    def __init__(self, con, cursor):
        self._con, self._cursor = con, cursor

    def execute(self, sql: str, params: list | None = None):
        return self._cursor.execute(sql, params)

    def close(self) -> None:
        self._con.close()


class TeamStore:
    """People, grants and the audit log of one data folder (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.postgres = is_postgres(path)
        self._lock = threading.Lock()
        if self.postgres:
            # Any practice's URL names the server; the team schema is the database's one.
            self.location = PostgresLocation.parse(str(path))
            self.path = Path(f"{TEAM_PG_SCHEMA} schema")
        else:
            self.path = Path(path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._transaction() as cur:
            if self.postgres:
                # Two app servers starting at once must not both create the tables.
                cur.execute("SELECT pg_advisory_xact_lock(hashtext('referrals_team_schema'))")
                cur.execute(f"CREATE SCHEMA IF NOT EXISTS {TEAM_PG_SCHEMA}")
            for statement in TEAM_SCHEMA:
                cur.execute(statement)

    @classmethod
    def beside(cls, practice_store: str | Path) -> TeamStore:
        """The team store of the data folder (or PostgreSQL database) of this practice."""
        if is_postgres(practice_store):
            return cls(str(practice_store))
        return cls(Path(practice_store).parent / TEAM_FILE)

    def _connect(self):
        if self.postgres:
            from analytics.store.postgres import PgCursor, connect

            con = connect(self.location, schema=False)
            con.execute(f"SET search_path TO {TEAM_PG_SCHEMA}")
            return _PgTeamConnection(con, PgCursor(con))
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                return duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                # Another process (a command-line load) holds the file: wait a little.
                if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                    raise TeamError(
                        f"The team store {self.path.name} cannot be opened now; try again."
                    ) from None
                time.sleep(0.1)

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            con = self._connect()
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.close()

    def _rows(self, sql: str, params: list | None = None) -> list[tuple]:
        with self._transaction() as cur:
            return cur.execute(sql, params or []).fetchall()

    # Reading -------------------------------------------------------------------------------

    def person(self, email: str, admins: Iterable[str] = ()) -> Person | None:
        """The person with this email and their grants; None when they are not on the team.
        `admins` (from configuration) are admins whether or not they were added."""
        email = str(email or "").strip().lower()
        configured = email in {str(a).strip().lower() for a in admins}
        people = self._rows("SELECT name, admin FROM people WHERE email = ?", [email])
        grants = self._rows("SELECT practice, role FROM grants WHERE email = ?", [email])
        if not people and not configured:
            return None
        name, admin = people[0] if people else ("", True)
        return Person(email=email, name=name, admin=bool(admin) or configured, grants=dict(grants))

    def people(self) -> pd.DataFrame:
        """Everyone on the team, by email."""
        rows = self._rows(
            "SELECT email, name, admin, added_at, added_by FROM people ORDER BY email"
        )
        return pd.DataFrame(rows, columns=["Email", "Name", "Admin", "Added", "Added by"])

    def grants(self) -> pd.DataFrame:
        """Every grant: who has which role on which practice."""
        rows = self._rows(
            "SELECT email, practice, role, granted_at, granted_by FROM grants "
            "ORDER BY practice, email"
        )
        return pd.DataFrame(rows, columns=["Email", "Practice", "Role", "Granted", "Granted by"])

    def audit(self, limit: int = 1000) -> pd.DataFrame:
        """The latest entries of the audit log, newest first."""
        rows = self._rows(
            "SELECT happened_at, email, action, practice, detail FROM audit "
            "ORDER BY happened_at DESC FETCH FIRST ? ROWS ONLY",
            [int(limit)],
        )
        return pd.DataFrame(rows, columns=["When (UTC)", "Who", "Action", "Practice", "What"])

    # Writing (each change is audited in the same transaction) -------------------------------

    def record(self, email: str, action: str, practice: object | None, detail: str) -> None:
        """One audit entry: who did what to which practice, now."""
        with self._transaction() as cur:
            self._audit(cur, email, action, practice, detail)

    @staticmethod
    def _audit(cur, email: str, action: str, practice: object | None, detail: str) -> None:
        key = None if practice is None else practice_key(practice)
        cur.execute(
            "INSERT INTO audit (happened_at, email, action, practice, detail) "
            "VALUES (?, ?, ?, ?, ?)",
            [_now(), str(email), str(action), key, str(detail)[:MAX_DETAIL]],
        )

    def add_person(self, email: str, name: str, admin: bool, by: str) -> str:
        """Add someone to the team (or change their name and admin flag); their email."""
        email = clean_email(email)
        name = " ".join(str(name or "").split())[:MAX_NAME]
        with self._transaction() as cur:
            cur.execute("DELETE FROM people WHERE email = ?", [email])
            cur.execute(
                "INSERT INTO people (email, name, admin, added_at, added_by) "
                "VALUES (?, ?, ?, ?, ?)",
                [email, name, bool(admin), _now(), by],
            )
            role = ADMIN if admin else "member"
            self._audit(cur, by, "person", None, f"{email} saved as {role}")
        return email

    def remove_person(self, email: str, by: str) -> int:
        """Take someone off the team with every grant they held; the grants removed."""
        email = clean_email(email)
        with self._transaction() as cur:
            held = cur.execute("SELECT COUNT(*) FROM grants WHERE email = ?", [email]).fetchall()
            cur.execute("DELETE FROM grants WHERE email = ?", [email])
            cur.execute("DELETE FROM people WHERE email = ?", [email])
            self._audit(cur, by, "person", None, f"{email} removed with {held[0][0]} grant(s)")
        return int(held[0][0])

    def grant(self, email: str, practice: object, role: str, by: str) -> None:
        """Give a person a role on one practice (replacing the role they had there)."""
        email = clean_email(email)
        if role not in GRANT_ROLES:
            raise TeamError(f"Pick a role among {', '.join(GRANT_ROLES)}.")
        key = practice_key(practice)
        with self._transaction() as cur:
            known = cur.execute("SELECT 1 FROM people WHERE email = ?", [email]).fetchall()
            if not known:
                raise TeamError(f"Add {email} to the team before granting them a practice.")
            cur.execute("DELETE FROM grants WHERE email = ? AND practice = ?", [email, key])
            cur.execute(
                "INSERT INTO grants (email, practice, role, granted_at, granted_by) "
                "VALUES (?, ?, ?, ?, ?)",
                [email, key, role, _now(), by],
            )
            self._audit(cur, by, "grant", key, f"{email} is {role}")

    def revoke(self, email: str, practice: object, by: str) -> bool:
        """Take a practice away from a person; False when they had no grant on it."""
        email = clean_email(email)
        key = practice_key(practice)
        with self._transaction() as cur:
            held = cur.execute(
                "SELECT COUNT(*) FROM grants WHERE email = ? AND practice = ?", [email, key]
            ).fetchall()[0][0]
            cur.execute("DELETE FROM grants WHERE email = ? AND practice = ?", [email, key])
            if held:
                self._audit(cur, by, "revoke", key, f"{email} no longer has access")
        return bool(held)

    def rename_practice(self, old: object, new: object, by: str) -> int:
        """Grants follow a practice whose store was renamed; the grants moved."""
        old_key, new_key = practice_key(old), practice_key(new)
        if old_key == new_key:
            return 0
        with self._transaction() as cur:
            moved = cur.execute(
                "SELECT COUNT(*) FROM grants WHERE practice = ?", [old_key]
            ).fetchall()[0][0]
            cur.execute("UPDATE grants SET practice = ? WHERE practice = ?", [new_key, old_key])
            self._audit(cur, by, "rename", new_key, f"renamed from {old_key}")
        return int(moved)
