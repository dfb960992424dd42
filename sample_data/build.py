"""The seeded sample built once, and the patient names and MRNs tests look for."""

from __future__ import annotations

import random

import numpy as np

from sample_data.network import build_referrers
from sample_data.outreach import build_activities
from sample_data.practice import DEFAULT_SEED
from sample_data.records import Sample
from sample_data.referrals import build_referrals
from sample_data.summary import build_summary


def build_sample(seed: int = DEFAULT_SEED) -> Sample:
    """Generate the sample practice (deterministic for a given seed)."""
    rnd = random.Random(f"{seed}-network")
    rng = np.random.default_rng([seed, 0])
    referrers = build_referrers(rnd, rng)
    return Sample(
        seed,
        referrers,
        build_referrals(seed, referrers),
        build_activities(seed, referrers),
        build_summary(seed),
    )


def patient_names(seed: int = DEFAULT_SEED) -> list[str]:
    """Every patient name exactly as the exports print it ("Last, First" and "First Last")."""
    names = set()
    for x in build_sample(seed).referrals:
        names.add(f"{x.patient.last}, {x.patient.first}")
        names.add(f"{x.patient.first} {x.patient.last}")
    return sorted(names)


def patient_mrns(seed: int = DEFAULT_SEED) -> list[str]:
    """Every MRN the Riverside export prints."""
    return sorted({x.patient.mrn for x in build_sample(seed).referrals if x.clinic == "Riverside"})
