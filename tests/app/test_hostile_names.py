"""Every user-supplied string is shown as text on every page (issue 13, finding 8).

Before: a partner named `![b](http://host/x.png) Gym` made every viewer's browser fetch that
URL, `**x**` rendered bold and KaTeX typeset `$\\href{...}$`: names reached st.markdown,
captions and labels as Markdown. AppTest crawls each page of a store whose every name is
hostile and reads every element that renders Markdown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.text import md
from tests.conftest import ROOT
from tests.hostile_store import RAW_MARKERS, build, hostile_names

PORT = 9  # nothing listens: AppTest renders nothing, it records what would be rendered
PAGES = [
    "pages/overview.py",
    "pages/concentration.py",
    "pages/dependence.py",
    "pages/trends.py",
    "pages/partner.py",
    "pages/roi.py",
    "pages/engagement.py",
    "pages/valuation.py",
    "pages/upload.py",
    "pages/partners.py",
    "pages/stores.py",
    "pages/diligence.py",
    "pages/targets.py",
    "pages/source_quality.py",
    "pages/cohorts.py",
    "pages/portfolio.py",
]
MARKDOWN_KINDS = (
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "exception",
)
LABELLED_KINDS = (
    "metric",
    "expander",
    "tab",
    "button",
    "checkbox",
    "toggle",
    "radio",
    "selectbox",
    "multiselect",
    "text_input",
    "number_input",
    "date_input",
    "slider",
    "download_button",
    "status",
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("hostile"), PORT)


def rendered_texts(at: AppTest) -> list[str]:
    """What Streamlit renders as Markdown: element bodies, and every label and help."""
    texts: list[str] = []
    for kind in MARKDOWN_KINDS:
        texts += [str(getattr(e, "value", "")) for e in at.get(kind)]
    for kind in LABELLED_KINDS:
        for e in at.get(kind):
            texts += [str(getattr(e, "label", "") or ""), str(getattr(e, "help", "") or "")]
            proto = getattr(e, "proto", None)
            if kind == "metric" and proto is not None:
                texts.append(str(proto.body))
    for table in at.get("table"):  # st.table renders Markdown in cells and headers
        frame = table.value
        texts += [str(c) for c in frame.columns] + [str(i) for i in frame.index]
        texts += [str(v) for v in frame.to_numpy().ravel()]
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_hostile_names_are_escaped_on_every_page(hostile_db, monkeypatch, page):
    monkeypatch.setenv("REFERRALS_DB", str(hostile_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.selectbox(key="period_preset").set_value("All data").run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    texts = rendered_texts(at)
    leaks = [t for t in texts if any(marker in t for marker in RAW_MARKERS)]
    assert not leaks, f"{page} renders user text as Markdown: {leaks[:5]}"


def test_the_escaped_names_are_what_the_pages_show(hostile_db, monkeypatch):
    monkeypatch.setenv("REFERRALS_DB", str(hostile_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/stores.py").run()
    names = hostile_names(PORT)
    texts = "\n".join(rendered_texts(at))
    assert md(names["image"]) in texts  # the practice's name, as text


@pytest.mark.parametrize("page", ["pages/roi.py", "pages/engagement.py", "pages/overview.py"])
def test_hostile_clinic_names_are_escaped_when_chosen(hostile_db, monkeypatch, page):
    monkeypatch.setenv("REFERRALS_DB", str(hostile_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.selectbox(key="period_preset").set_value("All data").run()
    clinics = at.multiselect(key="clinics")
    clinics.set_value(list(clinics.options)).run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    leaks = [t for t in rendered_texts(at) if any(m in t for m in RAW_MARKERS)]
    assert not leaks, f"{page} renders a clinic name as Markdown: {leaks[:5]}"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Smith, John MD", "Smith, John MD"),
        ("Saved 4 rows from march.xlsx.", "Saved 4 rows from march.xlsx."),
        ("**x**", "\\*\\*x\\*\\*"),
        ("$5 $6", "\\$5 \\$6"),
        ("![b](http://h/x.png)", "!\\[b\\](http\\://h/x.png)"),
        ("<img>", "\\<img\\>"),
        (":red[a] :smile:", "\\:red\\[a\\] \\:smile:"),
        ("# 1. - > two\nlines", "\\# 1. - \\> two lines"),
        ("1. first", "1\\. first"),
        ("- item", "\\- item"),
    ],
)
def test_md_escapes_every_piece_of_syntax(text, escaped):
    assert md(text) == escaped
