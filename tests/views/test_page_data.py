"""What the pages show, computed without Streamlit: tiles, attention, monthly shapes, stress test,
partner drill-down, safe CSV, number formats. Expectations are worked out by hand."""

from __future__ import annotations

import io
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics import formatting as fmt
from analytics.filters import Filters
from analytics.metrics.alerts import declining_of, dormant_of
from analytics.metrics.monthly import (
    GROUPS,
    group_shares_of,
    partner_months_of,
    type_counts_of,
    won_lost_of,
)
from analytics.metrics.periods import encode, tables_of, to_day
from analytics.metrics.stress import stress_test
from analytics.metrics.summary import metrics_summary
from analytics.safe_csv import to_safe_csv
from analytics.views.alerts import trends_page
from analytics.views.attention import attention_items
from analytics.views.dependence import dependence_page
from analytics.views.kpis import EXPLAIN, kpi_tiles_of
from analytics.views.overview import (
    column_kinds,
    concentration_page,
    mix_by_type,
    overview_page,
    partner_table,
)
from analytics.views.partner import partner_names_of, partner_view_of
from tests.frames import daily_rows, make_frame, repeat

MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))


def small_practice() -> pd.DataFrame:
    """March 2025: Dr A 5 ($100 each), Dr B 3 ($50 each), patients 2 ($25 each)."""
    return make_frame(
        repeat("2025-03-03", "Dr A", "physician", 5, payments=100.0, clinic="North", arrived=True)
        + repeat("2025-03-10", "Dr B", "chiropractor", 3, payments=50.0, clinic="South")
        + repeat("2025-03-20", "Mom", "patient", 2, payments=25.0, clinic="North")
    )


# Number formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "n/a"), (950, "$950"), (12_400, "$12.4K"), (1_234_567, "$1.2M"), (-20_000, "-$20.0K")],
)
def test_money(value, expected):
    assert fmt.money(value) == expected


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (fmt.pct, 0.3114, "31.1%"),
        (fmt.pct, None, "n/a"),
        (fmt.count, 3732, "3,732"),
        (fmt.count, float("nan"), "n/a"),
        (fmt.change, 0.052, "+5.2%"),
        (fmt.change, -0.1, "-10.0%"),
        (fmt.change, None, None),
        (fmt.points, 0.013, "+1.3 pts"),
        (fmt.points, -0.0021, "-0.2 pts"),
        (fmt.day, date(2026, 10, 31), "Oct 31, 2026"),
        (fmt.day, None, "n/a"),
        (fmt.chance, 1e-9, "under 1 in a million"),
        (fmt.chance, 0.001, "1 in 1,000"),
        (fmt.chance, 0.7, "likely luck"),
        (fmt.short_name, "Riverside University Athletics Department", "Riverside University Athl…"),
        (fmt.short_name, "Dr A", "Dr A"),
    ],
)
def test_formats(function, value, expected):
    assert function(value) == expected


# Safe CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Smith, John MD", "Smith, John MD"),
        ("José Núñez, DC", "José Núñez, DC"),
    ],
)
def test_safe_csv_defuses_formula_text(cell, written):
    data = to_safe_csv(pd.DataFrame({"Partner": [cell], "Referrals": [-3]}))
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 accents
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert back["Partner"].iloc[0] == written
    assert back["Referrals"].iloc[0] == -3  # numbers are numbers, a minus sign is fine


def test_safe_csv_headers_mixed_and_empty():
    frame = pd.DataFrame({"=cmd": ["ok"], "Mixed": pd.Series(["-x", 5], dtype=object)[:1]})
    text = to_safe_csv(frame).decode("utf-8-sig")
    assert text.splitlines()[0] == "'=cmd,Mixed"
    assert text.splitlines()[1] == "ok,'-x"
    assert to_safe_csv(pd.DataFrame({"A": []})).decode("utf-8-sig").strip() == "A"


# Stress test ------------------------------------------------------------------------------


def test_stress_test_by_hand():
    # Stop Dr A: 5 of 10 referrals, $500 of $700. Left: B 3 of 5 -> HHI 3,600 (was 3,400).
    result = stress_test(small_practice(), MARCH, ["Dr A", "Nobody"])
    assert result["referrals_lost"] == 5
    assert result["referral_share_lost"] == pytest.approx(0.5)
    assert result["revenue_lost"] == pytest.approx(500.0)
    assert result["revenue_share_lost"] == pytest.approx(5 / 7)
    assert result["referrals_after"] == 5
    assert result["revenue_after"] == pytest.approx(200.0)
    assert result["hhi_before"] == pytest.approx(3_400)
    assert result["hhi_after"] == pytest.approx(3_600)
    assert result["band_before"] == result["band_after"] == "high"
    assert result["largest_after"] == {"name": "Dr B", "share": pytest.approx(0.6)}
    assert result["not_found"] == ["Nobody"]
    assert [p["name"] for p in result["partners"]] == ["Dr A"]
    assert result["partners"][0]["revenue_share"] == pytest.approx(5 / 7)


def test_stress_test_every_partner_and_none():
    both = stress_test(small_practice(), MARCH, ["Dr B", "Dr A"])
    assert both["referrals_lost"] == 8
    assert both["revenue_lost"] == pytest.approx(650.0)
    assert both["hhi_after"] == 0  # only patients left: fully fragmented
    assert both["largest_after"] is None
    assert [p["name"] for p in both["partners"]] == ["Dr B", "Dr A"]  # the order chosen
    none = stress_test(small_practice(), MARCH, [])
    assert none["referrals_lost"] == 0
    assert none["hhi_after"] == pytest.approx(none["hhi_before"])


def test_stress_test_on_revenue_basis_and_organizations():
    frame = make_frame(
        repeat("2025-03-03", "Dr A", "physician", 2, payments=300.0, organization="Ortho Group")
        + repeat("2025-03-04", "Dr C", "physician", 2, payments=100.0, organization="Ortho Group")
        + repeat("2025-03-05", "Dr B", "chiropractor", 1, payments=200.0)
    )
    by_org = Filters(start=MARCH.start, end=MARCH.end, level="organization", basis="revenue")
    result = stress_test(frame, by_org, ["Ortho Group"])
    # Revenue $800 + $200 = $1,000 (payments count per row); the group holds $800.
    assert result["referrals_lost"] == 4
    assert result["revenue_lost"] == pytest.approx(800.0)
    assert result["revenue_share_lost"] == pytest.approx(0.8)
    assert result["hhi_before"] == pytest.approx(80**2 + 20**2)
    assert result["hhi_after"] == pytest.approx(10_000)


# Headline tiles ---------------------------------------------------------------------------


def two_months() -> pd.DataFrame:
    """Feb: A 2 ($10 each, arrived), patient 2. Mar: A 3, B 1 ($40), patient 0."""
    return make_frame(
        repeat("2025-02-10", "Dr A", "physician", 2, payments=10.0, arrived=True)
        + repeat("2025-02-11", "Mom", "patient", 2, arrived=False)
        + repeat("2025-03-05", "Dr A", "physician", 3, arrived=True)
        + repeat("2025-03-06", "Dr B", "physician", 1, payments=40.0, arrived=False)
    )


def test_kpi_tiles_compare_with_the_previous_calendar_month():
    encoded = encode(two_months())
    tiles, before = kpi_tiles_of(encoded, MARCH)
    # February itself, not the 31 days before March 1 (Jan 29 - Feb 28).
    assert (before.start, before.end) == (date(2025, 2, 1), date(2025, 2, 28))
    assert before.covered and before.name == "the previous month"
    by_key = {t.key: t for t in tiles}
    assert [t.key for t in tiles] == [
        "referrals",
        "arrived",
        "conversion_rate",
        "revenue",
        "partners",
        "hhi",
        "cr1",
        "patient_share",
    ]
    assert by_key["referrals"].text == "4" and by_key["referrals"].delta == "0.0%"  # no arrow
    # March conversion 3 of 4 against 2 of 4: +25 points.
    assert by_key["conversion_rate"].text == "75.0%"
    assert by_key["conversion_rate"].delta == "+25.0 pts"
    assert by_key["revenue"].text == "$40" and by_key["revenue"].delta == "+100.0%"
    assert by_key["partners"].delta == "+1"
    # HHI: March 75^2 + 25^2 = 6,250 against February 50^2 = 2,500: up is bad.
    assert by_key["hhi"].text == "6,250" and by_key["hhi"].delta == "+3,750"
    assert by_key["hhi"].delta_color == "inverse" and by_key["hhi"].note == "high"
    assert by_key["patient_share"].delta == "-50.0 pts"
    assert all(t.help == EXPLAIN[t.key] for t in tiles)


def test_kpi_tiles_without_an_earlier_period_show_no_change():
    tiles, before = kpi_tiles_of(
        encode(two_months()), Filters(start=date(2025, 2, 1), end=MARCH.end)
    )
    # Dec - Jan is before the data starts (Feb 2025): each tile says why there is no change.
    assert not before.covered
    assert all(t.delta == "no comparison" and t.previous is None for t in tiles)
    assert all(t.note.endswith("data from Feb 2025") for t in tiles)
    assert "data starts Feb 2025" in before.reason


def test_a_partly_covered_previous_period_shows_no_change():
    """Twelve months against a previous twelve holding three months of data: the +337% of
    the issue is not shown."""
    rows = repeat("2024-09-10", "Dr A", "physician", 1) + repeat(
        "2025-08-10", "Dr A", "physician", 4
    )
    tiles, before = kpi_tiles_of(
        encode(make_frame(rows)), Filters(start=date(2024, 12, 1), end=date(2025, 11, 30))
    )
    assert (before.start, before.end) == (date(2023, 12, 1), date(2024, 11, 30))
    assert before.name == "the previous 12 months" and not before.covered
    assert {t.delta for t in tiles} == {"no comparison"}


def test_kpi_tiles_against_the_same_month_last_year():
    """March 2026 (3 referrals) against March 2025 (2): +50%; February 2026 is ignored."""
    rows = (
        repeat("2025-03-04", "Dr A", "physician", 2)
        + repeat("2026-02-04", "Dr A", "physician", 9)
        + repeat("2026-03-04", "Dr A", "physician", 2)
        + repeat("2026-03-05", "Dr B", "physician", 1)
    )
    march = Filters(start=date(2026, 3, 1), end=date(2026, 3, 31))
    tiles, before = kpi_tiles_of(encode(make_frame(rows)), march, "last_year")
    assert (before.start, before.end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert before.covered and before.name == "the same period last year"
    by_key = {t.key: t for t in tiles}
    assert by_key["referrals"].delta == "+50.0%" and by_key["referrals"].previous == 2
    assert by_key["partners"].delta == "+1"
    # The previous month, February (9 referrals): 3 against 9 is -66.7%.
    tiles, before = kpi_tiles_of(encode(make_frame(rows)), march, "previous")
    assert {t.key: t for t in tiles}["referrals"].delta == "-66.7%"


def test_zero_change_has_no_arrow():
    frame = make_frame(
        repeat("2025-02-10", "Dr A", "physician", 2) + repeat("2025-03-10", "Dr A", "physician", 2)
    )
    tiles, _ = kpi_tiles_of(encode(frame), MARCH)
    cr1 = next(t for t in tiles if t.key == "cr1")
    assert (cr1.delta, cr1.delta_arrow, cr1.delta_color) == ("0.0 pts", "off", "off")


@pytest.mark.parametrize("basis", ["referrals", "revenue"])
@pytest.mark.parametrize("level", ["partner", "organization"])
def test_overview_tiles_match_metrics_summary(basis, level):
    frame = small_practice()
    filters = Filters(start=MARCH.start, end=MARCH.end, basis=basis, level=level)
    summary = metrics_summary(frame, filters)
    tiles = {t.key: t for t in overview_page(encode(frame, level), filters).kpis}
    assert tiles["referrals"].value == summary["referrals"]
    assert tiles["arrived"].value == summary["arrived"]
    assert round(tiles["conversion_rate"].value, 4) == summary["conversion_rate"]
    assert round(tiles["revenue"].value, 2) == summary["revenue"]
    assert tiles["partners"].value == summary["concentration"]["partners"]
    assert round(tiles["hhi"].value, 1) == summary["concentration"]["hhi"]
    assert round(tiles["cr1"].value, 4) == summary["concentration"]["cr1"]
    assert round(tiles["patient_share"].value, 4) == summary["patient_share"]


# Monthly shapes ---------------------------------------------------------------------------


def test_type_counts_and_group_shares_by_hand():
    encoded = encode(two_months())
    filters = Filters(start=date(2025, 2, 1), end=MARCH.end)
    counts = type_counts_of(encoded, filters)
    assert list(counts["Month"]) == list(pd.to_datetime(["2025-02-01", "2025-03-01"]))
    assert counts["Physician"].tolist() == [2, 4]
    assert counts["Patient word-of-mouth"].tolist() == [2, 0]
    assert counts["Chiropractor"].tolist() == [0, 0]
    shares = group_shares_of(encoded, filters)
    assert list(shares["Group"]) == list(GROUPS) * 2
    february = shares[shares["Month"] == "2025-02-01"].set_index("Group")
    assert february.loc[GROUPS[0], "Referral share"] == pytest.approx(0.5)
    assert february.loc[GROUPS[2], "Referral share"] == pytest.approx(0.5)
    assert february.loc[GROUPS[0], "Revenue share"] == pytest.approx(1.0)
    march = shares[shares["Month"] == "2025-03-01"].set_index("Group")
    assert march.loc[GROUPS[0], "Referrals"] == 4
    assert march.loc[GROUPS[1], "Referral share"] == 0


def test_partner_months():
    encoded = encode(two_months())
    codes = pd.Index(encoded.names).get_indexer(["Dr B", "Dr A"])
    months, counts = partner_months_of(
        encoded, codes, to_day(pd.Timestamp("2025-01-15")), to_day(pd.Timestamp("2025-03-31"))
    )
    assert list(months) == list(pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]))
    assert counts.tolist() == [[0, 0, 1], [0, 2, 3]]


def test_won_lost_by_hand():
    # Data from Jan 2024. A: Jan 2024 .. Jun 2025; B: only Feb 2025 (lost in Feb: nothing for
    # 90+ days before the end); C: first in Jun 2025 (won); D: Jan 2024 only (lost in Jan 2024).
    frame = make_frame(
        [
            ("2024-01-05", "A", "physician"),
            ("2024-01-06", "D", "physician"),
            ("2025-02-10", "B", "physician"),
            ("2025-06-20", "A", "physician"),
            ("2025-06-21", "C", "chiropractor"),
        ]
    )
    filters = Filters(start=date(2025, 1, 1), end=date(2025, 6, 30))
    table = won_lost_of(encode(frame), filters)
    assert len(table) == 6
    by_month = table.set_index(table["Month"].dt.strftime("%Y-%m"))
    assert by_month.loc["2025-02", "Won"] == 1  # B's first referral
    assert by_month.loc["2025-06", "Won"] == 1  # C
    assert by_month.loc["2025-02", "Lost"] == 1  # B: no referral in the 90 days after
    assert by_month.loc["2025-01", "Lost"] == 0
    # April to June are within 90 days of the end: too recent to call anyone lost.
    assert by_month.loc[["2025-04", "2025-05", "2025-06"], "Lost"].isna().all()


def test_won_is_blank_in_the_data_warm_up():
    frame = make_frame([("2025-01-05", "A", "physician"), ("2025-05-05", "B", "physician")])
    table = won_lost_of(encode(frame), Filters(start=date(2025, 1, 1), end=date(2025, 5, 31)))
    assert table["Won"].isna().tolist() == [True, True, True, False, False]
    assert table["Won"].iloc[4] == 1


# Attention --------------------------------------------------------------------------------


def test_attention_lists_key_referrers_quiet_partners_and_unknown_sources():
    history = make_frame(
        daily_rows("Dr Busy", "physician", [1] * 300 + [0] * 90, "2024-01-01")
        + daily_rows(
            "Dr Gone", "physician", [1 if i % 5 == 0 else 0 for i in range(300)], "2024-01-01"
        )
        + repeat("2024-10-20", "Unknown", "unknown", 40)
    )
    encoded = encode(history)
    filters = Filters(start=date(2024, 10, 1), end=date(2025, 1, 24))
    tables = tables_of(encoded, filters)
    end = to_day(tables.end)
    items = attention_items(tables, declining_of(encoded, end), dormant_of(encoded, end))
    kinds = [i.kind for i in items]
    assert "key_referrer" in kinds
    assert kinds.count("dormant") == 2  # both went quiet 90 days ago...
    assert "declining" not in kinds  # ...so they are listed once, as dormant
    unknown = next(i for i in items if i.kind == "unknown_sources")
    assert unknown.title.endswith("of referrals have no known source")
    assert [i.severity for i in items] == sorted(
        (i.severity for i in items), key=["risk", "watch"].index
    )
    assert {i.partner for i in items if i.kind == "dormant"} == {"Dr Busy", "Dr Gone"}


def test_attention_is_empty_for_a_healthy_spread():
    frame = make_frame(
        [("2025-03-03", f"Partner {i}", "chiropractor") for i in range(12)]
        + repeat("2025-03-04", "Mom", "patient", 4)
    )
    tables = tables_of(encode(frame), MARCH)
    assert (
        attention_items(tables, declining_of(encode(frame), None), dormant_of(encode(frame), None))
        == []
    )


# Page bundles -----------------------------------------------------------------------------


def test_partner_table_columns_and_rates():
    frame = make_frame(
        [
            {"referral_date": "2025-03-02", "source": "Dr A", "source_type": "physician",
             "visits": 8.0, "eval_date": "2025-03-05", "payments": 800.0},
            {"referral_date": "2025-03-09", "source": "Dr A", "source_type": "physician",
             "arrived": False},
            {"referral_date": "2025-03-12", "source": "Mom", "source_type": "patient"},
        ]
    )  # fmt: skip
    table = partner_table(tables_of(encode(frame), MARCH))
    assert list(table.columns) == [
        "Partner",
        "Type",
        "Referrals",
        "Share",
        "Revenue",
        "Conversion",
        "Visits per referral",
        "First referral",
        "Last referral",
    ]
    row = table.iloc[0]
    assert (row["Partner"], row["Type"], row["Referrals"]) == ("Dr A", "Physician", 2)
    assert row["Share"] == pytest.approx(2 / 3)
    assert row["Conversion"] == pytest.approx(0.5)
    assert row["Visits per referral"] == pytest.approx(4.0)  # 8 visits over both referrals
    assert row["Last referral"] == pd.Timestamp("2025-03-09")


def test_mix_by_type_lists_types_with_referrals():
    table = mix_by_type(tables_of(encode(small_practice()), MARCH))
    assert table["Source"].tolist() == ["Physician", "Chiropractor", "Patient word-of-mouth"]
    assert table["Share"].tolist() == pytest.approx([0.5, 0.3, 0.2])
    assert table["Share of revenue"].tolist() == pytest.approx([5 / 7, 1.5 / 7, 0.5 / 7])
    assert table["Conversion"].iloc[0] == 1.0
    assert math.isnan(table["Conversion"].iloc[1])


def test_concentration_and_dependence_pages_agree_with_the_summary():
    frame = small_practice()
    summary = metrics_summary(frame, MARCH)
    page = concentration_page(encode(frame), MARCH)
    assert round(page.concentration["hhi"], 1) == summary["concentration"]["hhi"]
    assert page.pareto["Partner"].tolist() == ["Dr A", "Dr B"]
    assert page.pareto["Cumulative share of partner referrals"].tolist() == pytest.approx(
        [5 / 8, 1.0]
    )
    assert page.lorenz.iloc[-1].tolist() == [1.0, 1.0]
    assert page.hhi_trend["HHI, trailing 12 months"].tolist() == pytest.approx([3_400])
    dependence = dependence_page(encode(frame), MARCH)
    assert dependence.key_referrers["Partner"].tolist() == ["Dr A", "Dr B"]
    assert dependence.key_referrers["Revenue at risk"].tolist() == [500.0, 150.0]
    assert dependence.top_physicians["Partner"].tolist() == ["Dr A"]
    assert dependence.top_physicians["Last 12 months"].iloc[0] == [0] * 11 + [5]
    assert dependence.partners == ("Dr A", "Dr B")


def test_trends_page_evidence_for_a_declining_partner():
    # Ten a month for a year, then almost nothing: declining (and its pace is ~10 a month).
    counts = [1 if i % 3 == 0 else 0 for i in range(365)] + [
        1 if i % 30 == 0 else 0 for i in range(90)
    ]
    history = make_frame(daily_rows("Dr Fading", "physician", counts, "2024-01-01"))
    end = pd.Timestamp("2024-01-01") + pd.Timedelta(days=len(counts) - 1)
    filters = Filters(start=date(2025, 1, 1), end=end.date())
    page = trends_page(encode(history), filters)
    assert page.declining["Partner"].tolist() == ["Dr Fading"]
    assert page.declining["Odds by luck"].iloc[0] == "under 1 in a million"
    evidence = page.evidence
    assert set(evidence["Partner"]) == {"Dr Fading"} and len(evidence) == 15
    assert evidence["Earlier pace per month"].iloc[0] == pytest.approx(
        122 / 365 * 365.25 / 12, rel=0.01
    )
    assert evidence["Flag"].iloc[0] == "declining"
    assert page.end_date == end


# Partner drill-down -----------------------------------------------------------------------


def test_partner_view_by_hand():
    history = make_frame(
        [
            {"referral_date": "2024-12-01", "source": "Dr A", "source_type": "physician",
             "clinic": "North", "payer": "Aetna"},
            {"referral_date": "2025-03-03", "source": "Dr A", "source_type": "physician",
             "clinic": "North", "payer": "Aetna", "payments": 100.0, "arrived": True,
             "organization": "Ortho Group"},
            {"referral_date": "2025-03-04", "source": "Dr A", "source_type": "physician",
             "clinic": "South", "arrived": False, "organization": "Ortho Group"},
            {"referral_date": "2025-03-05", "source": "Dr A", "source_type": "physician",
             "clinic": "North", "payer": "Medicare"},
            {"referral_date": "2025-03-06", "source": "Mom", "source_type": "patient"},
        ]
    )  # fmt: skip
    encoded = encode(history)
    tables = tables_of(encoded, MARCH)
    view = partner_view_of(history, encoded, tables, "Dr A")
    assert view.type_label == "Physician"
    facts = view.facts
    assert facts["referrals"] == 3
    assert facts["share"] == pytest.approx(0.75)
    assert facts["revenue"] == pytest.approx(100.0)
    assert facts["conversion_rate"] == pytest.approx(0.5)
    assert facts["first_referral"] == pd.Timestamp("2024-12-01")
    assert facts["last_referral"] == pd.Timestamp("2025-03-05")
    assert facts["days_since_last"] == 26
    assert view.clinics.to_dict("list") == {
        "Clinic": ["North", "South"],
        "Referrals": [2, 1],
        "Share": [pytest.approx(2 / 3), pytest.approx(1 / 3)],
    }
    assert view.payers["Payer"].tolist() == ["Aetna", "(Not recorded)", "Medicare"]
    assert view.members["Organization"].tolist() == ["Ortho Group", "(Not recorded)"]
    # The monthly series covers at least 12 months to the period end.
    assert len(view.monthly) == 12
    assert view.monthly["Referrals"].tolist()[-4:] == [1, 0, 0, 3]
    assert any(note.startswith("Key referrer") for note in view.status)
    assert partner_view_of(history, encoded, tables, "Mom") is None  # not a partner
    assert partner_view_of(history, encoded, tables, "Nobody") is None


def test_partner_names_put_the_period_first():
    history = make_frame(
        [
            ("2024-05-01", "Old Friend", "chiropractor"),
            *repeat("2025-03-03", "Dr B", "physician", 1),
            *repeat("2025-03-04", "Dr A", "physician", 2),
            ("2025-04-01", "Later", "physician"),
        ]
    )
    encoded = encode(history)
    names = partner_names_of(encoded, tables_of(encoded, MARCH))
    assert names == ["Dr A", "Dr B", "Old Friend"]


def test_column_kinds():
    frame = pd.DataFrame(
        {
            "Month": pd.to_datetime(["2025-03-01"]),
            "Partner": ["A"],
            "Referrals": np.array([1], dtype="int64"),
            "Share of referrals": [0.1],
            "Revenue at risk": [1.0],
            "Last referral": pd.to_datetime(["2025-03-02"]),
            "Last 12 months": [[1, 2]],
            "P-value": [0.01],
            "Drop": [0.4],
            "Visits per referral": [2.5],
        }
    )
    assert column_kinds(frame) == {
        "Month": "month",
        "Referrals": "count",
        "Share of referrals": "percent",
        "Revenue at risk": "money",
        "Last referral": "date",
        "Last 12 months": "sparkline",
        "P-value": "p_value",
        "Drop": "percent",
        "Visits per referral": "decimal",
    }
