"""AppTest of the Partners page: accept a suggestion and the metrics move; map an outreach
name; rename, type and organisation; undo; the CSV export."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.store import Store
from tests.conftest import ROOT
from tests.identity.test_identity_store import GREG, GREGORY, LANE_CSV, OKAFOR, load

OUTREACH = "Date,Referral Partner,Activity,Cost\n2025-03-01,Okafor Ortho,Lunch & Learn,120\n"


@pytest.fixture
def app(tmp_path: Path, monkeypatch) -> AppTest:
    path = tmp_path / "partners.duckdb"
    store = Store(path)
    load(store, LANE_CSV, "lane.csv")
    load(store, OUTREACH, "outreach.csv", kind="activities")
    store.close()
    monkeypatch.setenv("REFERRALS_DB", str(path))
    at = AppTest.from_file(str(ROOT / "pages" / "partners.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def said(at: AppTest) -> str:
    return " ".join([s.value for s in at.success] + [e.value for e in at.error])


def test_accepting_a_suggestion_changes_the_metrics_and_undo_restores_them(app: AppTest):
    assert tiles(app)["Partners"] == "3"
    assert tiles(app)["Largest share"] == "40.0%"
    assert tiles(app)["HHI"] == "2,900"
    text = " ".join(m.value for m in app.markdown)
    assert f"**{GREG}**" in text and f"**{GREGORY}**" in text
    assert any("Greg is short for Gregory" in c.value for c in app.caption)
    app.button(key="accept_0").click().run()
    assert not app.exception
    assert f"Merged {GREG} into {GREGORY}." in said(app)
    assert tiles(app)["Partners"] == "2"
    assert tiles(app)["Largest share"] == "50.0%"
    assert tiles(app)["HHI"] == "4,100"
    undo = [b for b in app.button if b.key and b.key.startswith("undo_")]
    assert len(undo) == 1
    undo[0].click().run()
    assert not app.exception
    assert tiles(app)["Partners"] == "3" and tiles(app)["HHI"] == "2,900"


def test_rejecting_keeps_them_apart(app: AppTest):
    app.button(key="reject_0").click().run()
    assert "stay apart" in said(app)
    assert not [b for b in app.button if b.key == "accept_0"]
    assert tiles(app)["Partners"] == "3"


def test_an_outreach_name_is_mapped_to_its_partner(app: AppTest):
    assert app.selectbox(key="outreach_pick_0").value == OKAFOR
    app.button(key="outreach_map_0").click().run()
    assert not app.exception
    assert "Every outreach name is a referral source." in said(app)


def test_edit_a_partner_name_type_and_organisation(app: AppTest):
    app.selectbox(key="edit_partner").set_value(GREG).run()
    app.selectbox(key=f"type_{GREG}").set_value("chiropractor").run()
    app.button(key="set_type").click().run()
    assert f"Set the type of {GREG}." in said(app)
    app.selectbox(key=f"organization_{GREG}").set_value("Summit Ortho").run()
    app.button(key="set_organization").click().run()
    assert not app.exception
    app.text_input(key=f"rename_{GREG}").set_value("Dr. Greg Lane").run()
    app.button(key="rename").click().run()
    assert not app.exception and f"Renamed {GREG}." in said(app)
    partners = next(d.value for d in app.dataframe if "Partner" in d.value.columns)
    row = partners.set_index("Partner").loc["Dr. Greg Lane"]
    assert (row["Type"], row["Organisation"], row["Referrals"]) == (
        "Chiropractor",
        "Summit Ortho",
        2,
    )
    decisions = [m.value for m in app.markdown if m.value.startswith(("Renamed", "Put", "Counted"))]
    assert len(decisions) == 3


def test_merge_by_hand_and_errors_in_one_sentence(app: AppTest):
    app.multiselect(key="merge_sources").set_value([GREGORY, GREG]).run()
    app.selectbox(key="merge_into").set_value(GREGORY).run()
    app.button(key="merge_by_hand").click().run()
    assert tiles(app)["Partners"] == "2"
    app.selectbox(key="edit_partner").set_value(OKAFOR).run()
    app.button(key="rename").click().run()  # the name unchanged
    assert [e.value for e in app.error] == [f"{OKAFOR} already has that name."]


def test_the_decisions_export_is_offered(app: AppTest):
    labels = [b.label for b in app.get("download_button")]
    assert "Export decisions (CSV)" in labels


def test_bulk_accept_asks_for_confirmation_and_says_what_it_did(app: AppTest):
    assert tiles(app)["Partners"] == "3"
    assert app.button(key="bulk_accept").disabled  # not before the owner confirms
    app.slider(key="bulk_percent").set_value(80).run()
    assert any("1 suggestions would be merged." in m.value for m in app.markdown)
    app.checkbox(key="bulk_confirm").check().run()
    assert not app.button(key="bulk_accept").disabled
    app.button(key="bulk_accept").click().run()
    assert not app.exception
    assert "Merged 1 suggested pair." in said(app)
    assert tiles(app)["Partners"] == "2" and tiles(app)["HHI"] == "4,100"
    assert any("No likely duplicates" in m.value for m in app.success)


def test_bulk_accept_above_every_confidence_merges_nothing(app: AppTest):
    app.slider(key="bulk_percent").set_value(99).run()
    assert any("0 suggestions would be merged." in m.value for m in app.markdown)
    assert app.button(key="bulk_accept").disabled
    assert tiles(app)["Partners"] == "3"
