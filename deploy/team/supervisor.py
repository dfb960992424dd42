"""Start PostgreSQL, the app servers and the proxy in order; watch them; stop them in reverse.

The supervisor stays in the foreground. Ctrl-C (SIGINT) or SIGTERM stops the proxy first (no
new requests), then the app servers, then PostgreSQL (fast shutdown: open transactions roll
back, committed data is safe). A server that dies on its own stops the rest and exits 1,
with the end of its log, rather than leaving half a team server running.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from deploy.team.apps import ROOT, AppServer
from deploy.team.errors import TeamError
from deploy.team.ports import free_port, port_in_use, wait_http
from deploy.team.postgres import Postgres, socket_folder
from deploy.team.proxy import TLS, Proxy

HEALTH = "/_stcore/health"
STATE_FILE = "state.json"
# An app server that exits this often within 5 minutes is broken, not unlucky.
MAX_RESTARTS = 3


@dataclass(frozen=True)
class Options:
    """What `python -m deploy.team` was asked for."""

    folder: Path
    address: str = "127.0.0.1"
    port: int = 8500
    servers: int = 2
    server_ports: tuple[int, ...] = ()
    pg_port: int = 0
    pg_data: Path | None = None
    db: str | None = None
    store: str = "postgres"
    sample: bool = False
    key_file: Path | None = None
    no_auth_i_know: bool = False
    tls: TLS | None = None
    secrets: Path | None = None
    start_seconds: float = 90.0


def state_path(folder: Path) -> Path:
    return folder / "run" / STATE_FILE


def read_state(folder: Path) -> dict | None:
    """What a running supervisor wrote about itself, or None."""
    try:
        return json.loads(state_path(folder).read_text())
    except (OSError, ValueError):
        return None


def _private_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _secrets(folder: Path) -> dict[str, str]:
    """The database password and Streamlit's cookie secret, made once and kept (owner-only)."""
    path = folder / "secrets.json"
    try:
        kept = json.loads(path.read_text())
    except (OSError, ValueError):
        kept = {}
    made = {
        "pg_password": kept.get("pg_password") or secrets.token_hex(24),
        "cookie_secret": kept.get("cookie_secret") or secrets.token_hex(32),
    }
    if made != kept:
        _private_write(path, json.dumps(made, indent=2))
    return made


def _patient_key_file(options: Options) -> Path:
    """One patient-key file for every server (docs/patient-keys.md): made here, before the
    servers start, so two first uploads cannot each make a different one."""
    path = options.key_file or Path(
        os.environ.get("REFERRALS_KEY_FILE") or options.folder / "referrals.key"
    )
    if not path.exists() and not os.environ.get("REFERRALS_KEY"):
        _private_write(path, secrets.token_hex(32) + "\n")
    return path


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Team:
    """The running parts, in the order they were started."""

    options: Options
    postgres: Postgres | None = None
    servers: list[AppServer] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    proxy: Proxy | None = None
    shared: dict[str, str] = field(default_factory=dict)
    db_url: str = ""

    @property
    def run(self) -> Path:
        return self.options.folder / "run"

    def start(self) -> None:
        """Start every part and wait until the proxy answers; raise TeamError if one fails."""
        self.run.mkdir(parents=True, exist_ok=True)
        self._refuse_busy_ports()
        kept = _secrets(self.options.folder)
        self.shared = self._shared_environment(kept["cookie_secret"])
        self.db_url = self.options.db or self._start_postgres(kept["pg_password"])
        self.servers = self._plan_servers()
        if self.options.sample:
            for db in dict.fromkeys(s.db for s in self.servers):
                self._load_sample(db)
        self._start_servers()
        self._start_proxy()
        self._write_state(self.db_url)
        say(f"Proxy (nginx, sticky sessions): {self.proxy.url}")
        insecure = "" if self.options.tls is None else "k"
        say(f"Health: curl -fsS{insecure} {self.proxy.url}{HEALTH}")
        say("Ready. Ctrl-C stops everything.")

    def _shared_environment(self, cookie_secret: str) -> dict[str, str]:
        """What every app server must have alike."""
        shared = {
            "REFERRALS_KEY_FILE": str(_patient_key_file(self.options)),
            "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret,
            # The app servers listen on 127.0.0.1, but people reach them where the proxy
            # listens: the app's own sign-in guard must judge that address, not its own.
            "REFERRALS_PUBLIC_ADDRESS": self.options.address,
        }
        if self.options.no_auth_i_know:
            shared["REFERRALS_NO_AUTH_I_KNOW"] = "1"
        if self.options.secrets is not None:
            # Streamlit's secrets.files: st.login's [auth] from there, not the project's.
            shared["STREAMLIT_SECRETS_FILES"] = str(self.options.secrets)
        return shared

    def _start_postgres(self, password: str) -> str:
        """Start the team's own PostgreSQL; its URL for the app servers."""
        options = self.options
        self.postgres = Postgres(
            data=options.pg_data or options.folder / "postgres",
            port=options.pg_port or free_port(),
            password=password,
            socket_dir=socket_folder(),
        )
        say(f"PostgreSQL: starting on 127.0.0.1:{self.postgres.port} ...")
        self.postgres.start()
        # psycopg and psql read it from the environment (docs/postgres.md).
        self.shared["PGPASSWORD"] = password
        say(
            f"PostgreSQL: {self.postgres.url} (password in {options.folder / 'secrets.json'}; "
            f"data in {self.postgres.data})"
        )
        return self.postgres.url

    def _plan_servers(self) -> list[AppServer]:
        """The app servers: names s1, s2 ..., ports, and the store each is given."""
        options = self.options
        ports = list(options.server_ports) or [free_port() for _ in range(options.servers)]
        servers = []
        for number, port in enumerate(ports, start=1):
            db = self.db_url
            if options.store == "duckdb":
                # One DuckDB folder per server: the proxy and sessions without a shared store.
                db = str(options.folder / f"server-{number}" / "referrals.duckdb")
            elif options.store == "duckdb-shared":
                # One DuckDB file for all: works because the app opens a store only while a
                # page runs, but the servers take turns at the file (docs/limits.md).
                db = str(options.folder / "shared" / "referrals.duckdb")
            if db != self.db_url:
                Path(db).parent.mkdir(parents=True, exist_ok=True)
            name = f"s{number}"
            servers.append(AppServer(name, port, db, self.run / f"app-{name}.log"))
        return servers

    def _start_servers(self) -> None:
        """Start every app server, then wait for each to answer its health check."""
        for server in self.servers:
            self.processes[server.name] = server.start(self.shared)
        for server in self.servers:
            process = self.processes[server.name]
            if not wait_http(
                server.url + HEALTH, self.options.start_seconds, lambda p=process: p.poll() is None
            ):
                raise TeamError(
                    f"App server {server.name} on port {server.port} did not start; the end "
                    f"of {server.log}:\n{_log_tail(server.log)}"
                )
            say(f"App server {server.name}: {server.url} (log {server.log})")

    def _start_proxy(self) -> None:
        """Start nginx and wait until a health check answers through it."""
        options = self.options
        self.proxy = Proxy(
            self.servers, address=options.address, port=options.port, run=self.run, tls=options.tls
        )
        process = self.processes["proxy"] = self.proxy.start()
        if not wait_http(self.proxy.url + HEALTH, 30, lambda: process.poll() is None):
            raise TeamError(
                f"nginx did not answer on port {options.port}; the end of its log:\n"
                f"{_log_tail(self.run / 'nginx-error.log')}"
            )

    def _refuse_busy_ports(self) -> None:
        options = self.options
        wanted = [("the proxy", options.port)]
        wanted += [(f"app server s{i}", p) for i, p in enumerate(options.server_ports, 1)]
        if options.pg_port:
            wanted.append(("PostgreSQL", options.pg_port))
        for what, port in wanted:
            if port_in_use(port):
                raise TeamError(
                    f"Port {port}, asked for {what}, is in use by another program; stop it or "
                    "choose another port."
                )

    def _load_sample(self, db: str) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "analytics", "sample", "--db", db, "--if-empty"],
            cwd=ROOT,
            env={**os.environ, **self.shared},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0:
            raise TeamError(f"Loading the sample practice failed: {proc.stderr.strip()}")

    def _write_state(self, db_url: str) -> None:
        state = {
            "supervisor": os.getpid(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "proxy": {
                "url": self.proxy.url,
                "port": self.options.port,
                "pid": self.processes["proxy"].pid,
                "access_log": str(self.run / "nginx-access.log"),
            },
            "servers": [
                {
                    "name": s.name,
                    "port": s.port,
                    "url": s.url,
                    "pid": self.processes[s.name].pid,
                    "db": s.db,
                }
                for s in self.servers
            ],
            "postgres": None
            if self.postgres is None
            else {
                "port": self.postgres.port,
                "data": str(self.postgres.data),
                "pid": self.postgres.postmaster_pid(),
            },
            "db_url": db_url,
        }
        _private_write(state_path(self.options.folder), json.dumps(state, indent=2))

    def watch(self) -> int:
        """Wait until told to stop (0) or until a part cannot be kept running (1).

        An app server that exits is started again on its port: meanwhile the proxy sends its
        people to the other servers (their cookie follows), so the team keeps working; only
        their unsaved session state (an upload not yet saved) is lost. One that keeps
        exiting, the proxy or PostgreSQL stopping, ends the whole team server.
        """
        restarts: dict[str, list[float]] = {}
        while True:
            for name, process in list(self.processes.items()):
                if process.poll() is None:
                    continue
                log = self.run / ("nginx-error.log" if name == "proxy" else f"app-{name}.log")
                say(
                    f"{name} stopped on its own (status {process.returncode}); the end of "
                    f"{log}:\n{_log_tail(log)}"
                )
                recent = [t for t in restarts.get(name, []) if time.monotonic() - t < 300]
                if name == "proxy" or len(recent) >= MAX_RESTARTS:
                    return 1
                restarts[name] = [*recent, time.monotonic()]
                server = next(s for s in self.servers if s.name == name)
                self.processes[name] = server.start(self.shared)
                say(f"App server {name}: started again on port {server.port}.")
                self._write_state(self.db_url)
            if self.postgres is not None and not self.postgres.running():
                say(f"PostgreSQL stopped on its own; see {self.postgres.log}.")
                return 1
            time.sleep(1)

    def stop(self) -> None:
        """Stop the proxy, then the app servers, then PostgreSQL; never raises."""
        if self.proxy is not None:
            self.proxy.stop()
        for name, process in self.processes.items():
            if name != "proxy" and process.poll() is None:
                process.terminate()
        for name, process in self.processes.items():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within 15 s; killed.")
                process.kill()
                process.wait(timeout=5)
        if self.postgres is not None:
            self.postgres.stop()
        state_path(self.options.folder).unlink(missing_ok=True)


def say(line: str) -> None:
    print(line, flush=True)


def _stop_on_signal(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(options: Options) -> int:
    """Start the team server and keep it up until Ctrl-C; the exit status for the shell."""
    # SIGTERM (`python -m deploy.team stop`, systemd, a test) stops as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, _stop_on_signal)
    # Also when started with SIGINT ignored (a background job of a script), where Python
    # would otherwise never raise KeyboardInterrupt.
    signal.signal(signal.SIGINT, _stop_on_signal)
    team = Team(options)
    status = 0
    try:
        team.start()
        status = team.watch()
    except KeyboardInterrupt:
        say("Stopping ...")
    except TeamError as error:
        say(str(error))
        status = 1
    finally:
        # A second Ctrl-C while stopping must not leave PostgreSQL running.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        team.stop()
        say("Stopped: proxy, app servers and PostgreSQL.")
    return status
