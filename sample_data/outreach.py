"""Outreach activities: visits, lunches and events by staff, with costs and notes."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sample_data.network import Referrer
from sample_data.practice import CLINIC_STAFF, CLINICS, END, START
from sample_data.records import Activity

# Outreach activities

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


def build_activities(seed: int, referrers: list[Referrer]) -> list[Activity]:
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
