"""Reading an upload: workbooks and CSVs parsed within limits, header and layout found,
columns mapped, values, names and source types read, patients keyed, rows prepared.

The names below are imported when first used (PEP 562): a command that needs only the
source-type words (`metrics`, through the identity decisions) does not load the readers."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Reading uploads runs on the Arrow pool that keeps freed pages (chosen when imported).
from analytics.store import arrow_pool  # noqa: F401

if TYPE_CHECKING:
    from analytics.ingest.mapping import MissingColumn
    from analytics.ingest.prepared import (
        IngestContext,
        Prepared,
        Rejection,
        file_hash,
        list_sheets,
        prepare,
    )
    from analytics.ingest.streamed import prepare_file
    from analytics.ingest.verdict import overlap_sentence

_HOMES = {
    "MissingColumn": "mapping",
    "IngestContext": "prepared",
    "Prepared": "prepared",
    "Rejection": "prepared",
    "file_hash": "prepared",
    "list_sheets": "prepared",
    "prepare": "prepared",
    "prepare_file": "streamed",
    "overlap_sentence": "verdict",
}

__all__ = [
    "IngestContext",
    "MissingColumn",
    "Prepared",
    "Rejection",
    "file_hash",
    "list_sheets",
    "overlap_sentence",
    "prepare",
    "prepare_file",
]


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
