"""Whether sign-in is configured: an `[auth]` section in .streamlit/secrets.toml (st.login)."""

from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path

from deploy.team.apps import ROOT


def signin_configured(root: Path = ROOT, secrets: Path | None = None) -> bool:
    """True when the secrets file (`--secrets`, else the project's .streamlit/secrets.toml)
    has an [auth] section, as st.login requires."""
    path = secrets or root / ".streamlit" / "secrets.toml"
    try:
        return "auth" in tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return False


def loopback(address: str) -> bool:
    """Whether only this machine can reach an address the proxy listens on."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
