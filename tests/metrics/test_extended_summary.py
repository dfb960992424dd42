"""`metrics --json`: issue 17's keys added after the original ones, which stay as they were."""

from __future__ import annotations

import json

import pytest

from analytics.cli import main
from analytics.filters import Filters
from analytics.metrics.cli import store_metrics
from analytics.metrics.extended import EXTENDED_KEYS, extended_metrics
from tests.frames import make_frame, repeat


def test_metrics_json_carries_new_keys_and_keeps_old_ones(sample_store, capsys):
    assert main(["metrics", "--db", str(sample_store.path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    old = json.loads(json.dumps(store_metrics(sample_store, Filters()), default=str))
    assert list(out)[: len(old)] == list(old)
    assert {k: out[k] for k in old} == old
    assert list(out)[len(old) :] == list(EXTENDED_KEYS)
    years = out["diligence"]["years"]
    assert [y["year"] for y in years] == ["2024", "2025", "2026"]
    assert sum(y["referrals"] for y in years) == out["referrals"] == 7277
    assert out["diligence"]["months_loaded"] == 24
    rules = {r["name"]: r for r in out["buyer_rules"]}
    assert rules["history_months"]["value"] == 24
    assert rules["history_months"]["status"] == "watch"


def test_fiscal_start_flag(sample_store, capsys):
    assert main(["metrics", "--db", str(sample_store.path), "--json", "--fiscal-start", "7"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [y["year"] for y in out["diligence"]["years"]] == ["FY2025", "FY2026", "FY2027"]
    assert out["diligence"]["fiscal_year_start"] == 7


def test_targets_and_owner_managed_in_json():
    rows = (
        repeat("2025-01-10", "A", "physician", 2)
        + repeat("2025-02-10", "A", "physician", 2)
        + repeat("2025-03-10", "A", "physician", 2)
        + repeat("2025-04-10", "A", "physician", 1)
        + repeat("2025-04-10", "B", "chiropractor", 3)
    )
    out = extended_metrics(
        make_frame(rows), Filters(end=None), owner_managed={"B"}, targets={"A": 2, "B": 3}
    )
    assert out["targets"]["month"] == "2025-04"
    # Data ends April 10: A expects 2 x 10/30 and has 1, B expects 1 and has 3.
    assert out["targets"]["on_target"] == 2
    assert out["targets"]["share_at_target"] == 1.0
    assert out["diligence"]["years"][0]["owner_managed_share"] == pytest.approx(0.3)
