"""The proxy speaks HTTPS when given a certificate (sign-in providers want https)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import urllib.request
from pathlib import Path

import pytest

from deploy.team.apps import AppServer
from deploy.team.proxy import COOKIE, HEADER, TLS, config
from tests.team.team_server import team_server, team_tools_or_skip


def self_signed(folder: Path) -> TLS:
    """A one-day certificate for 127.0.0.1, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed.")
    tls = TLS(folder / "cert.pem", folder / "key.pem")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(tls.key), "-out", str(tls.certificate), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return tls


def test_the_configuration_listens_with_tls_and_marks_the_cookie_secure(tmp_path):
    tls = TLS(Path("/etc/team/cert.pem"), Path("/etc/team/key.pem"))
    servers = [AppServer("s1", 18601, "a", Path("a")), AppServer("s2", 18602, "b", Path("b"))]
    text = config(servers, address="0.0.0.0", port=443, run=tmp_path, upload_mb=500, tls=tls)
    assert "listen 0.0.0.0:443 ssl;" in text
    assert "ssl_certificate /etc/team/cert.pem;" in text
    assert "ssl_certificate_key /etc/team/key.pem;" in text
    assert "SameSite=Lax; Secure" in text
    plain = config(servers, address="0.0.0.0", port=80, run=tmp_path, upload_mb=500)
    assert "ssl" not in plain and "Secure" not in plain


def test_https_end_to_end_verified_against_the_certificate(tmp_path):
    team_tools_or_skip()
    tls = self_signed(tmp_path)
    extra = ["--tls-cert", str(tls.certificate), "--tls-key", str(tls.key)]
    with team_server(tmp_path / "team", store="duckdb", extra=extra) as team:
        assert team.url.startswith("https://127.0.0.1:")
        assert f"curl -fsSk {team.url}/_stcore/health" in team.log.read_text()
        trusting = ssl.create_default_context(cafile=str(tls.certificate))
        with urllib.request.urlopen(f"{team.url}/_stcore/health", context=trusting) as answer:
            assert answer.read() == b"ok"
            assert answer.headers[HEADER] in ("s1", "s2")
            ours = [c for c in answer.headers.get_all("Set-Cookie") if c.startswith(COOKIE)]
            name = answer.headers[HEADER]
            assert ours == [f"{COOKIE}={name}; Path=/; HttpOnly; SameSite=Lax; Secure"]
        # Plain HTTP to the TLS port is refused by nginx, not passed on.
        with pytest.raises(OSError):
            urllib.request.urlopen(team.url.replace("https", "http") + "/_stcore/health")
        assert team.interrupt() == 0
