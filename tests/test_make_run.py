"""`make run` listens on this machine only unless told otherwise (issue 13, finding 10)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _run_line(**env: str) -> str:
    proc = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    return " ".join(proc.stdout.replace("\\\n", " ").split())


def test_make_run_binds_to_localhost_by_default():
    assert "--server.address 127.0.0.1" in _run_line()


def test_make_run_binds_where_told():
    assert "--server.address 0.0.0.0" in _run_line(ADDRESS="0.0.0.0")
