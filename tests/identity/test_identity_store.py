"""Decisions in the store: applied to every read, past and future uploads, undone by deletion.

The small practice below has 10 referrals: Gregory Lane 3, the same doctor typed "Greg Lane"
2, Maria Okafor 4 (Summit Ortho, written on two of her rows) and one self-referral.
"""

from __future__ import annotations

from datetime import date

import pytest

from analytics import identity
from analytics.filters import Filters
from analytics.identity import activities_of
from analytics.identity.decisions import record as record_decisions
from analytics.ingest import prepare
from analytics.metrics.cli import store_metrics
from analytics.metrics.concentration import concentration
from analytics.store import Store
from analytics.store.transfer import move
from tests.metric_paths import FILTER_CASES, paths_agree

HEADER = "Referral Date,Referring Provider,Referral Type,Referring Organization,Clinic,Payer\n"
LANE_CSV = HEADER + (
    "2025-03-03,Gregory Lane MD,Physician,,North,Aetna\n"
    "2025-03-04,Gregory Lane MD,Physician,,North,Aetna\n"
    "2025-03-05,Gregory Lane MD,Physician,,North,Aetna\n"
    "2025-03-06,Greg Lane MD,Physician,,North,Aetna\n"
    "2025-03-07,Greg Lane MD,Physician,,North,Aetna\n"
    "2025-03-10,Maria Okafor MD,Physician,Summit Ortho,North,Medicare\n"
    "2025-03-11,Maria Okafor MD,Physician,,North,Medicare\n"
    "2025-03-12,Maria Okafor MD,Physician,,South,Medicare\n"
    "2025-03-13,Maria Okafor MD,Physician,Summit Ortho,South,Medicare\n"
    "2025-03-14,,Self Referral,,South,Self Pay\n"
)
GREG, GREGORY, OKAFOR = "Greg Lane, MD", "Gregory Lane, MD", "Maria Okafor, MD"


def load(store: Store, text: str, name: str, kind: str = "referrals") -> None:
    store.save(prepare(text.encode(), name, store.ingest_context(), kind=kind).batch())


@pytest.fixture
def lane(tmp_path) -> Store:
    store = Store(tmp_path / "lane.duckdb")
    load(store, LANE_CSV, "lane.csv")
    yield store
    store.close()


def headline(store: Store, **filters) -> tuple:
    c = store_metrics(store, Filters(**filters))["concentration"]
    return c["hhi"], c["cr1"], c["partners"]


def test_a_merge_changes_hhi_and_cr1_retroactively_and_undo_restores_them(lane):
    # Partners 3, 2 and 4 of 10 referrals: 30² + 20² + 40² = 2,900; the largest is 40%.
    assert headline(lane) == (2900, 0.4, 3)
    ids = identity.merge(lane, [GREG], GREGORY)
    # Lane 5 and Okafor 4 of 10: 50² + 40² = 4,100; Lane is now the largest at 50%.
    assert headline(lane) == (4100, 0.5, 2)
    # The pandas path over the rows reads the same merge.
    rows = concentration(lane.referrals(), Filters())
    assert (round(rows["hhi"]), rows["cr1"], rows["partners"]) == (4100, 0.5, 2)
    top = store_metrics(lane, Filters())["physician_dependence"]["top_physician"]
    assert (top["name"], top["share"]) == (GREGORY, 0.5)
    assert identity.undo(lane, ids) == 1
    assert headline(lane) == (2900, 0.4, 3)


def test_the_stored_rows_keep_their_raw_and_ingest_time_names(lane):
    identity.merge(lane, [GREG], GREGORY)
    identity.rename(lane, GREGORY, "Dr. G. Lane")
    raw = lane._query("SELECT DISTINCT source_name, source FROM main.referrals ORDER BY 1")
    assert ("Greg Lane MD", GREG) in raw and ("Gregory Lane MD", GREGORY) in raw
    read = lane.referrals()
    assert set(read.loc[read["source_name"].str.contains("Lane"), "source"]) == {"Dr. G. Lane"}


def test_future_uploads_read_through_past_decisions(lane):
    identity.merge(lane, [GREG], GREGORY)
    identity.set_organization(lane, GREGORY, "Northgate IM")
    load(lane, HEADER + "2025-04-01,Greg Lane MD,Physician,,North,Aetna\n", "april.csv")
    april = lane.referrals(Filters(start=date(2025, 4, 1)))
    assert april[["source", "organization"]].values.tolist() == [[GREGORY, "Northgate IM"]]


def test_organisations_roll_partners_up(lane):
    # Okafor's rows without an organisation take the one most of her rows name.
    okafor = lane.referrals().query("source == @OKAFOR")
    assert set(okafor["organization"]) == {"Summit Ortho"}
    identity.merge(lane, [GREG], GREGORY)
    identity.set_organization(lane, GREGORY, "Summit Ortho")
    # One group of 9 of the 10 referrals: 90² = 8,100.
    assert headline(lane, level="organization") == (8100, 0.9, 1)
    dependence = store_metrics(lane, Filters(level="organization"))["physician_dependence"]
    assert dependence["top_physician"]["name"] == "Summit Ortho"
    assert [k["name"] for k in dependence["key_referrers"]] == ["Summit Ortho"]
    # Taking Okafor out of any organisation ignores her rows' own organisation column too.
    identity.set_organization(lane, OKAFOR, None)
    assert headline(lane, level="organization") == (4100, 0.5, 2)


def test_a_type_decision_moves_the_mix(lane):
    before = store_metrics(lane, Filters())
    identity.set_type(lane, GREG, "chiropractor")
    after = store_metrics(lane, Filters())
    assert before["physician_dependence"]["physician_share"] == 0.9
    assert after["physician_dependence"]["physician_share"] == 0.7
    assert after["mix"]["chiropractor"] == 0.2
    chiropractors = lane.referrals(Filters(source_types=("chiropractor",)))
    assert set(chiropractors["source"]) == {GREG}


def test_merged_referrals_take_the_kept_sources_type(lane):
    identity.set_type(lane, GREG, "physician_extender")
    identity.merge(lane, [GREG], GREGORY)
    assert set(lane.referrals().query("source == @GREGORY")["source_type"]) == {"physician"}


def test_renaming_back_and_forth(lane):
    identity.rename(lane, OKAFOR, "Dr. M. Okafor")
    identity.set_type(lane, "Dr. M. Okafor", "physician")
    identity.rename(lane, "Dr. M. Okafor", OKAFOR)
    read = lane.referrals()
    assert set(read.loc[read["source_name"] == "Maria Okafor MD", "source"]) == {OKAFOR}
    assert identity.current(lane).types == {OKAFOR: "physician"}


def test_a_spelling_split_off_a_wrong_merge(tmp_path):
    store = Store(tmp_path / "smith.duckdb")
    # At ingest "Dr. Smith" joins the only Smith in the file; the owner knows it was Jane.
    load(store, HEADER + "2025-03-03,John Smith MD,Physician,,North,Aetna\n" * 3
         + "2025-03-04,Dr. Smith,Physician,,North,Aetna\n", "march.csv")  # fmt: skip
    load(store, HEADER + "2025-03-05,Jane Smith DO,Physician,,North,Aetna\n", "jane.csv")
    assert store.referrals()["source"].value_counts().to_dict() == {
        "John Smith, MD": 4, "Jane Smith, DO": 1}  # fmt: skip
    identity.split_spelling(store, "Dr. Smith", "Jane Smith, DO")
    assert store.referrals()["source"].value_counts().to_dict() == {
        "John Smith, MD": 3, "Jane Smith, DO": 2}  # fmt: skip
    assert ("Jane Smith, DO", "John Smith, MD") in store.rejected_pairs()
    store.close()


def test_outreach_names_resolve_whatever_was_uploaded_first(tmp_path):
    store = Store(tmp_path / "outreach.duckdb")
    log = "Date,Referral Partner,Activity,Cost\n"
    log += "2025-03-01,Dr. Okafor,Lunch & Learn,120\n2025-03-02,Okafor Ortho,Office Visit,0\n"
    load(store, log, "outreach.csv", kind="activities")  # before any referral
    load(store, LANE_CSV, "lane.csv")
    assert activities_of(store)["partner"].tolist() == [OKAFOR, "Okafor Ortho"]
    view = identity.identity_view(store)
    [unmatched] = view.outreach
    assert unmatched.name == "Okafor Ortho" and unmatched.candidates[0].target == OKAFOR
    identity.merge_into(store, "Okafor Ortho", OKAFOR)
    assert activities_of(store)["partner"].tolist() == [OKAFOR, OKAFOR]
    assert identity.identity_view(store).outreach == ()
    store.close()


def test_every_write_is_one_transaction_and_bumps_the_version(lane):
    version = lane.version()
    with pytest.raises(ValueError, match="source type"):
        record_decisions(
            lane,
            [
                {"action": "merge", "source": GREG, "canonical": GREGORY},
                {"action": "type", "source": GREG, "source_type": "wizard"},
            ],
        )
    assert lane.decisions().empty and lane.version() == version
    ids = identity.merge(lane, [GREG], GREGORY)
    assert lane.version() == version + 1
    lane.reject_pairs([(OKAFOR, GREGORY)])
    identity.undo(lane, ids)
    assert lane.version() == version + 3
    with pytest.raises(identity.IdentityError, match="Unknown"):
        identity.merge(lane, ["Unknown"], OKAFOR)


def test_a_rejected_suggestion_is_not_suggested_again(lane):
    [suggestion] = identity.suggestions(lane)
    assert (suggestion.source, suggestion.target) == (GREG, GREGORY)
    identity.reject(lane, suggestion)
    assert identity.suggestions(lane) == []
    lane.forget_rejections([suggestion.pair])
    assert identity.suggestions(lane) == [suggestion]


def test_accepting_a_suggestion_notes_its_evidence(lane):
    [suggestion] = identity.suggestions(lane)
    identity.accept(lane, suggestion)
    decision = lane.decisions().iloc[0]
    assert (decision["action"], decision["source"], decision["canonical"]) == (
        "merge", GREG, GREGORY)  # fmt: skip
    assert (
        decision["note"].startswith("Suggested (")
        and "Greg is short for Gregory" in (decision["note"])
    )


# --- the sample practice: SQL and pandas paths agree with decisions applied ----------------


@pytest.fixture(scope="module")
def decided(sample_store, tmp_path_factory) -> Store:
    """A copy of the sample store with a decision of every kind (copied by `move`, which
    works on either engine: see --store-backend postgres)."""
    store = Store(tmp_path_factory.mktemp("decided") / "sample.duckdb")
    move(sample_store, store)
    for suggestion in identity.identity_view(store).suggestions:
        identity.accept(store, suggestion)
    for name in identity.identity_view(store).outreach:
        if name.candidates and name.candidates[0].confidence >= 0.5:
            identity.accept(store, name.candidates[0])
    identity.rename(store, OKAFOR, "Dr. Maria Okafor (Summit)")
    identity.set_organization(store, "Kelly Brennan, PA-C", "Okafor's practice")
    identity.set_type(store, "Iron Valley Fitness", "organization")
    identity.split_spelling(store, "OKAFOR, MARIA")
    yield store
    store.close()


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_sql_and_pandas_paths_agree_with_decisions(decided, filters):
    paths_agree(decided, filters)


def test_the_sample_decisions_show_in_the_metrics(decided):
    m = store_metrics(decided, Filters())
    assert m["physician_dependence"]["top_physician"]["name"] == "Dr. Maria Okafor (Summit)"
    # 1,475 referrals less the 6 typed "OKAFOR, MARIA", now a source of their own.
    assert m["concentration"]["cr1"] == pytest.approx(1469 / 7277, abs=5e-5)
    assert activities_of(decided)["partner"].isin(["Okafor Ortho", "Iron Valley gym"]).sum() == 0
    grouped = store_metrics(decided, Filters(level="organization"))
    summit = grouped["physician_dependence"]["key_referrers"][0]
    assert summit["name"] == "Summit Orthopedic Associates" and summit["share"] > 0.3
