"""The upload's verdict: a sentence for everything that may make its numbers wrong, said
before it is saved (Upload page, `ingest --json`) and kept with the upload afterwards."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from analytics.ingest import mapping as mapping_mod
from analytics.ingest.amounts import MIXED_DECIMALS
from analytics.ingest.sheets import clinic_from_name
from analytics.schema import UNASSIGNED_CLINIC

if TYPE_CHECKING:
    from analytics.ingest import Prepared

UNKNOWN_SHARE_WARNING = 0.10
CLINIC_WORDS = frozenset({"clinic", "location", "site", "facility", "office", "branch"})


def _quoted(names: list[str], limit: int = 4) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def sheet_warnings(prepared: Prepared) -> list[str]:
    """Sheets that hold data but were not read."""
    skipped = [n for n in prepared.sheet_notes if n.status == "skipped"]
    if not skipped:
        return []
    not_chosen = [n.sheet for n in skipped if n.reason.startswith("not chosen")]
    out = []
    if not_chosen:
        out.append(
            f"Only sheet '{prepared.sheet}' was read, as chosen; {len(not_chosen)} other "
            f"sheet{'s' if len(not_chosen) > 1 else ''} ({_quoted(not_chosen)}) "
            f"{'were' if len(not_chosen) > 1 else 'was'} not loaded."
        )
    for note in skipped:
        if not note.reason.startswith("not chosen"):
            out.append(f"Sheet '{note.sheet}' was not read: {note.reason}.")
    return out


def value_warnings(quality: dict) -> list[str]:
    """Values that could not be read and were left blank (money, visits), with their rows."""
    out = [
        f"The {field.replace('_', ' ')} column mixes decimal points and decimal commas; "
        "check a few amounts against the spreadsheet."
        for field, convention in sorted((quality.get("number_conventions") or {}).items())
        if convention == MIXED_DECIMALS
    ]
    for key, problem in sorted((quality.get("value_problems") or {}).items()):
        field = key.split(":", 1)[0].replace("_", " ")
        rows = problem.get("rows") or []
        listed = ", ".join(str(r) for r in rows[:5]) + ("..." if len(rows) > 5 else "")
        where = f" (row{'s' if len(rows) > 1 else ''} {listed})"
        examples = problem.get("examples") or []
        example = f", e.g. '{examples[0]}'" if examples else ""
        count = problem.get("count", 0)
        reason = problem.get("reason", "not readable")
        out.append(
            f"{count:,} {field} value{'s' if count != 1 else ''} left blank: "
            f"{reason}{example}{where if rows else ''}."
        )
    return out


def warnings(prepared: Prepared, unmapped_referrers: list[str], today: date) -> list[str]:
    """Every sentence the owner should read before trusting this upload's numbers."""
    q = prepared.quality
    out = sheet_warnings(prepared)
    if prepared.rows_rejected:
        out.append(
            f"{prepared.rows_rejected:,} row{'s' if prepared.rows_rejected != 1 else ''} "
            "will not be loaded (listed with their row numbers and reasons)."
        )
    out += value_warnings(q)
    if prepared.kind != "referrals":
        return out
    total = q.get("referrals") or 0
    for a, b in q.get("sheets_overlapping") or []:
        out.append(
            f"Sheets '{a}' and '{b}' cover the same days for the same clinic; if one repeats "
            "the other, choose one sheet so its referrals are not counted twice."
        )
    created = q.get("referral_date_from_case_created", 0)
    if created:
        out.append(
            f"{created:,} referral{'s have' if created != 1 else ' has'} no referral date; "
            "the case-created date stands in."
        )
    from_source = q.get("source_from_referral_source", 0)
    if from_source:
        column = prepared.mapping.get("referral_source", "the second source column")
        out.append(
            f"{from_source:,} referral{'s' if from_source != 1 else ''} without a referring "
            f"provider {'are' if from_source != 1 else 'is'} credited to the source named in "
            f"'{column}'."
        )
    unknown_share = q.get("unknown_source_share") or 0
    if unknown_share > UNKNOWN_SHARE_WARNING:
        out.append(
            f"{unknown_share:.0%} of referrals ({q.get('unknown_source_referrals', 0):,}) have "
            "no known source, which makes the practice look less concentrated than it may be; "
            "check which column holds the referrers."
        )
    for column in unmapped_referrers:
        out.append(
            f"Column '{column}' looks like referring clinicians (names with MD, DO, NP...) but "
            "is not read; map it as the referring source if it is."
        )
    unassigned = q.get("unassigned_clinic_rows", 0)
    if unassigned and unassigned == prepared.rows_loaded:
        hint = _clinic_hint(prepared)
        if hint:
            out.append(f"Every row is under {UNASSIGNED_CLINIC} although {hint}.")
    elif unassigned:
        out.append(f"{unassigned:,} rows have no clinic and count under {UNASSIGNED_CLINIC}.")
    implausible = q.get("implausible_dates", 0)
    if implausible:
        out.append(
            f"{implausible:,} referral date{'s are' if implausible != 1 else ' is'} before "
            f"{max(2000, today.year - 25)}; check the date column (a birth date?)."
        )
    if total and q.get("partners", 1) == 0:
        out.append("No referral partner was recognised; concentration cannot be measured.")
    return out


def _clinic_hint(prepared: Prepared) -> str | None:
    sheet_clinics = [
        n.sheet
        for n in prepared.sheet_notes
        if clinic_from_name(n.sheet) and len(prepared.sheets) > 1
    ]
    if sheet_clinics:
        return f"the sheet names look like clinics ({_quoted(sheet_clinics)}); choose the clinic"
    used = set(prepared.mapping.values())
    named = [
        h
        for h in prepared.headers
        if h not in used and set(mapping_mod.normalize_header(h).split()) & CLINIC_WORDS
    ]
    if named:
        return f"column {_quoted(named)} may name the clinic; map it as the clinic"
    return None


def overlap_sentence(overlap: dict) -> str:
    """The overlap of an upload with referrals already stored, and what to do about it."""
    clinics = overlap.get("clinics") or []
    where = f" for {', '.join(clinics[:4])}" if clinics else ""
    return (
        f"The store already holds {overlap['referrals']:,} referrals from {overlap['start']} to "
        f"{overlap['end']}{where}, inside this file's period; saving it on top would count them "
        "twice, so it is not added unless you choose to replace them."
    )
