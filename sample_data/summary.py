"""Summit Hills: a hand-kept monthly summary of a separate clinic (summary-reader tests)."""

from __future__ import annotations

import random
from datetime import date

import numpy as np

from sample_data.practice import SEASON

# Summit Hills: a hand-kept monthly summary of a separate clinic (summary-reader tests)

SUMMARY_REFERRERS = (
    # referral source, referrer spelling(s), mean new patients per month
    ("Physician", ("Dr. Alan Brooks", "Alan Brooks MD"), 9.0),
    ("Physician", ("Dr. Nora Feld",), 4.0),
    ("Physician", ("Victor Huang, DO",), 3.0),
    ("Physician", ("Dr. Ilse Marchetti",), 1.5),
    ("Physician Assistant", ("Samantha Lindahl PA-C",), 2.5),
    ("Chiropractor", ("Dr. Eli Stone DC",), 2.0),
    ("Athletic Trainer", ("Hillcrest HS Athletics",), 1.5),
    ("Employer", ("Metro Transit",), 1.0),
    ("Patient", ("Word of mouth",), 5.0),
    ("Self", ("Walk-in",), 3.0),
    ("Google", ("",), 2.5),
    ("Facebook", ("",), 1.0),
    ("Website", ("",), 1.2),
    ("Other", ("",), 0.6),
)


def build_summary(seed: int) -> list[tuple]:
    rnd = random.Random(f"{seed}-summary")
    rng = np.random.default_rng([seed, 3])
    rows = []
    for k in range(12):
        y, m = 2025 + (10 + k) // 12, (10 + k) % 12 + 1  # Nov 2025 .. Oct 2026
        month = date(y, m, 1).strftime("%b %Y")
        for source, spellings, mean in SUMMARY_REFERRERS:
            n = int(rng.poisson(mean * SEASON[m]))
            if n == 0:
                continue
            revenue = round(n * rnd.uniform(650.0, 1250.0), 2)
            if k == 11 and rnd.random() < 0.3:
                revenue = None  # last month not reconciled yet
            rows.append((month, source, rnd.choice(spellings), n, revenue))
    return rows
