"""Seeded generator of the sample exports (and of large benchmark files).

    python -m sample_data.generate [--out DIR] [--seed 42]        # the committed sample files
    python -m sample_data.generate --rows 1000000 [--out DIR] [--xlsx-rows M]   # benchmarks

Default mode writes the exports of "Summit Physical Therapy" (three clinics, each exporting
in a different EMR shape), a marketing outreach log, a small monthly summary of a separate
clinic and `truth.csv`, the ground truth of who each referrer spelling really is. Output is
byte-for-byte reproducible for a given seed: every random draw comes from `random.Random`
or `numpy.random.default_rng` seeded from `--seed`, and workbooks carry fixed timestamps.

Everything is fake: practices, clinicians, NPIs (valid check digits, made up), patients, MRNs.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
import sys
import time
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.xml.functions import tostring

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_SEED = 42

PRACTICE = "Summit Physical Therapy"
CLINICS: tuple[str, ...] = ("Northside", "Riverside", "Lakeside")
START = date(2024, 11, 1)
END = date(2026, 10, 31)
# Workbook metadata and zip entry times: fixed, so the committed .xlsx never drift.
FIXED_TIMESTAMP = datetime(2026, 11, 2, 8, 0, 0)

WEBPT_FILE = "northside_webpt_referrals.xlsx"
CASE_FILE = "riverside_case_export.csv"
LOG_FILE = "lakeside_referral_log.csv"
OUTREACH_FILE = "outreach_log.xlsx"
SUMMARY_FILE = "monthly_summary_example.xlsx"
TRUTH_FILE = "truth.csv"
REFERRAL_FILES: tuple[str, ...] = (WEBPT_FILE, CASE_FILE, LOG_FILE)
GENERATED_FILES: tuple[str, ...] = (*REFERRAL_FILES, OUTREACH_FILE, SUMMARY_FILE, TRUTH_FILE)
CLINIC_FILE = dict(zip(CLINICS, REFERRAL_FILES, strict=True))

# The source types of METRICS.md (kept local: this package does not import `analytics`).
PARTNER_SOURCE_TYPES = (
    "physician",
    "physician_extender",
    "chiropractor",
    "health_wellness",
    "organization",
)
CHANNEL_SOURCE_TYPES = ("patient", "self", "marketing", "unknown")

WEBPT_HEADER = (
    "Referral Received Date",
    "Patient Name",
    "Case ID",
    "Referral Source",
    "Referral Contact",
    "Referring NPI",
    "Primary Treatment Clinic",
    "Insurance",
    "Referred by Physician",
    "Initial Evaluation Date",
    "Visits",
    "Total Charges",
    "Total Payments",
)
CASE_HEADER = (
    "Case ID",
    "Patient Name",
    "MRN",
    "Referral Date",
    "Referring Provider",
    "Referring Organization",
    "NPI",
    "Location",
    "Payer",
    "Eval Date",
    "Visits",
    "Charges",
    "Payments",
    "Discharge Date",
)
LOG_HEADER = (
    "Date Referred",
    "Patient",
    "Referred By",
    "Referral Type",
    "Location",
    "Evaluated? (Y/N)",
    "# Visits",
    "Amount Collected",
)
OUTREACH_HEADER = ("Date", "Referral Partner", "Activity", "Cost", "Staff", "Notes")
SUMMARY_HEADER = ("Month", "Referral Source", "Referrer", "New Patients", "Revenue")
TRUTH_HEADER = (
    "spelling",
    "npi",
    "partner_id",
    "canonical_name",
    "source_type",
    "organization",
    "referrals",
    "activities",
    "files",
)

# --------------------------------------------------------------------------------------
# Name lists. Patient surnames share nothing with clinician, staff or organisation names,
# so a test can look for patient names anywhere without false alarms.
# --------------------------------------------------------------------------------------
PATIENT_FIRST = (
    "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "William", "Linda",
    "David", "Elizabeth", "Richard", "Barbara", "Joseph", "Susan", "Thomas", "Jessica",
    "Charles", "Sarah", "Christopher", "Karen", "Daniel", "Nancy", "Matthew", "Lisa",
    "Anthony", "Betty", "Mark", "Margaret", "Donald", "Sandra", "Steven", "Ashley",
    "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle",
    "Kevin", "Carol", "Brian", "Amanda", "George", "Dorothy", "Timothy", "Melissa",
    "Ronald", "Deborah", "Edward", "Stephanie", "Jason", "Rebecca", "Jeffrey", "Sharon",
    "Ryan", "Laura", "Jacob", "Cynthia", "Gary", "Kathleen", "Nicholas", "Amy",
    "Eric", "Angela", "Jonathan", "Shirley", "Stephen", "Anna", "Larry", "Brenda",
    "Justin", "Pamela", "Scott", "Emma", "Brandon", "Nicole", "Benjamin", "Helen",
    "Samuel", "Samantha", "Gregory", "Katherine", "Frank", "Christine", "Alexander", "Debra",
    "Raymond", "Rachel", "Patrick", "Carolyn", "Jack", "Janet", "Dennis", "Catherine",
    "Jerry", "Maria", "Tyler", "Heather", "Aaron", "Diane", "Luis", "Sofía",
    "Inés", "René", "Zoë", "Chloé", "Andrés", "Noah", "Olivia", "Liam",
)  # fmt: skip
PATIENT_LAST = (
    "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernández", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson",
    "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez",
    "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins",
    "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz",
    "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Howard", "Ramos", "Cox",
    "Ward", "Richardson", "Watson", "Wood", "Bennett", "Gray", "Mendoza", "Castillo",
    "Sanders", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins",
    "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
    "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Hamilton", "Graham",
    "Reynolds", "Griffin", "Wallace", "Moreno", "Cole", "Hayes", "Bryant", "Herrera",
    "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford",
    "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods", "Kennedy",
    "Wells", "Vargas", "Chavez", "Muñoz", "Peña", "Olsen", "Doyle", "Schultz",
)  # fmt: skip
# Clinician names of the long tail (and of the 5,000 partners of large mode).
REFERRER_FIRST = (
    "Aaron", "Adam", "Adrian", "Aisha", "Alan", "Amit", "Andrea", "Arjun", "Beatrice",
    "Bradley", "Caroline", "Carlos", "Claire", "Colin", "Dana", "Diego", "Edwin", "Elena",
    "Ethan", "Farah", "Felix", "Fiona", "Gavin", "Grace", "Hannah", "Harold", "Ian", "Irene",
    "Isaac", "Jamal", "Janice", "Jonah", "Julia", "Kara", "Keith", "Leah", "Leon", "Lillian",
    "Lucas", "Marcus", "Meera", "Miles", "Naomi", "Neil", "Nora", "Oliver", "Omar", "Paige",
    "Peter", "Quentin", "Rebekah", "Roger", "Rosa", "Ruth", "Sanjay", "Simone", "Stuart",
    "Tara", "Theo", "Trevor", "Ursula", "Valerie", "Vincent", "Wendy", "Xavier", "Yusuf",
    "Yvonne", "Zachary", "Zara", "Wesley", "Gloria", "Russ",
)  # fmt: skip
REFERRER_LAST = (
    "Abernathy", "Adebayo", "Ahmed", "Akers", "Ashford", "Baptiste", "Bellamy", "Bergstrom",
    "Blackwell", "Bose", "Brandt", "Calloway", "Carrington", "Castellano", "Chang",
    "Chaudhry", "Cohen", "Costa", "Crane", "Dalton", "Das", "Delgado", "Desai", "Donovan",
    "Drummond", "Eastman", "Eriksen", "Farrow", "Feldman", "Finch", "Fitzgerald", "Forsyth",
    "Gallagher", "Garland", "Goldberg", "Greer", "Gupta", "Halverson", "Hargrove",
    "Hawthorne", "Ibrahim", "Iverson", "Jacobs", "Kaplan", "Keller", "Kovacs", "Lachance",
    "Landry", "Lindqvist", "Lowell", "Maddox", "Malhotra", "Mercer", "Molina", "Nakamura",
    "Novak", "Oduya", "Okonkwo", "Pham", "Quinlan", "Rahman", "Rasmussen", "Reddy", "Renner",
    "Rosen", "Sato", "Schaefer", "Shapiro", "Sinclair", "Sorensen", "Stanton", "Sterling",
    "Tanaka", "Thornton", "Ueda", "Vance", "Varga", "Voss", "Wagner", "Webb", "Weiss",
    "Whitaker", "Winslow", "Yamamoto", "Yilmaz", "Zimmerman", "Ziegler", "Abbott", "Barrett",
    "Hoffman", "Kowalski", "Lindgren", "Mahoney", "Nash", "Prescott", "Sheridan", "Talbot",
    "Underwood", "Vickers", "Wolfe",
)  # fmt: skip
STAFF = ("Megan Price", "Tom Reyes", "Alicia Grant", "Derek Wu")
CLINIC_STAFF = {"Northside": "Tom Reyes", "Riverside": "Alicia Grant", "Lakeside": "Derek Wu"}

PAYERS: tuple[tuple[str, float, float], ...] = (
    # name, share of referrals, payments / charges
    ("Medicare", 0.28, 0.56),
    ("Blue Cross Blue Shield", 0.21, 0.66),
    ("Aetna", 0.12, 0.65),
    ("UnitedHealthcare", 0.12, 0.61),
    ("Cigna", 0.06, 0.64),
    ("Medicaid", 0.05, 0.42),
    ("Workers Comp", 0.05, 0.80),
    ("Auto/PI", 0.02, 0.72),
    ("Self Pay", 0.06, 0.55),
    ("Tricare", 0.03, 0.58),
)
PAYER_NAMES = tuple(p[0] for p in PAYERS)
PAYER_WEIGHTS = tuple(p[1] for p in PAYERS)
PAYER_RATIO = {p[0]: p[2] for p in PAYERS}

# Month-of-year and weekday factors of the referral rate (winter high, holidays and summer
# low; referrals arrive on working days).
SEASON = {1: 1.12, 2: 1.08, 3: 1.10, 4: 1.04, 5: 1.00, 6: 0.92, 7: 0.84, 8: 0.94,
          9: 1.05, 10: 1.07, 11: 0.97, 12: 0.83}  # fmt: skip
SPORTS_SEASON = {1: 0.9, 2: 1.0, 3: 1.1, 4: 1.0, 5: 0.8, 6: 0.45, 7: 0.45, 8: 1.5,
                 9: 1.8, 10: 1.7, 11: 1.3, 12: 0.8}  # fmt: skip
WEEKDAY = (1.15, 1.10, 1.10, 1.05, 0.95, 0.12, 0.04)
HOLIDAY_DATES = (
    "2024-11-28", "2024-12-24", "2024-12-25", "2025-01-01", "2025-05-26", "2025-07-04",
    "2025-09-01", "2025-11-27", "2025-12-24", "2025-12-25", "2026-01-01", "2026-05-25",
    "2026-07-03", "2026-09-07",
)  # fmt: skip
HOLIDAYS = frozenset(date.fromisoformat(d) for d in HOLIDAY_DATES)

CONVERSION = {
    "physician": 0.81,
    "physician_extender": 0.80,
    "chiropractor": 0.77,
    "health_wellness": 0.76,
    "organization": 0.86,
    "patient": 0.87,
    "self": 0.90,
    "marketing": 0.62,
    "unknown": 0.66,
}

# --------------------------------------------------------------------------------------
# NPI: 10 digits, the last a Luhn check digit computed over "80840" + the first nine.
# --------------------------------------------------------------------------------------


def npi_check_digit(first9: str) -> int:
    """The Luhn check digit of an NPI whose first nine digits are `first9`."""
    total = 0
    for i, ch in enumerate(reversed("80840" + first9)):
        d = int(ch)
        if i % 2 == 0:  # the digit next to the (future) check digit is doubled
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    """True for a 10-digit string whose check digit is right."""
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == int(npi[9])


def make_npi(rnd: random.Random, taken: set[str]) -> str:
    """A new valid NPI (first digit 1, as individual NPIs have), unique within `taken`."""
    while True:
        first9 = "1" + "".join(str(rnd.randrange(10)) for _ in range(8))
        npi = first9 + str(npi_check_digit(first9))
        if npi not in taken:
            taken.add(npi)
            return npi


def mistype_npi(rnd: random.Random, npi: str) -> str:
    """The NPI with two neighbouring digits swapped: a typo the check digit catches."""
    while True:
        i = rnd.randrange(1, 8)
        if npi[i] != npi[i + 1]:
            typo = npi[:i] + npi[i + 1] + npi[i] + npi[i + 2 :]
            if not npi_is_valid(typo):
                return typo


# --------------------------------------------------------------------------------------
# The referral network
# --------------------------------------------------------------------------------------


@dataclass
class Referrer:
    """One real-world referral source (partner or channel) and how it behaves."""

    pid: str
    source_type: str
    kind: str  # physician, pa, np, chiro, at, massage, gym, dentist, ..., patient, google
    first: str = ""
    last: str = ""
    cred: str = ""
    middle: str = ""
    org_name: str = ""  # name of an organisation-like source (gym, employer...)
    organization: str = ""  # the group / practice / health system it belongs to
    npi: str = ""
    expected: float = 0.0  # expected referrals over the 24 months (Poisson mean)
    exact: int | None = None  # exact referral count instead (long tail)
    profile: str = "steady"  # steady | declining | dormant | new | bump | sports
    profile_date: date | None = None
    clinic_weights: tuple[float, float, float] = (0.42, 0.34, 0.24)
    house: dict[str, str] = field(default_factory=dict)  # file -> house spelling style
    outreach: str = ""  # outreach plan, see _build_activities
    aliases: tuple[str, ...] = ()  # how the outreach log types the partner

    @property
    def is_person(self) -> bool:
        return bool(self.last)

    @property
    def is_partner(self) -> bool:
        return self.source_type in PARTNER_SOURCE_TYPES

    @property
    def name(self) -> str:
        """Canonical name: "Maria Okafor, MD", "Iron Valley Fitness", "Google"."""
        if self.is_person:
            return f"{self.first} {self.last}, {self.cred}"
        return self.org_name


SOA = "Summit Orthopedic Associates"

WEBPT_LABEL = {
    "physician": "Physician",
    "pa": "Physician Assistant",
    "np": "Nurse Practitioner",
    "chiro": "Chiropractor",
    "at": "Athletic Trainer",
    "massage": "Massage Therapist",
    "gym": "Gym/Fitness",
    "yoga": "Gym/Fitness",
    "dentist": "Dentist",
    "podiatrist": "Podiatrist",
    "employer": "Employer",
    "attorney": "Attorney",
}
LOG_LABEL = {
    "physician": (("Doctor", 0.6), ("MD", 0.2), ("Physician", 0.2)),
    "pa": (("PA", 1.0),),
    "np": (("NP", 1.0),),
    "chiro": (("Chiro", 0.7), ("Chiropractor", 0.3)),
    "at": (("Trainer", 0.6), ("ATC", 0.4)),
    "massage": (("Massage", 1.0),),
    "gym": (("Gym", 1.0),),
    "yoga": (("Yoga", 1.0),),
    "dentist": (("Dentist", 1.0),),
    "podiatrist": (("Podiatrist", 1.0),),
    "employer": (("Employer", 0.6), ("Work comp", 0.4)),
    "attorney": (("Attorney", 0.7), ("Lawyer", 0.3)),
}
# How each export shows the non-partner channels: ((name, type label), weight).
CHANNEL_FORMS: dict[str, dict[str, tuple[tuple[tuple[str, str], float], ...]]] = {
    WEBPT_FILE: {
        "patient": ((("", "Patient Referral"), 0.6), (("", "Friend/Family"), 0.4)),
        "self": ((("", "Self Referral"), 0.5), (("", "Direct Access"), 0.5)),
        "google": ((("", "Google"), 1.0),),
        "website": ((("", "Website"), 1.0),),
        "facebook": ((("", "Facebook"), 1.0),),
        # A partner type with no contact counts as unknown (METRICS.md).
        "unknown": ((("", "(Unassigned)"), 0.8), (("", "Physician"), 0.2)),
    },
    CASE_FILE: {
        "patient": (
            (("Patient Referral", ""), 0.55),
            (("Friend/Family", ""), 0.35),
            (("PATIENT REFERRAL", ""), 0.10),
        ),
        "self": ((("Self Referral", ""), 0.5), (("Direct Access", ""), 0.35), (("Self", ""), 0.15)),
        "google": ((("Google", ""), 0.8), (("Internet - Google", ""), 0.2)),
        "website": ((("Website", ""), 1.0),),
        "facebook": ((("Facebook", ""), 1.0),),
        "unknown": ((("", ""), 0.7), (("Other", ""), 0.2), (("Unknown", ""), 0.1)),
    },
    LOG_FILE: {
        "patient": (
            (("", "Patient"), 0.35),
            (("Friend", "Friend/Family"), 0.2),
            (("Former patient", "Patient"), 0.2),
            (("Family member", "Friend/Family"), 0.1),
            (("", "Word of mouth"), 0.15),
        ),
        "self": ((("", "Self"), 0.4), (("Walk-in", "Walk-in"), 0.3), (("", "Direct access"), 0.3)),
        "google": ((("Google", "Internet"), 0.6), (("google", "Online"), 0.4)),
        "website": ((("Website", "Internet"), 1.0),),
        "facebook": ((("Facebook", "Social media"), 0.6), (("Facebook ad", "Social media"), 0.4)),
        "unknown": (
            (("", ""), 0.55),
            (("", "Other"), 0.3),
            (("?", ""), 0.05),
            (("", "Doctor"), 0.10),
        ),
    },
}

DOCTOR_CREDS = frozenset({"MD", "DO", "DC", "DDS", "DPM"})
DOTTED = {
    "MD": "M.D.",
    "DO": "D.O.",
    "DC": "D.C.",
    "DDS": "D.D.S.",
    "DPM": "D.P.M.",
    "NP": "N.P.",
    "FNP": "F.N.P.",
    "PA-C": "P.A.-C",
    "ATC": "A.T.C.",
    "LMT": "L.M.T.",
}
# Spelling styles: a "house" spelling per file (the contact as entered once in the EMR, or
# the log keeper's habit), and variants drawn from these weights on some rows.
STYLE_WEIGHTS = {
    WEBPT_FILE: {"natural": 0.55, "last_first_cred": 0.25, "dr": 0.12, "natural_nc": 0.08},
    CASE_FILE: {
        "last_first_cred": 0.75,
        "upper_last_first": 0.09,
        "last_first_dot": 0.08,
        "middle": 0.08,
    },
    LOG_FILE: {
        "dr": 0.33,
        "natural_nc": 0.20,
        "natural_dot": 0.12,
        "spaces": 0.10,
        "dr_nodot": 0.10,
        "lower": 0.08,
        "dr_cred": 0.07,
    },
}
ORG_STYLE_WEIGHTS = {
    WEBPT_FILE: {"exact": 1.0},
    CASE_FILE: {"exact": 0.85, "upper": 0.15},
    LOG_FILE: {"exact": 0.7, "spaces": 0.15, "lower": 0.15},
}
VARIANT_RATE = {WEBPT_FILE: 0.2, CASE_FILE: 0.15, LOG_FILE: 0.45}
HOUSE_STYLE = {CASE_FILE: "last_first_cred"}


def person_forms(r: Referrer) -> dict[str, str]:
    """Every spelling style of a person, all resolvable to first + last name."""
    f, last, c = r.first, r.last, r.cred
    dot = DOTTED.get(c, c)
    forms = {
        "natural": f"{f} {last}, {c}",
        "natural_nc": f"{f} {last} {c}",
        "natural_dot": f"{f} {last}, {dot}",
        "last_first_cred": f"{last}, {f} {c}",
        "last_first_dot": f"{last}, {f} {dot}",
        "upper_last_first": f"{last.upper()}, {f.upper()}",
        "spaces": f" {f}  {last} ",
        "lower": f"{f.lower()} {last.lower()}",
    }
    if c in DOCTOR_CREDS:
        forms["dr"] = f"Dr. {f} {last}"
        forms["dr_nodot"] = f"Dr {f} {last}"
        forms["dr_cred"] = f"Dr. {f} {last} {c}"
    if r.middle:
        forms["middle"] = f"{last}, {f} {r.middle} {c}"
    return forms


def org_forms(r: Referrer) -> dict[str, str]:
    n = r.org_name
    return {"exact": n, "upper": n.upper(), "spaces": f" {n} ", "lower": n.lower()}


def _pick(rnd: random.Random, weighted: dict | tuple):
    """Weighted choice from {value: weight} or ((value, weight), ...)."""
    items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    values = [v for v, _ in items]
    return rnd.choices(values, weights=[w for _, w in items])[0]


# Expected referrals over the 24 months: shares below are percentages of this.
EXPECTED_TOTAL = 7200


def _cast(rnd: random.Random, taken: set[str]) -> list[Referrer]:
    """The named referrers of the sample practice: big, declining, dormant, new..."""

    def doc(pid, first, last, cred, kind, stype, pct, **kw) -> Referrer:
        npi = "" if kw.pop("no_npi", False) else make_npi(rnd, taken)
        expected = pct * EXPECTED_TOTAL / 100
        return Referrer(
            pid, stype, kind, first=first, last=last, cred=cred, npi=npi, expected=expected, **kw
        )

    def org(pid, name, kind, stype, pct, **kw) -> Referrer:
        expected = pct * EXPECTED_TOTAL / 100
        return Referrer(pid, stype, kind, org_name=name, expected=expected, **kw)

    ph, px, ch, hw, og = PARTNER_SOURCE_TYPES
    return [
        # The dominant orthopedic surgeon, about 20% of all referrals.
        doc("P001", "Maria", "Okafor", "MD", "physician", ph, 20.0, middle="T",
            organization=SOA, clinic_weights=(0.45, 0.38, 0.17), outreach="key",
            aliases=("Dr. Okafor", "Okafor Ortho", "Maria Okafor MD", "Dr. Maria Okafor",
                     "Summit Ortho (Okafor)")),
        # Big, and cooling off over the last six months (outreach lapsed a year ago).
        doc("P002", "Robert", "Hughes", "DO", "physician", ph, 6.8,
            organization="Hughes Spine & Sports", profile="declining",
            profile_date=date(2026, 5, 1), clinic_weights=(0.36, 0.30, 0.34),
            outreach="lapsed", aliases=("Dr. Hughes", "Hughes Spine", "Robert Hughes DO")),
        doc("P003", "Priya", "Natarajan", "MD", "physician", ph, 6.3, organization=SOA,
            clinic_weights=(0.25, 0.55, 0.20), outreach="key",
            aliases=("Dr. Natarajan", "Priya Natarajan MD", "Natarajan - Summit Ortho")),
        # Two different doctors named Smith (different NPIs, groups and clinics).
        doc("P004", "John", "Smith", "MD", "physician", ph, 5.6, middle="R",
            organization="Valley Primary Care", clinic_weights=(0.50, 0.35, 0.15)),
        doc("P005", "Jane", "Smith", "DO", "physician", ph, 1.0,
            organization="Riverside Family Medicine", clinic_weights=(0.10, 0.75, 0.15),
            outreach="light",
            aliases=("Dr. Jane Smith", "Jane Smith DO", "Dr. Smith (Riverside Family Med)")),
        # Dormant: about 4-5 a month, then nothing after mid-July 2026.
        doc("P006", "Samuel", "Osei", "MD", "physician", ph, 1.3, organization=SOA,
            profile="dormant", profile_date=date(2026, 7, 18),
            clinic_weights=(0.45, 0.35, 0.20)),
        # A lunch & learn on 2025-09-16, followed by a referral bump.
        doc("P007", "Angela", "Ruiz", "MD", "physician", ph, 0.6,
            organization="Lakeshore Sports Medicine", profile="bump",
            profile_date=date(2025, 9, 16), clinic_weights=(0.15, 0.20, 0.65),
            outreach="bump", aliases=("Dr. Ruiz", "Angela Ruiz MD", "Lakeshore Sports Med")),
        # Heavy outreach, few referrals.
        doc("P008", "Gregory", "Lane", "MD", "physician", ph, 0.1,
            organization="Northgate Internal Medicine", clinic_weights=(0.7, 0.2, 0.1),
            outreach="heavy", aliases=("Dr. Lane", "Greg Lane MD", "Northgate IM (Dr. Lane)")),
        # New partners of the last three months.
        doc("P009", "Emily", "Hart", "MD", "physician", ph, 0.25, organization=SOA,
            profile="new", profile_date=date(2026, 8, 10), clinic_weights=(0.5, 0.4, 0.1),
            outreach="new", aliases=("Dr. Emily Hart", "Dr. Hart (new @ Summit Ortho)")),
        doc("P010", "Kenneth", "Albright", "MD", "physician", ph, 2.2,
            organization="Lakeview Orthopedics", clinic_weights=(0.2, 0.3, 0.5),
            outreach="light", aliases=("Dr. Albright", "Ken Albright MD")),
        doc("P011", "Helen", "Marsh", "DO", "physician", ph, 1.8,
            organization="St. Anne's Medical Group", clinic_weights=(0.4, 0.4, 0.2),
            outreach="light", aliases=("Dr. Marsh", "Helen Marsh DO - St Anne's")),
        # Physician assistants and nurse practitioners of the orthopedic groups.
        doc("P012", "Kelly", "Brennan", "PA-C", "pa", px, 1.8, organization=SOA,
            clinic_weights=(0.5, 0.4, 0.1), outreach="light",
            aliases=("Kelly Brennan PA", "Kelly (Okafor's PA)")),
        doc("P013", "Anne-Marie", "Dubois", "NP", "np", px, 1.2, organization=SOA,
            clinic_weights=(0.3, 0.6, 0.1), outreach="light",
            aliases=("Anne-Marie Dubois NP", "AM Dubois NP")),
        doc("P014", "Tom", "Alvarez", "PA-C", "pa", px, 1.3, organization="Lakeview Orthopedics",
            clinic_weights=(0.2, 0.2, 0.6), outreach="light",
            aliases=("Tom Alvarez PA-C", "Alvarez PA (Lakeview Ortho)")),
        doc("P015", "Rachel", "Kim", "FNP", "np", px, 0.8,
            organization="Riverside Family Medicine", clinic_weights=(0.1, 0.8, 0.1),
            outreach="light", aliases=("Rachel Kim NP",)),
        # Chiropractors (one with an accented name, one with an apostrophe).
        doc("P016", "José", "Núñez", "DC", "chiro", ch, 1.5,
            organization="Núñez Family Chiropractic", clinic_weights=(0.1, 0.1, 0.8),
            house={LOG_FILE: "dr_cred"}, outreach="light",
            aliases=("Dr. Nunez", "Núñez Chiropractic", "Jose Nunez DC")),
        doc("P017", "Kevin", "O'Brien", "DC", "chiro", ch, 1.2, organization="O'Brien Chiropractic",
            clinic_weights=(0.5, 0.3, 0.2), outreach="light",
            aliases=("Dr. O'Brien", "OBrien Chiro")),
        doc("P018", "Laura", "Chen", "DC", "chiro", ch, 0.8, organization="Align Chiropractic",
            clinic_weights=(0.2, 0.6, 0.2), outreach="light",
            aliases=("Dr. Chen (Align Chiro)", "Align Chiropractic")),
        doc("P019", "Brian", "Walsh", "DC", "chiro", ch, 0.6, clinic_weights=(0.4, 0.2, 0.4)),
        doc("P020", "Ben", "Fox", "DC", "chiro", ch, 0.15, organization="Coastal Chiropractic",
            profile="new", profile_date=date(2026, 9, 1), clinic_weights=(0.2, 0.2, 0.6),
            outreach="new", aliases=("Coastal Chiro - Dr. Fox", "Dr. Ben Fox")),
        # Health & wellness.
        doc("P021", "Mike", "Dunn", "ATC", "at", hw, 1.0, organization="Northside High School",
            profile="sports", clinic_weights=(0.8, 0.1, 0.1), outreach="at",
            aliases=("Coach Dunn (Northside HS)", "Mike Dunn ATC")),
        doc("P022", "Jessica", "Park", "ATC", "at", hw, 0.8, no_npi=True,
            organization="Riverside University Athletics", profile="sports",
            clinic_weights=(0.1, 0.8, 0.1), outreach="at",
            aliases=("Jessica Park - RU Athletics", "RU athletic trainer (Jessica)")),
        doc("P023", "Karen", "Lee", "LMT", "massage", hw, 0.4, no_npi=True,
            clinic_weights=(0.3, 0.3, 0.4), outreach="light", aliases=("Karen Lee massage",)),
        org("P024", "Iron Valley Fitness", "gym", hw, 0.3, clinic_weights=(0.6, 0.2, 0.2),
            outreach="heavy", aliases=("Iron Valley gym", "Iron Valley Fitness", "IV Fitness")),
        org("P025", "Peak Performance Gym", "gym", hw, 0.12, profile="new",
            profile_date=date(2026, 8, 20), clinic_weights=(0.3, 0.6, 0.1), outreach="new",
            aliases=("Peak Performance", "Peak Perf. gym")),
        org("P026", "Lotus Yoga Studio", "yoga", hw, 0.2, clinic_weights=(0.2, 0.2, 0.6)),
        doc("P027", "Paul", "Becker", "DDS", "dentist", hw, 0.25,
            clinic_weights=(0.5, 0.3, 0.2), outreach="light", aliases=("Dr. Becker (dentist)",)),
        doc("P028", "Anita", "Rao", "DPM", "podiatrist", hw, 0.6,
            organization="Summit Foot & Ankle", clinic_weights=(0.4, 0.4, 0.2),
            outreach="light", aliases=("Dr. Rao DPM", "Summit Foot & Ankle")),
        # Organisations.
        org("P029", "Riverbend Logistics", "employer", og, 1.0,
            clinic_weights=(0.3, 0.6, 0.1), outreach="employer",
            aliases=("Riverbend Logistics HR", "Riverbend (employer)")),
        org("P030", "Hale & Morrow Law", "attorney", og, 0.7, clinic_weights=(0.4, 0.3, 0.3),
            outreach="attorney", aliases=("Hale & Morrow", "Hale and Morrow Law")),
    ]  # fmt: skip


CHANNELS: tuple[tuple[str, str, str, float, tuple[float, float, float]], ...] = (
    # pid, canonical name, source_type, share (%), clinic weights
    ("CH-PATIENT", "Patient referral", "patient", 10.0, (0.34, 0.30, 0.36)),
    ("CH-SELF", "Self referral", "self", 8.0, (0.40, 0.35, 0.25)),
    ("CH-GOOGLE", "Google", "marketing", 2.5, (0.45, 0.35, 0.20)),
    ("CH-WEBSITE", "Website", "marketing", 1.5, (0.45, 0.35, 0.20)),
    ("CH-FACEBOOK", "Facebook", "marketing", 1.0, (0.40, 0.30, 0.30)),
    ("CH-UNKNOWN", "Unknown", "unknown", 3.0, (0.45, 0.35, 0.20)),
)
OTHER_GROUPS = (
    (SOA, 0.15),
    ("Riverside Family Medicine", 0.10),
    ("Valley Primary Care", 0.10),
    ("Lakeview Orthopedics", 0.08),
    ("St. Anne's Medical Group", 0.08),
    ("", 0.49),
)


def _build_referrers(rnd: random.Random, rng: np.random.Generator) -> list[Referrer]:
    taken: set[str] = set()
    refs = _cast(rnd, taken)
    used_last = {r.last for r in refs if r.last}
    # The long tail: 80 physicians, 1-30 referrals each over the two years.
    lasts = [n for n in REFERRER_LAST if n not in used_last]
    rnd.shuffle(lasts)
    clinic_sizes = (0.42, 0.34, 0.24)
    tail: list[Referrer] = []
    for i, last in enumerate(lasts[:80]):
        home = rnd.choices(range(3), weights=clinic_sizes)[0]
        w = [0.07, 0.07, 0.07]
        w[home] = 0.86
        n = int(min(30, max(1, round(rng.lognormal(2.2, 0.9)))))
        tail.append(
            Referrer(
                f"P{101 + i:03d}",
                "physician",
                "physician",
                first=rnd.choice(REFERRER_FIRST),
                last=last,
                cred="MD" if rnd.random() < 0.72 else "DO",
                middle=rnd.choice("ABCDEFGHJKLMNPRSTW") if rnd.random() < 0.3 else "",
                organization=_pick(rnd, OTHER_GROUPS),
                npi=make_npi(rnd, taken),
                exact=n,
                clinic_weights=(w[0], w[1], w[2]),
            )
        )
    for r in tail[:4]:  # four of the long tail get a little outreach
        r.outreach = "light"
        r.aliases = (f"Dr. {r.last}", f"{r.first} {r.last} {r.cred}")
    refs.extend(tail)
    for pid, name, stype, pct, weights in CHANNELS:
        refs.append(
            Referrer(
                pid,
                stype,
                pid.removeprefix("CH-").lower(),
                org_name=name,
                expected=pct * EXPECTED_TOTAL / 100,
                clinic_weights=weights,
            )
        )
    return refs


# --------------------------------------------------------------------------------------
# Referrals
# --------------------------------------------------------------------------------------


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
        return _pick(rnd, CHANNEL_FORMS[file][r.kind])
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
        house[key] = style if style in forms else _pick(rnd, weights)
    style = _pick(rnd, weights) if rnd.random() < VARIANT_RATE[file] else house[key]
    name = forms[style]
    if file == WEBPT_FILE:
        label = WEBPT_LABEL[r.kind]
    elif file == LOG_FILE:
        label = _pick(rnd, LOG_LABEL[r.kind])
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


def _build_referrals(seed: int, referrers: list[Referrer]) -> list[Referral]:
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


# --------------------------------------------------------------------------------------
# Outreach activities
# --------------------------------------------------------------------------------------

ACTIVITY_NOTES = {
    "Lunch & Learn": (
        "Lunch & learn: post-op knee protocol",
        "Brought lunch for front desk and MAs",
        "Lunch for 8, presented vestibular program",
        "Lunch & learn: dry needling",
        "Presented new shoulder program",
    ),
    "Office Visit": (
        "Dropped off referral pads",
        "Met with office manager",
        "Brought coffee and new brochures",
        "Stopped by, doctor in surgery",
        "",
    ),
    "Phone Call": (
        "Left voicemail",
        "Spoke with referral coordinator",
        "Follow-up on faxed referrals",
        "Thanked for recent referrals",
        "",
    ),
    "Email": ("Sent monthly newsletter", "Sent progress summary", "Shared new Lakeside hours"),
    "Holiday Gift": ("Holiday cookie tray", "Holiday gift basket", "Holiday treats for staff"),
    "In-service": (
        "In-service on ACL rehab timeline",
        "In-service: concussion return-to-play",
        "Staff in-service on shoulder protocols",
    ),
    "Event": (
        "Sponsored 5K booth",
        "Health fair table",
        "Game-day coverage thank-you",
        "Open house invite",
    ),
}


def _cost(rnd: random.Random, activity: str) -> float | None:
    if activity in ("Phone Call", "Email"):
        return None if rnd.random() < 0.3 else 0.0
    lo, hi = {
        "Lunch & Learn": (150, 450),
        "Holiday Gift": (50, 120),
        "Office Visit": (0, 40),
        "In-service": (75, 200),
        "Event": (100, 500),
    }[activity]
    if activity == "Office Visit" and rnd.random() < 0.5:
        return 0.0
    return round(rnd.uniform(lo, hi), 2)


def _build_activities(seed: int, referrers: list[Referrer]) -> list[Activity]:
    rnd = random.Random(f"{seed}-outreach")
    months = [
        (START.year + (START.month - 1 + k) // 12, (START.month - 1 + k) % 12 + 1)
        for k in range(24)
    ]
    out: list[Activity] = []

    def day_in(y: int, m: int, lo: int = 1, hi: int = 28) -> date:
        while True:
            d = date(y, m, rnd.randint(lo, hi))
            if d.weekday() < 5:
                return d

    def add(r: Referrer, d: date, activity: str, staff: str | None = None, note=None) -> None:
        if d > END:
            return
        if staff is None:  # the marketing coordinator, or the director of its main clinic
            main = CLINICS[r.clinic_weights.index(max(r.clinic_weights))]
            staff = "Megan Price" if rnd.random() < 0.6 else CLINIC_STAFF[main]
        note = rnd.choice(ACTIVITY_NOTES[activity]) if note is None else note
        out.append(
            Activity(d, rnd.choice(r.aliases), r, activity, _cost(rnd, activity), staff, note)
        )

    for r in referrers:
        plan = r.outreach
        for y, m in months:
            first = date(y, m, 1)
            if plan == "key" or (plan == "lapsed" and first < date(2026, 1, 1)):
                if rnd.random() < 0.6:
                    add(r, day_in(y, m), "Office Visit")
                if rnd.random() < 0.4:
                    add(r, day_in(y, m), "Phone Call")
                if m in (3, 9):
                    add(r, day_in(y, m), "Lunch & Learn")
                if m == 6:
                    add(r, day_in(y, m), "In-service")
            elif plan == "heavy":
                if rnd.random() < 0.8:
                    add(r, day_in(y, m), "Lunch & Learn")
                if rnd.random() < 0.5:
                    add(r, day_in(y, m), "Office Visit")
                if m in (4, 10) and r.kind == "gym":
                    add(r, day_in(y, m), "Event")
                if rnd.random() < 0.3:
                    add(r, day_in(y, m), "Email")
            elif plan == "bump":
                if (y, m) == (2025, 9):
                    add(
                        r,
                        date(2025, 9, 16),
                        "Lunch & Learn",
                        "Megan Price",
                        "Lunch & learn: post-op ACL protocol, 10 attendees",
                    )
                elif (y, m) in ((2025, 7), (2025, 10), (2026, 3)):
                    add(r, day_in(y, m), "Office Visit")
                elif (y, m) == (2025, 8) or rnd.random() < 0.15:
                    add(r, day_in(y, m), "Phone Call")
            elif plan == "light" and rnd.random() < 0.12:
                add(r, day_in(y, m), rnd.choice(("Phone Call", "Office Visit", "Email")))
            elif plan == "at":
                if m == 8:
                    add(r, day_in(y, m), "In-service")
                if m in (10, 11) and rnd.random() < 0.6:
                    add(r, day_in(y, m), "Event")
                if rnd.random() < 0.15:
                    add(r, day_in(y, m), "Phone Call")
            elif plan == "employer":
                if m == 5:
                    add(r, day_in(y, m), "Event", note="Health fair table at warehouse")
                if rnd.random() < 0.1:
                    add(r, day_in(y, m), "Phone Call")
            elif plan == "attorney" and m == 2:
                add(r, day_in(y, m), "Lunch & Learn")
            regular = plan in ("key", "heavy", "bump", "at")
            if m == 12 and (
                regular or (plan in ("light", "employer", "attorney") and rnd.random() < 0.5)
            ):
                add(r, day_in(y, m, 1, 20), "Holiday Gift")
        if plan == "new" and r.profile_date:  # an introduction shortly before they start
            d = r.profile_date - timedelta(days=rnd.randint(12, 25))
            while d.weekday() >= 5:
                d -= timedelta(days=1)
            add(r, d, "Lunch & Learn" if r.is_person else "Event", "Megan Price")
            add(r, r.profile_date + timedelta(days=30), "Phone Call", "Megan Price")
    out.sort(key=lambda a: (a.activity_date, a.partner))
    return out


# --------------------------------------------------------------------------------------
# Summit Hills: a hand-kept monthly summary of a separate clinic (summary-reader tests)
# --------------------------------------------------------------------------------------

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


def _build_summary(seed: int) -> list[tuple]:
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


def build_sample(seed: int = DEFAULT_SEED) -> Sample:
    """Generate the sample practice (deterministic for a given seed)."""
    rnd = random.Random(f"{seed}-network")
    rng = np.random.default_rng([seed, 0])
    referrers = _build_referrers(rnd, rng)
    return Sample(
        seed,
        referrers,
        _build_referrals(seed, referrers),
        _build_activities(seed, referrers),
        _build_summary(seed),
    )


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------


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


def _cell(ws, value, number_format: str | None = None, bold: bool = False) -> WriteOnlyCell:
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
    ws.append([_cell(ws, "Referrals Report", bold=True)])
    ws.append([f"{PRACTICE} — Northside"])
    ws.append([f"Date Range: {START:%m/%d/%Y} - {END:%m/%d/%Y}"])
    ws.append([])
    ws.append([_cell(ws, h, bold=True) for h in WEBPT_HEADER])
    for x in referrals:
        npi: str | float | None = x.npi_shown or None
        if npi and x.npi_as_number:
            npi = float(npi)
        ws.append(
            [
                _cell(ws, x.referral_date, DATE_FMT),
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
                _cell(ws, x.eval_date, DATE_FMT) if x.eval_date else None,
                x.visits,
                _cell(ws, x.charges, MONEY_FMT),
                _cell(ws, x.payments, MONEY_FMT),
            ]
        )
    ws.append(
        [
            _cell(ws, "Grand Total", bold=True),
            *[None] * 9,
            sum(x.visits for x in referrals),
            _cell(ws, round(sum(x.charges for x in referrals), 2), MONEY_FMT, bold=True),
            _cell(ws, round(sum(x.payments for x in referrals), 2), MONEY_FMT, bold=True),
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
    ws.append([_cell(ws, h, bold=True) for h in OUTREACH_HEADER])
    for a in activities:
        ws.append(
            [
                _cell(ws, a.activity_date, "m/d/yyyy"),
                a.partner,
                a.activity,
                _cell(ws, a.cost, '"$"#,##0.00') if a.cost is not None else None,
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
    ws.append([_cell(ws, "Summit Hills PT — New Patients by Referral Source", bold=True)])
    ws.append([])
    ws.append([_cell(ws, h, bold=True) for h in SUMMARY_HEADER])
    for month, source, referrer, n, revenue in rows:
        ws.append(
            [
                month,
                source,
                referrer or None,
                n,
                _cell(ws, revenue, MONEY_FMT) if revenue is not None else None,
            ]
        )
    ws.append(
        [
            _cell(ws, "Grand Total", bold=True),
            None,
            None,
            sum(r[3] for r in rows),
            _cell(ws, round(sum(r[4] or 0.0 for r in rows), 2), MONEY_FMT, bold=True),
        ]
    )
    save_workbook_deterministic(wb, path)
    return len(rows)


def spelling_key(name: str, type_label: str) -> str:
    """The truth-table spelling of an export row: its referrer name, or where that cell is
    blank its source-type cell ("Google", "Self Referral", "(Unassigned)"; a partner type
    such as "Physician" with no name is unknown), or "" when both are blank."""
    return name or type_label


def truth_rows(sample: Sample) -> list[dict]:
    """One row per distinct spelling seen in the referral exports (see `spelling_key`) or
    typed in the outreach log, with the referrer it really is and how often it occurs."""
    refs: dict[str, Referrer] = {}
    referrals: Counter = Counter()
    activities: Counter = Counter()
    files: dict[str, set[str]] = defaultdict(set)

    def claim(key: str, r: Referrer) -> None:
        if refs.setdefault(key, r) is not r:
            raise AssertionError(f"spelling {key!r} used for {refs[key].pid} and {r.pid}")

    for x in sample.referrals:
        if x.ref.is_partner and not x.name:
            raise AssertionError(f"a partner shown without a name: {x.ref.pid}")
        key = spelling_key(x.name, x.label)
        claim(key, x.ref)
        referrals[key] += 1
        files[key].add(CLINIC_FILE[x.clinic])
    for a in sample.activities:
        claim(a.partner, a.ref)
        activities[a.partner] += 1
        files[a.partner].add(OUTREACH_FILE)
    out = []
    for key in sorted(refs, key=lambda k: (refs[k].pid, k)):
        r = refs[key]
        out.append(
            {
                "spelling": key,
                "npi": r.npi,
                "partner_id": r.pid,
                "canonical_name": r.name,
                "source_type": r.source_type,
                "organization": r.organization,
                "referrals": referrals[key],
                "activities": activities[key],
                "files": ";".join(sorted(files[key])),
            }
        )
    return out


def _write_truth(sample: Sample, path: Path) -> int:
    rows = truth_rows(sample)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, TRUTH_HEADER, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        w.writeheader()
        w.writerows(rows)
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
        TRUTH_FILE: _write_truth(sample, out / TRUTH_FILE),
    }


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


def fold(text: str) -> str:
    """Lower-case, accent-free: how the name lists are kept apart."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --------------------------------------------------------------------------------------
# Large mode (benchmarks): vectorised, ~60 clinics, ~5,000 partners, 10 years
# --------------------------------------------------------------------------------------

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
    ws.append([_cell(ws, "Referrals Report", bold=True)])
    ws.append([f"{PRACTICE} (benchmark) — All Clinics"])
    ws.append([f"Date Range: {start:%m/%d/%Y} - {END:%m/%d/%Y}"])
    ws.append([])
    ws.append([_cell(ws, h, bold=True) for h in WEBPT_HEADER])
    npi = cols["NPI"][idx]
    npi_cells = np.where(npi == "", None, npi)
    as_number = cols["_npi_as_number"][idx] & (npi != "")
    npi_cells[as_number] = npi[as_number].astype(np.float64)
    ev = cols["_eval_day"][idx]
    # One styled cell per date column, refilled for every row: append() writes the row
    # before it returns, and a fresh styled cell per value costs about a tenth of the time.
    received, evaluated = _cell(ws, START, DATE_FMT), _cell(ws, START, DATE_FMT)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.generate",
        description="Write the seeded sample exports (default) or large benchmark files.",
    )
    parser.add_argument(
        "--out", type=Path, help="output folder (default: sample_data/, or bench/out/ with --rows)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rows", type=int, help="large mode: rows of the benchmark CSV")
    parser.add_argument(
        "--xlsx-rows",
        type=int,
        default=200_000,
        help="large mode: cap on the rows of the .xlsx (default 200000, 0 = no workbook; "
        "openpyxl writes about 4,000 rows a second)",
    )
    args = parser.parse_args(argv)
    if args.rows is None:
        out = args.out or PACKAGE_DIR
        t0 = time.perf_counter()
        counts = write_sample(out, args.seed)
        for name, rows in counts.items():
            print(f"{out / name}: {rows:,} rows, {(out / name).stat().st_size:,} bytes")
        print(f"done in {time.perf_counter() - t0:.1f} s")
    else:
        if args.rows < 1 or args.xlsx_rows < 0:
            parser.error("--rows must be positive and --xlsx-rows not negative")
        out = args.out or Path.cwd() / "bench" / "out"
        result = write_large(args.rows, out, args.seed, xlsx_max=args.xlsx_rows)
        for step, (path, rows, seconds) in result.items():
            size = f", {path.stat().st_size:,} bytes" if path.is_file() else ""
            print(f"{step}: {path} {rows:,} rows in {seconds:.1f} s{size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
