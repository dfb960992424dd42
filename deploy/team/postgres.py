"""A PostgreSQL server of the team's own: a data folder, a port on 127.0.0.1, one role and database.

Debian's packaged binaries (/usr/lib/postgresql/N/bin) are used directly, not the system
cluster: the team server keeps its database under its own folder and starts and stops it
with the rest. PostgreSQL refuses to run as root, so as root every command runs as the
`postgres` user (`su postgres`), which then owns the data folder.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from deploy.team.errors import TeamError

ROLE = "referrals"
DATABASE = "referrals"
SERVICE_USER = "postgres"


def bin_dir() -> Path:
    """Where initdb and pg_ctl are: $PG_BIN, the newest /usr/lib/postgresql/N/bin, or PATH."""
    named = os.environ.get("PG_BIN")
    if named:
        return Path(named)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise TeamError(
        "PostgreSQL is not installed (no initdb found); install it with "
        "`apt-get install postgresql`, or set PG_BIN to the folder holding initdb and pg_ctl."
    )


def _as_service_user() -> bool:
    return os.geteuid() == 0


def _run(argv: list[str], *, stdin: str | None = None, check: bool = True) -> str:
    """Run a PostgreSQL program, as the `postgres` user when we are root."""
    if _as_service_user():
        argv = ["su", SERVICE_USER, "-s", "/bin/sh", "-c", shlex.join(argv)]
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120)
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise TeamError(f"{Path(argv[0]).name} failed: {detail[-1] if detail else 'no output'}")
    return proc.stdout


def _give_to_service_user(path: Path) -> None:
    if _as_service_user():
        try:
            user = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            raise TeamError(
                "PostgreSQL cannot run as root and there is no `postgres` user; install "
                "Debian's postgresql package (it creates the user) or run as another user."
            ) from None
        os.chown(path, user.pw_uid, user.pw_gid)


@dataclass(frozen=True)
class Postgres:
    """One PostgreSQL server: its data folder, port and the app's password."""

    data: Path
    port: int
    password: str
    socket_dir: Path

    @property
    def url(self) -> str:
        """What the app servers are given as REFERRALS_DB; the password goes in PGPASSWORD,
        so no message or page that names the store can show it."""
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def log(self) -> Path:
        return self.data / "server.log"

    def start(self) -> None:
        """Create the data folder the first time, start the server, and make role and database."""
        fresh = not (self.data / "PG_VERSION").exists()
        if fresh:
            self._init()
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
        _run(
            [
                *(str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log)),
                *("-o", options, "-w", "-t", "60", "start"),
            ]
        )
        self._ensure_role_and_database()

    def _init(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        self.data.chmod(0o700)
        _give_to_service_user(self.data)
        if (
            _as_service_user()
            and subprocess.run(
                [
                    "su",
                    SERVICE_USER,
                    "-s",
                    "/bin/sh",
                    "-c",
                    shlex.join(["test", "-w", str(self.data)]),
                ]
            ).returncode
        ):
            raise TeamError(
                f"The postgres user cannot reach {self.data}: a folder above it is private to "
                "root; choose a database folder under a readable path (--pg-data)."
            )
        # Local superuser by the OS account only (peer); the app signs in with its password.
        _run(
            [
                *(str(bin_dir() / "initdb"), "-D", str(self.data), "--auth-local=peer"),
                *("--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"),
            ]
        )

    def _ensure_role_and_database(self) -> None:
        """Make the app's role and database if missing, and set the role's password: at every
        start, so a start interrupted after initdb, or a remade secrets file, heals itself."""
        if not all(c in "0123456789abcdef" for c in self.password):
            raise TeamError("The database password in secrets.json must be hexadecimal.")
        # Generated hex, never user text, so it can sit in the SQL; fed on stdin, so `ps`
        # never shows it.
        sql = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
    CREATE ROLE {ROLE} LOGIN;
  END IF;
END $$;
ALTER ROLE {ROLE} LOGIN PASSWORD '{self.password}';
SELECT 'CREATE DATABASE {DATABASE} OWNER {ROLE}'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{DATABASE}')\\gexec
"""
        self.psql(sql, database="postgres")

    def psql(self, sql: str, database: str = DATABASE) -> str:
        """Run SQL as the server's superuser over its socket; return psql's output."""
        argv = [str(bin_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA"]
        argv += ["-h", str(self.socket_dir), "-p", str(self.port), "-d", database, "-f", "-"]
        return _run(argv, stdin=sql)

    def postmaster_pid(self) -> int | None:
        """The running server's process id, from its postmaster.pid file."""
        try:
            first = (self.data / "postmaster.pid").read_text().splitlines()[0]
        except (OSError, IndexError):
            return None
        return int(first) if first.strip().isdigit() else None

    def running(self) -> bool:
        pid = self.postmaster_pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def stop(self) -> None:
        """Stop the server (fast: sessions are rolled back, data is safe)."""
        if self.running():
            _run(
                [str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                check=False,
            )
        shutil.rmtree(self.socket_dir, ignore_errors=True)


def socket_folder() -> Path:
    """A short private folder for the server's Unix socket (socket paths are limited to ~100
    characters, which a deep data folder would pass)."""
    path = Path(tempfile.mkdtemp(prefix="rp-pg-"))
    _give_to_service_user(path)
    return path
