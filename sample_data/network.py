"""The referral network: referrers, how each export spells them, and the cast of sources."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from sample_data.npi import make_npi
from sample_data.practice import (
    CASE_FILE,
    LOG_FILE,
    PARTNER_SOURCE_TYPES,
    REFERRER_FIRST,
    REFERRER_LAST,
    WEBPT_FILE,
)

# The referral network


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
    outreach: str = ""  # outreach plan, see build_activities
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


def pick(rnd: random.Random, weighted: dict | tuple):
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


def build_referrers(rnd: random.Random, rng: np.random.Generator) -> list[Referrer]:
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
                organization=pick(rnd, OTHER_GROUPS),
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
