"""A referral CSV on disk read in chunks, so memory does not grow with the file: a first
light pass decides what the whole file decides (`stream_plan`), a second normalises each
chunk as `referral_rows` does and spills it to disk, and saving reads it back in chunks.
The result is the one reading the file at once gives (tests/ingest/test_streamed.py).

`prepare_file` is what the command line calls: a small file, a workbook, an outreach log or
a file that is not plain UTF-8 text is read at once by `prepare`, as before.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import date
from pathlib import Path

import pandas as pd

from analytics import limits
from analytics.errors import IngestError
from analytics.ingest import combine as combine_mod
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import readers
from analytics.ingest import referral_rows as rr
from analytics.ingest.prepared import (
    MAX_LISTED_REJECTIONS,
    Prepared,
    Rows,
    assemble,
    prepare,
)
from analytics.ingest.read_ahead import read_ahead
from analytics.ingest.row_numbers import Rejection, RowNumbers
from analytics.ingest.sheets import SheetTable
from analytics.ingest.spill import SpillWriter
from analytics.ingest.stream_plan import Survey, decide
from analytics.ingest.stream_source import TextSource, Unstreamable, open_text, refuse_long
from analytics.schema import PARTNER_TYPES
from analytics.store.batch import IngestContext

# Files larger than this stream; smaller ones are read at once (the faster way).
STREAM_BYTES = limits._setting("REFERRALS_STREAM_BYTES", 256 << 20)
# Rows normalised at a time: memory is about a gigabyte per million rows of a wide export.
CHUNK_ROWS = limits._setting("REFERRALS_CHUNK_ROWS", 500_000)
SAMPLE_ROWS = 10_000  # mapping._sample looks at the first rows, then further for 500 values
SAMPLE_VALUES = 500
SAMPLE_BYTES = 1 << 22  # read for the sample's rows (more blocks follow if they hold fewer)
SUMMED = (
    "blank_rows",
    "footer_rows",
    "referral_date_from_case_created",
    "source_from_referral_source",
    "zero_count_rows",
    "referrals",
    "unknown_source_referrals",
    "unassigned_clinic_rows",
    "invalid_npis",
    "eval_before_referral",
    "implausible_dates",
    "patient_names_dropped",
)


def prepare_file(
    path: Path,
    context: IngestContext,
    *,
    kind: str = "referrals",
    clinic: str | None = None,
    overrides: dict[str, str] | None = None,
    sheet: str | None = None,
    today: date | None = None,
) -> Prepared:
    """`prepare` for a file on disk: a large referral CSV in chunks, anything else at once."""
    try:
        size = path.stat().st_size
        source = None
        if kind == "referrals" and sheet is None and size > STREAM_BYTES:
            source = open_text(path, path.name, kind)
        if source is not None:
            return _prepare_streamed(source, path, context, clinic, overrides, today)
        data = path.read_bytes()
    except Unstreamable:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path} cannot be read ({exc.strerror}); check the path.") from None
    return prepare(
        data,
        path.name,
        context,
        kind=kind,
        clinic=clinic,
        overrides=overrides,
        sheet=sheet,
        today=today,
    )


class _FileScan:
    """The file's SHA-256 and its newlines, read once on the other core while the first pass
    runs; `refuse_long` then says what reading the file at once says of too many lines."""

    def __init__(self, path: Path, file_name: str):
        self.file_name = file_name
        self._found: list[tuple[str, int]] = []
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        digest = hashlib.sha256()
        lines = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 24):
                digest.update(block)
                lines += block.count(b"\n")
        self._found.append((digest.hexdigest(), lines))

    def _result(self) -> tuple[str, int]:
        self._thread.join()
        if not self._found:
            raise IngestError(f"{self.file_name} cannot be read to its end; check the file.")
        return self._found[0]

    def hexdigest(self) -> str:
        return self._result()[0]

    def refuse_long(self) -> None:
        refuse_long(self._result()[1], self.file_name)


def _sample(source: TextSource) -> tuple[pd.DataFrame, list[str]]:
    """The body's first rows, as mapping detection reads them, and the columns with too few
    values there (mapping._sample then reads on through the whole column)."""
    head = next(source.chunks(SAMPLE_ROWS, read_bytes=SAMPLE_BYTES), None)
    if head is None:
        raise Unstreamable("no rows")
    sparse = [
        h
        for h in source.headers
        if (head[h].notna() & (head[h].astype(str).str.strip() != "")).sum() < SAMPLE_VALUES
    ]
    return head, sparse


def _with_more(head: pd.DataFrame, more: dict[str, list]) -> pd.DataFrame:
    """The sample with the further values of its sparse columns below it."""
    longest = max((len(v) for v in more.values()), default=0)
    if not longest:
        return head
    extra = pd.DataFrame(
        {
            h: pd.Series(
                more.get(h, []) + [None] * (longest - len(more.get(h, []))), dtype=head[h].dtype
            )
            for h in head.columns
        }
    )
    return pd.concat([head, extra], ignore_index=True)


def _map(source: TextSource, body: pd.DataFrame, context, overrides, file_name):
    table = SheetTable(source.sheet, source.header_index, source.band_rows, source.headers, body)
    mapped, left_out = combine_mod.map_sheets(
        [table], context.saved_mappings, overrides, "referrals", file_name
    )
    return mapped, left_out


def _survey(source: TextSource, found: dict[str, str], sparse: list[str], scan: _FileScan):
    """The first pass: the whole file's distinct values and row codes, and the sparse
    columns' values past the sample (a file past the row limit is refused on the way)."""
    survey = Survey(found)
    more: dict[str, list] = {h: [] for h in sparse}
    wanted = list(dict.fromkeys([*found.values(), *sparse]))
    wanted = [h for h in source.headers if h in wanted]
    for body in read_ahead(source.chunks(CHUNK_ROWS, wanted)):
        start = survey.total
        survey.add(body)
        if survey.total > limits.MAX_ROWS + readers.HEAD_LINES:
            scan.refuse_long()  # more rows than lines allowed: the count refuses the file
        for h, values in more.items():
            if len(values) >= SAMPLE_VALUES or start + len(body) <= SAMPLE_ROWS:
                continue
            column = body[h].iloc[max(0, SAMPLE_ROWS - start) :]
            column = column[column.notna() & (column.astype(str).str.strip() != "")]
            values += column.head(SAMPLE_VALUES - len(values)).tolist()
    return survey, more


def _prepare_streamed(
    source: TextSource,
    path: Path,
    context: IngestContext,
    clinic: str | None,
    overrides: dict[str, str] | None,
    today: date | None,
) -> Prepared:
    file_name = path.name
    today = today or date.today()
    scan = _FileScan(path, file_name)
    try:
        head, sparse = _sample(source)
        body = head
        mapped, left_out = _map(source, body, context, overrides, file_name)
        for _ in range(2):
            survey, more = _survey(source, mapped[0].found, sparse, scan)
            body = _with_more(head, more)
            again, left_out = _map(source, body, context, overrides, file_name)
            if again[0].found == mapped[0].found:
                break
            mapped = again  # the values past the sample changed the mapping: survey again
    except (IngestError, Unstreamable):
        scan.refuse_long()  # too many lines is said first, as when lines were counted first
        raise
    scan.refuse_long()
    mapped = again
    primary = mapped[0]
    found = primary.found
    name_header = mapping_mod.normalize_header(found.get("source_name", ""))
    default_type = "physician" if name_header in rr.PHYSICIAN_HEADERS else "unknown"
    plan = decide(survey, context, today, default_type)
    rows, quality = _normalise(source, primary, plan, context, clinic, today, name_header)
    table = SheetTable(source.sheet, source.header_index, source.band_rows, source.headers, body)
    mapped = [combine_mod.MappedSheet(table, found, primary.origin, primary.signature)]
    read_rows = {source.sheet: rows.spilled.num_rows}
    return assemble(
        file_name,
        scan.hexdigest(),
        "referrals",
        (source.sheet,),
        mapped,
        list(left_out),
        read_rows,
        rows,
        quality,
        today,
    )


def _normalise(source, primary, plan, context, clinic, today, name_header):
    """The second pass: each chunk normalised with the file's decisions and spilled."""
    found = primary.found
    spill = SpillWriter()
    listed: list[Rejection] = []
    rejected = 0
    quality: dict = {}
    hidden: set[str] = set()
    named: set[str] = set()
    partners: set[str] = set()
    clinics: set[str] = set()
    first = last = None
    first_days = True
    try:
        for body in read_ahead(source.chunks(CHUNK_ROWS)):
            rows = RowNumbers(source.first_row + plan.offset)
            frame, rejections, part, _, seen = rr.referrals(
                body, found, context, clinic, rows, today, name_header, plan
            )
            plan.offset += len(body)
            rejected += len(rejections)
            listed += rejections[: MAX_LISTED_REJECTIONS - len(listed)]
            quality = _merge(quality, part)
            hidden |= seen
            if frame.empty:
                continue
            named.update(frame["source"].dropna().unique())
            partner_rows = frame["source_type"].isin(PARTNER_TYPES)
            partners.update(frame.loc[partner_rows, "source"].dropna().unique())
            clinics.update(frame["clinic"].dropna().unique())
            dates = frame["referral_date"]
            first = min(first, dates.min()) if first is not None else dates.min()
            last = max(last, dates.max()) if last is not None else dates.max()
            first_days = first_days and bool((dates.dt.day == 1).all())
            spill.write(frame)
    except BaseException:
        spill.discard()
        raise
    if not spill.num_rows:
        spill.discard()
        reasons = {r.reason for r in listed[:5]}
        raise IngestError(
            f"None of the {plan.total} rows in {source.path.name} could be used "
            f"({'; '.join(sorted(reasons)) or 'no data rows'}); check the column mapping "
            "and the export's date range."
        )
    total, unknown = quality["referrals"], quality["unknown_source_referrals"]
    quality["unknown_source_share"] = round(unknown / total, 4) if total else None
    quality["sources"] = len(named)
    quality["partners"] = len(partners)
    period = (first.date(), last.date())
    spilled = spill.close(total, period, tuple(sorted(clinics)), first_days)
    rows = Rows(None, spilled, plan.aliases, listed, rejected, frozenset(hidden))
    return rows, quality


def _merge(quality: dict, part: dict) -> dict:
    """One chunk's report added to the file's so far (value problems are kept whole)."""
    if not quality:
        return dict(part)
    for key, value in part.items():
        if key in SUMMED:
            quality[key] += value
        elif key in ("value_problems", "number_conventions"):
            quality[key] = value  # the plan's log covers every chunk; conventions are the file's
    return quality
