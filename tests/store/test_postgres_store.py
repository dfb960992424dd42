"""The PostgreSQL store against the DuckDB one (issue 16 items 3 and 5): the same reads with
the same dtypes, byte-identical `metrics --json`, concurrent loads from two processes, and
backup / restore / move both ways.

These open both engines themselves (a DuckDB file and a practice on the session's server),
so they skip under --store-backend postgres, which would turn the DuckDB one into a second
PostgreSQL practice.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.cli import main
from analytics.errors import IngestError
from analytics.filters import Filters
from analytics.ingest.cli import SAMPLE_FILES, ingest_file
from analytics.metrics.windows import window_days
from analytics.store import Store, StoreMissing
from analytics.store.location import PostgresLocation
from analytics.store.postgres_store import PostgresStore
from analytics.store.transfer import backup, read_backup, restore
from tests.conftest import ROOT, SAMPLE_DIR
from tests.store_backend import RUN

pytestmark = pytest.mark.duckdb_only  # (see the module's docstring)

METRIC_VARIANTS = (
    (),
    ("--level", "organization"),
    ("--basis", "revenue"),
    ("--start", "2000-01-01"),
    ("--fiscal-start", "7"),
    # A period, one clinic and identity decisions: the planning metrics once summed money
    # over rows in each engine's row order (1355.94 against 1355.93); they now read sums.
    ("--start", "2026-01-01", "--end", "2026-06-30", "--clinic", "Northside"),
)


def practice(url: str, name: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}practice={name}"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    # One secret for both stores of a comparison, as on one machine.
    path = tmp_path_factory.mktemp("key") / "referrals.key"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REFERRALS_KEY_FILE", str(path))
        yield path


@pytest.fixture(scope="module")
def pair(postgres_url, tmp_path_factory, key_file):
    """The sample practice loaded into a DuckDB file and into PostgreSQL, with decisions."""
    folder = tmp_path_factory.mktemp("pair")
    duck = Store(folder / "sample.duckdb")
    pg = Store(practice(postgres_url, f"sample_{RUN}"))
    for store in (duck, pg):
        for name, kind in SAMPLE_FILES:
            ingest_file(store, SAMPLE_DIR / name, kind=kind)
        _decide(store)
    return duck, pg


def _decide(store: Store) -> None:
    """An owner's decisions and settings, so the resolved relation and settings are read."""
    from analytics.identity import review

    sources = sorted(store.referral_sources())
    physicians = [s for s in sources if s.endswith(", MD")][:3]
    review.merge(store, physicians[1], physicians[0])
    review.rename(store, physicians[2], "Renamed Doctor")
    store.reject_pairs([(sources[0], sources[1])])
    store.set_owner_managed([physicians[0]])
    store.set_targets({physicians[0]: 4.5, "Renamed Doctor": 1.0}, "hand")
    store.set_setting("fiscal_year_start", "4")


def metrics_json(db: str | Path, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["metrics", "--json", "--db", str(db), *args]) == 0
    return out.getvalue()


def test_a_postgresql_url_opens_a_postgres_store_and_hides_the_password(postgres_url):
    location = PostgresLocation.parse("postgresql://ann:s3cret@db.example:5433/ref?practice=north")
    assert location.schema == "practice_north"
    assert str(location) == "postgresql://ann@db.example:5433/ref?practice=north"
    assert "s3cret" in location.url
    assert location.conninfo == "postgresql://ann:s3cret@db.example:5433/ref"
    with pytest.raises(IngestError, match="not a practice name"):
        PostgresLocation.parse("postgresql://h/db?practice=North; DROP")
    assert isinstance(Store(practice(postgres_url, f"opened_{RUN}")), PostgresStore)


def test_every_read_is_the_same_on_both_engines_dtypes_included(pair):
    duck, pg = pair
    period = Filters(start=date(2025, 7, 1), end=date(2026, 6, 30))
    narrowed = Filters(clinics=("Northside",), source_types=("physician", "chiropractor"))
    frames = {
        "referrals": lambda s: s.referrals(),
        "referrals period": lambda s: s.referrals(period),
        "referrals narrowed": lambda s: s.referrals(narrowed),
        "activities": lambda s: s.activity_rows(),
        "uploads": lambda s: s.uploads().drop(columns="uploaded_at"),
        "period_sources": lambda s: s.period_sources(period)[0],
        "period_sources organization": lambda s: s.period_sources(Filters(level="organization"))[0],
        "history_groups": lambda s: s.history_groups(
            narrowed, window_days((date(2026, 6, 30) - date(1970, 1, 1)).days)
        ),
        "source_profiles": lambda s: s.source_profiles(),
        "decisions": lambda s: s.decisions().drop(columns="decided_at"),
        "targets": lambda s: s.targets().drop(columns="set_at"),
    }
    for name, read in frames.items():
        # Rows in the same order where the SQL orders them; rows read without ORDER BY
        # (referrals, activities) come in the order each engine's joins give: compared sorted.
        left, right = read(duck), read(pg)
        if name.startswith(("referrals", "activities")):
            # Each store has its own salt, so its own patient keys (moved stores keep theirs).
            left, right = (
                _sorted(f.drop(columns="patient_key", errors="ignore")) for f in (left, right)
            )
        pd.testing.assert_frame_equal(left, right, obj=name)
    for name in ("clinics", "date_bounds", "counts", "rejected_pairs", "owner_managed"):
        assert getattr(duck, name)() == getattr(pg, name)(), name
    assert duck.referral_sources() == pg.referral_sources()
    assert duck.months_present(period, period.start, period.end) == 12
    assert pg.months_present(period, period.start, period.end) == 12
    assert duck.setting("fiscal_year_start") == pg.setting("fiscal_year_start") == "4"
    assert pg.referrals()["referral_date"].dtype == "datetime64[ns]"
    assert pg.is_empty() is False


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), na_position="last").reset_index(drop=True)


@pytest.mark.parametrize("args", METRIC_VARIANTS, ids=lambda a: " ".join(a) or "default")
def test_metrics_json_is_byte_identical_on_both_engines(pair, args):
    duck, pg = pair
    text = metrics_json(duck.path, *args)
    assert '"referrals"' in text
    assert metrics_json(pg.location.url, *args) == text


def test_metrics_json_is_byte_identical_for_a_generated_100k_store(
    postgres_url, tmp_path, key_file
):
    from sample_data.generate import write_large

    csv_path = write_large(100_000, tmp_path, xlsx_max=0)["csv"][0]
    duck = Store(tmp_path / "large.duckdb")
    pg = Store(practice(postgres_url, f"large_{RUN}"))
    for store in (duck, pg):
        ingest_file(store, csv_path, kind="referrals")
    assert pg.counts() == duck.counts()
    assert pg.counts()["referrals"] == 100_000
    for args in ((), ("--level", "organization"), ("--basis", "revenue")):
        assert metrics_json(pg.location.url, *args) == metrics_json(duck.path, *args), args


def _export(folder: Path, name: str, month: int, rows: int) -> Path:
    path = folder / name
    lines = ["Referral Date,Referring Provider,Referral Type,Clinic"]
    lines += [f"{month:02d}/{d % 28 + 1:02d}/2025,Dr {name},Physician,N" for d in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_two_processes_loading_one_practice_at_once_both_land(postgres_url, tmp_path, key_file):
    url = practice(postgres_url, f"concurrent_{RUN}")
    Store(url)
    files = [_export(tmp_path, f"m{m}.csv", m, 3000 + m) for m in (1, 2, 3)]
    env = {**os.environ, "REFERRALS_KEY_FILE": str(key_file)}
    loads = [
        subprocess.Popen(
            [sys.executable, "-m", "analytics", "ingest", str(f), "--db", url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for f in files
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in loads]
    assert results == [(0, "")] * 3
    counts = Store(url).counts()
    assert counts["uploads"] == 3
    assert counts["referrals"] == 3001 + 3002 + 3003
    assert Store(url).version() == 3  # each load bumped it once, none lost


def test_move_to_postgresql_and_back_keeps_metrics_and_patient_keys(
    pair, postgres_url, tmp_path, key_file
):
    duck, _ = pair
    before = {args: metrics_json(duck.path, *args) for args in METRIC_VARIANTS[:3]}
    url = practice(postgres_url, f"moved_{RUN}")
    back = tmp_path / "back.duckdb"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["move", "--from", str(duck.path), "--to", url]) == 0
        assert main(["move", "--from", url, "--to", str(back)]) == 0
    assert "7,277 referrals, 4 uploads copied" in out.getvalue()
    for args, text in before.items():
        assert metrics_json(url, *args) == text
        assert metrics_json(back, *args) == text
    moved, returned = Store(url), Store(back)

    def keys(store: Store) -> list[str]:
        return sorted(store.referrals(columns=("patient_key",))["patient_key"])

    assert keys(moved) == keys(returned) == keys(duck)
    # The salt and the secret's check value moved: a new load hashes as the original would.
    assert moved.ingest_context().salt == duck.ingest_context().salt
    assert returned.ingest_context().salt == duck.ingest_context().salt
    assert moved.decisions()["action"].tolist() == duck.decisions()["action"].tolist()
    # The sequences moved too: the next upload gets the next id, not a used one.
    extra = _export(tmp_path, "extra.csv", 1, 2)
    assert ingest_file(moved, extra, kind="referrals") is not None
    assert int(moved.uploads()["upload_id"].max()) == int(duck.uploads()["upload_id"].max()) + 1


def test_backup_and_restore_on_each_engine(pair, tmp_path):
    duck, pg = pair
    for store, target in ((duck, tmp_path / "r.duckdb"), (pg, None)):
        file = tmp_path / f"{type(store).__name__}.zip"
        taken = backup(store, file)
        assert taken.counts()["referrals"] == 7277
        if target is None:
            target = PostgresLocation.parse(pg.location.url).with_practice(f"restored_{RUN}")
            target = target.url
        restored = Store(target)
        restore(read_backup(file), restored)
        assert restored.counts() == store.counts()
        assert metrics_json(target) == metrics_json(
            store.path if target.__class__ is not str else store.location.url
        )
        with pytest.raises(IngestError, match="already holds data"):
            restore(read_backup(file), restored)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(IngestError, match="not a store backup"):
        read_backup(tmp_path / "junk.zip")


def test_a_practice_dropped_elsewhere_is_reported_not_re_created(postgres_url, key_file):
    import psycopg

    url = practice(postgres_url, f"dropped_{RUN}")
    Store(url)
    store = Store(url, create=False)
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(f"DROP SCHEMA practice_dropped_{RUN} CASCADE")
    with pytest.raises(StoreMissing, match="not on the PostgreSQL server any more"):
        store.counts()


def test_practices_on_a_server_are_listed_created_and_named(postgres_url, key_file):
    from analytics.store.pg_practices import create_practice, practice_urls
    from analytics.store.practices import PracticeError, load_profile, save_profile

    server = practice(postgres_url, "ignored")
    name = f"Northside PT {RUN}"
    url = create_practice(server, name)
    assert url.endswith(f"practice=northside_pt_{RUN}")
    assert url in practice_urls(server)
    assert load_profile(url).name == name
    with pytest.raises(PracticeError, match="already exists"):
        create_practice(server, name)
    logo = b"\x89PNG" + b"\x00" * 10
    save_profile(PostgresLocation.parse(url), name="Northside Physical Therapy", logo=logo)
    profile = load_profile(url)
    assert (profile.name, profile.logo, profile.demo) == ("Northside Physical Therapy", logo, False)


def test_the_practice_catalog_answers_for_files_and_servers(postgres_url, tmp_path, key_file):
    from analytics.store import catalog

    home = str(tmp_path / "referrals.duckdb")
    Store(home)
    made = catalog.create_practice_beside(home, "Lakeside Rehab")
    assert made == str(tmp_path / "lakeside_rehab.duckdb")
    assert catalog.practice_choices(home) == [made, home]
    assert [catalog.practice_key(p) for p in catalog.practice_choices(home)] == [
        "lakeside_rehab",
        "referrals",
    ]
    server = practice(postgres_url, f"home_{RUN}")
    Store(server)
    url = catalog.create_practice_beside(server, f"Lakeside {RUN}")
    assert catalog.practice_key(url) == f"lakeside_{RUN}"
    assert {url, PostgresLocation.parse(server).url} <= set(catalog.practice_choices(server))
    assert catalog.practice_exists(url) and catalog.practice_exists(made)
    assert not catalog.practice_exists(practice(postgres_url, "never_made"))
    assert not catalog.practice_exists(str(tmp_path / "never.duckdb"))


def test_a_bad_url_or_a_server_down_is_one_sentence(capsys, key_file):
    bad = "postgresql://127.0.0.1:1/referrals?practice=North%20Side"
    assert main(["metrics", "--json", "--db", bad]) == 2
    assert "is not a practice name" in capsys.readouterr().err
    down = "postgresql://postgres@127.0.0.1:1/referrals?practice=north"
    assert main(["metrics", "--json", "--db", down]) == 2
    err = capsys.readouterr().err
    assert err.startswith("The PostgreSQL server at postgresql://postgres@127.0.0.1:1/")
    assert "cannot be reached" in err and "Traceback" not in err
