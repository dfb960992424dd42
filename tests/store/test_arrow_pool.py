"""The ingest runs on an Arrow pool that keeps freed pages (see analytics/store/arrow_pool.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import analytics.ingest, pyarrow as pa; print(pa.default_memory_pool().backend_name)"


def _pool(env_pool: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if env_pool:
        env["ARROW_DEFAULT_MEMORY_POOL"] = env_pool
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_ingest_chooses_jemalloc_over_arrows_default():
    assert _pool(None) in {"jemalloc", "system"}  # system only where jemalloc is not built


@pytest.mark.parametrize("wanted", ["system", "mimalloc"])
def test_an_explicit_arrow_pool_setting_wins(wanted):
    assert _pool(wanted) == wanted
