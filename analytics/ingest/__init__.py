"""Reading an upload: workbooks and CSVs parsed within limits, header and layout found,
columns mapped, values, names and source types read, patients keyed, rows prepared."""

from analytics.ingest.prepared import (
    IngestContext,
    Prepared,
    Rejection,
    file_hash,
    list_sheets,
    prepare,
)
from analytics.ingest.streamed import prepare_file

__all__ = [
    "IngestContext",
    "Prepared",
    "Rejection",
    "file_hash",
    "list_sheets",
    "prepare",
    "prepare_file",
]
