"""The generated records: patients, referrals, outreach activities and the whole sample."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from sample_data.network import Referrer
from sample_data.practice import CLINIC_FILE

# Referrals


@dataclass
class Patient:
    first: str
    last: str
    mrn: str


@dataclass
class Referral:
    """One generated referral, with its true source and how its export shows it."""

    referral_date: date
    clinic: str
    ref: Referrer
    patient: Patient
    case_id: int
    payer: str
    outcome: str  # arrived | not_arrived | pending
    eval_date: date | None
    visits: int
    charges: float
    payments: float
    discharge_date: date | None
    name: str = ""  # the referrer as the export spells it
    label: str = ""  # the export's source-type column ("" where it has none)
    npi_shown: str = ""
    npi_as_number: bool = False
    unassigned_clinic: bool = False


@dataclass
class Activity:
    activity_date: date
    partner: str  # as typed
    ref: Referrer
    activity: str
    cost: float | None
    staff: str
    notes: str


@dataclass
class Sample:
    """Everything the default mode writes, before formatting."""

    seed: int
    referrers: list[Referrer]
    referrals: list[Referral]
    activities: list[Activity]
    summary: list[tuple]  # Summit Hills monthly summary rows (without the total)

    def frame(self) -> pd.DataFrame:
        """The referrals with their TRUE attributes, one row per referral."""
        return pd.DataFrame(
            {
                "referral_date": [pd.Timestamp(r.referral_date) for r in self.referrals],
                "clinic": [r.clinic for r in self.referrals],
                "file": [CLINIC_FILE[r.clinic] for r in self.referrals],
                "partner_id": [r.ref.pid for r in self.referrals],
                "canonical_name": [r.ref.name for r in self.referrals],
                "source_type": [r.ref.source_type for r in self.referrals],
                "organization": [r.ref.organization for r in self.referrals],
                "name": [r.name for r in self.referrals],
                "type_label": [r.label for r in self.referrals],
                "spelling": [spelling_key(r.name, r.label) for r in self.referrals],
                "npi_shown": [r.npi_shown for r in self.referrals],
                "payer": [r.payer for r in self.referrals],
                "outcome": [r.outcome for r in self.referrals],
                "visits": [r.visits for r in self.referrals],
                "charges": [r.charges for r in self.referrals],
                "payments": [r.payments for r in self.referrals],
            }
        )


def spelling_key(name: str, type_label: str) -> str:
    """The truth-table spelling of an export row: its referrer name, or where that cell is
    blank its source-type cell ("Google", "Self Referral", "(Unassigned)"; a partner type
    such as "Physician" with no name is unknown), or "" when both are blank."""
    return name or type_label
