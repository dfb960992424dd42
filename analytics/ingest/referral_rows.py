"""A referral export's body to canonical rows: dates, counts, referrers, clinics, patients,
amounts; the rows left out with why, and the quality report's figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from analytics.ingest import combine as combine_mod
from analytics.ingest import sources, values
from analytics.ingest.column_reads import WholeFile, read_dates, read_numbers
from analytics.ingest.layout import FOOTER, is_footer
from analytics.ingest.patient_keys import hash_identifiers
from analytics.ingest.row_numbers import Rejection, RowNumbers
from analytics.schema import PARTNER_TYPES, REFERRAL_COLUMNS, UNASSIGNED_CLINIC, UNKNOWN_SOURCE
from analytics.store.batch import IngestContext

PHYSICIAN_HEADERS = {"referring physician", "physician", "doctor", "referring doctor"}
UNASSIGNED = {"(unassigned)", "unassigned", "none", "n/a", "-", "unknown"}


def text(body: pd.DataFrame, found: dict[str, str], name: str) -> pd.Series | None:
    return values.clean_text(body[found[name]]) if name in found else None


def opt_text(body: pd.DataFrame, found: dict[str, str], name: str, idx: pd.Index) -> pd.Series:
    column = text(body, found, name)
    return column if column is not None else pd.Series(pd.NA, index=idx, dtype="str")


def date_problems(
    body: pd.DataFrame,
    dates: pd.Series,
    date_col: str,
    rows: RowNumbers,
    today: date,
    plan: WholeFile | None = None,
) -> tuple[pd.Series, list[Rejection], dict]:
    """Sort rows without a usable date into blanks, footers and rejections."""
    plan = plan or WholeFile()
    keep = dates.notna()
    future = dates > pd.Timestamp(today + timedelta(days=1))
    keep &= ~future
    rejected: list[Rejection] = []
    blank = footer = 0
    positions = np.flatnonzero(~keep.to_numpy())
    raw_dates = body[date_col]
    # Past the middle of the file, a footer line means every undated row below is footer too.
    total = plan.total if plan.total is not None else len(body)
    past_footer = plan.past_footer
    for pos in positions:
        cells = body.iloc[pos].tolist()
        if not any(c is not None and str(c).strip() not in ("", "nan", "None") for c in cells):
            blank += 1
            continue
        if past_footer or is_footer(cells):
            footer += 1
            past_footer = past_footer or plan.offset + pos > total * 0.5
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
    plan.past_footer = past_footer
    return keep, rejected, {"blank_rows": blank, "footer_rows": footer}


def names_and_labels(
    body: pd.DataFrame, found: dict[str, str]
) -> tuple[pd.Series | None, pd.Series | None, int]:
    """The referrer spellings and type labels of every row, a second source column folded in."""
    names = text(body, found, "source_name")
    labels = text(body, found, "source_type")
    from_source = 0
    if "referral_source" in found:
        names, labels, from_source = _second_source(
            names, labels, values.clean_text(body[found["referral_source"]])
        )
    return names, labels, from_source


def physician_labels(
    body: pd.DataFrame, found: dict[str, str], labels: pd.Series | None, idx: pd.Index
) -> pd.Series | None:
    """Rows a physician flag marks get the label Physician where they have none."""
    if "physician_flag" not in found:
        return labels
    flag = values.parse_flags(body[found["physician_flag"]])
    physician_label = pd.Series("Physician", index=idx, dtype="str").where(flag.fillna(False))
    return physician_label if labels is None else labels.fillna(physician_label)


def npis(body: pd.DataFrame, found: dict[str, str], idx: pd.Index) -> tuple[pd.Series, pd.Series]:
    """NPI text and whether each is valid (missing and False without an NPI column)."""
    if "npi" in found:
        return values.normalize_npi(body[found["npi"]])
    return pd.Series(pd.NA, index=idx, dtype="str"), pd.Series(False, index=idx)


def referrals(
    body: pd.DataFrame,
    found: dict[str, str],
    context: IngestContext,
    clinic: str | None,
    rows: RowNumbers,
    today: date,
    name_header: str = "",
    plan: WholeFile | None = None,
) -> tuple[pd.DataFrame, list[Rejection], dict, pd.DataFrame, frozenset[str]]:
    """Canonical rows, rejections (sorted by row), quality, new aliases, referring patients'
    spellings; `plan` takes the file-wide decisions (the body's own by default)."""
    plan = plan or WholeFile()
    names, labels, from_source = names_and_labels(body, found)
    ahead = spellings = None
    if names is not None:
        spellings = pc.unique(values.arrow_text(names)).drop_null().to_pylist()
        # The spellings are read in a second process meanwhile; resolution picks them up.
        ahead = plan.ahead(spellings)

    read = plan.dates(body[found["referral_date"]])
    dates, convention = read.dates, read.convention
    from_created = 0
    if "case_created" in found:
        # Direct-access cases carry no referral date; the case's creation date stands in.
        created = plan.dates(body[found["case_created"]]).dates
        stand_in = dates.isna() & created.notna() & blank(body[found["referral_date"]])
        from_created = int(stand_in.sum())
        dates = dates.mask(stand_in, created)
    keep, rejected, quality = date_problems(body, dates, found["referral_date"], rows, today, plan)
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
        read = plan.numbers(body[found["count"]], values.read_counts)
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
    labels = physician_labels(body, found, labels, idx)
    npi, npi_valid = npis(body, found, idx)
    clinics = text(body, found, "clinic")
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

    eval_date = read_dates(body, found, "eval_date", rows, quality, plan)
    arrived = (
        values.parse_flags(body[found["arrived"]])
        if "arrived" in found
        else pd.Series(pd.NA, index=idx, dtype="boolean")
    )
    arrived = arrived.mask(eval_date.notna(), True)
    if "eval_date" in found:
        arrived = arrived.fillna(False)
    organization = opt_text(body, found, "organization", idx)
    payer = opt_text(body, found, "payer", idx)
    case_id = opt_text(body, found, "case_id", idx)
    visits = read_numbers(body, found, "visits", values.read_counts, rows, quality, plan)
    money = values.read_money
    charges = read_numbers(body, found, "charges", money, rows, quality, plan, counts)
    payments = read_numbers(body, found, "payments", money, rows, quality, plan, counts)
    discharge_date = read_dates(body, found, "discharge_date", rows, quality, plan)
    quality["value_problems"] = plan.problems.entries()

    # Last, so the spellings had every other column's time to be parsed ahead.
    default_type = "physician" if name_header in PHYSICIAN_HEADERS else "unknown"
    resolution = plan.resolve(
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
        "implausible_dates": implausible_dates(frame["referral_date"], today),
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


def blank(raw: pd.Series) -> pd.Series:
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


def implausible_dates(dates: pd.Series, today: date) -> int:
    """Referral dates before 2000 or more than 25 years back: typed wrong, or a birth date."""
    floor = max(pd.Timestamp(2000, 1, 1), pd.Timestamp(today) - pd.DateOffset(years=25))
    return int((dates < floor).sum())
