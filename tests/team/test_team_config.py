"""The team server's settings without starting it: nginx.conf, the upload limit, refusals."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.team.apps import AppServer
from deploy.team.proxy import config, max_upload_mb
from deploy.team.signin import loopback, signin_configured
from deploy.team.supervisor import Options, Team
from tests.browser import ROOT

SERVERS = [
    AppServer("s1", 18601, "a.duckdb", Path("a.log")),
    AppServer("s2", 18602, "b.duckdb", Path("b.log")),
]


def team(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "deploy.team", *args],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "REFERRALS_NO_AUTH_I_KNOW"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_proxy_takes_what_streamlit_takes_plus_the_envelope(tmp_path, monkeypatch):
    monkeypatch.delenv("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", raising=False)
    # .streamlit/config.toml says maxUploadSize = 500 (MB); the proxy allows 500 + 10.
    assert max_upload_mb() == 500
    text = config(SERVERS, address="127.0.0.1", port=18600, run=tmp_path, upload_mb=500)
    assert "client_max_body_size 510m;" in text
    monkeypatch.setenv("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", "50")
    assert max_upload_mb() == 50
    assert max_upload_mb(tmp_path) == 50
    monkeypatch.delenv("STREAMLIT_SERVER_MAX_UPLOAD_SIZE")
    # A project without a config.toml: Streamlit's own default, 200 MB.
    assert max_upload_mb(tmp_path) == 200


def test_each_cookie_has_its_server_first_and_the_others_as_backup(tmp_path):
    text = config(SERVERS, address="127.0.0.1", port=18600, run=tmp_path, upload_mb=500)
    s1 = text[text.index("upstream team_s1 {") : text.index("}", text.index("upstream team_s1"))]
    assert "server 127.0.0.1:18601 max_fails=1" in s1
    assert "server 127.0.0.1:18602 backup;" in s1
    assert "18601 backup" not in s1
    assert "        s1 team_s1;\n        s2 team_s2;\n" in text
    assert '"~127\\.0\\.0\\.1:18602$" s2;' in text
    assert "listen 127.0.0.1:18600;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed.")
    conf = tmp_path / "nginx.conf"
    (tmp_path / "nginx-temp").mkdir()
    conf.write_text(config(SERVERS, address="127.0.0.1", port=18600, run=tmp_path, upload_mb=500))
    checked = subprocess.run(
        [nginx, "-p", str(tmp_path), "-c", str(conf), "-e", "stderr", "-t", "-q"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("team.example.org", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine(address, expected):
    assert loopback(address) is expected


@pytest.mark.parametrize(
    ("secrets", "expected"),
    [
        (None, False),
        ('[connections]\nx = "y"\n', False),
        ('[auth]\nredirect_uri = "http://x/oauth2callback"\n', True),
        ("[auth\nbroken", False),
    ],
)
def test_sign_in_counts_when_secrets_have_an_auth_section(tmp_path, secrets, expected):
    if secrets is not None:
        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "secrets.toml").write_text(secrets)
    assert signin_configured(tmp_path) is expected


def test_a_secrets_file_elsewhere_counts(tmp_path):
    named = tmp_path / "team-secrets.toml"
    named.write_text('[auth]\nredirect_uri = "https://team.example.org/oauth2callback"\n')
    assert signin_configured(tmp_path / "nowhere", secrets=named) is True
    assert signin_configured(tmp_path / "nowhere") is False


def test_listening_beyond_this_machine_without_sign_in_is_refused(tmp_path):
    if signin_configured():
        pytest.skip("this checkout has sign-in configured")
    refused = team("--dir", str(tmp_path), "--address", "0.0.0.0", "--port", "18699")
    assert refused.returncode == 2
    assert refused.stdout.startswith("Refusing to listen on 0.0.0.0 without sign-in")
    assert "REFERRALS_NO_AUTH_I_KNOW=1" in refused.stdout
    assert not (tmp_path / "run").exists() and not (tmp_path / "postgres").exists()


def test_a_busy_port_is_one_sentence_and_nothing_starts(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = team("--dir", str(tmp_path), "--port", str(port), "--store", "duckdb")
    assert result.returncode == 1
    assert f"Port {port}, asked for the proxy, is in use by another program" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "postgres").exists()


def test_check_and_stop_without_a_running_server(tmp_path):
    checked = team("--check", "--dir", str(tmp_path))
    assert checked.returncode == 1
    assert checked.stdout.strip() == (
        f"No team server is running from {tmp_path} (start it with make serve-team)."
    )
    stopped = team("stop", "--dir", str(tmp_path))
    assert stopped.returncode == 1
    assert stopped.stdout.strip() == f"No team server is running from {tmp_path}."


def test_every_app_server_gets_the_same_secrets_and_the_public_address(tmp_path, monkeypatch):
    monkeypatch.delenv("REFERRALS_KEY_FILE", raising=False)
    monkeypatch.delenv("REFERRALS_KEY", raising=False)
    secrets = tmp_path / "team-secrets.toml"
    options = Options(folder=tmp_path, address="0.0.0.0", secrets=secrets, no_auth_i_know=True)
    env = Team(options)._shared_environment("c" * 64)
    assert env == {
        "REFERRALS_KEY_FILE": str(tmp_path / "referrals.key"),
        "STREAMLIT_SERVER_COOKIE_SECRET": "c" * 64,
        "REFERRALS_PUBLIC_ADDRESS": "0.0.0.0",
        "REFERRALS_NO_AUTH_I_KNOW": "1",
        "STREAMLIT_SECRETS_FILES": str(secrets),
    }
    # The patient-key file is made before any server starts: 64 hex digits, owner-only.
    key = tmp_path / "referrals.key"
    assert len(bytes.fromhex(key.read_text().strip())) == 32
    assert key.stat().st_mode & 0o777 == 0o600
    first = key.read_text()
    plain = Team(Options(folder=tmp_path))._shared_environment("c" * 64)
    assert "REFERRALS_NO_AUTH_I_KNOW" not in plain and "STREAMLIT_SECRETS_FILES" not in plain
    assert key.read_text() == first  # kept at the next start, never remade
