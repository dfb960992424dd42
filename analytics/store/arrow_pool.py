"""The Arrow memory pool for this process: jemalloc, which keeps freed pages for reuse.

Arrow's default pool (mimalloc) gives large freed blocks back to the system at once, so an
ingest that builds and drops a few hundred megabytes of columns faults every page in again.
On the 1,000,000-row benchmark the whole ingest took 5.0-5.1 s with mimalloc against
3.2-4.3 s with jemalloc (and a 20% lower peak), each in a fresh process on the same machine.
Importing this module chooses the pool once; ARROW_DEFAULT_MEMORY_POOL still wins when set.
"""

from __future__ import annotations

import os

import pyarrow as pa

__all__ = ["POOL"]


def _choose() -> str:
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow built without jemalloc
            pa.set_memory_pool(pa.system_memory_pool())
    return pa.default_memory_pool().backend_name


POOL = _choose()
