"""The seeded sample-data generator: reproducible, committed files in sync, a believable
network, ground truth consistent with the exports, and a fast large mode."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import time
import zipfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from sample_data import build, large, network, practice, records, writers
from sample_data.npi import npi_is_valid

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"
PARTNER_TYPES = set(practice.PARTNER_SOURCE_TYPES)
CREDENTIALS = {"md", "do", "dc", "dds", "dpm", "np", "fnp", "pa", "pa-c", "atc", "lmt"}


# ---------------------------------------------------------------------------- helpers


def luhn_npi_ok(npi: str) -> bool:
    """A 10-digit NPI passes the Luhn check computed over the prefix 80840 (local on purpose)."""
    if not re.fullmatch(r"\d{10}", npi):
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def person_key(text: str) -> tuple[str, str]:
    """Deterministic first + last name of a clinician spelling: order, case, dots,
    credentials, extra spaces and "Dr." do not matter."""
    t = " ".join(text.casefold().replace(".", "").split())
    if "," in t:
        left, right = (part.split() for part in t.split(",", 1))
        rest = [w for w in right if w not in CREDENTIALS]
        if rest:  # "last, first [middle] [cred]"
            return rest[0], [w for w in left if w != "dr"][-1]
        words = left  # "first last, cred"
    else:
        words = t.split()
    words = [w for w in words if w not in CREDENTIALS and w != "dr"]
    return words[0], words[-1]


def xlsx_values(path: Path) -> list[list[tuple]]:
    """Cell values per sheet, rows padded to the sheet's width (write-only sheets carry no
    dimension, so read-only openpyxl returns each row only up to its last cell)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        sheets = []
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            width = max(len(r) for r in rows)
            sheets.append([r + (None,) * (width - len(r)) for r in rows])
        return sheets
    finally:
        wb.close()


def read_truth(path: Path) -> pd.DataFrame:
    truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    truth["referrals"] = truth["referrals"].astype(int)
    truth["activities"] = truth["activities"].astype(int)
    return truth


def export_rows(folder: Path) -> dict[str, list[dict[str, object]]]:
    """The data rows of the three referral exports, read the way a person would."""
    out: dict[str, list[dict[str, object]]] = {}
    rows = xlsx_values(folder / practice.WEBPT_FILE)[0]
    header = list(rows[4])
    data = []
    for row in rows[5:]:
        if row[0] == "Grand Total":
            break
        data.append(dict(zip(header, row, strict=True)))
    out[practice.WEBPT_FILE] = data
    with (folder / practice.CASE_FILE).open(encoding="utf-8", newline="") as fh:
        out[practice.CASE_FILE] = list(csv.DictReader(fh))
    with (folder / practice.LOG_FILE).open(encoding="cp1252", newline="") as fh:
        log = [r for r in csv.DictReader(fh) if any(r.values()) and r["Date Referred"] != "Total"]
    out[practice.LOG_FILE] = log
    return out


def export_spellings(folder: Path) -> Counter:
    """Counter of truth spellings over the exports (name cell, else the type cell)."""
    counts: Counter = Counter()
    for file, rows in export_rows(folder).items():
        for r in rows:
            if file == practice.WEBPT_FILE:
                name, label = r["Referral Contact"] or "", r["Referral Source"] or ""
            elif file == practice.CASE_FILE:
                name, label = r["Referring Provider"], ""
            else:
                name, label = r["Referred By"], r["Referral Type"]
            counts[records.spelling_key(name, label)] += 1
    return counts


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample_a")
    writers.write_sample(out, seed=42)
    return out


@pytest.fixture(scope="module")
def exported(fresh) -> dict[str, list[dict[str, object]]]:
    return export_rows(fresh)


@pytest.fixture(scope="module")
def sample() -> records.Sample:
    return build.build_sample(42)


@pytest.fixture(scope="module")
def frame(sample) -> pd.DataFrame:
    return sample.frame()


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return read_truth(SAMPLE_DIR / practice.TRUTH_FILE)


# ---------------------------------------------------------------- reproducibility


def test_same_seed_gives_identical_files(fresh, tmp_path):
    writers.write_sample(tmp_path, seed=42)
    for name in practice.GENERATED_FILES:
        a, b = (fresh / name).read_bytes(), (tmp_path / name).read_bytes()
        if name.endswith(".xlsx"):
            assert xlsx_values(fresh / name) == xlsx_values(tmp_path / name), name
        assert a == b, f"{name} differs between two runs with the same seed"


def test_workbook_timestamps_are_fixed(fresh):
    with zipfile.ZipFile(fresh / practice.WEBPT_FILE) as z:
        assert {i.date_time for i in z.infolist()} == {practice.FIXED_TIMESTAMP.timetuple()[:6]}
    wb = openpyxl.load_workbook(fresh / practice.OUTREACH_FILE, read_only=True)
    assert wb.properties.created == wb.properties.modified == practice.FIXED_TIMESTAMP
    wb.close()


def test_another_seed_gives_other_data(fresh, tmp_path):
    writers.write_sample(tmp_path, seed=7)
    assert (tmp_path / practice.CASE_FILE).read_bytes() != (fresh / practice.CASE_FILE).read_bytes()


def test_committed_files_equal_a_fresh_generation(fresh):
    for name in practice.GENERATED_FILES:
        committed = SAMPLE_DIR / name
        assert committed.is_file(), f"{name} is not committed: python -m sample_data.generate"
        if name.endswith(".xlsx"):
            assert xlsx_values(committed) == xlsx_values(fresh / name), name
        else:
            assert committed.read_bytes() == (fresh / name).read_bytes(), (
                f"{name} drifted from the generator: run python -m sample_data.generate"
            )


def test_committed_files_are_small():
    total = sum((SAMPLE_DIR / n).stat().st_size for n in practice.GENERATED_FILES)
    assert total < 2_000_000


def test_source_types_match_the_schema():
    from analytics.schema import PARTNER_TYPES as SCHEMA_PARTNER_TYPES
    from analytics.schema import SOURCE_TYPES

    assert practice.PARTNER_SOURCE_TYPES + practice.CHANNEL_SOURCE_TYPES == SOURCE_TYPES
    assert set(practice.PARTNER_SOURCE_TYPES) == SCHEMA_PARTNER_TYPES


# ---------------------------------------------------------------- ground truth


def test_dominant_orthopedist_share_from_truth(truth):
    referrals = truth.groupby(["partner_id", "canonical_name", "source_type"])["referrals"].sum()
    share = referrals / referrals.sum()
    partners = share[share.index.get_level_values("source_type").isin(PARTNER_TYPES)]
    top = partners.sort_values(ascending=False)
    assert top.index[0][1] == "Maria Okafor, MD"
    assert 0.18 <= top.iloc[0] <= 0.22
    assert all(0.05 <= s <= 0.09 for s in top.iloc[1:4]), top.head()  # 2-3 other big ones
    assert top.iloc[4] < 0.05


def test_truth_counts_every_spelling_in_the_exports(fresh):
    truth = read_truth(fresh / practice.TRUTH_FILE)
    assert truth["spelling"].is_unique
    seen = truth[truth["referrals"] > 0]
    assert export_spellings(fresh) == dict(zip(seen["spelling"], seen["referrals"], strict=True))


def test_truth_spellings_resolve_by_first_and_last_name(truth):
    rows = truth[(truth["referrals"] > 0) & truth["source_type"].isin(PARTNER_TYPES)]
    keys: dict[str, set] = {}
    for r in rows.itertuples():
        if "," in r.canonical_name:  # a person: "First Last, CRED"
            key = person_key(r.spelling)
            assert key == person_key(r.canonical_name), (r.spelling, r.canonical_name)
        else:  # an organisation: case and spaces only
            key = (" ".join(r.spelling.casefold().split()),)
            assert key == (r.canonical_name.casefold(),), r.spelling
        keys.setdefault(r.partner_id, set()).add(key)
    assert all(len(k) == 1 for k in keys.values())
    flat = [next(iter(k)) for k in keys.values()]
    assert len(flat) == len(set(flat)), "two partners resolve to the same name"


def test_okafor_is_spelled_many_ways(truth):
    okafor = set(truth.loc[truth["canonical_name"] == "Maria Okafor, MD", "spelling"])
    for spelling in (
        "Okafor, Maria MD",
        "Maria Okafor, M.D.",
        "Dr. Maria Okafor",
        "OKAFOR, MARIA",
        " Maria  Okafor ",
        "Dr. Okafor",  # outreach log only
        "Okafor Ortho",
    ):
        assert spelling in okafor, spelling


def test_two_different_doctors_named_smith(truth):
    smiths = truth[truth["canonical_name"].isin(["John Smith, MD", "Jane Smith, DO"])]
    by_name = smiths.groupby("canonical_name").agg({"npi": "unique", "partner_id": "unique"})
    assert len(by_name) == 2
    npis = [v[0] for v in by_name["npi"]]
    ids = [v[0] for v in by_name["partner_id"]]
    assert len(set(npis)) == 2 and len(set(ids)) == 2


def test_summit_orthopedic_associates_has_several_members(truth):
    members = truth.loc[truth["organization"] == network.SOA, "partner_id"].nunique()
    assert members >= 5


def test_every_npi_marked_valid_passes_luhn(truth, sample):
    npis = {n for n in truth["npi"] if n}
    assert npis and all(luhn_npi_ok(n) for n in npis)
    assert all(npi_is_valid(n) for n in npis)
    # One NPI per referrer, never shared.
    per_partner = truth[truth["npi"] != ""].groupby("partner_id")["npi"].nunique()
    assert (per_partner == 1).all()
    assert truth[truth["npi"] != ""].groupby("npi")["partner_id"].nunique().max() == 1
    assert all(luhn_npi_ok(r.npi) for r in sample.referrers if r.npi)
    assert luhn_npi_ok("1234567893") and not luhn_npi_ok("1234567894")  # CMS's example


def test_exports_carry_npis_as_text_floats_blanks_and_a_few_typos(exported, truth):
    rows = exported
    webpt = [r["Referring NPI"] for r in rows[practice.WEBPT_FILE]]
    assert any(isinstance(v, int | float) for v in webpt)  # numbers (floats to calamine)
    assert any(isinstance(v, str) for v in webpt)
    assert any(v is None for v in webpt)
    shown = {v if isinstance(v, str) else str(int(v)) for v in webpt if v is not None}
    shown |= {r["NPI"] for r in rows[practice.CASE_FILE] if r["NPI"]}
    known = set(truth["npi"])
    typos = shown - known
    assert 5 <= len(typos) <= 20
    assert not any(luhn_npi_ok(n) for n in typos)


# ---------------------------------------------------------------- the network


def test_volume_and_type_mix(frame):
    assert 6000 <= len(frame) <= 8000
    assert set(frame["clinic"]) == set(practice.CLINICS)
    mix = frame["source_type"].value_counts(normalize=True)
    assert 0.08 <= mix["patient"] <= 0.12
    assert 0.06 <= mix["self"] <= 0.10
    assert 0.04 <= mix["marketing"] <= 0.06
    assert 0.02 <= mix["unknown"] <= 0.04
    for t in ("physician_extender", "chiropractor", "health_wellness", "organization"):
        assert mix[t] > 0.01, t
    tail = frame[frame["partner_id"].str.fullmatch(r"P1\d\d")].groupby("partner_id").size()
    assert 60 <= len(tail) <= 100 and tail.min() >= 1 and tail.max() <= 30


def test_outcomes_and_money(frame):
    known = frame[frame["outcome"] != "pending"]
    assert 0.75 <= (known["outcome"] == "arrived").mean() <= 0.85
    arrived = frame[frame["outcome"] == "arrived"]
    assert 6 <= arrived["visits"].mean() <= 14
    assert 95 <= arrived["payments"].sum() / arrived["visits"].sum() <= 120
    assert 1.5 <= arrived["charges"].sum() / arrived["payments"].sum() <= 1.75
    assert {"Medicare", "Blue Cross Blue Shield", "Aetna", "UnitedHealthcare", "Workers Comp",
            "Self Pay"} <= set(frame["payer"])  # fmt: skip


def _monthly(frame: pd.DataFrame, pid: str) -> pd.Series:
    x = frame[frame["partner_id"] == pid]
    months = pd.period_range("2024-11", "2026-10", freq="M")
    return x.groupby(x["referral_date"].dt.to_period("M")).size().reindex(months, fill_value=0)


def test_declining_partner(frame):
    x = frame[frame["partner_id"] == "P002"]
    end = pd.Timestamp(practice.END)
    last90 = (x["referral_date"] > end - pd.Timedelta(days=90)).sum() / 90
    before = x[x["referral_date"] < pd.Timestamp("2026-05-01")]
    earlier = len(before) / (pd.Timestamp("2026-05-01") - pd.Timestamp(practice.START)).days
    assert last90 < 0.5 * earlier


def test_dormant_partner(frame):
    x = frame[frame["partner_id"] == "P006"]
    last = x["referral_date"].max()
    assert (pd.Timestamp(practice.END) - last).days >= 90
    six_months = x[x["referral_date"] > last - pd.DateOffset(months=6)]
    assert len(six_months) / 6 >= 2


def test_new_partners_in_the_last_three_months(frame):
    first = (
        frame[frame["source_type"].isin(PARTNER_TYPES)].groupby("partner_id")["referral_date"].min()
    )
    new = first[first >= pd.Timestamp("2026-08-01")]
    assert len(new) >= 3


def test_outreach_followed_by_a_referral_bump(frame, sample):
    lunch = [a for a in sample.activities if a.ref.pid == "P007" and a.activity == "Lunch & Learn"]
    assert [a.activity_date for a in lunch] == [date(2025, 9, 16)]
    x = frame[frame["partner_id"] == "P007"]["referral_date"]
    at = pd.Timestamp("2025-09-16")
    after = ((x >= at) & (x < at + pd.Timedelta(days=90))).sum()
    before = ((x < at) & (x >= at - pd.Timedelta(days=180))).sum() / 2
    assert after >= 2 * max(before, 1)


def test_seasonality(frame):
    by_month = frame.groupby(frame["referral_date"].dt.month).size()
    assert by_month[12] < by_month[[1, 2, 3]].mean() * 0.85
    assert by_month[7] < by_month[[1, 2, 3]].mean()


def test_outreach_log(fresh, sample, truth):
    rows = xlsx_values(fresh / practice.OUTREACH_FILE)[0]
    assert rows[0] == practice.OUTREACH_HEADER
    assert 150 <= len(rows) - 1 <= 600
    partners = {a.ref.pid for a in sample.activities}
    assert 25 <= len(partners) <= 35
    for day, _, activity, cost, _, _ in rows[1:]:
        assert isinstance(day, datetime)
        if activity == "Lunch & Learn":
            assert 150 <= cost <= 450
        elif activity == "Holiday Gift":
            assert 50 <= cost <= 120
        elif activity in ("Phone Call", "Email"):
            assert cost in (0, None)
    # heavy outreach with few referrals, and referrals with no outreach at all
    refs = truth.groupby("partner_id")[["referrals", "activities"]].sum()
    assert ((refs["activities"] >= 20) & (refs["referrals"] < 30)).sum() >= 2
    assert ((refs["activities"] == 0) & (refs["referrals"] > 300)).any()
    assert all(practice.OUTREACH_FILE in f for f in truth.loc[truth["activities"] > 0, "files"])


# ---------------------------------------------------------------- export shapes


def test_webpt_layout(fresh):
    rows = xlsx_values(fresh / practice.WEBPT_FILE)[0]
    assert rows[0][0] == "Referrals Report"
    assert rows[1][0] == "Summit Physical Therapy — Northside"
    assert rows[2][0] == "Date Range: 11/01/2024 - 10/31/2026"
    assert all(v is None for v in rows[3])
    assert rows[4] == practice.WEBPT_HEADER
    assert rows[-2][0] == "Grand Total"
    data = rows[5:-2]
    assert rows[-1][0] == f"Count: {len(data)}"
    assert all(isinstance(r[0], datetime) for r in data)
    assert {r[6] for r in data} == {"Northside", "(Unassigned)"}
    assert rows[-2][10] == sum(r[10] for r in data)
    assert "Physician Assistant" in {r[3] for r in data}
    assert {r[4] for r in data if r[3] in ("Google", "Self Referral", "(Unassigned)")} == {None}


def test_case_export_layout(fresh, exported):
    raw = (fresh / practice.CASE_FILE).read_bytes()
    assert b"\r\n" not in raw and not raw.startswith(b"\xef\xbb\xbf")
    rows = exported[practice.CASE_FILE]
    assert tuple(rows[0]) == practice.CASE_HEADER
    assert any(r["MRN"].startswith("0") and len(r["MRN"]) == 7 for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["Referral Date"]) for r in rows)
    assert all(re.fullmatch(r"\d+\.\d\d", r["Payments"]) for r in rows)
    smith_style = re.compile(r"[A-Z][a-z'-]+, [A-Z][a-z-]+ MD")  # "Smith, John MD"
    assert any(smith_style.fullmatch(r["Referring Provider"]) for r in rows)


def test_lakeside_log_layout(fresh, exported):
    raw = (fresh / practice.LOG_FILE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "Dr. José Núñez DC" in text
    assert text.count("\r\n") == text.count("\n")
    lines = text.split("\r\n")
    assert lines[0].split(",") == list(practice.LOG_HEADER)
    assert ",,,,,,," in lines  # blank spacer rows
    assert lines[-2].startswith("Total,")
    rows = exported[practice.LOG_FILE]
    assert all(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", r["Date Referred"]) for r in rows)
    assert any(re.fullmatch(r"\$\d{1,3}(,\d{3})+\.\d\d", r["Amount Collected"]) for r in rows)
    assert {r["Evaluated? (Y/N)"] for r in rows} <= {"Y", "N", "y", "n", ""}


def test_monthly_summary_example(fresh):
    rows = xlsx_values(fresh / practice.SUMMARY_FILE)[0]
    assert rows[2] == practice.SUMMARY_HEADER
    data, total = rows[3:-1], rows[-1]
    assert len(data) < 300
    assert total[0] == "Grand Total"
    assert total[3] == sum(r[3] for r in data)
    assert total[4] == pytest.approx(sum(r[4] or 0 for r in data))
    months = {r[0] for r in data}
    assert len(months) == 12 and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", m) for m in months)


# ---------------------------------------------------------------- patients


def test_patient_names_are_listed_and_never_look_like_referrers(exported, truth, sample):
    names = build.patient_names(42)
    assert len(names) > 2000
    rows = exported
    in_exports = {r["Patient Name"] for r in rows[practice.WEBPT_FILE]}
    in_exports |= {r["Patient Name"] for r in rows[practice.CASE_FILE]}
    in_exports |= {r["Patient"] for r in rows[practice.LOG_FILE]}
    assert in_exports <= set(names)
    patient_last = {practice.fold(n.split(",")[0]) for n in names if "," in n}
    other_words = set()
    for text in [*truth["spelling"], *truth["canonical_name"], *truth["organization"]]:
        other_words |= set(re.findall(r"[\w'-]+", practice.fold(text)))
    for a in sample.activities:
        other_words |= set(re.findall(r"[\w'-]+", practice.fold(f"{a.staff} {a.notes}")))
    assert not patient_last & other_words
    mrns = build.patient_mrns(42)
    assert {r["MRN"] for r in rows[practice.CASE_FILE]} == set(mrns)


# ---------------------------------------------------------------- large mode


def test_large_mode_writes_n_rows_quickly(tmp_path):
    n = 20_000
    t0 = time.perf_counter()
    result = large.write_large(n, tmp_path, seed=1)
    elapsed = time.perf_counter() - t0
    assert elapsed < 60
    assert result["csv"][2] < 10
    frame = pd.read_csv(tmp_path / f"referrals_{n}.csv", dtype=str, keep_default_na=False)
    assert len(frame) == n and tuple(frame.columns) == practice.CASE_HEADER
    assert frame["Location"].nunique() == 60
    assert frame["Referring Provider"].nunique() > 2000
    assert "2016-11-01" <= frame["Referral Date"].min() < "2017-01-01"
    assert frame["Referral Date"].max() <= "2026-10-31"
    npis = frame.loc[frame["NPI"] != "", "NPI"]
    assert npis.map(luhn_npi_ok).all()
    rows = CalamineWorkbook.from_path(str(tmp_path / f"referrals_{n}.xlsx")).get_sheet_by_index(0)
    values = rows.to_python()
    assert values[0][0] == "Referrals Report" and tuple(values[4]) == practice.WEBPT_HEADER
    assert values[-2][0] == "Grand Total" and values[-1][0] == f"Count: {n}"
    assert len(values) - 7 == n


def test_large_mode_command_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sample_data.generate", "--rows", "300", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "referrals_300.csv" in proc.stdout
    assert (tmp_path / "referrals_300.csv").read_text().count("\n") == 301
    assert (tmp_path / "referrals_300.xlsx").is_file()


def test_large_xlsx_is_capped(tmp_path):
    result = large.write_large(3_000, tmp_path, seed=2, xlsx_max=1_000)
    path, rows, _ = result["xlsx"]
    assert path.name == "referrals_1000.xlsx" and rows == 1_000
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    dates = [v[0] for v in values[5:-2]]
    assert dates == sorted(dates) and dates[-1] - dates[0] > timedelta(days=3000)
