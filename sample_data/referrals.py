"""Referrals: daily volumes by season and weekday, each with its patient, payer and outcome."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, timedelta

import numpy as np

from sample_data.network import (
    CHANNEL_FORMS,
    HOUSE_STYLE,
    LOG_LABEL,
    ORG_STYLE_WEIGHTS,
    STYLE_WEIGHTS,
    VARIANT_RATE,
    WEBPT_LABEL,
    Referrer,
    org_forms,
    person_forms,
    pick,
)
from sample_data.npi import mistype_npi
from sample_data.practice import (
    CASE_FILE,
    CLINIC_FILE,
    CLINICS,
    CONVERSION,
    END,
    HOLIDAYS,
    LOG_FILE,
    PATIENT_FIRST,
    PATIENT_LAST,
    PAYER_NAMES,
    PAYER_RATIO,
    PAYER_WEIGHTS,
    SEASON,
    SPORTS_SEASON,
    START,
    WEBPT_FILE,
    WEEKDAY,
)
from sample_data.records import Patient, Referral


def _days() -> list[date]:
    return [START + timedelta(days=i) for i in range((END - START).days + 1)]


def _base_shape(days: list[date]) -> np.ndarray:
    n = len(days)
    return np.array(
        [
            SEASON[d.month]
            * WEEKDAY[d.weekday()]
            * (0.1 if d in HOLIDAYS else 1.0)
            * (0.93 + 0.14 * i / (n - 1))  # the practice grows a little
            for i, d in enumerate(days)
        ]
    )


def _profile(r: Referrer, days: list[date]) -> np.ndarray:
    """The referrer's own rate multiplier per day."""
    p = np.ones(len(days))
    at = r.profile_date
    if r.profile == "declining" and at:
        span = (END - at).days
        for i, d in enumerate(days):
            if d >= at:  # from 1 down to 0.1 of the earlier rate at the end
                p[i] = 1.0 - 0.9 * (d - at).days / span
    elif r.profile == "dormant" and at:
        p[[i for i, d in enumerate(days) if d > at]] = 0.0
    elif r.profile == "new" and at:
        p[[i for i, d in enumerate(days) if d < at]] = 0.0
    elif r.profile == "bump" and at:
        for i, d in enumerate(days):
            if d >= at:
                p[i] = 1.0 + 5.0 * math.exp(-(d - at).days / 75)
    elif r.profile == "sports":
        p = np.array([SPORTS_SEASON[d.month] / SEASON[d.month] for d in days])
    return p


def _spell(rnd: random.Random, r: Referrer, file: str, house: dict) -> tuple[str, str]:
    """(name, type label) of one referral from `r` in `file`."""
    if not r.is_partner:
        return pick(rnd, CHANNEL_FORMS[file][r.kind])
    if r.is_person:
        forms = person_forms(r)
        weights = {s: w for s, w in STYLE_WEIGHTS[file].items() if s in forms}
        if not weights:  # credentials without "Dr." in a log that prefers "Dr."
            weights = {"natural_nc": 0.6, "natural": 0.25, "spaces": 0.15}
    else:
        forms = org_forms(r)
        weights = ORG_STYLE_WEIGHTS[file]
    key = (r.pid, file)
    if key not in house:
        style = r.house.get(file) or HOUSE_STYLE.get(file)
        house[key] = style if style in forms else pick(rnd, weights)
    style = pick(rnd, weights) if rnd.random() < VARIANT_RATE[file] else house[key]
    name = forms[style]
    if file == WEBPT_FILE:
        label = WEBPT_LABEL[r.kind]
    elif file == LOG_FILE:
        label = pick(rnd, LOG_LABEL[r.kind])
    else:
        label = ""
    return name, label


def _payer(rnd: random.Random, r: Referrer) -> str:
    if r.kind == "employer" and rnd.random() < 0.85:
        return "Workers Comp"
    if r.kind == "attorney" and rnd.random() < 0.8:
        return "Auto/PI"
    return rnd.choices(PAYER_NAMES, weights=PAYER_WEIGHTS)[0]


def _outcome(rnd: random.Random, r: Referrer, d: date):
    """(outcome, eval date, visits, charges, discharge date) of one referral."""
    if rnd.random() >= CONVERSION[r.source_type]:
        return "not_arrived", None, 0, 0.0, None
    lag = 1 + min(30, int(rnd.expovariate(1 / 4.5)))
    ev = d + timedelta(days=lag)
    while ev.weekday() >= 5:
        ev += timedelta(days=1)
    if ev > END:
        return "pending", None, 0, 0.0, None
    planned = 1 if rnd.random() < 0.04 else min(40, 1 + max(1, round(rnd.gammavariate(4.0, 2.3))))
    visits = min(planned, 1 + int((END - ev).days / 3.5))
    per_visit = rnd.uniform(165.0, 195.0)
    charges = round(visits * per_visit + 90.0, 2)  # the evaluation is billed higher
    discharge = None
    if visits == planned:
        dd = ev + timedelta(days=round((planned - 1) * 3.5) + rnd.randrange(0, 8))
        if dd <= END and rnd.random() > 0.06:
            discharge = dd
    return "arrived", ev, visits, charges, discharge


def build_referrals(seed: int, referrers: list[Referrer]) -> list[Referral]:
    rng = np.random.default_rng([seed, 1])
    rnd = random.Random(f"{seed}-referrals")
    days = _days()
    base = _base_shape(days)
    events: list[tuple[int, int, int, float]] = []  # (clinic, day, referrer, tiebreak)
    for ri, r in enumerate(referrers):
        n = r.exact if r.exact is not None else int(rng.poisson(r.expected))
        shape = base * _profile(r, days)
        counts = rng.multinomial(n, shape / shape.sum())
        day_idx = np.repeat(np.arange(len(days)), counts)
        clinics = rng.choice(3, size=n, p=np.array(r.clinic_weights) / sum(r.clinic_weights))
        ties = rng.random(n)
        events.extend(zip(clinics.tolist(), day_idx.tolist(), [ri] * n, ties.tolist(), strict=True))
    events.sort()

    referrals: list[Referral] = []
    house: dict = {}
    patients: dict[int, list[Patient]] = defaultdict(list)
    mrn_next = 1200
    case_next = {0: 4_210_000, 1: 700_100, 2: 0}
    for ci, di, ri, _ in events:
        r = referrers[ri]
        d = days[di]
        clinic = CLINICS[ci]
        file = CLINIC_FILE[clinic]
        seen = patients[ci]
        if len(seen) > 30 and rnd.random() < 0.06:  # a returning patient, new case
            patient = rnd.choice(seen)
        else:
            mrn_next += rnd.randint(1, 9)
            patient = Patient(
                rnd.choice(PATIENT_FIRST), rnd.choice(PATIENT_LAST), f"{mrn_next:07d}"
            )
            seen.append(patient)
        case_next[ci] += rnd.randint(1, 4)
        payer = _payer(rnd, r)
        outcome, ev, visits, charges, discharge = _outcome(rnd, r, d)
        payments = round(charges * PAYER_RATIO[payer] * rnd.uniform(0.93, 1.08), 2)
        name, label = _spell(rnd, r, file, house)
        ref = Referral(
            d,
            clinic,
            r,
            patient,
            case_next[ci],
            payer,
            outcome,
            ev,
            visits,
            charges,
            payments,
            discharge,
            name=name,
            label=label,
        )
        if r.npi and name:
            show = {WEBPT_FILE: 0.55, CASE_FILE: 0.7, LOG_FILE: 0.0}[file]
            if rnd.random() < show:
                ref.npi_shown = r.npi
                ref.npi_as_number = file == WEBPT_FILE and rnd.random() < 0.5
        if file == WEBPT_FILE and rnd.random() < 0.015:
            ref.unassigned_clinic = True
        referrals.append(ref)

    # A few mistyped NPIs (neighbouring digits swapped): the check digit catches them.
    for file, k in ((CASE_FILE, 8), (WEBPT_FILE, 4)):
        rows = [x for x in referrals if CLINIC_FILE[x.clinic] == file and x.npi_shown]
        for x in rnd.sample(rows, k):
            x.npi_shown = mistype_npi(rnd, x.npi_shown)
    return referrals
