"""nginx in front of the app servers, with sticky sessions by cookie.

Streamlit keeps a session (its widgets, an upload in progress) in the memory of the server
whose websocket carries it, so every request of one browser must reach the same server.
nginx's open-source build has no `sticky` directive; the same is done with a cookie and two
maps: a browser without the cookie goes round-robin to any server, the response names the
server that answered in `referrals_server=<name>`, and from then on the cookie picks that
server's upstream. Each per-server upstream lists the other servers as `backup`, so a
stopped server's browsers move on (and the cookie follows) instead of getting errors. A
cookie rather than ip_hash: two people behind one address (an office, one laptop with two
browsers) still spread over the servers.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import subprocess
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from deploy.team.apps import ROOT, AppServer
from deploy.team.errors import TeamError

COOKIE = "referrals_server"
HEADER = "X-Referrals-Server"
STREAMLIT_DEFAULT_UPLOAD_MB = 200
# Room for the multipart envelope around a file at Streamlit's limit, so that a file the
# app accepts is never refused by the proxy first (Streamlit says the limit in its own words).
UPLOAD_MARGIN_MB = 10
WORKER_USER = "nobody"


def max_upload_mb(root: Path = ROOT) -> int:
    """Streamlit's server.maxUploadSize in MB: its environment variable, else the project's
    .streamlit/config.toml, else Streamlit's default."""
    named = os.environ.get("STREAMLIT_SERVER_MAX_UPLOAD_SIZE")
    if named and named.isdigit():
        return int(named)
    config = root / ".streamlit" / "config.toml"
    if config.exists():
        value = tomllib.loads(config.read_text()).get("server", {}).get("maxUploadSize")
        if isinstance(value, int):
            return value
    return STREAMLIT_DEFAULT_UPLOAD_MB


def nginx_binary() -> str:
    """nginx's path, or one sentence saying how to install it."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if not found:
        raise TeamError("nginx is not installed; install it with `apt-get install nginx`.")
    return found


def _worker_group() -> str:
    """The worker user's own group (Debian's `nobody` is in `nogroup`, not `nobody`)."""
    return grp.getgrgid(pwd.getpwnam(WORKER_USER).pw_gid).gr_name


def config(
    servers: Sequence[AppServer],
    *,
    address: str,
    port: int,
    run: Path,
    upload_mb: int,
    tls: TLS | None = None,
) -> str:
    """The whole nginx.conf for these app servers (HTTPS when given a certificate)."""
    temp = run / "nginx-temp"
    upstreams = []
    for server in servers:
        backups = "".join(
            f"        server 127.0.0.1:{other.port} backup;\n"
            for other in servers
            if other is not server
        )
        upstreams.append(
            f"    upstream team_{server.name} {{\n"
            f"        server 127.0.0.1:{server.port} max_fails=1 fail_timeout=10s;\n"
            f"{backups}    }}\n"
        )
    any_servers = "".join(f"        server 127.0.0.1:{s.port};\n" for s in servers)
    by_cookie = "".join(f"        {s.name} team_{s.name};\n" for s in servers)
    # $upstream_addr lists every address tried ("A, B" after a failover): the last answered.
    by_address = "".join(f'        "~127\\.0\\.0\\.1:{s.port}$" {s.name};\n' for s in servers)
    user = f"user {WORKER_USER} {_worker_group()};\n" if os.geteuid() == 0 else ""
    listen = f"{address}:{port}" if tls is None else f"{address}:{port} ssl"
    secure = "" if tls is None else "; Secure"
    certificate = (
        ""
        if tls is None
        else f"""        ssl_certificate {tls.certificate};
        ssl_certificate_key {tls.key};
        ssl_protocols TLSv1.2 TLSv1.3;
"""
    )
    return f"""# Written by `python -m deploy.team`; rewritten at every start.
{user}worker_processes 1;
# A reload closes the old worker's websockets after 2 s; browsers reconnect to the same
# server through the new worker (their cookie), and their sessions carry on.
worker_shutdown_timeout 2s;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    log_format team '$msec $request_time "$request" $status '
                    'cookie=$cookie_{COOKIE} server=$team_server upstream="$upstream_addr"';
    access_log {run}/nginx-access.log team;
    server_tokens off;

{"".join(upstreams)}
    upstream team_any {{
        zone team_any 64k;
{any_servers}    }}

    map $cookie_{COOKIE} $team_upstream {{
        default team_any;
{by_cookie}    }}

    map $upstream_addr $team_server {{
        default "";
{by_address}    }}

    # Set the cookie only when it does not already name the server that answered.
    map "$cookie_{COOKIE}|$team_server" $team_set_cookie {{
        default "";
        "~^(?<same>[^|]+)\\|\\k<same>$" "";
        "~\\|(?<answered>.+)$" "{COOKIE}=$answered; Path=/; HttpOnly; SameSite=Lax{secure}";
    }}

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    server {{
        listen {listen};
{certificate}        # Streamlit's server.maxUploadSize ({upload_mb} MB) plus the multipart
        # envelope; uploads stream to the app server instead of being spooled to disk first.
        client_max_body_size {upload_mb + UPLOAD_MARGIN_MB}m;
        proxy_request_buffering off;

        location / {{
            proxy_pass http://$team_upstream;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            # Host with its port: Streamlit checks the websocket's Origin against it.
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 5s;
            # A websocket stays open as long as the page; a big workbook parses for minutes.
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            add_header {HEADER} $team_server always;
            add_header Set-Cookie $team_set_cookie always;
        }}
    }}
}}
"""


@dataclass(frozen=True)
class TLS:
    """A certificate (chain) and its private key, PEM files nginx reads at start."""

    certificate: Path
    key: Path


class Proxy:
    """nginx in the foreground (daemon off) as a child of the supervisor."""

    def __init__(
        self,
        servers: Sequence[AppServer],
        *,
        address: str,
        port: int,
        run: Path,
        tls: TLS | None = None,
    ):
        self.tls = tls
        self.servers = list(servers)
        self.address = address
        self.port = port
        self.run = run
        self.conf = run / "nginx.conf"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "127.0.0.1") else self.address
        return f"{'http' if self.tls is None else 'https'}://{host}:{self.port}"

    def write_config(self) -> None:
        """Write nginx.conf and its temp folders, then let nginx check it."""
        temp = self.run / "nginx-temp"
        temp.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # The workers run as an unprivileged user and spool uploads under here.
            worker = pwd.getpwnam(WORKER_USER)
            os.chown(temp, worker.pw_uid, worker.pw_gid)
        text = config(
            self.servers,
            address=self.address,
            port=self.port,
            run=self.run,
            upload_mb=max_upload_mb(),
            tls=self.tls,
        )
        self.conf.write_text(text)
        checked = subprocess.run(self._argv("-t", "-q"), capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            lines = [line for line in checked.stderr.splitlines() if "[emerg]" in line]
            raise TeamError(
                f"nginx refused its configuration: {lines[0] if lines else checked.stderr.strip()}"
            )

    def _argv(self, *extra: str) -> list[str]:
        return [nginx_binary(), "-p", str(self.run), "-c", str(self.conf), "-e", "stderr", *extra]

    def start(self) -> subprocess.Popen:
        """Start nginx in the foreground, in its own session (see apps.AppServer.start)."""
        self.write_config()
        with open(self.run / "nginx-error.log", "ab") as log:
            self.process = subprocess.Popen(
                self._argv("-g", "daemon off;"),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self.process

    def reload(self) -> None:
        """Re-read the configuration; open websockets are closed and reconnect."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGHUP)

    def stop(self, timeout: float = 10) -> None:
        """Graceful stop (finish requests in flight), then a hard one if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
