"""Canonical rows of a streamed file kept on disk between reading and saving: written chunk
by chunk as Arrow IPC, read back in tables the size of DuckDB's row groups."""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import threading
import weakref
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pyarrow as pa

from analytics.ingest.read_ahead import read_ahead
from analytics.store.batch import RowChunks

ROW_GROUP = 122_880  # DuckDB's rows per row group
# Tables handed to the store hold whole row groups: one that straddles them makes DuckDB
# rewrite row groups at the next checkpoint (see store/uploads._for_duckdb). None: as many
# whole row groups as the chunks read hold (at least one).
WRITE_ROWS: int | None = None


class SpillWriter:
    """Appends canonical row frames to a temporary Arrow file, one schema for all. The file
    is written on a thread (Arrow's writer lets go of the interpreter lock) while the next
    chunk is normalised; at most one table waits for it."""

    def __init__(self) -> None:
        handle, self.path = tempfile.mkstemp(prefix="referrals-", suffix=".arrow")
        os.close(handle)
        self._writer: pa.ipc.RecordBatchFileWriter | None = None
        self._schema: pa.Schema | None = None
        self._waiting: queue.Queue = queue.Queue(maxsize=1)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.num_rows = 0
        self.largest = 0  # rows of the largest chunk written

    def write(self, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._writer is None:
            self._schema = table.schema
            self._writer = pa.ipc.new_file(self.path, self._schema)
            self._thread = threading.Thread(target=self._drain, name="spill", daemon=True)
            self._thread.start()
        else:
            table = table.cast(self._schema)  # an all-missing column may have come out null
        self._raise()
        self._waiting.put(table)
        self.num_rows += table.num_rows
        self.largest = max(self.largest, table.num_rows)

    def _drain(self) -> None:
        """The writing thread: tables in the order given, until None."""
        while (table := self._waiting.get()) is not None:
            if self._error is None:
                try:
                    self._writer.write_table(table)
                except BaseException as exc:  # raised in the caller at its next step
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _finish(self) -> None:
        """Every table written and the file closed."""
        if self._thread is not None:
            self._waiting.put(None)
            self._thread.join()
            self._thread = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def close(
        self,
        referrals: int | None,
        period: tuple[date | None, date | None],
        clinics: tuple[str, ...],
        first_days: bool,
    ) -> SpilledRows:
        self._finish()
        self._raise()
        groups = max(1, self.largest // ROW_GROUP)
        spilled = SpilledRows(self.path, self.num_rows, referrals, period, clinics, first_days)
        spilled.write_rows = groups * ROW_GROUP
        return spilled

    def discard(self) -> None:
        try:
            self._finish()
        finally:
            _remove(self.path)


class SpilledRows:
    """The rows on disk and what the upload records of them; the file goes with this object."""

    def __init__(
        self,
        path: str,
        num_rows: int,
        referrals: int | None,
        period: tuple[date | None, date | None],
        clinics: tuple[str, ...],
        first_days: bool,
    ):
        self.path = path
        self.num_rows = num_rows
        self.referrals = referrals
        self.period = period
        self.clinics = clinics
        self.first_days = first_days  # every referral date is a month's first day
        self.write_rows = ROW_GROUP
        weakref.finalize(self, _remove, path)

    def chunks(self) -> RowChunks:
        return RowChunks(self.num_rows, self.referrals, self.tables)

    def tables(self) -> Iterator[pa.Table]:
        """The rows in order, write_rows at a time (the last table holds the rest), the next
        read on a thread while the store inserts this one."""
        return read_ahead(self._tables())

    def _tables(self) -> Iterator[pa.Table]:
        if not self.num_rows:
            return
        size = WRITE_ROWS or self.write_rows
        with pa.OSFile(self.path) as source:
            reader = pa.ipc.open_file(source)
            waiting: list[pa.RecordBatch] = []
            held = 0
            for i in range(reader.num_record_batches):
                batch = reader.get_batch(i)
                waiting.append(batch)
                held += batch.num_rows
                while held >= size:
                    table = pa.Table.from_batches(waiting)
                    yield table.slice(0, size)
                    rest = table.slice(size)
                    waiting, held = rest.to_batches(), rest.num_rows
            if held:
                yield pa.Table.from_batches(waiting, schema=reader.schema)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
