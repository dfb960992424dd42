"""Exports shaped the way practices keep them, built in code from a seed, each with the
referrals, partners, HHI and largest share a person computes by hand from its recipe.

Every recipe is a list of (partner, referrals); HHI is the sum of (100 * share)^2 over the
partners, shares of ALL referrals (non-partner channels add referrals, no concentration).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import openpyxl


@dataclass(frozen=True)
class Expected:
    """What loading the shape must give, worked out by hand in the docstring of its builder."""

    referrals: int
    partners: int
    hhi: float
    cr1: float
    revenue: float | None = None


def _workbook(sheets: dict[str, list[list[object]]], merges: dict | None = None) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _day(rng: random.Random, year: int, month: int) -> datetime:
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return datetime(year, month, rng.randint(1, last))


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Per month: Okafor 6, Reyes 3, Chen 2 (partners), one self-referral; spellings vary.
MONTHLY_RECIPE = (
    (("Okafor, Maria MD", "Dr. Maria Okafor", "MARIA OKAFOR M.D."), "Physician", 6),
    (("Reyes, Alan DO", "Dr. Alan Reyes DO"), "Physician", 3),
    (("Chen, Lee PA-C", "Lee Chen PA-C"), "Physician Assistant", 2),
    ((None,), "Self", 1),
)


def month_tabs(seed: int = 11) -> tuple[bytes, Expected]:
    """A hand log, one sheet per month of 2025, with a pivot "Summary" sheet first.

    12 rows a month, 144 in the year: Okafor 72 (0.5), Reyes 36 (0.25), Chen 24 (1/6),
    self 12. HHI = 50^2 + 25^2 + 16.667^2 = 2500 + 625 + 277.78 = 3402.78; cr1 = 0.5.
    """
    rng = random.Random(seed)
    header = ["Date Referred", "Referred By", "Referral Type", "Evaluated?", "Amount Collected"]
    summary = [["Referral Source", *MONTHS, "Total"]]
    for spellings, _, n in MONTHLY_RECIPE:
        summary.append([spellings[0] or "Self", *([n] * 12), n * 12])
    sheets: dict[str, list[list[object]]] = {"Summary": summary}
    for month, name in enumerate(MONTHS, start=1):
        rows = []
        for spellings, label, n in MONTHLY_RECIPE:
            for _ in range(n):
                rows.append(
                    [
                        _day(rng, 2025, month),
                        rng.choice(spellings),
                        label,
                        rng.choice(["Y", "N"]),
                        "$100.00",
                    ]
                )
        rng.shuffle(rows)
        sheets[f"{name} 2025"] = [header, *rows]
    return _workbook(sheets), Expected(144, 3, 3402.78, 0.5, 14400.0)


def monthly_summary(seed: int = 12) -> bytes:
    """The same year as month_tabs, kept as a monthly summary: 144 referrals by count."""
    rows: list[list[object]] = [
        ["Monthly referral summary 2025"],
        ["Month", "Referral Source", "Referrer", "New Patients", "Revenue"],
    ]
    for month in MONTHS:
        for spellings, label, n in MONTHLY_RECIPE:
            rows.append([f"{month} 2025", label, spellings[0], n, f"${n * 100:,.2f}"])
    rows.append(["Grand Total", None, None, 144, "$14,400.00"])
    return _workbook({"Summary 2025": rows})


CLINIC_RECIPE = {
    "Downtown": (("Okafor, Maria MD", 10), ("Reyes, Alan DO", 6), (None, 4)),
    "Eastside": (("Reyes, Alan DO", 9), ("Kim, Dana NP", 3)),
    "Northgate": (("Dr. Maria Okafor", 2), ("Dana Kim, NP", 6)),
}


def clinic_sheets(seed: int = 13) -> tuple[bytes, Expected, dict[str, int]]:
    """One sheet per clinic, no clinic column.

    40 referrals: Reyes 15 (0.375), Okafor 12 (0.3), Kim 9 (0.225), self 4.
    HHI = 37.5^2 + 30^2 + 22.5^2 = 1406.25 + 900 + 506.25 = 2812.5; cr1 = 0.375.
    Per clinic: Downtown 20, Eastside 12, Northgate 8.
    """
    rng = random.Random(seed)
    sheets = {}
    for clinic, recipe in CLINIC_RECIPE.items():
        rows = []
        for name, n in recipe:
            for _ in range(n):
                rows.append(
                    [_day(rng, 2025, rng.randint(1, 6)), name, "Physician" if name else "Self"]
                )
        rng.shuffle(rows)
        sheets[clinic] = [["Referral Date", "Referring Provider", "Referral Type"], *rows]
    per_clinic = {c: sum(n for _, n in r) for c, r in CLINIC_RECIPE.items()}
    return _workbook(sheets), Expected(40, 3, 2812.5, 0.375), per_clinic


def two_row_header(seed: int = 14) -> tuple[bytes, Expected]:
    """A report whose header spans two rows: "Referral" merged over Date | Source | Provider,
    "Patient" over Account | Name; the provider column holds the doctors.

    20 referrals: Okafor 8 (0.4), Reyes 4 (0.2), self 6, internet 2.
    HHI = 40^2 + 20^2 = 2000 (high); cr1 = 0.4.
    """
    rng = random.Random(seed)
    recipe = (
        ("Physician", "Okafor, Maria MD", 8),
        ("Physician", "Alan Reyes, DO", 4),
        ("Self Referral", None, 6),
        ("Internet", None, 2),
    )
    rows = []
    for source, provider, n in recipe:
        for i in range(n):
            rows.append(
                [
                    _day(rng, 2025, rng.randint(1, 12)),
                    source,
                    provider,
                    f"A-{rng.randint(10000, 99999)}",
                    f"Patient {i}",
                    "Medicare",
                ]
            )
    rng.shuffle(rows)
    sheet = [
        ["Referral report 2025"],
        ["Referral", None, None, "Patient", None, None],
        ["Date", "Source", "Provider", "Account", "Name", "Payer"],
        *rows,
    ]
    data = _workbook({"Report": sheet}, merges={"Report": ["A2:C2", "D2:E2"]})
    return data, Expected(20, 2, 2000.0, 0.4)


def european_csv(seed: int = 15) -> tuple[bytes, Expected]:
    """A CSV from a practice in Europe: `;`, dd.mm.yyyy, "1.234,50 €", names with ß and ø.

    12 referrals: Hofmann 6 (0.5), Weiß 3 (0.25), Ødegaard 3 (0.25).
    HHI = 2500 + 625 + 625 = 3750; cr1 = 0.5.
    Revenue = 6 x 1,234.50 + 3 x 980.00 + 3 x 2,000.25 = 7,407.00 + 2,940.00 + 6,000.75
    = 16,347.75.
    """
    rng = random.Random(seed)
    recipe = (
        ("Dr. med. Klaus Hofmann", "1.234,50 €", 6),
        ("Dr. Anna Weiß", "980,00 €", 3),
        ("Dr. Søren Ødegaard", "2.000,25 €", 3),
    )
    lines = ["Referral Date;Referring Physician;Clinic;Payments"]
    rows = []
    for name, amount, n in recipe:
        for _ in range(n):
            when = _day(rng, 2025, rng.randint(1, 12))
            rows.append(f"{when:%d.%m.%Y};{name};Zürich;{amount}")
    rng.shuffle(rows)
    text = "\r\n".join([*lines, *rows]) + "\r\n"
    return text.encode("utf-8"), Expected(12, 3, 3750.0, 0.5, 16347.75)


# A Raintree-style case export's columns (shared with tests/ingest/test_emr_layouts.py).
RAINTREE_HEADER = [
    "Case #",
    "Patient Account #",
    "Case Created",
    "Referral Date",
    "Referring Provider",
    "Referral Source",
    "Referral Source Category",
    "Initial Eval Date",
    "Payer",
    "Location",
    "Therapist",
]


def raintree_cases(seed: int = 16) -> tuple[bytes, Expected, int]:
    """A Raintree-style case export: Referring Provider, Referral Source (an employer or an
    attorney when no provider is given), Referral Source Category (the type), a blank Referral
    Date for direct-access cases whose Case Created date stands in, and a Therapist column.

    20 referrals: Okafor 10 (0.5), Acme Logistics 4 (0.2), Brown & Hale LLP 2 (0.1),
    direct access 4 (self, dated by Case Created).
    HHI = 2500 + 400 + 100 = 3000; cr1 = 0.5. Four dates stand in.
    """
    rng = random.Random(seed)
    recipe = (
        ("Okafor, Maria MD", "Physician Referral", "Physician", True, 10),
        (None, "Acme Logistics", "Employer", True, 4),
        (None, "Brown & Hale LLP", "Attorney", True, 2),
        (None, "Direct Access", "Self", False, 4),
    )
    header = RAINTREE_HEADER
    rows = []
    case = 1000
    for provider, source, category, dated, n in recipe:
        for _ in range(n):
            case += 1
            created = _day(rng, 2025, rng.randint(1, 11))
            rows.append(
                [
                    f"C{case}",
                    f"{rng.randint(100000, 999999)}",
                    created,
                    created - timedelta(days=2) if dated else None,
                    provider,
                    source,
                    category,
                    created + timedelta(days=5),
                    "BCBS",
                    rng.choice(["Main St", "Harbor"]),
                    rng.choice(["Jane Doe, PT, DPT", "Sam Roe, PT"]),
                ]
            )
    rng.shuffle(rows)
    return _workbook({"Cases": [header, *rows]}), Expected(20, 3, 3000.0, 0.5), 4


def _referral_rows(recipe, seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    rows = []
    for name, label, n in recipe:
        for _ in range(n):
            rows.append([_day(rng, 2025, rng.randint(1, 12)), name, label, "Harbor"])
    rng.shuffle(rows)
    return [["Referral Date", "Referred By", "Referral Type", "Clinic"], *rows]


def unicode_names(seed: int = 17) -> tuple[bytes, Expected]:
    """Names from a practice abroad, and a rugby club.

    12 referrals: Hofmann 5 (5/12), Weiß 3 (1/4), Ødegaard 2 (1/6), Coastal Rugby Club 2 (1/6).
    HHI = 41.667^2 + 25^2 + 16.667^2 + 16.667^2 = 1736.11 + 625 + 277.78 + 277.78 = 2916.67;
    cr1 = 5/12 = 0.4167.
    """
    recipe = (
        ("Dr. med. Klaus Hofmann", "Physician", 5),
        ("Anna Weiß, MD", "Physician", 3),
        ("Søren Ødegaard, MD", "Physician", 2),
        ("Coastal Rugby Club", None, 2),
    )
    return _workbook({"Referrals": _referral_rows(recipe, seed)}), Expected(12, 4, 2916.67, 0.4167)


def namesakes(seed: int = 18) -> tuple[bytes, Expected]:
    """Two John Smiths (MD and DO, no NPI) and two Dr. Patels told apart by their practice,
    plus one bare "Dr. Patel" that could be either and stays apart.

    12 referrals, 5 partners: Smith MD 4 (1/3), Smith DO 3 (1/4), Patel Lakeshore 2, Patel
    Summit 2 (1/6 each), Dr. Patel 1 (1/12).
    HHI = 33.333^2 + 25^2 + 2 x 16.667^2 + 8.333^2 = 1111.11 + 625 + 555.56 + 69.44 = 2361.11;
    cr1 = 1/3.
    """
    recipe = (
        ("John Smith, MD", "Physician", 4),
        ("John Smith, DO", "Physician", 3),
        ("Dr. Patel (Lakeshore IM)", "Physician", 2),
        ("Dr. Patel - Summit Orthopedics", "Physician", 2),
        ("Dr. Patel", "Physician", 1),
    )
    return _workbook({"Referrals": _referral_rows(recipe, seed)}), Expected(12, 5, 2361.11, 1 / 3)


REFERRING_PATIENTS = ("Linda Pickett", "Rosa H.", "Tom Baker")


def referring_patients(seed: int = 19) -> tuple[bytes, Expected]:
    """Patients named in the referrer column of a hand log.

    10 referrals: Okafor 6 (the one partner, 0.6); patients 4 (Linda Pickett twice as
    "Patient", "Former patient - Rosa H.", Tom Baker as "Friend/Family").
    HHI = 60^2 = 3600; cr1 = 0.6; patient share 0.4.
    """
    recipe = (
        ("Okafor, Maria MD", "Physician", 6),
        ("Linda Pickett", "Patient", 2),
        ("Former patient - Rosa H.", None, 1),
        ("Tom Baker", "Friend/Family", 1),
    )
    return _workbook({"Referrals": _referral_rows(recipe, seed)}), Expected(10, 1, 3600.0, 0.6)
