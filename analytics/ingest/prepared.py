"""From file bytes to canonical rows: read, find the table, map, normalise, validate."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd
import pyarrow as pa

from analytics.errors import IngestError
from analytics.ingest import combine as combine_mod
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import sheets as sheets_mod
from analytics.ingest import values, verdict
from analytics.ingest.activity_rows import activities
from analytics.ingest.readers import read_workbook
from analytics.ingest.referral_rows import referrals
from analytics.ingest.row_numbers import Rejection
from analytics.ingest.sheets import SheetNote
from analytics.ingest.spill import SpilledRows
from analytics.store.batch import IngestContext, UploadBatch

MAX_LISTED_REJECTIONS = 1000


@dataclass
class Prepared:
    """One file read and validated, ready to be written in one transaction."""

    file_name: str
    file_hash: str
    kind: str
    sheet: str
    sheets: tuple[str, ...]
    headers: list[str]
    mapping: dict[str, str]
    mapping_origin: str  # "detected" | "saved" | "edited"
    signature: str
    frame: pd.DataFrame | None  # None when the rows were streamed to disk (`spilled`)
    aliases: pd.DataFrame
    rejections: list[Rejection]
    rows_rejected: int
    quality: dict
    preview: pd.DataFrame
    # Every sheet of the file: read (with its rows) or skipped (with why).
    sheet_notes: tuple[SheetNote, ...] = ()
    # Sentences on what may be wrong with this upload, shown before saving; empty when none.
    warnings: list[str] = field(default_factory=list)
    # A file streamed in chunks: its canonical rows wait on disk, read again when saved.
    spilled: SpilledRows | None = None

    @property
    def read_sheets(self) -> tuple[str, ...]:
        """The sheets whose rows this upload holds, in workbook order."""
        read = tuple(n.sheet for n in self.sheet_notes if n.status == "read")
        return read or (self.sheet,)

    @property
    def rows_loaded(self) -> int:
        return self.spilled.num_rows if self.spilled is not None else len(self.frame)

    @cached_property
    def period(self) -> tuple[date | None, date | None]:
        if self.spilled is not None:
            return self.spilled.period
        col = "referral_date" if self.kind == "referrals" else "activity_date"
        if self.frame.empty:
            return None, None
        return self.frame[col].min().date(), self.frame[col].max().date()

    @cached_property
    def clinics(self) -> tuple[str, ...]:
        if self.spilled is not None:
            return self.spilled.clinics
        if self.kind != "referrals" or self.frame.empty:
            return ()
        return tuple(sorted(self.frame["clinic"].dropna().unique()))

    def batch(self) -> UploadBatch:
        """What the store writes of this file: plain data, no ingest code. Built once for a
        file in memory (the Upload page checks the overlap on every rerun, then saves); a
        spilled file's chunks are read anew each time."""
        kept = self.__dict__.get("_batch")
        if kept is not None:
            return kept
        frame = self.frame
        summary = self.kind == "referrals" and "count" in self.mapping
        if self.spilled is not None:
            monthly, rows = summary and self.spilled.first_days, self.spilled.chunks()
        else:
            monthly = bool(
                summary and not frame.empty and (frame["referral_date"].dt.day == 1).all()
            )
            rows = pa.Table.from_pandas(frame, preserve_index=False)
        batch = UploadBatch(
            kind=self.kind,
            file_name=self.file_name,
            file_hash=self.file_hash,
            sheet=self.sheet,
            sheets=self.read_sheets,
            rows=rows,
            aliases=pa.Table.from_pandas(self.aliases, preserve_index=False),
            rows_rejected=self.rows_rejected,
            period=self.period,
            clinics=self.clinics,
            mapping=dict(self.mapping),
            signature=self.signature,
            quality=self.quality,
            warnings=tuple(self.warnings),
            monthly_totals=monthly,
        )
        if self.spilled is None:
            self.__dict__["_batch"] = batch
        return batch


def file_hash(data: bytes) -> str:
    """Content hash that identifies an upload: the same bytes twice are one upload."""
    return hashlib.sha256(data).hexdigest()


class _HashAhead:
    """file_hash on the other core while the file is read: hashlib lets go of the interpreter
    lock for large buffers, so 0.1 s for a 130 MB export is hidden."""

    def __init__(self, data: bytes):
        self._digest: list[str] = []
        self._thread = threading.Thread(
            target=lambda: self._digest.append(file_hash(data)), daemon=True
        )
        self._thread.start()

    def hexdigest(self) -> str:
        self._thread.join()
        return self._digest[0]


def list_sheets(data: bytes, file_name: str) -> tuple[str, ...]:
    """Names of the sheets holding data, for the user to pick from."""
    return tuple(read_workbook(data, file_name).sheets)


def prepare(
    data: bytes,
    file_name: str,
    context: IngestContext,
    *,
    kind: str = "referrals",
    clinic: str | None = None,
    overrides: dict[str, str] | None = None,
    sheet: str | None = None,
    today: date | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Prepared:
    """Read one export (every sheet that holds its rows, or the one chosen) and return its
    canonical rows, or raise IngestError with one sentence.

    `progress(fraction, what)` is called as the stages pass, for a progress bar.
    """
    step = progress or (lambda fraction, what: None)
    if kind not in ("referrals", "activities"):
        raise IngestError(f"Unknown kind '{kind}'; use referrals or activities.")
    step(0.05, "Opening the file")
    digest = _HashAhead(data)
    book = read_workbook(data, file_name)
    step(0.15, "Reading the rows")
    tables, notes = sheets_mod.candidate_tables(book, kind, sheet, file_name)
    mapped, left_out = combine_mod.map_sheets(
        tables, context.saved_mappings, overrides, kind, file_name
    )
    notes += left_out
    primary = mapped[0]
    body, found, rows = combine_mod.combine(mapped)
    step(0.45, "Checking dates, amounts and referrers")

    today = today or date.today()
    hidden: frozenset[str] = frozenset()  # referring patients' spellings: never shown
    if kind == "referrals":
        frame, rejected, quality, aliases, hidden = referrals(
            body, found, context, clinic, rows, today, _name_header(primary)
        )
    else:
        frame, rejected, quality, aliases = activities(body, found, context, rows, today)
    step(0.95, "Preparing the report")
    if frame.empty:
        reasons = {r.reason for r in rejected[:5]}
        raise IngestError(
            f"None of the {len(body)} rows in {file_name} could be used "
            f"({'; '.join(sorted(reasons)) or 'no data rows'}); check the column mapping "
            "and the export's date range."
        )
    read_rows = combine_mod.rows_per_sheet(mapped, rows, frame, quality)
    return assemble(
        file_name,
        digest.hexdigest(),
        kind,
        tuple(book.sheets),
        mapped,
        notes,
        read_rows,
        Rows(frame, None, aliases, rejected[:MAX_LISTED_REJECTIONS], len(rejected), hidden),
        quality,
        today,
    )


@dataclass
class Rows:
    """What reading the body gave: the rows (held, or on disk), new aliases, rejections."""

    frame: pd.DataFrame | None
    spilled: SpilledRows | None
    aliases: pd.DataFrame
    rejections: list[Rejection]  # the first MAX_LISTED_REJECTIONS
    rows_rejected: int
    hidden: frozenset[str]  # referring patients' spellings: never shown


def assemble(
    file_name: str,
    digest: str,
    kind: str,
    sheet_names: tuple[str, ...],
    mapped: list[combine_mod.MappedSheet],
    notes: list[SheetNote],
    read_rows: dict[str, int],
    rows: Rows,
    quality: dict,
    today: date,
) -> Prepared:
    """The Prepared of a file read: its sheets noted, the report completed, the verdict said."""
    primary = mapped[0]
    notes += [SheetNote(m.table.sheet, "read", "", read_rows[m.table.sheet]) for m in mapped]
    order = {name: i for i, name in enumerate(sheet_names)}
    notes.sort(key=lambda n: order.get(n.sheet, len(order)))
    quality |= {
        "title_rows": primary.table.header_index - primary.table.band_rows,
        "header_rows": primary.table.band_rows + 1,
        "sheet": primary.table.sheet,
        "sheets": [n.as_dict() for n in notes],
    }
    prepared = Prepared(
        file_name=file_name,
        file_hash=digest,
        kind=kind,
        sheet=primary.table.sheet,
        sheets=sheet_names,
        headers=primary.table.headers,
        mapping=primary.found,
        mapping_origin=primary.origin,
        signature=primary.signature,
        frame=rows.frame,
        aliases=rows.aliases,
        rejections=rows.rejections,
        rows_rejected=rows.rows_rejected,
        quality=quality,
        preview=_preview(primary.table.body, primary.found, kind, rows.hidden),
        sheet_notes=tuple(notes),
        spilled=rows.spilled,
    )
    unmapped = (
        mapping_mod.referrer_candidates(primary.found, primary.table.headers, primary.table.body)
        if kind == "referrals"
        else []
    )
    prepared.warnings.extend(
        verdict.warnings(prepared, [h for share, h in unmapped if share >= 0.5], today)
    )
    return prepared


def _name_header(primary: combine_mod.MappedSheet) -> str:
    return mapping_mod.normalize_header(primary.found.get("source_name", ""))


def _preview(
    body: pd.DataFrame, found: dict[str, str], kind: str, hidden: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """The first rows as text for the mapping editor, patient columns blanked out, and the
    referring patients named in the referrer column too."""
    preview = body.head(20).astype(str).replace({"None": "", "nan": "", "<NA>": ""})
    patient_names = set(mapping_mod.REFERRAL_SYNONYMS["patient"])
    for header in preview.columns:
        if header == found.get("patient") or mapping_mod.normalize_header(header) in patient_names:
            preview[header] = "(hidden: patient identifier)"
    for name_field in ("source_name", "referral_source"):
        column = found.get(name_field)
        if hidden and column in preview.columns:
            named = values.clean_text(body[column].head(20)).isin(hidden).to_numpy()
            preview.loc[named, column] = "(hidden: referring patient)"
    return preview
