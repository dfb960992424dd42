"""Reading an upload: workbooks and CSVs parsed within limits, header and layout found,
columns mapped, values, names and source types read, patients keyed, rows prepared."""

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
