"""What the Upload page shows about a file: its mapping as a table, its data-quality report."""

from __future__ import annotations

import json

import pandas as pd

from analytics.ingest import Prepared, values
from analytics.schema import FIELDS_BY_KIND

NOT_MAPPED = "(not in this file)"
DATE_CONVENTIONS = {
    values.DAY_FIRST: "day first (14/03/2025)",
    values.MONTH_FIRST: "month first (3/14/2025)",
    values.MONTH_FIRST_ASSUMED: "month first, as US exports are (no day above 12 to tell)",
    values.MONTH_FIRST_CONFLICTING: "month first (some cells read only day first: check them)",
    values.NO_SLASH_DATES: "dates or ISO text (2025-03-14), no day/month question",
    values.DAY_FIRST_ASSUMED: "day first, as dotted dates are (no day above 12 to tell)",
    values.DAY_FIRST_CONFLICTING: "day first (some cells read only month first: check them)",
}
NUMBER_CONVENTIONS = {
    values.DECIMAL_POINT: "decimal point (1,234.50)",
    values.DECIMAL_COMMA: "decimal comma (1.234,50)",
    values.DECIMAL_POINT_ASSUMED: "1,234 read as one thousand two hundred thirty-four",
    values.DECIMAL_COMMA_ASSUMED: "1.234 read as one thousand two hundred thirty-four",
    values.MIXED_DECIMALS: "mixed decimal points and commas (each cell read as it must be)",
}
MAX_SHOWN_ROWS = 5


def _number_lines(kind: str, quality: dict) -> list[tuple[str, str]]:
    """How each amount column was read, and the cells refused with their rows."""
    label = {f.name: f.label for f in FIELDS_BY_KIND[kind]}
    formats = [
        f"{label.get(name, name)}: {NUMBER_CONVENTIONS[convention]}"
        for name, convention in quality.get("number_conventions", {}).items()
        if convention in NUMBER_CONVENTIONS
    ]
    lines = [("Number format", "; ".join(formats))] if formats else []
    for key, problem in quality.get("value_problems", {}).items():
        name = key.split(":", 1)[0]
        rows = ", ".join(str(r) for r in problem["rows"][:MAX_SHOWN_ROWS])
        more = "…" if problem["count"] > MAX_SHOWN_ROWS else ""
        examples = ", ".join(f"'{e}'" for e in problem["examples"])
        cells = "cell, row" if problem["count"] == 1 else "cells, rows"
        lines.append(
            (
                f"{label.get(name, name)} left blank ({problem['reason']})",
                f"{problem['count']:,} {cells} {rows}{more}; e.g. {examples}",
            )
        )
    return lines


def mapping_table(prepared: Prepared) -> pd.DataFrame:
    """One row per canonical field with the column it is read from, for st.data_editor."""
    rows = [
        {
            "Field": f.label,
            "Column in your file": prepared.mapping.get(f.name, NOT_MAPPED),
            "Required": "yes" if f.required else "",
        }
        for f in FIELDS_BY_KIND[prepared.kind]
    ]
    return pd.DataFrame(rows)


def mapping_from_table(table: pd.DataFrame, kind: str) -> dict[str, str]:
    """Turn the edited table back into FIELD=COLUMN choices ("" = not mapped)."""
    by_label = {f.label: f.name for f in FIELDS_BY_KIND[kind]}
    out = {}
    for label, column in zip(table["Field"], table["Column in your file"], strict=True):
        name = by_label[label]
        out[name] = "" if column in (None, NOT_MAPPED) else str(column)
    return out


def quality_report(prepared: Prepared) -> pd.DataFrame:
    """The data-quality report as (Check, Value) rows, in the owner's words."""
    q = prepared.quality
    start, end = prepared.period
    lines = [
        ("Rows loaded", f"{prepared.rows_loaded:,}"),
        ("Rows rejected", f"{prepared.rows_rejected:,}"),
        ("Dates covered", f"{start:%b %-d, %Y} – {end:%b %-d, %Y}" if start else "none"),
        ("Title rows above the table", str(q.get("title_rows", 0))),
        ("Header rows (group captions joined)", str(q.get("header_rows", 1))),
        ("Totals and footer rows skipped", f"{q.get('footer_rows', 0):,}"),
        ("Blank rows skipped", f"{q.get('blank_rows', 0):,}"),
        ("Date format", DATE_CONVENTIONS.get(q.get("date_convention", ""), "")),
    ]
    lines += _number_lines(prepared.kind, q)
    if prepared.kind == "referrals":
        share = q.get("unknown_source_share")
        lines += [
            ("Referrals", f"{q.get('referrals', 0):,}"),
            ("Distinct referral sources", f"{q.get('sources', 0):,}"),
            (
                "Referrals with no known source",
                f"{q.get('unknown_source_referrals', 0):,}"
                + (f" ({share:.1%})" if share is not None else ""),
            ),
            (
                "Referring patients named (counted as patient referrals, names not kept)",
                f"{q.get('patient_names_dropped', 0):,}",
            ),
            ("Rows with no clinic (Unassigned)", f"{q.get('unassigned_clinic_rows', 0):,}"),
            (
                "Referral date taken from case created",
                f"{q.get('referral_date_from_case_created', 0):,}",
            ),
            (
                "Source taken from the second source column",
                f"{q.get('source_from_referral_source', 0):,}",
            ),
            (
                "Referral dates before 2000 or over 25 years old",
                f"{q.get('implausible_dates', 0):,}",
            ),
            ("NPIs that fail the check digit", f"{q.get('invalid_npis', 0):,}"),
            ("Evaluation dated before the referral", f"{q.get('eval_before_referral', 0):,}"),
        ]
    else:
        lines += [
            ("Activities", f"{q.get('activities', 0):,}"),
            ("Total cost", f"${q.get('total_cost', 0):,.2f}"),
        ]
    return pd.DataFrame(lines, columns=["Check", "Value"])


def rejections_table(prepared: Prepared) -> pd.DataFrame:
    """Rejected rows by spreadsheet row number (and sheet, when several), with the reason."""
    if any(r.sheet for r in prepared.rejections):
        return pd.DataFrame(
            [{"Sheet": r.sheet, "Row": r.row, "Reason": r.reason} for r in prepared.rejections],
            columns=["Sheet", "Row", "Reason"],
        )
    return pd.DataFrame(
        [{"Row": r.row, "Reason": r.reason} for r in prepared.rejections],
        columns=["Row", "Reason"],
    )


def sheets_table(prepared: Prepared) -> pd.DataFrame:
    """Every sheet of the file: read with its rows, or skipped with why."""
    return pd.DataFrame(
        [
            {
                "Sheet": n.sheet,
                "Read": "yes" if n.status == "read" else "no",
                "Rows": n.rows if n.status == "read" else None,
                "Why not": n.reason,
            }
            for n in prepared.sheet_notes
        ],
        columns=["Sheet", "Read", "Rows", "Why not"],
    )


def sheets_summary(prepared: Prepared) -> str:
    """ "12 read, 1 skipped" for the sheets expander's label."""
    read = sum(n.status == "read" for n in prepared.sheet_notes)
    skipped = len(prepared.sheet_notes) - read
    return f"{read} read" + (f", {skipped} skipped" if skipped else "")


def history_table(uploads: pd.DataFrame) -> pd.DataFrame:
    """The upload history as the page lists it."""
    if uploads.empty:
        return pd.DataFrame(columns=["ID", "File", "Kind", "Loaded", "Rows", "Rejected", "Period"])
    period = [
        f"{s:%Y-%m-%d} – {e:%Y-%m-%d}" if pd.notna(s) else ""
        for s, e in zip(uploads["period_start"], uploads["period_end"], strict=True)
    ]
    return pd.DataFrame(
        {
            "ID": uploads["upload_id"],
            "File": uploads["file_name"],
            "Kind": uploads["kind"],
            "Loaded": pd.to_datetime(uploads["uploaded_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            "Rows": uploads["rows_loaded"],
            "Rejected": uploads["rows_rejected"],
            "Clinics": [", ".join(json.loads(c or "[]")) for c in uploads["clinics"]],
            "Period": period,
            "Warnings": [
                len(json.loads(w or "[]")) if "warnings" in uploads else 0
                for w in uploads.get("warnings", pd.Series([None] * len(uploads)))
            ],
        }
    )


def upload_labels(uploads: pd.DataFrame) -> dict[int, str]:
    """Upload id -> "#id file name", for choosing one to delete."""
    return {
        int(i): f"#{i} {name}"
        for i, name in zip(uploads["upload_id"], uploads["file_name"], strict=True)
    }


def warnings_in_view(uploads: pd.DataFrame, start=None, end=None) -> list[tuple[str, list[str]]]:
    """(upload label, its warnings) for each stored upload with warnings whose period meets
    [start, end]: the data a page shows carries them."""
    if uploads.empty or "warnings" not in uploads:
        return []
    out = []
    for row in uploads.itertuples(index=False):
        found = json.loads(row.warnings or "[]")
        if not found or pd.isna(row.period_start):
            continue
        if start is not None and pd.Timestamp(row.period_end) < pd.Timestamp(start):
            continue
        if end is not None and pd.Timestamp(row.period_start) > pd.Timestamp(end):
            continue
        out.append((f"#{row.upload_id} {row.file_name}", found))
    return out
