"""Free TCP ports on this machine and waiting for a server to answer."""

from __future__ import annotations

import socket
import ssl
import time
import urllib.request
from email.message import Message

# These probes only ever ask our own proxy and servers, whose certificate may be self-signed
# or name the public host rather than 127.0.0.1.
_OWN_SERVER = ssl.create_default_context()
_OWN_SERVER.check_hostname = False
_OWN_SERVER.verify_mode = ssl.CERT_NONE


def free_port() -> int:
    """A port nobody listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts connections on host:port."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def http_ok(
    url: str, cookie: str | None = None, timeout: float = 3.0
) -> tuple[bool, Message | dict]:
    """Whether GET url answers 200, and the response headers (empty when it does not)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=_OWN_SERVER) as response:
            return response.status == 200, response.headers
    except OSError:
        return False, {}


def wait_http(url: str, seconds: float, alive=lambda: True) -> bool:
    """Poll url until it answers 200, `alive()` turns false, or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if http_ok(url, timeout=2)[0]:
            return True
        if not alive():
            return False
        time.sleep(0.3)
    return False
