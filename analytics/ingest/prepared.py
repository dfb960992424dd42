"""From file bytes to canonical rows: read, find the table, map, normalise, validate."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.errors import IngestError
from analytics.ingest import combine as combine_mod
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import sheets as sheets_mod
from analytics.ingest import sources, values, verdict
from analytics.ingest.activities import activity_type_of
from analytics.ingest.layout import FOOTER, is_footer
from analytics.ingest.parse_ahead import ParseAhead
from analytics.ingest.patient_keys import hash_identifiers
from analytics.ingest.readers import read_workbook
from analytics.ingest.row_numbers import Rejection, RowNumbers
from analytics.ingest.sheets import SheetNote
from analytics.schema import PARTNER_TYPES, REFERRAL_COLUMNS, UNASSIGNED_CLINIC, UNKNOWN_SOURCE
from analytics.store.batch import IngestContext, UploadBatch

MAX_LISTED_REJECTIONS = 1000
PHYSICIAN_HEADERS = {"referring physician", "physician", "doctor", "referring doctor"}
UNASSIGNED = {"(unassigned)", "unassigned", "none", "n/a", "-", "unknown"}


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
    frame: pd.DataFrame
    aliases: pd.DataFrame
    rejections: list[Rejection]
    rows_rejected: int
    quality: dict
    preview: pd.DataFrame
    # Every sheet of the file: read (with its rows) or skipped (with why).
    sheet_notes: tuple[SheetNote, ...] = ()
    # Sentences on what may be wrong with this upload, shown before saving; empty when none.
    warnings: list[str] = field(default_factory=list)

    @property
    def read_sheets(self) -> tuple[str, ...]:
        """The sheets whose rows this upload holds, in workbook order."""
        read = tuple(n.sheet for n in self.sheet_notes if n.status == "read")
        return read or (self.sheet,)

    @property
    def rows_loaded(self) -> int:
        return len(self.frame)

    @cached_property
    def period(self) -> tuple[date | None, date | None]:
        col = "referral_date" if self.kind == "referrals" else "activity_date"
        if self.frame.empty:
            return None, None
        return self.frame[col].min().date(), self.frame[col].max().date()

    @cached_property
    def clinics(self) -> tuple[str, ...]:
        if self.kind != "referrals" or self.frame.empty:
            return ()
        return tuple(sorted(self.frame["clinic"].dropna().unique()))

    def batch(self) -> UploadBatch:
        """What the store writes of this file: plain data, no ingest code."""
        frame = self.frame
        monthly = bool(
            self.kind == "referrals"
            and "count" in self.mapping
            and not frame.empty
            and (frame["referral_date"].dt.day == 1).all()
        )
        return UploadBatch(
            kind=self.kind,
            file_name=self.file_name,
            file_hash=self.file_hash,
            sheet=self.sheet,
            sheets=self.read_sheets,
            rows=pa.Table.from_pandas(frame, preserve_index=False),
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
        frame, rejected, quality, aliases, hidden = _referrals(
            body, found, context, clinic, rows, today, _name_header(primary)
        )
    else:
        frame, rejected, quality, aliases = _activities(body, found, context, rows, today)
    step(0.95, "Preparing the report")
    if frame.empty:
        reasons = {r.reason for r in rejected[:5]}
        raise IngestError(
            f"None of the {len(body)} rows in {file_name} could be used "
            f"({'; '.join(sorted(reasons)) or 'no data rows'}); check the column mapping "
            "and the export's date range."
        )
    read_rows = combine_mod.rows_per_sheet(mapped, rows, frame, quality)
    notes += [SheetNote(m.table.sheet, "read", "", read_rows[m.table.sheet]) for m in mapped]
    order = {name: i for i, name in enumerate(book.sheets)}
    notes.sort(key=lambda n: order.get(n.sheet, len(order)))
    quality |= {
        "title_rows": primary.table.header_index - primary.table.band_rows,
        "header_rows": primary.table.band_rows + 1,
        "sheet": primary.table.sheet,
        "sheets": [n.as_dict() for n in notes],
    }
    prepared = Prepared(
        file_name=file_name,
        file_hash=digest.hexdigest(),
        kind=kind,
        sheet=primary.table.sheet,
        sheets=tuple(book.sheets),
        headers=primary.table.headers,
        mapping=primary.found,
        mapping_origin=primary.origin,
        signature=primary.signature,
        frame=frame,
        aliases=aliases,
        rejections=rejected[:MAX_LISTED_REJECTIONS],
        rows_rejected=len(rejected),
        quality=quality,
        preview=_preview(primary.table.body, primary.found, kind, hidden),
        sheet_notes=tuple(notes),
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


def _text(body: pd.DataFrame, found: dict[str, str], name: str) -> pd.Series | None:
    return values.clean_text(body[found[name]]) if name in found else None


def _date_problems(
    body: pd.DataFrame, dates: pd.Series, date_col: str, rows: RowNumbers, today: date
) -> tuple[pd.Series, list[Rejection], dict]:
    """Sort rows without a usable date into blanks, footers and rejections."""
    keep = dates.notna()
    future = dates > pd.Timestamp(today + timedelta(days=1))
    keep &= ~future
    rejected: list[Rejection] = []
    blank = footer = 0
    positions = np.flatnonzero(~keep.to_numpy())
    raw_dates = body[date_col]
    past_footer = False
    for pos in positions:
        cells = body.iloc[pos].tolist()
        if not any(c is not None and str(c).strip() not in ("", "nan", "None") for c in cells):
            blank += 1
            continue
        if past_footer or is_footer(cells):
            footer += 1
            past_footer = past_footer or pos > len(body) * 0.5
            continue
        raw = raw_dates.iloc[pos]
        if bool(future.iloc[pos]):
            when = dates.iloc[pos].date().isoformat()
            reason = f"date {when} is in the future"
        elif raw is None or str(raw).strip() in ("", "nan", "None"):
            reason = "no date"
        elif isinstance(raw, datetime | date):
            reason = f"date {raw:%Y-%m-%d} is outside the years 1990 to 2100"
        else:
            shown = str(raw).strip()[:30]
            reason = f"'{shown}' is not a readable date (expected e.g. 3/14/2025 or 2025-03-14)"
        rejected.append(rows.rejection(int(pos), reason))
    return keep, rejected, {"blank_rows": blank, "footer_rows": footer}


def _referrals(
    body: pd.DataFrame,
    found: dict[str, str],
    context: IngestContext,
    clinic: str | None,
    rows: RowNumbers,
    today: date,
    name_header: str = "",
) -> tuple[pd.DataFrame, list[Rejection], dict, pd.DataFrame, frozenset[str]]:
    names = _text(body, found, "source_name")
    labels = _text(body, found, "source_type")
    from_source = 0
    if "referral_source" in found:
        names, labels, from_source = _second_source(
            names, labels, values.clean_text(body[found["referral_source"]])
        )
    ahead = spellings = None
    if names is not None:
        spellings = pc.unique(values.arrow_text(names)).drop_null().to_pylist()
        # The spellings are read in a second process meanwhile; resolution picks them up.
        ahead = ParseAhead(spellings)

    dates, convention = values.parse_dates_report(body[found["referral_date"]])
    from_created = 0
    if "case_created" in found:
        # Direct-access cases carry no referral date; the case's creation date stands in.
        created = values.parse_dates(body[found["case_created"]])
        stand_in = dates.isna() & created.notna() & _blank(body[found["referral_date"]])
        from_created = int(stand_in.sum())
        dates = dates.mask(stand_in, created)
    keep, rejected, quality = _date_problems(body, dates, found["referral_date"], rows, today)
    quality["date_convention"] = convention
    quality["referral_date_from_case_created"] = from_created
    quality["source_from_referral_source"] = from_source
    if spellings is not None:
        # A "Total" in the name column with a date is a subtotal line, not a referral.
        footer_names = [n for n in spellings if FOOTER.match(n)]
        if footer_names:
            subtotal = names.isin(footer_names) & keep
            quality["footer_rows"] += int(subtotal.sum())
            keep &= ~subtotal
    counts = None
    if "count" in found:
        read = values.read_counts(body[found["count"]])
        counts = read.numbers
        missing = counts.isna() & keep
        for pos in np.flatnonzero(missing.to_numpy()):
            why = values.PROBLEMS[read.problems[pos]] if read.problems is not None else ""
            reason = f"count of referrals {why}" if why else "no count of referrals"
            rejected.append(rows.rejection(int(pos), reason))
        keep &= ~missing
        zero = (counts == 0) & keep
        quality["zero_count_rows"] = int(zero.sum())
        keep &= ~zero
    rejected.sort(key=lambda r: r.row)

    everything = bool(keep.all())  # the usual case: skip copying a million rows
    body = body if everything else body[keep.to_numpy()]
    idx = body.index
    if not everything:
        dates = dates[keep]
        names = names[keep] if names is not None else None
        labels = labels[keep] if labels is not None else None
        counts = counts[keep] if counts is not None else None
    if names is None:
        names = pd.Series(pd.NA, index=idx, dtype="str")
    if "physician_flag" in found:
        flag = values.parse_flags(body[found["physician_flag"]])
        physician_label = pd.Series("Physician", index=idx, dtype="str").where(flag.fillna(False))
        labels = physician_label if labels is None else labels.fillna(physician_label)

    if "npi" in found:
        npi, npi_valid = values.normalize_npi(body[found["npi"]])
    else:
        npi = pd.Series(pd.NA, index=idx, dtype="str")
        npi_valid = pd.Series(False, index=idx)
    clinics = _text(body, found, "clinic")
    if clinics is None:
        clinics = pd.Series(clinic or UNASSIGNED_CLINIC, index=idx, dtype="str")
    else:
        placeholders = [c for c in clinics.dropna().unique() if c.casefold() in UNASSIGNED]
        unassigned = clinics.isna() | clinics.isin(placeholders)
        clinics = clinics.mask(unassigned, clinic or UNASSIGNED_CLINIC)

    if "patient" in found:
        patient_key = hash_identifiers(body[found["patient"]], context.salt)
    else:
        patient_key = pd.Series(pd.NA, index=idx, dtype="str")

    eval_date = _dates(body, found, "eval_date", rows, quality)
    arrived = (
        values.parse_flags(body[found["arrived"]])
        if "arrived" in found
        else pd.Series(pd.NA, index=idx, dtype="boolean")
    )
    arrived = arrived.mask(eval_date.notna(), True)
    if "eval_date" in found:
        arrived = arrived.fillna(False)
    organization = _opt_text(body, found, "organization", idx)
    payer = _opt_text(body, found, "payer", idx)
    case_id = _opt_text(body, found, "case_id", idx)
    visits = _numbers(body, found, "visits", values.read_counts, rows, quality)
    charges = _numbers(body, found, "charges", values.read_money, rows, quality, counts)
    payments = _numbers(body, found, "payments", values.read_money, rows, quality, counts)
    discharge_date = _dates(body, found, "discharge_date", rows, quality)

    # Last, so the spellings had every other column's time to be parsed ahead.
    default_type = "physician" if name_header in PHYSICIAN_HEADERS else "unknown"
    resolution = sources.resolve_sources(
        names,
        npi,
        npi_valid,
        labels,
        context.aliases,
        default_type=default_type,
        parsed=ahead.result if ahead is not None else None,
    )

    frame = pd.DataFrame(
        {
            "referral_date": dates.astype("datetime64[ns]"),
            # A referring patient's name is never kept (see sources._anonymise).
            "source_name": names.astype("str").mask(resolution.frame["patient_named"]),
            "source": resolution.frame["source"].astype("str"),
            "source_type": resolution.frame["source_type"].astype("str"),
            "organization": organization,
            "npi": npi.astype("str"),
            "npi_valid": npi_valid.astype(bool),
            "clinic": clinics.astype("str"),
            "payer": payer,
            "patient_key": patient_key,
            "case_id": case_id,
            "eval_date": eval_date,
            "arrived": arrived.astype("boolean"),
            "visits": visits,
            "charges": charges,
            "payments": payments,
            "discharge_date": discharge_date,
            "count": (counts.round().astype("int64") if counts is not None else 1),
        },
        index=idx,
    ).reset_index(drop=True)
    frame = frame[[c for c in REFERRAL_COLUMNS if c != "upload_id"]]
    total = int(frame["count"].sum())
    unknown = int(frame.loc[frame["source"] == UNKNOWN_SOURCE, "count"].sum())
    quality |= {
        "referrals": total,
        "unknown_source_referrals": unknown,
        "unknown_source_share": round(unknown / total, 4) if total else None,
        "unassigned_clinic_rows": int((frame["clinic"] == UNASSIGNED_CLINIC).sum()),
        "invalid_npis": int((frame["npi"].notna() & ~frame["npi_valid"]).sum()),
        "eval_before_referral": int((frame["eval_date"] < frame["referral_date"]).sum()),
        "sources": int(frame["source"].nunique()),
        "partners": int(frame.loc[frame["source_type"].isin(PARTNER_TYPES), "source"].nunique()),
        "implausible_dates": _implausible_dates(frame["referral_date"], today),
        "patient_names_dropped": int(resolution.frame["patient_named"].sum()),
    }
    if rows.sheets is not None:
        kept_sheets = pd.Series(rows.sheets[keep.to_numpy()])
        quality["_rows_by_sheet"] = kept_sheets.value_counts().to_dict()
        quality["sheets_overlapping"] = combine_mod.overlapping_sheets(
            frame, kept_sheets.to_numpy()
        )
    named = resolution.frame["patient_named"].to_numpy()
    hidden = frozenset(names[named].dropna().unique()) if named.any() else frozenset()
    return frame, rejected, quality, resolution.aliases, hidden


def _blank(raw: pd.Series) -> pd.Series:
    return raw.isna() | (raw.astype(str).str.strip() == "")


def _second_source(
    names: pd.Series | None, labels: pd.Series | None, second: pd.Series
) -> tuple[pd.Series, pd.Series | None, int]:
    """Fold a second source column in: on rows without a referrer name, a named employer,
    attorney, gym or school there is the partner; a type label there is the type."""
    distinct = second.dropna().unique()
    is_label = {v: sources.type_from_label(v) is not None for v in distinct}
    label_rows = second.map(is_label).fillna(False).astype(bool)
    named = second.where(~label_rows)
    if names is None:
        names = pd.Series(pd.NA, index=second.index, dtype="str")
    stand_in = names.isna() & named.notna()
    names = names.mask(stand_in, named)
    type_words = second.where(label_rows)
    if labels is None:
        labels = type_words if bool(label_rows.any()) else None
    else:
        labels = labels.fillna(type_words)
    return names, labels, int(stand_in.sum())


def _implausible_dates(dates: pd.Series, today: date) -> int:
    """Referral dates before 2000 or more than 25 years back: typed wrong, or a birth date."""
    floor = max(pd.Timestamp(2000, 1, 1), pd.Timestamp(today) - pd.DateOffset(years=25))
    return int((dates < floor).sum())


def _opt_text(body: pd.DataFrame, found: dict[str, str], name: str, idx: pd.Index) -> pd.Series:
    text = _text(body, found, name)
    return text if text is not None else pd.Series(pd.NA, index=idx, dtype="str")


def _dates(
    body: pd.DataFrame, found: dict[str, str], name: str, rows: RowNumbers, quality: dict
) -> pd.Series:
    """An optional date column; refused cells become NaT and are listed like numbers' are."""
    problems = quality.setdefault("value_problems", {})
    if name not in found:
        return pd.Series(pd.NaT, index=body.index, dtype="datetime64[ns]")
    raw = body[found[name]]
    column = values.read_dates(raw)
    if column.problems is not None:
        problems |= _value_problems(name, column.problems, raw, rows, found)
    return column.dates.astype("datetime64[ns]")


def _numbers(
    body: pd.DataFrame,
    found: dict[str, str],
    name: str,
    read: Callable[..., values.NumberColumn],
    rows: RowNumbers,
    quality: dict,
    per: pd.Series | None = None,
) -> pd.Series:
    """A money or count column; refused cells become NaN and are listed in the quality report.

    quality gains "value_problems" (field -> count, rows, examples, reason; empty when all is
    well) and "number_conventions" (field -> how its decimal separator was read).
    """
    problems = quality.setdefault("value_problems", {})
    conventions = quality.setdefault("number_conventions", {})
    if name not in found:
        return pd.Series(np.nan, index=body.index, dtype="float64")
    raw = body[found[name]]
    column = read(raw) if per is None else read(raw, per=per)
    conventions[name] = column.convention
    if column.problems is not None:
        problems |= _value_problems(name, column.problems, raw, rows, found)
    return column.numbers.astype("float64")


MAX_LISTED_PROBLEM_ROWS = 20
PATIENT_HIDDEN = "(hidden: patient identifier)"
PATIENT_HEADERS = frozenset(mapping_mod.REFERRAL_SYNONYMS["patient"])


def _value_problems(
    name: str, codes: np.ndarray, raw: pd.Series, rows: RowNumbers, found: dict[str, str]
) -> dict:
    """One entry per reason: how many cells, the first rows as the user numbers them, examples."""
    reasons = [int(c) for c in np.unique(codes) if c]
    # The report is stored: a patient column mapped as an amount by mistake shows no cells.
    header = mapping_mod.normalize_header(raw.name)
    patients = raw.name == found.get("patient") or header in PATIENT_HEADERS
    out = {}
    for code in reasons:
        at = np.flatnonzero(codes == code)
        reason = values.PROBLEMS[code]
        # Rows kept their positions in the body through filtering: the index is the offset.
        listed = raw.index.to_numpy()[at[:MAX_LISTED_PROBLEM_ROWS]]
        shown = dict.fromkeys(str(raw.iloc[i]).strip()[:30] for i in at[:1000])
        entry: dict = {
            "count": len(at),
            "rows": [rows.row(int(i)) for i in listed],
            "examples": [PATIENT_HIDDEN] if patients else list(shown)[:3],
            "reason": reason,
        }
        if rows.sheets is not None:
            entry["sheets"] = [rows.sheet(int(i)) for i in listed]
        out[name if len(reasons) == 1 else f"{name}:{reason}"] = entry
    return out


def _activities(
    body: pd.DataFrame,
    found: dict[str, str],
    context: IngestContext,
    rows: RowNumbers,
    today: date,
) -> tuple[pd.DataFrame, list[Rejection], dict, pd.DataFrame]:
    dates, convention = values.parse_dates_report(body[found["activity_date"]])
    keep, rejected, quality = _date_problems(body, dates, found["activity_date"], rows, today)
    partner_names = values.clean_text(body[found["partner"]])
    no_partner = partner_names.isna() & keep
    for pos in np.flatnonzero(no_partner.to_numpy()):
        rejected.append(rows.rejection(int(pos), "no referral partner"))
    keep &= ~no_partner
    rejected.sort(key=lambda r: r.row)
    body = body[keep.to_numpy()]
    partner_names = partner_names[keep]
    idx = body.index
    empty = pd.Series(pd.NA, index=idx, dtype="str")
    resolution = sources.resolve_sources(
        partner_names,
        empty,
        pd.Series(False, index=idx),
        None,
        context.aliases,
    )
    kinds = _text(body, found, "activity_type")
    kinds = kinds.map(activity_type_of, na_action="ignore") if kinds is not None else empty
    cost = _numbers(body, found, "cost", values.read_money, rows, quality).fillna(0.0)
    frame = pd.DataFrame(
        {
            "activity_date": dates[keep].astype("datetime64[ns]"),
            "partner_name": partner_names.astype("str"),
            "partner": resolution.frame["source"].astype("str"),
            "activity_type": kinds.fillna("other").astype("str"),
            "cost": cost,
            "staff": _opt_text(body, found, "staff", idx),
            "notes": _opt_text(body, found, "notes", idx),
        },
        index=idx,
    ).reset_index(drop=True)
    if rows.sheets is not None:
        quality["_rows_by_sheet"] = pd.Series(rows.sheets[keep.to_numpy()]).value_counts().to_dict()
    quality |= {
        "date_convention": convention,
        "activities": len(frame),
        "total_cost": round(float(frame["cost"].sum()), 2),
    }
    return frame, rejected, quality, resolution.aliases.iloc[0:0]
