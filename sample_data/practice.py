"""The fictional practice: clinics, files and headers, name lists, payers, seasons, outcomes."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

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

# Name lists. Patient surnames share nothing with clinician, staff or organisation names,
# so a test can look for patient names anywhere without false alarms.
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


def fold(text: str) -> str:
    """Lower-case, accent-free: how the name lists are kept apart."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
