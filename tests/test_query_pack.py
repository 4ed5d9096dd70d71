"""The query pack on the built sample: every query answers its competency question as the
sample documents' gold facts (../shared/gold, tests/fixtures/gold) and the registry
(ontology/reference) say, and gives the same answers on Oxigraph and on rdflib's memory store.

Expected values below are written by hand from the gold files and the registry YAML.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, URIRef

from graph import native
from graph.query import QueryDef, format_result, load_pack, run_query
from graph.reasoning import reason
from graph.store import STORES, open_dataset

RKGD = "https://w3id.org/refoulement-kg/id/"
CHINA = "rkgd:state/china"
DPRK_LABEL = "Democratic People's Republic of Korea"
HRF_DOC = "2023-10-13-hrf-joint-statement.txt"
HRW_DOC = "2005-04-hrw-commission-resolution.txt"
NHRCK_DOC = "2023-12-nhrck-unga-resolution.txt"
YONHAP_DOC = "2024-yonhap-upr-china.txt"
UN_DOC = "un-experts-china-non-refoulement.txt"
SAMPLE_DOCS = {HRF_DOC, HRW_DOC, NHRCK_DOC, YONHAP_DOC, UN_DOC}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def reasoned_build(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample build with its inferred graph (rules + HermiT)."""
    out = tmp_path_factory.mktemp("reasoned-build")
    shutil.copy2(sample_build / "graph.trig", out / "graph.trig")
    reason(out)
    return out


@pytest.fixture(scope="session")
def datasets(reasoned_build: Path) -> dict[str, Dataset]:
    return {store: open_dataset(reasoned_build, store) for store in STORES}


@pytest.fixture(scope="session")
def pack() -> dict[str, QueryDef]:
    return load_pack()


def ask(datasets: dict[str, Dataset], pack: dict[str, QueryDef], name: str,
        **params: str) -> list[dict[str, Any]]:
    """Run a pack query on both stores; they must agree; return the records."""
    results = {store: run_query(pack[name], ds, params) for store, ds in datasets.items()}
    texts = {store: format_result(r, "json") for store, r in results.items()}
    assert texts["oxigraph"] == texts["memory"], f"{name} {params}: the stores disagree"
    return results["oxigraph"].records()


def _example_params(example: str) -> dict[str, str]:
    words = example.split()
    return dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")


# --- the whole pack, on both stores ------------------------------------------------------------


def test_query_pack_has_the_competency_questions(pack: dict[str, QueryDef]) -> None:
    assert len(pack) >= 12
    for name, query in pack.items():
        assert query.title and query.question, name
        assert query.examples and all(e.startswith(f"rkg query {name}") for e in query.examples)
        assert "PREFIX" in query.text, f"{name}: prefixes must be inline"


def test_query_pack_every_example_agrees_on_both_stores(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    for name, query in sorted(pack.items()):
        for example in query.examples:
            ask(datasets, pack, name, **_example_params(example))
        optional = {p.name for p in query.params if not p.required}
        if not any(p.required for p in query.params) and optional:
            ask(datasets, pack, name)  # every optional parameter unset


def test_query_pack_native_path_gives_rdflibs_terms(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """run_query goes straight to pyoxigraph on an oxrdflib Dataset (graph/native.py): the
    same columns and the same rdflib terms, in the same order, as through rdflib's query."""
    ds = datasets["oxigraph"]
    assert native.native_store(ds) is not None
    cases = [(name, _example_params(example)) for name, query in sorted(pack.items())
             for example in query.examples]
    fast = [run_query(pack[name], ds, params) for name, params in cases]
    monkeypatch.setattr(native, "native_store", lambda _ds: None)
    for (name, params), result in zip(cases, fast, strict=True):
        slow = run_query(pack[name], ds, params)
        assert result.columns == slow.columns, name
        assert result.rows == slow.rows, f"{name} {params}"
        for row, other in zip(result.rows, slow.rows, strict=True):
            assert [type(t) for t in row] == [type(t) for t in other], name
            assert [getattr(t, "datatype", None) for t in row] == [
                getattr(t, "datatype", None) for t in other], name


# --- 1. timeline -------------------------------------------------------------------------------


def test_query_timeline_lists_the_gold_returns(datasets: dict[str, Dataset],
                                               pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "timeline")
    # one forced return per sample document (gold `repatriations`), all China -> DPRK
    assert len(rows) == 5
    assert all(r["perpetrators"] == ["China"] for r in rows)
    assert all(r["destinations"] == [DPRK_LABEL] for r in rows)
    by_when: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_when.setdefault(row["when"], []).append(row)
    # HRF: 2023-10-09, 600, through Hunchun, Tumen, Changbai, Nanping, Dandong
    (oct9,) = by_when["2023-10-09"]
    assert oct9["precision"] == "day"
    assert (oct9["countMin"], oct9["countMax"], oct9["countWords"]) == (600, 600, "600")
    assert {"Hunchun", "Tumen", "Changbai", "Nanping", "Dandong"} <= set(oct9["places"])
    # HRW: 2005-04, 30 North Koreans
    (apr05,) = by_when["2005-04"]
    assert (apr05["precision"], apr05["countMin"], apr05["countMax"]) == ("month", 30, 30)
    # Yonhap: "Last year" = 2023, "hundreds"
    (y2023,) = by_when["2023"]
    assert (y2023["precision"], y2023["countWords"]) == ("year", "hundreds")
    # NHRCK and UN experts: date unknown ("Numerous" in the UN text)
    assert len(by_when["unknown"]) == 2
    assert "Numerous" in {r["countWords"] for r in by_when["unknown"]}
    assert [r["when"] for r in rows] == sorted(r["when"] for r in rows)
    assert all(r["sources"] == 1 and r["claims"] >= 1 for r in rows)


def test_query_timeline_filters_by_perpetrator_and_period(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    since_2023 = ask(datasets, pack, "timeline", perpetrator=CHINA, **{"from": "2023"})
    assert sorted(r["when"] for r in since_2023) == ["2023", "2023-10-09"]
    in_2005 = ask(datasets, pack, "timeline", **{"from": "2005", "until": "2005"})
    assert [r["when"] for r in in_2005] == ["2005-04"]
    october = ask(datasets, pack, "timeline", **{"from": "2023-10", "until": "2023-10"})
    assert [r["when"] for r in october] == ["2023-10-09"]
    assert ask(datasets, pack, "timeline", perpetrator="rkgd:state/north-korea") == []


def _event(datasets: dict[str, Dataset], pack: dict[str, QueryDef], when: str) -> str:
    rows = [r for r in ask(datasets, pack, "timeline") if r["when"] == when]
    assert len(rows) == 1
    return str(rows[0]["event"])


# --- 2. every source for one event -------------------------------------------------------------


def _doc_text(ds: Dataset, file_name: str) -> str:
    rkg = "https://w3id.org/refoulement-kg/ontology#"
    for doc in ds.subjects(URIRef(rkg + "fileName"), None):
        if str(ds.value(doc, URIRef(rkg + "fileName"))) == file_name:
            return str(ds.value(doc, URIRef(rkg + "text")))
    raise AssertionError(f"no document {file_name}")


def test_query_event_sources_gives_each_sources_words(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "event-sources", event=_event(datasets, pack, "2023-10-09"))
    assert {r["document"] for r in rows} == {HRF_DOC}
    dated = [r for r in rows if r["dateText"]]
    assert [r["dateText"] for r in dated] == ["On the evening of Oct. 9"]
    assert dated[0]["claimedDate"] == "2023-10-09"
    assert {"Hunchun", "Tumen", "Changbai", "Nanping", "Dandong"} <= set(dated[0]["claimedPlaces"])
    assert "600" in {r["countWords"] for r in rows}
    text = _doc_text(datasets["memory"], HRF_DOC)
    for row in rows:
        assert text[row["start"]:row["end"]] == row["quote"]
        assert row["claimedBy"] == "Human Rights Foundation"


def test_query_event_sources_keeps_second_hand_chains(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    # HRW relays DongA's report that Beijing "has apparently sent back 30 North Koreans"
    (row,) = ask(datasets, pack, "event-sources", event=_event(datasets, pack, "2005-04"))
    assert row["document"] == HRW_DOC
    assert (row["claimedBy"], row["reportedBy"]) == ("Dong-A Ilbo", "Human Rights Watch")
    assert row["countWords"] == "30"
    assert "sent back 30 North Koreans" in row["quote"]


# --- 3. disagreements --------------------------------------------------------------------------


def test_query_disagreements_sets_signatory_against_party(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "disagreements", kind="treaty-status")
    assert rows and {r["type"] for r in rows} == {"treaty-status"}
    cat = [r for r in rows if r["subject"] == f"{RKGD}treaty/cat"]
    # the HRF statement calls China "a signatory" of the CAT; the UNTC records a ratification
    # on 1988-10-04 (registry treaty_actions.yaml)
    assert any(r["source"] == HRF_DOC and r["value"].startswith("signatory") for r in cat)
    untc = [r for r in cat if r["source"] == "UN Treaty Collection"]
    assert [(r["value"], r["words"]) for r in untc] == [
        ("party (ratification)", "ratification 1988-10-04")]
    refugees = [r for r in rows if r["subject"] == f"{RKGD}treaty/refugee-convention-1951"]
    # HRW: China "has been a party" since 1982; UNTC: accession 1982-09-24
    assert any(r["source"] == HRW_DOC and r["value"] == "party" for r in refugees)
    assert [r["words"] for r in refugees if r["source"] == "UN Treaty Collection"] == [
        "accession 1982-09-24"]
    assert all(r["state"] == f"{RKGD}state/china" for r in rows)


def test_query_disagreements_none_on_counts_when_one_source_per_event(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    # every gold return of the sample is reported by one document only
    assert ask(datasets, pack, "disagreements", kind="count") == []
    assert ask(datasets, pack, "disagreements", kind="date") == []


# --- 4. treaties of a state and their force at each return -------------------------------------


def test_query_state_treaties_from_the_untc_records(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    rows = {r["treaty"].rsplit("/", 1)[-1]: r for r in
            ask(datasets, pack, "state-treaties", state=CHINA)}
    refugees = rows["refugee-convention-1951"]
    assert (refugees["consentKind"], refugees["consentDate"], refugees["boundSince"]) == (
        "accession", "1982-09-24", "1982-09-24")
    assert refugees["nonRefoulement"] is True
    cat = rows["cat"]
    assert (cat["consentKind"], cat["consentDate"], cat["signatureDate"],
            cat["entryIntoForce"], cat["boundSince"]) == (
        "ratification", "1988-10-04", "1986-12-12", "1987-06-26", "1988-10-04")
    cedaw = rows["cedaw"]  # ratified 1980-11-04, in force 1981-09-03
    assert (cedaw["consentDate"], cedaw["boundSince"], cedaw["nonRefoulement"]) == (
        "1980-11-04", "1981-09-03", False)
    iccpr = rows["iccpr"]  # signed 1998-10-05, never ratified
    assert (iccpr["signatureDate"], iccpr["consentKind"], iccpr["boundSince"]) == (
        "1998-10-05", None, None)


def test_query_returns_treaty_status_at_each_return(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "returns-treaty-status", state=CHINA)
    treaties = {"Convention relating to the Status of Refugees",
                "Protocol relating to the Status of Refugees",
                "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment "
                "or Punishment"}
    for when in ("2005-04", "2023", "2023-10-09"):
        chosen = [r for r in rows if r["returnWhen"] == when]
        assert {r["treatyName"] for r in chosen} == treaties
        assert {r["boundAtReturn"] for r in chosen} == {"yes"}
    undated = [r for r in rows if r["returnWhen"] == "unknown"]
    assert len(undated) == 6 and {r["boundAtReturn"] for r in undated} == {"unknown"}


# --- 5. who urged whom, advocacy history ------------------------------------------------------


def test_query_statements_addressed_to_china(datasets: dict[str, Dataset],
                                             pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "statements", addressee=CHINA)
    said = {(r["speakerName"], r["stanceName"]) for r in rows}
    assert {("Human Rights Watch", "urges"),
            ("National Human Rights Commission of Korea", "calls-on"),
            ("Republic of Korea", "calls-on"),
            ("United Nations human rights experts", "urges")} <= said
    assert all(r["addresseeName"] == "China" for r in rows)
    nhrck = [r for r in rows if r["speakerName"] == "National Human Rights Commission of Korea"]
    assert [r["when"] for r in nhrck] == ["2022-06"]  # "in June last year"


def test_query_statements_filters_stance_channel_and_period(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    urges = ask(datasets, pack, "statements", stance="rkgv:stance/urges", **{"from": "2023"})
    assert urges and all(r["stanceName"] == "urges" and r["when"] >= "2023" for r in urges)
    joint = ask(datasets, pack, "statements", channel="rkg:JointStatement",
                speaker="rkgd:org/human-rights-foundation")
    # HRF calls on the UN Secretary-General, South Korea and the United States
    assert {r["addresseeName"] for r in joint if r["stanceName"] == "calls-on"} == {
        "Secretary-General of the United Nations", "Republic of Korea", "United States"}
    assert {r["channelName"] for r in joint} == {"JointStatement"}
    assert all(r["documents"] == [HRF_DOC] for r in joint)


def test_query_advocacy_history_includes_people_speaking_for_the_actor(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "advocacy-history", actor="rkgd:org/human-rights-watch")
    said = {(r["via"], r["stanceName"], r["addresseeName"]) for r in rows}
    assert {(None, "urges", DPRK_LABEL), (None, "urges", "China"),
            ("Brad Adams", "welcomes", "United Nations Commission on Human Rights")} <= said
    assert {r["when"] for r in rows} == {"2005-04"}


def test_query_network_around_china(datasets: dict[str, Dataset],
                                    pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "network", actor=CHINA)
    edges = {(r["speakerName"], r["addresseeName"]) for r in rows}
    assert {("Human Rights Watch", "China"), ("Republic of Korea", "China")} <= edges
    assert all("China" in (r["speakerName"], r["addresseeName"]) for r in rows)


# --- 6. UN resolutions and the UPR -------------------------------------------------------------


def test_query_resolutions_on_the_dprk(datasets: dict[str, Dataset],
                                       pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "resolutions", addressee="rkgd:state/north-korea")
    said = {(r["bodyName"], r["when"][:7], r["stanceName"]) for r in rows}
    assert ("United Nations Commission on Human Rights", "2005-04", "condemns") in said
    assert ("United Nations General Assembly", "2023-12", "condemns") in said
    assert {r["addresseeName"] for r in rows} == {DPRK_LABEL}


def test_query_upr_review_of_china(datasets: dict[str, Dataset],
                                   pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "upr", state=CHINA)
    assert rows and {(r["stateName"], r["cycle"]) for r in rows} == {("China", 4)}
    assert ("Republic of Korea", "calls-on") in {(r["speakerName"], r["stanceName"])
                                                 for r in rows}


# --- 7. people, harms, places, practices -------------------------------------------------------


def test_query_people_and_their_posts(datasets: dict[str, Dataset],
                                      pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "people")
    posts = {(r["personName"], r["organizationName"]): r["roles"] for r in rows}
    assert any("Asia director" in role for role in posts[("Brad Adams", "Human Rights Watch")])
    assert any("Chairperson" in role for role in
               posts[("Song Doohwan", "National Human Rights Commission of Korea")])
    # the document's own wording; the registry adds his other posts (with tenures)
    assert "first vice foreign minister" in posts[("Kang Sok Ju", DPRK_LABEL)]
    only = ask(datasets, pack, "people", organization="rkgd:org/nhrck")
    names = {r["personName"] for r in only}
    # the document names Song Doohwan; the registry adds the NHRCK's other chairpersons
    assert "Song Doohwan" in names and "Ahn Chang-ho" in names


def test_query_harms_by_source(datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "harms")
    nhrck = {r["harmName"] for r in rows if r["document"] == NHRCK_DOC}
    # NHRCK: "torture, imprisonment, forced abortion, forced labor and execution"
    assert {"torture", "imprisonment", "forced abortion", "forced labour", "execution"} <= nhrck
    torture = ask(datasets, pack, "harms", harm="rkgv:harm-type/torture")
    assert {r["harmName"] for r in torture} == {"torture"}
    assert {HRW_DOC, NHRCK_DOC, UN_DOC} <= {r["document"] for r in torture}
    by_nhrck = ask(datasets, pack, "harms", source="rkgd:org/nhrck")
    assert {r["sourceName"] for r in by_nhrck} == {"National Human Rights Commission of Korea"}


def test_query_places_contain_the_returns(datasets: dict[str, Dataset],
                                          pack: dict[str, QueryDef]) -> None:
    jilin = {r["placeName"]: r for r in
             ask(datasets, pack, "places", within="rkgd:place/jilin-province")}
    # registry: Hunchun and Tumen in Yanbian, Changbai in Baishan, all in Jilin Province;
    # Dabei Prison in Changchun, Jilin (gold HRW); Dandong is in Liaoning
    assert {"Hunchun", "Tumen", "Changbai", "Dabei Prison"} <= set(jilin)
    assert "Dandong" not in jilin
    assert all(r["returnCount"] >= 1 for n, r in jilin.items() if n in ("Hunchun", "Tumen"))
    assert jilin["Dabei Prison"]["placeType"] == "DetentionFacility"
    assert jilin["Dabei Prison"]["detentionCount"] >= 1
    regions = {r["placeName"]: r for r in
               ask(datasets, pack, "places", kind="rkg:AdministrativeRegion")}
    assert {"Jilin Province", "Liaoning Province"} <= set(regions)
    assert regions["Jilin Province"]["returnCount"] >= 1


def test_query_practices_of_china(datasets: dict[str, Dataset],
                                  pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "practices", actor=CHINA)
    # HRF: "China has been actively repatriating North Korean defectors since 1998"
    assert any("actively repatriating" in r["description"] and r["since"] == "1998"
               for r in rows)
    assert {r["actorName"] for r in rows} == {"China"}


# --- 8. joint statements, evidence, review queue, documents, flags -----------------------------

HRF_SIGNATORIES = {
    "Human Rights Foundation", "Freedom Speakers International", "Liberty in North Korea",
    "Unification Media Group", "PEN International North Korea Center in Exile",
    "Forget-Me-Not Incorporated", "North Korea Reform Radio",
    "Committee for the Democratization of North Korea", "Now! Act for North Koreans!",
    "North Korean Human Rights Union", "Improving North Korean Human Rights Center",
    "North Korea Strategy Center", "Justice for North Korea", "Korean Unification Solidarity",
    "North Korean Human Rights Corporation", "Trans-Pacific Culture Institute", "PSCORE",
    "World Institute For North Korea Studies",
    "Citizen’s Association for fundamental North Korean Human Right Law",
    "EUM Research Institute", "Free North Korea Radio", "Fighters for a Free North Korea",
    "National Association of North Korean Refugees", "Unification Education Association",
    "Unification Academy", "Unification Preparation Institute",
    "Lawyers for Human Rights and Unification of Korea",
}


def test_query_joint_statement_cosigners(datasets: dict[str, Dataset],
                                         pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "joint-statements")
    assert len(HRF_SIGNATORIES) == 27
    hrf = [r for r in rows if r["document"] == HRF_DOC]
    assert {r["signerName"] for r in hrf} >= HRF_SIGNATORIES
    assert [r["signerName"] for r in hrf if r["isLead"]] == ["Human Rights Foundation"]
    assert {r["leadName"] for r in hrf} == {"Human Rights Foundation"}
    media = {r["signerName"] for r in hrf if r["signerType"] == "MediaOrganization"}
    assert media >= {"Unification Media Group", "North Korea Reform Radio",
                     "Free North Korea Radio"}
    link = ask(datasets, pack, "joint-statements", signer="rkgd:org/liberty-in-north-korea")
    assert {r["document"] for r in link} == {HRF_DOC}
    assert ask(datasets, pack, "joint-statements", signer="rkgd:org/nhrck") == []


def test_query_evidence_behind_event_entity_and_flag(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "evidence", node=_event(datasets, pack, "2023-10-09"))
    assert {r["how"] for r in rows} == {"attested"} and {r["document"] for r in rows} == {
        HRF_DOC}
    text = _doc_text(datasets["memory"], HRF_DOC)
    assert all(text[r["start"]:r["end"]] == r["quote"] for r in rows)
    china = ask(datasets, pack, "evidence", node=CHINA)
    assert ("registry", "ontology/reference/states.yaml") in {(r["how"], r["document"])
                                                             for r in china}
    # China is named in every sample document (gold entities)
    assert {r["document"] for r in china if r["how"] == "mentioned"} == SAMPLE_DOCS
    flag = ask(datasets, pack, "possible-breaches")[0]["flag"]
    inferred = ask(datasets, pack, "evidence", node=flag)
    assert inferred and {r["how"] for r in inferred} == {"inferred"}


def test_query_review_queue_holds_only_entities_outside_the_registry(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    from graph.registry import load_registry

    registry = load_registry()
    known = {str(e.id) for e in registry.entries} if hasattr(registry, "entries") else set()
    rows = ask(datasets, pack, "review-queue")
    assert rows
    for row in rows:
        slug = row["entity"].rsplit("/", 1)[-1]
        assert slug.startswith("new-") and slug not in known
        assert set(row["documents"]) <= SAMPLE_DOCS
    orgs = ask(datasets, pack, "review-queue", type="rkg:NGO")
    assert orgs and {r["typeName"] for r in orgs} == {"NGO"}


def test_query_documents_of_the_sample(datasets: dict[str, Dataset],
                                       pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "documents")
    # corpus/sources.yaml
    assert {(r["document"], r["publisherName"], r["published"]) for r in rows} == {
        (HRF_DOC, "Human Rights Foundation", "2023-10-13"),
        (HRW_DOC, "Human Rights Watch", "2005-04"),
        (NHRCK_DOC, "National Human Rights Commission of Korea", "2023-12"),
        (YONHAP_DOC, "Yonhap-based report", "2024"),
        (UN_DOC, "UN News (statement by UN human rights experts)", "unknown")}
    assert all(r["facts"] > 0 and r["mentions"] > 0 for r in rows)
    assert [r["document"] for r in ask(datasets, pack, "documents", publisher="WATCH")] == [
        HRW_DOC]


def test_query_possible_breaches_only_for_returns_by_a_bound_state(
        datasets: dict[str, Dataset], pack: dict[str, QueryDef]) -> None:
    rows = ask(datasets, pack, "possible-breaches", state=CHINA)
    # dated gold returns by China (2005-04, 2023, 2023-10-09) x the treaties enshrining
    # non-refoulement China had consented to by then (registry: Refugee Convention and
    # Protocol acceded 1982-09-24, CAT ratified 1988-10-04; the ICCPR only signed)
    expected = {(when, treaty, act, date)
                for when in ("2005-04", "2023", "2023-10-09")
                for treaty, act, date in (
                    ("Convention relating to the Status of Refugees", "accession", "1982-09-24"),
                    ("Protocol relating to the Status of Refugees", "accession", "1982-09-24"),
                    ("Convention against Torture and Other Cruel, Inhuman or Degrading "
                     "Treatment or Punishment", "ratification", "1988-10-04"))}
    assert {(r["returnWhen"], r["treatyName"], r["act"], r["actDate"]) for r in rows} == expected
    assert all(r["sources"] == 1 for r in rows)
