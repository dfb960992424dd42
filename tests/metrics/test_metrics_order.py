"""`metrics --json` gives the same bytes for the same data (issue 13, finding 11).

Before: money summed in another order (DuckDB's parallel SUM, the same rows shuffled) came
out a last bit apart (0.1 + 0.2 + 0.3 against 0.3 + 0.2 + 0.1), so partners tied on revenue
swapped places in the ROI and key-referrer lists from run to run.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# Five partners with three referrals each; payments summing to 0.60 in different orders.
PAYMENTS = {
    "Dr Avery": [0.1, 0.2, 0.3],
    "Dr Baker": [0.3, 0.2, 0.1],
    "Dr Chen": [0.2, 0.1, 0.3],
    "Dr Diaz": [0.3, 0.1, 0.2],
    "Dr Evans": [0.2, 0.3, 0.1],
}
NAMES = ["Dr. Avery", "Dr. Baker", "Dr. Chen", "Dr. Diaz", "Dr. Evans"]


def cli(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def metrics_of(folder: Path, seed: int) -> list[str]:
    rng = random.Random(seed)
    referrals = [
        f"03/0{day + 2}/2025,{name},Physician,North,{amount}"
        for name, amounts in PAYMENTS.items()
        for day, amount in enumerate(amounts)
    ]
    lunches = [f"03/01/2025,{name},Lunch,25.00" for name in PAYMENTS]
    if seed:
        rng.shuffle(referrals)
        rng.shuffle(lunches)
    folder.mkdir()
    refs, acts, db = folder / "r.csv", folder / "a.csv", folder / "s.duckdb"
    header = "Referral Date,Referring Provider,Referral Type,Clinic,Total Payments\n"
    refs.write_text(header + "\n".join(referrals) + "\n")
    acts.write_text("Date,Referral Partner,Activity,Cost\n" + "\n".join(lunches) + "\n")
    cli("ingest", str(refs), "--db", str(db))
    cli("ingest", str(acts), "--kind", "activities", "--db", str(db))
    return [cli("metrics", "--db", str(db), "--json") for _ in range(2)]


def test_metrics_json_is_the_same_bytes_for_shuffled_rows_and_repeated_runs(tmp_path: Path):
    outputs = [out for seed in range(4) for out in metrics_of(tmp_path / f"s{seed}", seed)]
    assert len(set(outputs)) == 1
    summary = json.loads(outputs[0])
    # Tied on cost, revenue and referrals: by name.
    assert [r["name"] for r in summary["roi"]] == NAMES
    assert [r["revenue"] for r in summary["roi"]] == [0.6] * 5
    key = summary["physician_dependence"]["key_referrers"]
    assert [k["name"] for k in key] == NAMES
