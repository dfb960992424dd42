"""The only code that speaks SQL: one practice's store in DuckDB or PostgreSQL (connection,
transactions, schema, the SQL text, aggregates), its patient-key secret, the practices,
backups, and the team's people, grants and audit log."""

from analytics.store.base import Store
from analytics.store.batch import IngestContext, RowChunks, UploadBatch
from analytics.store.connection import DEFAULT_DB, StoreBusy, StoreMissing, StoreUnavailable
from analytics.store.practices import PracticeError, display_name
from analytics.store.reads import METRIC_COLUMNS
from analytics.store.uploads import SaveResult

__all__ = [
    "DEFAULT_DB",
    "METRIC_COLUMNS",
    "IngestContext",
    "PracticeError",
    "RowChunks",
    "SaveResult",
    "Store",
    "StoreBusy",
    "StoreMissing",
    "StoreUnavailable",
    "UploadBatch",
    "display_name",
]
