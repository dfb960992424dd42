"""What crosses the seam between the ingest and the store, as plain data: an upload's batch
(its rows as Arrow and what the uploads table records of it) and what the ingest needs back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import pyarrow as pa


@dataclass(frozen=True)
class IngestContext:
    """What the ingest needs from the store: the hashing salt, saved mappings, known aliases."""

    salt: bytes
    saved_mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    aliases: pd.DataFrame | None = None


@dataclass(frozen=True)
class RowChunks:
    """Rows too many to hold at once: their totals, and a way to read them in chunks."""

    num_rows: int
    referrals: int | None  # the sum of the count column (None for activities)
    open: Callable[[], Iterator[pa.Table]]  # each call reads the rows again, in order


@dataclass(frozen=True)
class UploadBatch:
    """One prepared file as the store writes it, in one transaction.

    `rows` are canonical rows (schema.REFERRAL_COLUMNS or ACTIVITY_COLUMNS, no upload_id), in
    one table or, for a file streamed from disk, as RowChunks; `aliases` the new name key /
    NPI -> source rows (key, npi, source, source_type)."""

    kind: str  # "referrals" | "activities"
    file_name: str
    file_hash: str
    sheet: str
    sheets: tuple[str, ...]  # every sheet whose rows the upload holds
    rows: pa.Table | RowChunks
    aliases: pa.Table
    rows_rejected: int
    period: tuple[date | None, date | None]
    clinics: tuple[str, ...]
    mapping: dict[str, str]
    signature: str  # the header layout, for remembering a confirmed mapping
    quality: dict
    warnings: tuple[str, ...] = ()
    # Monthly totals (a count column, every date the 1st): the period runs to the month's end.
    monthly_totals: bool = False

    @property
    def rows_loaded(self) -> int:
        return self.rows.num_rows

    def chunks(self) -> Iterator[pa.Table]:
        """The rows in order, one table at a time (a single table when they are held)."""
        if isinstance(self.rows, RowChunks):
            yield from self.rows.open()
        else:
            yield self.rows

    @property
    def referrals(self) -> int | None:
        """Referrals the rows count (None for activities)."""
        if self.kind != "referrals":
            return None
        if isinstance(self.rows, RowChunks):
            return self.rows.referrals
        total = self.rows.column("count").to_numpy().sum() if self.rows.num_rows else 0
        return int(total)
