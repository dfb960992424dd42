"""Properties every input must keep: HHI bounds and merges, order invariance, mix sums to 1."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.filters import Filters
from analytics.metrics.concentration import concentration
from analytics.metrics.funnel import _medians
from analytics.metrics.mix import mix
from analytics.schema import PARTNER_TYPES, SOURCE_TYPES
from tests.frames import make_frame

PARTNER_TYPE_LIST = sorted(PARTNER_TYPES)
NAMES = [f"Partner {i}" for i in range(12)]
DATES = ["2025-01-02", "2025-01-17", "2025-02-09", "2025-03-30"]

# A row: (partner index, type index, count, date index).
partner_rows = st.lists(
    st.tuples(
        st.integers(0, len(NAMES) - 1),
        st.integers(0, len(PARTNER_TYPE_LIST) - 1),
        st.integers(1, 20),
        st.integers(0, len(DATES) - 1),
    ),
    min_size=1,
    max_size=30,
)
any_rows = st.lists(
    st.tuples(
        st.integers(0, len(NAMES) - 1),
        st.sampled_from(SOURCE_TYPES),
        st.integers(1, 20),
        st.integers(0, len(DATES) - 1),
    ),
    min_size=1,
    max_size=30,
)
SETTINGS = settings(max_examples=50, deadline=None)


def partner_frame(rows, names=NAMES):
    # One type per partner, as sources have in the store.
    return make_frame(
        [
            (DATES[d], names[p], PARTNER_TYPE_LIST[p % len(PARTNER_TYPE_LIST)], n)
            for p, _, n, d in rows
        ]
    )


@SETTINGS
@given(partner_rows)
def test_hhi_lies_between_equal_shares_and_one_partner(rows):
    result = concentration(partner_frame(rows), Filters())
    n = len({p for p, _, _, _ in rows})
    assert 10_000 / n - 1e-6 <= result["hhi"] <= 10_000 + 1e-6
    assert result["partners"] == n
    assert result["effective_sources"] == pytest.approx(10_000 / result["hhi"])
    assert 1 <= result["partners_for_80pct"] <= n


@SETTINGS
@given(partner_rows, st.randoms(use_true_random=False))
def test_concentration_ignores_row_order_and_partner_names(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    renamed = list(NAMES)
    random.shuffle(renamed)
    # Renaming must keep each partner's type, so types follow the partner, not the name.
    original = concentration(partner_frame(rows), Filters())
    reordered = concentration(partner_frame(shuffled), Filters())
    relabelled = concentration(partner_frame(rows, renamed), Filters())
    for other in (reordered, relabelled):
        for key in ("hhi", "cr1", "cr3", "cr5", "gini", "partners", "partners_for_80pct"):
            assert other[key] == pytest.approx(original[key]), key


@SETTINGS
@given(partner_rows, st.integers(0, len(NAMES) - 1), st.integers(0, len(NAMES) - 1))
def test_merging_two_partners_never_lowers_hhi(rows, keep, merged):
    before = concentration(partner_frame(rows), Filters())["hhi"]
    names = [NAMES[keep] if name == NAMES[merged] else name for name in NAMES]
    after = concentration(partner_frame(rows, names), Filters())["hhi"]
    assert after >= before - 1e-6


@SETTINGS
@given(any_rows)
def test_mix_sums_to_one_and_concentration_stays_in_bounds(rows):
    frame = make_frame([(DATES[d], NAMES[p], t, n) for p, t, n, d in rows])
    shares = mix(frame, Filters())
    assert list(shares) == list(SOURCE_TYPES)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert all(0 <= s <= 1 for s in shares.values())
    result = concentration(frame, Filters())
    partner_share = sum(shares[t] for t in PARTNER_TYPES)
    assert 0 <= result["hhi"] <= 10_000 * partner_share**2 + 1e-6
    assert result["cr1"] <= result["cr3"] + 1e-12 <= result["cr5"] + 2e-12
    assert result["cr5"] <= partner_share + 1e-12
    if result["gini"] is not None:
        assert 0 <= result["gini"] < 1


@SETTINGS
@given(partner_rows)
def test_a_row_with_count_k_is_k_rows_of_one(rows):
    expanded = [(p, t, 1, d) for p, t, n, d in rows for _ in range(n)]
    summed = concentration(partner_frame(rows), Filters())
    one_by_one = concentration(partner_frame(expanded), Filters())
    for key, value in summed.items():
        assert one_by_one[key] == (value if isinstance(value, str) else pytest.approx(value))


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 60), st.integers(1, 5)), min_size=1, max_size=40
    )
)
def test_weighted_median_is_the_median_of_the_repeated_values(rows):
    groups = np.array([g for g, _, _ in rows])
    days = np.array([float(d) for _, d, _ in rows])
    weights = np.array([w for _, _, w in rows])
    medians = _medians(groups, days, weights, 4)
    for g in range(4):
        repeated = np.repeat(days[groups == g], weights[groups == g])
        if len(repeated):
            assert medians[g] == np.median(repeated)
        else:
            assert np.isnan(medians[g])
