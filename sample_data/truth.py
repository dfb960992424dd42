"""truth.csv: who each referrer spelling of the exports really is."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

from sample_data.network import Referrer
from sample_data.practice import CLINIC_FILE, OUTREACH_FILE, TRUTH_HEADER
from sample_data.records import Sample, spelling_key


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


def write_truth(sample: Sample, path: Path) -> int:
    rows = truth_rows(sample)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, TRUTH_HEADER, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        w.writeheader()
        w.writerows(rows)
    return len(rows)
