"""A store whose every user-supplied string is hostile Markdown, HTML or LaTeX.

Partner, clinic, payer, organisation, staff and file names, outreach notes, decision notes
and the practice's name all carry an image beacon, bold, a KaTeX link or an HTML tag pointing
at http://127.0.0.1:PORT, so a page that renders any of them fetches from that port.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from analytics.identity.decisions import record as record_decisions
from analytics.store import Store
from analytics.store.practices import save_profile
from tests.conftest import ROOT


def hostile_names(port: int) -> dict[str, str]:
    """The hostile strings, by what they attack."""
    return {
        "image": f"![b](http://127.0.0.1:{port}/x.png) Gym",
        "bold": "**x** Fitness",
        "latex": f"$\\href{{http://127.0.0.1:{port}/y}}{{z}}$ Chiro",
        "html": f'<img src="http://127.0.0.1:{port}/h.png"> Spine',
        "directive": ":red[Alert] Wellness",
    }


RAW_MARKERS = ("![b](", "**x**", "$\\href", "<img src=", ":red[Alert]")


def build(folder: Path, port: int) -> Path:
    """Load two years of referrals and outreach under hostile names; the store's path."""
    names = hostile_names(port)
    db = folder / "hostile.duckdb"
    types = ["Gym", "Gym", "Chiropractor", "Employer", "Gym"]
    start = date(2024, 1, 1)
    rows = []
    for i, (kind, name) in enumerate(names.items()):
        for d in range(0, 700, 9 + i):  # steady, then some stop: dormant and declining
            if kind in ("image", "latex") and d > 520:
                continue
            when = start + timedelta(days=d)
            rows.append(
                [
                    when.strftime("%m/%d/%Y"),
                    name,
                    types[i],
                    names["bold"] if d % 2 else names["image"],  # clinic
                    names["latex"] if d % 3 else names["html"],  # payer
                    f"{100 + d % 7}.25",
                    f"{1000 + d}",
                    names["directive"],  # organisation
                ]
            )
    referrals = folder / f"{names['bold']} $y$ ![i](z.png).csv".replace("/", "_")
    header = (
        "Referral Date,Referring Provider,Referral Type,Clinic,Insurance,Total Payments,MRN,"
        "Practice Group"
    )
    referrals.write_text(
        header + "\n" + "\n".join(",".join(_quoted(c) for c in r) for r in rows) + "\n"
    )
    activities = folder / "outreach $z$.csv"
    acts = []
    for i, name in enumerate(names.values()):
        for d in range(30, 700, 60):
            when = start + timedelta(days=d + i)
            acts.append([when.strftime("%m/%d/%Y"), name, "Lunch", "45.00", names["html"], name])
    activities.write_text(
        "Date,Referral Partner,Activity,Cost,Staff,Notes\n"
        + "\n".join(",".join(_quoted(c) for c in a) for a in acts)
        + "\n"
    )
    for path, kind in ((referrals, "referrals"), (activities, "activities")):
        command = ["ingest", str(path), "--db", str(db), "--kind", kind]
        subprocess.run(
            [sys.executable, "-m", "analytics", *command],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    store = Store(db)
    record_decisions(
        store,
        [
            {
                "action": "type",
                "source": names["bold"],
                "source_type": "organization",
                "note": names["image"],
            }
        ],
    )
    save_profile(db, name=names["image"])
    return db


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'
