"""Several sheets into one body: each sheet's table mapped on its own, the sheets that must
not join left out with why (a summary, a copy, an outreach log, a guessed referrer column),
the rest combined under field names with each row's spreadsheet row and sheet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.errors import IngestError
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import sheets as sheets_mod
from analytics.ingest.row_numbers import RowNumbers
from analytics.ingest.sheets import SheetNote, SheetTable
from analytics.schema import UNASSIGNED_CLINIC


@dataclass(frozen=True)
class MappedSheet:
    table: SheetTable
    found: dict[str, str]
    origin: str
    signature: str


def map_sheets(
    tables: list[SheetTable],
    saved_mappings: dict[str, dict[str, str]],
    overrides: dict[str, str] | None,
    kind: str,
    file_name: str,
) -> tuple[list[MappedSheet], list[SheetNote]]:
    """Map every table; keep those that join the first, note the others with why. One table
    that cannot be mapped is the upload's error; several, the first failure when none maps."""
    mapped: list[MappedSheet] = []
    notes: list[SheetNote] = []
    failure: IngestError | None = None
    for table in tables:
        try:
            m = _map_table(table, saved_mappings, overrides, kind, file_name, not mapped)
        except IngestError as exc:
            if len(tables) == 1:
                raise
            failure = failure or exc
            notes.append(SheetNote(table.sheet, "skipped", _why_unmapped(table, kind)))
            continue
        foreign = _foreign(m, mapped[0] if mapped else None, kind) if len(tables) > 1 else None
        if foreign:
            notes.append(SheetNote(table.sheet, "skipped", foreign))
            failure = failure or IngestError(
                f"No sheet of {file_name} holds {kind} the way an export does ({foreign})."
            )
        else:
            mapped.append(m)
    if not mapped:
        assert failure is not None
        raise failure
    mapped, left_out = _drop_summaries(mapped)
    mapped, copies = _drop_copies(mapped)
    return mapped, notes + left_out + copies


def _map_table(
    table: SheetTable,
    saved_mappings: dict[str, dict[str, str]],
    overrides: dict[str, str] | None,
    kind: str,
    file_name: str,
    primary: bool,
) -> MappedSheet:
    headers, body = table.headers, table.body
    signature = mapping_mod.layout_signature(headers, kind)
    saved = saved_mappings.get(signature)
    if saved and all(col in headers for col in saved.values()):
        found, origin = dict(saved), "saved"
    else:
        found, origin = mapping_mod.detect_mapping(headers, body, kind), "detected"
    if overrides:
        # The user's choices were made on the first sheet's columns; other sheets take those
        # whose column they have.
        usable = (
            overrides
            if primary
            else {f: c for f, c in overrides.items() if c in ("", None) or c in headers}
        )
        found = mapping_mod.apply_overrides(found, usable, headers, kind)
        origin = "edited"
    mapping_mod.check_required(found, headers, kind, file_name)
    return MappedSheet(table, found, origin, signature)


def _foreign(m: MappedSheet, primary: MappedSheet | None, kind: str) -> str | None:
    """Why a sheet of a workbook with several should not join the others, if it should not."""
    headers = m.table.headers
    other = "activities" if kind == "referrals" else "referrals"
    if mapping_mod.header_score(headers, other) > mapping_mod.header_score(headers, kind):
        what = "an outreach log" if other == "activities" else "a referral export"
        return f"its columns read as {what}; upload that on its own"
    if primary is None or m.signature == primary.signature or kind != "referrals":
        return None
    named = [
        field
        for field in ("source_name", "source_type")
        if field in m.found and mapping_mod.header_score([m.found[field]], kind)
    ]
    if not named:
        return (
            "its referrer column was guessed from the values, not named; choose this sheet on "
            "its own to check the columns"
        )
    return None


def _why_unmapped(table: SheetTable, kind: str) -> str:
    date_field = "referral_date" if kind == "referrals" else "activity_date"
    found = mapping_mod.detect_mapping(table.headers, table.body, kind)
    if date_field not in found:
        return "no date column (a pivot or summary without dates)"
    return "no referral source column"


def _drop_summaries(mapped: list[MappedSheet]) -> tuple[list[MappedSheet], list[SheetNote]]:
    """Leave out sheets that summarise the others: reading both would count referrals twice."""
    if len(mapped) < 2:
        return mapped, []
    detail = [
        m
        for m in mapped
        if "count" not in m.found and not sheets_mod.is_summary_name(m.table.sheet)
    ]
    if not detail:
        return mapped, []
    notes = [
        SheetNote(
            m.table.sheet,
            "skipped",
            "a summary of the other sheets (reading it too would count their referrals twice)",
        )
        for m in mapped
        if m not in detail
    ]
    return detail, notes


def _drop_copies(mapped: list[MappedSheet]) -> tuple[list[MappedSheet], list[SheetNote]]:
    """Leave out a sheet whose rows repeat an earlier sheet's ("Referrals (2)", a backup)."""
    if len(mapped) < 2:
        return mapped, []
    kept: list[MappedSheet] = []
    notes: list[SheetNote] = []
    seen: dict[tuple, str] = {}
    for m in mapped:
        cells = m.table.body.astype(str)
        digest = (
            tuple(m.table.headers),
            len(cells),
            int(pd.util.hash_pandas_object(cells, index=False).sum()),
        )
        if digest in seen:
            notes.append(
                SheetNote(
                    m.table.sheet,
                    "skipped",
                    f"a copy of sheet '{seen[digest]}' (reading both would count its rows twice)",
                )
            )
        else:
            seen[digest] = m.table.sheet
            kept.append(m)
    return kept, notes


def combine(mapped: list[MappedSheet]) -> tuple[pd.DataFrame, dict[str, str], RowNumbers]:
    """One body for every sheet read: a single sheet as it is; several under field names,
    with the clinic their names give when they have no clinic column."""
    if len(mapped) == 1:
        m = mapped[0]
        return m.table.body, m.found, RowNumbers(m.table.first_row)
    clinics = {m.table.sheet: sheets_mod.clinic_from_name(m.table.sheet) for m in mapped}
    parts = []
    for m in mapped:
        part = pd.DataFrame(
            {field: m.table.body[column] for field, column in m.found.items()}
        ).reset_index(drop=True)
        if "clinic" not in m.found and clinics[m.table.sheet]:
            part["clinic"] = clinics[m.table.sheet]
        parts.append(part.astype(object))
    body = pd.concat(parts, ignore_index=True)
    rows = np.concatenate(
        [m.table.first_row + np.arange(len(m.table.body)) for m in mapped]
    ).astype(np.int64)
    sheet_names = np.concatenate(
        [np.full(len(m.table.body), m.table.sheet, dtype=object) for m in mapped]
    )
    found = {column: column for column in body.columns}
    return body, found, RowNumbers(0, rows, sheet_names)


def rows_per_sheet(
    mapped: list[MappedSheet], rows: RowNumbers, frame: pd.DataFrame, quality: dict
) -> dict[str, int]:
    if len(mapped) == 1:
        return {mapped[0].table.sheet: len(frame)}
    counts = quality.pop("_rows_by_sheet", {})
    return {m.table.sheet: int(counts.get(m.table.sheet, 0)) for m in mapped}


def overlapping_sheets(frame: pd.DataFrame, sheet_of: np.ndarray) -> list[list[str]]:
    """Pairs of sheets read from one file that cover the same days for the same clinic (an
    unassigned sheet meets every clinic): one may repeat the other."""
    spans = []
    for sheet in dict.fromkeys(sheet_of):
        part = frame.loc[sheet_of == sheet]
        clinics = set(part["clinic"].dropna().unique())
        spans.append((sheet, part["referral_date"].min(), part["referral_date"].max(), clinics))
    pairs = []
    for i, (a, a0, a1, ac) in enumerate(spans):
        for b, b0, b1, bc in spans[i + 1 :]:
            anywhere = ac <= {UNASSIGNED_CLINIC} or bc <= {UNASSIGNED_CLINIC}
            if a0 <= b1 and b0 <= a1 and (anywhere or ac & bc - {UNASSIGNED_CLINIC}):
                pairs.append([a, b])
    return pairs
