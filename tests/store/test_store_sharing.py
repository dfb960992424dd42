"""The dashboard and the command line share a store (issue 13, findings 4 and 5).

Before: the app held DuckDB's file lock for its whole life, so `ingest` and `metrics` failed
with an 18-line traceback whenever it was open, a second CLI load failed the same way, and a
practice renamed in one window was re-created empty by another. Real subprocesses throughout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.app.state import _open_store
from analytics.store import Store
from analytics.store.practices import rename_practice
from tests.conftest import ROOT

# DuckDB files shared between processes; PostgreSQL's concurrent loads: test_postgres_store.py.
pytestmark = pytest.mark.duckdb_only

ROWS = "Referral Date,Referring Provider,Referral Type,Clinic\n"


def export(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(ROWS + "".join(f"{r}\n" for r in rows))
    return path


def cli(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def hold(db: Path, seconds: float) -> subprocess.Popen:
    """Another process with the store open for `seconds` (as a long load would have it)."""
    script = (
        "import sys, time\n"
        "from analytics.store import Store\n"
        f"store = Store({str(db)!r})\n"
        "with store.session():\n"
        "    print('holding', flush=True)\n"
        f"    time.sleep({seconds})\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_a_cli_load_succeeds_while_the_app_has_the_store_open(tmp_path, monkeypatch):
    db = tmp_path / "practice.duckdb"
    first = export(tmp_path, "march.csv", ["03/03/2025,Dr A,Physician,North"])
    assert finish(cli("ingest", str(first), "--db", str(db)))[0] == 0
    monkeypatch.setenv("REFERRALS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Referrals"] == "1"
    # The app's cached handle for this store exists; the command line still gets in.
    assert _open_store(str(db)).path == db
    second = export(tmp_path, "april.csv", ["04/01/2025,Dr B,Physician,North"] * 2)
    code, out, err = finish(cli("ingest", str(second), "--db", str(db)))
    assert (code, err) == (0, ""), err
    assert "2 rows loaded" in out
    code, out, err = finish(cli("metrics", "--db", str(db), "--json"))
    assert code == 0 and '"referrals": 3' in out, err
    # ... and the app shows the new data at the next interaction.
    at.selectbox(key="period_preset").set_value("All data").run()
    assert {m.label: m.value for m in at.metric}["Referrals"] == "3"


def test_a_second_load_waits_for_the_first_then_loads(tmp_path):
    db = tmp_path / "practice.duckdb"
    Store(db)
    holder = hold(db, 3)
    started = time.monotonic()
    load = cli(
        "ingest", str(export(tmp_path, "a.csv", ["03/03/2025,Dr A,Physician,N"])), "--db", str(db)
    )
    code, _, err = finish(load)
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert (code, err) == (0, ""), err
    assert waited >= 1.5  # it waited for the holder instead of failing
    assert Store(db).counts()["referrals"] == 1


def test_two_cli_loads_at_once_both_load(tmp_path):
    db = tmp_path / "practice.duckdb"
    Store(db)
    files = [
        export(tmp_path, f"m{i}.csv", [f"0{i}/0{d}/2025,Dr {i},Physician,N" for d in range(1, 8)])
        for i in range(1, 4)
    ]
    loads = [cli("ingest", str(f), "--db", str(db)) for f in files]
    results = [finish(p) for p in loads]
    assert [(code, err) for code, _, err in results] == [(0, "")] * 3, results
    assert Store(db).counts()["referrals"] == 21 and Store(db).counts()["uploads"] == 3


def test_a_wait_that_times_out_exits_2_with_one_sentence(tmp_path):
    db = tmp_path / "practice.duckdb"
    Store(db)
    holder = hold(db, 8)
    try:
        code, _, err = finish(
            cli(
                "ingest",
                str(export(tmp_path, "a.csv", ["03/03/2025,Dr A,Physician,N"])),
                "--db",
                str(db),
                REFERRALS_LOCK_WAIT_SECONDS="1",
            )
        )
    finally:
        holder.kill()
        holder.wait()
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    assert lines[0] == (
        "practice.duckdb is in use by another program (the dashboard or another load) and "
        "stayed busy for 1 seconds; try again when it finishes."
    )
    assert Store(db).counts()["referrals"] == 0


def test_a_practice_renamed_in_another_window_is_not_re_created(tmp_path, monkeypatch):
    main = tmp_path / "referrals.duckdb"
    Store(main)
    old = tmp_path / "northside.duckdb"
    Store(old)
    monkeypatch.setenv("REFERRALS_DB", str(main))
    viewer = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    viewer.session_state["store_path"] = str(old)
    viewer.run()
    assert not viewer.exception
    # Another window renames it (the app closes its handle, as the Practices page does).
    _open_store(str(old)).close()
    renamed = rename_practice(old, "Northside Physical Therapy")
    viewer.run()
    assert not viewer.exception
    assert not old.exists(), "the old name was re-created as an empty store"
    assert renamed.exists()
    warnings = [w.value for w in viewer.warning]
    assert any("Northside was renamed or deleted in another window" in w for w in warnings)
    # A deleted one likewise.
    viewer.session_state["store_path"] = str(renamed)
    viewer.run()
    for path in tmp_path.glob("northside_physical_therapy*"):
        path.unlink()
    viewer.run()
    assert not viewer.exception
    assert not renamed.exists()


def test_a_store_gone_mid_use_is_reported_not_re_created(tmp_path):
    path = tmp_path / "gone.duckdb"
    Store(path)
    store = Store(path, create=False)
    path.unlink()
    try:
        store.version()
    except Exception as exc:
        assert type(exc).__name__ == "StoreMissing"
        assert str(exc) == (
            "gone.duckdb is not in the data folder any more (renamed or deleted elsewhere); "
            "pick the practice again."
        )
    else:
        raise AssertionError("a vanished store was opened")
    assert not path.exists()
