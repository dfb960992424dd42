"""Large mode (benchmarks): vectorised, ~60 clinics, ~5,000 partners, 10 years."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from sample_data.network import Referrer, person_forms
from sample_data.npi import make_npi
from sample_data.practice import (
    CASE_HEADER,
    CHANNEL_SOURCE_TYPES,
    CONVERSION,
    DEFAULT_SEED,
    END,
    PARTNER_SOURCE_TYPES,
    PATIENT_FIRST,
    PATIENT_LAST,
    PAYER_NAMES,
    PAYER_WEIGHTS,
    PAYERS,
    PRACTICE,
    REFERRER_FIRST,
    REFERRER_LAST,
    SEASON,
    START,
    WEBPT_HEADER,
    WEEKDAY,
)
from sample_data.writers import DATE_FMT, save_workbook_deterministic, styled_cell

# Large mode (benchmarks): vectorised, ~60 clinics, ~5,000 partners, 10 years

TOWN_A = ("Oak", "Maple", "Cedar", "Pine", "River", "Lake", "Hill", "Spring", "Stone",
          "Willow", "Brook", "Fair")  # fmt: skip
TOWN_B = ("field", "view", "side", "wood", "ton")
LARGE_CHANNELS = (
    # case-export name, WebPT label, source type, share of channel rows
    ("Patient Referral", "Patient Referral", "patient", 0.38),
    ("Self Referral", "Self Referral", "self", 0.28),
    ("Google", "Google", "marketing", 0.11),
    ("Website", "Website", "marketing", 0.06),
    ("Facebook", "Facebook", "marketing", 0.04),
    ("", "(Unassigned)", "unknown", 0.13),
)
LARGE_PARTNER_MIX = (0.62, 0.12, 0.10, 0.10, 0.06)  # over PARTNER_SOURCE_TYPES
LARGE_CREDS = {
    "physician": (("MD", "Physician"), ("DO", "Physician")),
    "physician_extender": (("PA-C", "Physician Assistant"), ("NP", "Nurse Practitioner")),
    "chiropractor": (("DC", "Chiropractor"),),
    "health_wellness": (
        ("ATC", "Athletic Trainer"),
        ("LMT", "Massage Therapist"),
        ("DPM", "Podiatrist"),
        ("DDS", "Dentist"),
    ),
}
LARGE_ORGS = (("Fitness", "Gym/Fitness"), ("Logistics", "Employer"), ("Law Group", "Attorney"))


def _large_partners(rnd: random.Random, rng: np.random.Generator, n_partners: int, n_clinics: int):
    """Partner table of large mode: spellings (3 per partner), labels, NPIs, orgs, weights."""
    ptype = rng.choice(5, size=n_partners, p=LARGE_PARTNER_MIX)
    n_first = len(REFERRER_FIRST)
    pairs = rng.choice(n_first * len(REFERRER_LAST), size=n_partners, replace=False)
    spell = np.empty((n_partners, 3), dtype=object)
    label = np.empty(n_partners, dtype=object)
    npi = np.empty(n_partners, dtype=object)
    org = np.empty(n_partners, dtype=object)
    kinds = (
        "Orthopedics",
        "Medical Group",
        "Family Medicine",
        "Spine Center",
        "Sports Medicine",
        "Primary Care",
        "Health System",
        "Orthopedic Associates",
    )
    groups = [f"{TOWN_A[i]}{TOWN_B[i % 5]} {k}" for i, k in enumerate(kinds)]
    taken: set[str] = set()
    for i in range(n_partners):
        first = REFERRER_FIRST[pairs[i] % n_first]
        last = REFERRER_LAST[pairs[i] // n_first]
        stype = PARTNER_SOURCE_TYPES[ptype[i]]
        if stype == "organization" or (stype == "health_wellness" and rnd.random() < 0.2):
            suffix, lab = rnd.choice(LARGE_ORGS)
            name = f"{first} {last} {suffix}"
            spell[i] = (name, name.upper(), f" {name} ")
            label[i], npi[i], org[i] = lab, "", ""
            continue
        cred, lab = rnd.choice(LARGE_CREDS[stype])
        r = Referrer("", stype, "", first=first, last=last, cred=cred)
        forms = person_forms(r)
        spell[i] = (forms["natural"], forms["last_first_cred"], forms["upper_last_first"])
        label[i] = lab
        npi[i] = make_npi(rnd, taken) if cred not in ("LMT",) else ""
        org[i] = rnd.choice(groups) if stype != "health_wellness" and rnd.random() < 0.45 else ""
    # Skewed but not absurd: across 60 clinics the largest partner sends about 1%.
    weight = rng.lognormal(0.0, 1.5, size=n_partners)
    home = rng.integers(0, n_clinics, size=n_partners)
    return ptype, spell, label, npi, org, weight / weight.sum(), home


def build_large(
    n_rows: int,
    seed: int = DEFAULT_SEED,
    n_clinics: int = 60,
    n_partners: int = 5000,
    years: int = 10,
) -> dict[str, np.ndarray]:
    """Columns of a large multi-clinic referral export, in date order (vectorised)."""
    rng = np.random.default_rng([seed, 10])
    rnd = random.Random(f"{seed}-large")
    start = date(END.year - years, END.month, END.day) + timedelta(days=1)
    n_days = (END - start).days + 1
    cal = pd.date_range(start, END + timedelta(days=400))  # room for later eval dates
    cal_days = cal[:n_days]
    shape = (
        np.array([SEASON[m] for m in range(1, 13)])[cal_days.month - 1]
        * np.array(WEEKDAY)[cal_days.day_of_week]
        * np.linspace(0.6, 1.3, n_days)
    )
    day = np.sort(rng.choice(n_days, size=n_rows, p=shape / shape.sum()))

    ptype, spell, plabel, pnpi, porg, pweight, phome = _large_partners(
        rnd, rng, n_partners, n_clinics
    )
    clinics = np.array([f"{a}{b}" for a in TOWN_A for b in TOWN_B][:n_clinics], dtype=object)
    clinic_size = rng.uniform(0.3, 1.7, size=n_clinics)

    is_ch = rng.random(n_rows) < 0.27
    pidx = rng.choice(n_partners, size=n_rows, p=pweight)
    chx = rng.choice(len(LARGE_CHANNELS), size=n_rows, p=[c[3] for c in LARGE_CHANNELS])
    var = rng.choice(3, size=n_rows, p=[0.75, 0.17, 0.08])
    ch_name = np.array([c[0] for c in LARGE_CHANNELS], dtype=object)
    ch_label = np.array([c[1] for c in LARGE_CHANNELS], dtype=object)
    ch_code = np.array([5 + CHANNEL_SOURCE_TYPES.index(c[2]) for c in LARGE_CHANNELS])
    provider = np.where(is_ch, ch_name[chx], spell[pidx, var])
    type_code = np.where(is_ch, ch_code[chx], ptype[pidx])
    all_types = PARTNER_SOURCE_TYPES + CHANNEL_SOURCE_TYPES
    conversion = np.array([CONVERSION[t] for t in all_types])[type_code]

    npi_shown = ~is_ch & (pnpi[pidx] != "") & (rng.random(n_rows) < 0.65)
    other_clinic = rng.choice(n_clinics, size=n_rows, p=clinic_size / clinic_size.sum())
    clinic_idx = np.where(is_ch | (rng.random(n_rows) < 0.2), other_clinic, phome[pidx])
    payer = rng.choice(len(PAYERS), size=n_rows, p=np.array(PAYER_WEIGHTS) / sum(PAYER_WEIGHTS))

    ev = day + 1 + rng.poisson(4.5, size=n_rows)
    arrived = (rng.random(n_rows) < conversion) & (ev < n_days)
    planned = np.where(
        rng.random(n_rows) < 0.04,
        1,
        np.minimum(40, 1 + np.maximum(1, np.rint(rng.gamma(4.0, 2.3, size=n_rows)))),
    ).astype(np.int64)
    room = 1 + ((n_days - 1 - np.minimum(ev, n_days - 1)) / 3.5).astype(np.int64)
    visits = np.where(arrived, np.minimum(planned, room), 0)
    charges = np.where(arrived, np.round(visits * rng.uniform(165, 195, n_rows) + 90.0, 2), 0.0)
    ratio = np.array([p[2] for p in PAYERS])[payer]
    payments = np.round(charges * ratio * rng.uniform(0.93, 1.08, n_rows), 2)
    dd = ev + np.rint((planned - 1) * 3.5).astype(np.int64) + rng.integers(0, 8, n_rows)
    discharged = arrived & (visits == planned) & (dd < n_days) & (rng.random(n_rows) > 0.06)

    iso = np.array([d.isoformat() for d in cal.date], dtype=object)
    last = len(iso) - 1
    pf = np.array(PATIENT_FIRST, dtype=object)[rng.integers(len(PATIENT_FIRST), size=n_rows)]
    pl = np.array(PATIENT_LAST, dtype=object)[rng.integers(len(PATIENT_LAST), size=n_rows)]
    mrn = np.char.zfill(rng.integers(1, 10**8, size=n_rows).astype("U8"), 8).astype(object)
    return {
        "Case ID": 1_000_000 + np.arange(n_rows),
        "Patient Name": pl + ", " + pf,
        "MRN": mrn,
        "Referral Date": iso[day],
        "Referring Provider": provider,
        "Referring Organization": np.where(is_ch, "", porg[pidx]),
        "NPI": np.where(npi_shown, pnpi[pidx], ""),
        "Location": clinics[clinic_idx],
        "Payer": np.array(PAYER_NAMES, dtype=object)[payer],
        "Eval Date": np.where(arrived, iso[np.minimum(ev, last)], ""),
        "Visits": visits,
        "Charges": charges,
        "Payments": payments,
        "Discharge Date": np.where(discharged, iso[np.minimum(dd, last)], ""),
        # Extra columns for the WebPT-like workbook.
        "_day": day,
        "_eval_day": np.where(arrived, ev, -1),
        "_label": np.where(is_ch, ch_label[chx], plabel[pidx]),
        "_contact": np.where(is_ch, "", provider),
        "_physician": ~is_ch & (ptype[pidx] <= 1),
        "_npi_as_number": rng.random(n_rows) < 0.5,
        "_start": np.array([start.toordinal()]),
    }


def _write_webpt_large(cols: dict[str, np.ndarray], idx: np.ndarray, path: Path) -> None:
    start = date.fromordinal(int(cols["_start"][0]))
    end_eval = int(cols["_eval_day"].max()) + 1
    cal = [start + timedelta(days=i) for i in range(max(end_eval, int(cols["_day"].max()) + 1))]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Referrals")
    ws.append([styled_cell(ws, "Referrals Report", bold=True)])
    ws.append([f"{PRACTICE} (benchmark) — All Clinics"])
    ws.append([f"Date Range: {start:%m/%d/%Y} - {END:%m/%d/%Y}"])
    ws.append([])
    ws.append([styled_cell(ws, h, bold=True) for h in WEBPT_HEADER])
    npi = cols["NPI"][idx]
    npi_cells = np.where(npi == "", None, npi)
    as_number = cols["_npi_as_number"][idx] & (npi != "")
    npi_cells[as_number] = npi[as_number].astype(np.float64)
    ev = cols["_eval_day"][idx]
    # One styled cell per date column, refilled for every row: append() writes the row
    # before it returns, and a fresh styled cell per value costs about a tenth of the time.
    received, evaluated = styled_cell(ws, START, DATE_FMT), styled_cell(ws, START, DATE_FMT)
    for d, patient, case_id, label, contact, n, clinic, payer, phys, e, v, c, p in zip(
        cols["_day"][idx].tolist(),
        cols["Patient Name"][idx].tolist(),
        cols["Case ID"][idx].tolist(),
        cols["_label"][idx].tolist(),
        cols["_contact"][idx].tolist(),
        npi_cells.tolist(),
        cols["Location"][idx].tolist(),
        cols["Payer"][idx].tolist(),
        cols["_physician"][idx].tolist(),
        ev.tolist(),
        cols["Visits"][idx].tolist(),
        cols["Charges"][idx].tolist(),
        cols["Payments"][idx].tolist(),
        strict=True,
    ):
        received.value = cal[d]
        if e >= 0:
            evaluated.value = cal[e]
        ws.append(
            [
                received,
                patient,
                case_id,
                label,
                contact or None,
                n,
                clinic,
                payer,
                "Yes" if phys else "No",
                evaluated if e >= 0 else None,
                v,
                c,
                p,
            ]
        )
    ws.append(
        [
            "Grand Total",
            *[None] * 9,
            int(cols["Visits"][idx].sum()),
            round(float(cols["Charges"][idx].sum()), 2),
            round(float(cols["Payments"][idx].sum()), 2),
        ]
    )
    ws.append([f"Count: {len(idx)}"])
    save_workbook_deterministic(wb, path)


def write_large(
    n_rows: int, out: Path | str, seed: int = DEFAULT_SEED, xlsx_max: int = 200_000
) -> dict[str, tuple[Path, int, float]]:
    """Write DIR/referrals_{N}.csv and DIR/referrals_{M}.xlsx, M = min(N, xlsx_max) rows
    spread evenly over the N (no workbook when xlsx_max is 0).

    Returns {"generate" | "csv" | "xlsx": (path, rows, seconds)}."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    cols = build_large(n_rows, seed)
    t1 = time.perf_counter()
    csv_path = out / f"referrals_{n_rows}.csv"
    frame = pd.DataFrame({h: cols[h] for h in CASE_HEADER})
    frame.to_csv(csv_path, index=False, float_format="%.2f", lineterminator="\n")
    t2 = time.perf_counter()
    result = {"generate": (out, n_rows, t1 - t0), "csv": (csv_path, n_rows, t2 - t1)}
    m = min(n_rows, xlsx_max)
    if m > 0:
        idx = np.unique(np.linspace(0, n_rows - 1, m).round().astype(np.int64))
        xlsx_path = out / f"referrals_{m}.xlsx"
        _write_webpt_large(cols, idx, xlsx_path)
        result["xlsx"] = (xlsx_path, len(idx), time.perf_counter() - t2)
    return result
