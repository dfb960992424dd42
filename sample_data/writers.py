"""The export writers: each clinic's EMR shape, the outreach log and the summary, byte-stable."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.xml.functions import tostring

from sample_data.build import build_sample
from sample_data.practice import (
    CASE_FILE,
    CASE_HEADER,
    CLINICS,
    DEFAULT_SEED,
    END,
    FIXED_TIMESTAMP,
    LOG_FILE,
    LOG_HEADER,
    OUTREACH_FILE,
    OUTREACH_HEADER,
    PACKAGE_DIR,
    PRACTICE,
    START,
    SUMMARY_FILE,
    SUMMARY_HEADER,
    TRUTH_FILE,
    WEBPT_FILE,
    WEBPT_HEADER,
)
from sample_data.records import Activity, Referral
from sample_data.truth import write_truth

# Writers


def save_workbook_deterministic(wb: Workbook, path: Path) -> None:
    """Save `wb` with fixed document and zip-entry timestamps: same content, same bytes."""
    wb.properties.created = FIXED_TIMESTAMP
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl stamps `modified` with the current time: put ours back
    wb.properties.modified = FIXED_TIMESTAMP
    core = tostring(wb.properties.to_tree())
    stamp = FIXED_TIMESTAMP.timetuple()[:6]
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = core if info.filename == "docProps/core.xml" else src.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)


def styled_cell(ws, value, number_format: str | None = None, bold: bool = False) -> WriteOnlyCell:
    c = WriteOnlyCell(ws, value=value)
    if number_format:
        c.number_format = number_format
    if bold:
        c.font = Font(bold=True)
    return c


DATE_FMT = "mm/dd/yyyy"
MONEY_FMT = "#,##0.00"


def _write_webpt(referrals: list[Referral], path: Path) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Referrals")
    for col, width in zip(
        "ABCDEFGHIJKLM", (14, 22, 10, 20, 26, 13, 14, 22, 11, 14, 7, 13, 13), strict=True
    ):
        ws.column_dimensions[col].width = width
    ws.append([styled_cell(ws, "Referrals Report", bold=True)])
    ws.append([f"{PRACTICE} — Northside"])
    ws.append([f"Date Range: {START:%m/%d/%Y} - {END:%m/%d/%Y}"])
    ws.append([])
    ws.append([styled_cell(ws, h, bold=True) for h in WEBPT_HEADER])
    for x in referrals:
        npi: str | float | None = x.npi_shown or None
        if npi and x.npi_as_number:
            npi = float(npi)
        ws.append(
            [
                styled_cell(ws, x.referral_date, DATE_FMT),
                f"{x.patient.last}, {x.patient.first}",
                x.case_id,
                x.label,
                x.name or None,
                npi,
                "(Unassigned)" if x.unassigned_clinic else "Northside",
                x.payer,
                "Yes"
                if x.ref.source_type in ("physician", "physician_extender") and x.name
                else "No",
                styled_cell(ws, x.eval_date, DATE_FMT) if x.eval_date else None,
                x.visits,
                styled_cell(ws, x.charges, MONEY_FMT),
                styled_cell(ws, x.payments, MONEY_FMT),
            ]
        )
    ws.append(
        [
            styled_cell(ws, "Grand Total", bold=True),
            *[None] * 9,
            sum(x.visits for x in referrals),
            styled_cell(ws, round(sum(x.charges for x in referrals), 2), MONEY_FMT, bold=True),
            styled_cell(ws, round(sum(x.payments for x in referrals), 2), MONEY_FMT, bold=True),
        ]
    )
    ws.append([f"Count: {len(referrals)}"])
    save_workbook_deterministic(wb, path)
    return len(referrals)


def _money(x: float) -> str:
    return f"{x:.2f}"


def _write_case_export(referrals: list[Referral], path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CASE_HEADER)
        for x in referrals:
            w.writerow(
                (
                    x.case_id,
                    f"{x.patient.last}, {x.patient.first}",
                    x.patient.mrn,
                    x.referral_date.isoformat(),
                    x.name,
                    x.ref.organization if x.name and x.ref.is_person else "",
                    x.npi_shown,
                    "Riverside",
                    x.payer,
                    x.eval_date.isoformat() if x.eval_date else "",
                    x.visits,
                    _money(x.charges),
                    _money(x.payments),
                    x.discharge_date.isoformat() if x.discharge_date else "",
                )
            )
    return len(referrals)


def _us_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def _write_log(referrals: list[Referral], path: Path, seed: int) -> int:
    rnd = random.Random(f"{seed}-log-layout")
    blank = ("",) * len(LOG_HEADER)
    rows: list[tuple] = [LOG_HEADER]
    month = None
    for x in referrals:
        if month is not None and x.referral_date.month != month:
            rows.append(blank)  # the keeper leaves a blank row between months
        month = x.referral_date.month
        if x.outcome == "pending":
            evaluated = ""
        else:
            evaluated = "Y" if x.outcome == "arrived" else "N"
            if rnd.random() < 0.02:
                evaluated = {"Y": "y", "N": "n"}[evaluated]
        rows.append(
            (
                _us_date(x.referral_date),
                f"{x.patient.first} {x.patient.last}",
                x.name,
                x.label,
                "Lakeside",
                evaluated,
                x.visits if x.outcome == "arrived" else "",
                f"${x.payments:,.2f}" if x.payments else "",
            )
        )
        if rnd.random() < 0.004:
            rows.append(blank)
    rows.append(
        (
            "Total",
            "",
            "",
            "",
            "",
            "",
            sum(x.visits for x in referrals),
            f"${sum(x.payments for x in referrals):,.2f}",
        )
    )
    with path.open("w", encoding="cp1252", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    return len(referrals)


def _write_outreach(activities: list[Activity], path: Path) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Outreach Log")
    for col, width in zip("ABCDEF", (12, 30, 15, 10, 14, 44), strict=True):
        ws.column_dimensions[col].width = width
    ws.append([styled_cell(ws, h, bold=True) for h in OUTREACH_HEADER])
    for a in activities:
        ws.append(
            [
                styled_cell(ws, a.activity_date, "m/d/yyyy"),
                a.partner,
                a.activity,
                styled_cell(ws, a.cost, '"$"#,##0.00') if a.cost is not None else None,
                a.staff,
                a.notes or None,
            ]
        )
    save_workbook_deterministic(wb, path)
    return len(activities)


def _write_summary(rows: list[tuple], path: Path) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Summary")
    for col, width in zip("ABCDE", (12, 20, 24, 13, 12), strict=True):
        ws.column_dimensions[col].width = width
    ws.append([styled_cell(ws, "Summit Hills PT — New Patients by Referral Source", bold=True)])
    ws.append([])
    ws.append([styled_cell(ws, h, bold=True) for h in SUMMARY_HEADER])
    for month, source, referrer, n, revenue in rows:
        ws.append(
            [
                month,
                source,
                referrer or None,
                n,
                styled_cell(ws, revenue, MONEY_FMT) if revenue is not None else None,
            ]
        )
    ws.append(
        [
            styled_cell(ws, "Grand Total", bold=True),
            None,
            None,
            sum(r[3] for r in rows),
            styled_cell(ws, round(sum(r[4] or 0.0 for r in rows), 2), MONEY_FMT, bold=True),
        ]
    )
    save_workbook_deterministic(wb, path)
    return len(rows)


def write_sample(out: Path | str = PACKAGE_DIR, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the sample files into `out`; returns {file name: data rows}."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sample = build_sample(seed)
    by_clinic = {c: [x for x in sample.referrals if x.clinic == c] for c in CLINICS}
    return {
        WEBPT_FILE: _write_webpt(by_clinic["Northside"], out / WEBPT_FILE),
        CASE_FILE: _write_case_export(by_clinic["Riverside"], out / CASE_FILE),
        LOG_FILE: _write_log(by_clinic["Lakeside"], out / LOG_FILE, seed),
        OUTREACH_FILE: _write_outreach(sample.activities, out / OUTREACH_FILE),
        SUMMARY_FILE: _write_summary(sample.summary, out / SUMMARY_FILE),
        TRUTH_FILE: write_truth(sample, out / TRUTH_FILE),
    }
