"""Returns a client believes (finding 5 of issue 12): a multiple of the cost with a cap,
quadrant advice that never says drop to a partner returning many times its cost, one margin
for every page and report, and never "None" or "nan" on screen."""

from __future__ import annotations

import re

import pytest

from analytics.views.roi import roi_text
from tests.app.test_app_roi import open_page, sample_db, table_with  # noqa: F401 (fixture)


@pytest.mark.parametrize(
    ("roi", "shown"),
    [
        (103.97, "over 100×"),  # was "10,397%"
        (1089.212, "over 100×"),  # was "109,021.2%"
        (99.0, "100×"),
        (41.6, "43×"),
        (2.5, "3.5×"),
        (0.0, "1.0×"),
        (-1.0, "0.0×"),
        (None, "no cost logged"),  # was "n/a" or None
        (float("nan"), "no cost logged"),
    ],
)
def test_a_return_reads_as_a_multiple_of_its_cost(roi, shown):
    assert roi_text(roi) == shown


NONE = re.compile(r"\b(None|nan|NaN)\b")


def _screen(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(m.value) + " " + str(m.proto.delta_description) for m in at.metric]
    parts += [e.value for e in (*at.info, *at.warning, *at.success, *at.error)]
    parts += [t.value.to_string() for t in at.table]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize(
    "page",
    [
        "pages/overview.py",
        "pages/concentration.py",
        "pages/dependence.py",
        "pages/trends.py",
        "pages/partner.py",
        "pages/roi.py",
        "pages/engagement.py",
        "pages/valuation.py",
        "pages/partners.py",
        "pages/stores.py",
    ],
)
def test_no_none_or_nan_on_screen(sample_db, monkeypatch, tmp_path, page):  # noqa: F811
    at = open_page(sample_db, monkeypatch, page, tmp_path)
    assert not NONE.search(_screen(at)), NONE.findall(_screen(at))
    # Missing cells in tables show a dash, not "None".
    assert all(d.proto.placeholder == "–" for d in at.dataframe)


def test_returns_are_capped_and_no_big_returner_is_told_to_drop(
    sample_db,  # noqa: F811
    monkeypatch,
    tmp_path,
):
    at = open_page(sample_db, monkeypatch, "pages/roi.py", tmp_path)
    partners = table_with(at, "Quadrant")
    shown = partners["Return on margin (× cost)"].dropna()
    assert shown.max() <= 100
    assert not partners[(partners["Quadrant"] == "Review") & (shown >= 2)].shape[0]
    assert "Drop" not in set(partners["Quadrant"])
    text = _screen(at)
    assert "take it off the outreach list" not in text
    assert not re.search(r"\d{1,3}(,\d{3})+%", text)  # no "10,404%"


def test_one_margin_for_every_page(sample_db, monkeypatch, tmp_path):  # noqa: F811
    at = open_page(sample_db, monkeypatch, "pages/roi.py", tmp_path)
    assert at.slider(key="margin").value == 40
    at.slider(key="margin").set_value(60).run()
    at.switch_page("pages/valuation.py").run()
    assert not at.exception
    assert at.slider(key="margin").value == 60
    at.slider(key="margin").set_value(25).run()
    at.switch_page("pages/roi.py").run()
    assert at.slider(key="margin").value == 25
    assert any("revenue × 25% margin" in str(m.proto.delta_description) for m in at.metric)
