"""Event coreference on the linking fixture set (tests/fixtures/linking/): 15 groups of reports
of one event and 8 near-miss pairs, all invented. Built with the real pipeline; the groups are
read back from the graph (events and the files of their claims)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
import yaml
from pyoxigraph import RdfFormat, Store

from graph.builder import build_graph
from graph.query import load_pack, run_query
from graph.store import open_dataset

FIXTURES = Path(__file__).parent / "fixtures" / "linking"
PREFIXES = """PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
EVENT_FILES = PREFIXES + """SELECT DISTINCT ?event ?file WHERE {
  GRAPH ?g { ?event a rkg:ForcedReturn ; rkg:attestedBy ?claim }
  GRAPH ?d { ?claim prov:wasDerivedFrom ?m . ?m oa:hasSource ?doc . ?doc rkg:fileName ?file }
}"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("linking") / "out"
    build_graph(FIXTURES / "corpus", out)
    return out


def disagreements(out: Path, kind: str) -> list[dict[str, object]]:
    """`rkg query disagreements --param kind=KIND` on the build, as records."""
    return run_query(load_pack()["disagreements"], open_dataset(out), {"kind": kind}).records()


def store_of(out: Path) -> Store:
    store = Store()
    store.load(path=str(out / "graph.trig"), format=RdfFormat.TRIG)
    return store


def event_files(out: Path) -> dict[str, set[str]]:
    events: dict[str, set[str]] = {}
    for row in store_of(out).query(EVENT_FILES):  # type: ignore[union-attr]
        events.setdefault(row["event"].value, set()).add(row["file"].value.rsplit(".", 1)[0])
    return events


def linked_pairs(events: dict[str, set[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for files in events.values()
            for p in itertools.combinations(sorted(files), 2)}


def test_linking_fixture_set_pairwise_precision_and_recall(built: Path) -> None:
    expected = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
    gold = {frozenset(p) for group in expected["groups"].values()
            for p in itertools.combinations(group, 2)}
    apart = {frozenset(p) for p in expected["apart"]}
    assert len(expected["groups"]) >= 15 and len(apart) >= 8
    predicted = linked_pairs(event_files(built))
    true = predicted & gold
    precision = len(true) / len(predicted) if predicted else 0.0
    recall = len(true) / len(gold)
    print(f"\nlinking fixture set: {len(gold)} gold pairs, {len(predicted)} predicted, "
          f"{len(true)} right: pairwise precision {precision:.3f}, recall {recall:.3f}; "
          f"near misses joined: {len(predicted & apart)} of {len(apart)}")
    print("missed:", sorted(tuple(sorted(p)) for p in gold - predicted))
    print("wrong:", sorted(tuple(sorted(p)) for p in predicted - gold))
    assert predicted & apart == set()
    assert precision >= 0.95 and recall >= 0.95


def test_linking_links_carry_score_and_reasons(built: Path) -> None:
    rows = store_of(built).query(PREFIXES + """
      SELECT ?step ?score (GROUP_CONCAT(?a; separator=",") AS ?agreed) WHERE {
        GRAPH ?g { ?link a rkg:EventLink ; rkg:linkStep ?step ; rkg:linkScore ?score ;
                         rkg:linkedEvent ?event ; rkg:agreesOn ?a } }
      GROUP BY ?link ?step ?score""")
    links = [(r["step"].value, float(r["score"].value), set(r["agreed"].value.split(",")))
             for r in rows]  # type: ignore[union-attr]
    corpus = [link for link in links if link[0] == "corpus"]
    assert corpus and all(score >= 1.5 for _s, score, _a in corpus)
    # the city against its province (Dandong / Liaoning) counted as an agreeing place
    assert any("place" in agreed and "perpetrator" in agreed for _s, _sc, agreed in corpus)
    # joins within one document (nothing disagreed, by construction) get no link node; a
    # year-only report joined to the one event of its year says so (step "year")
    assert {step for step, _sc, _a in links} == {"corpus", "year"}
    year = [agreed for step, _sc, agreed in links if step == "year"]
    assert year and all("date-year" in agreed and not agreed & {"date-day", "date-month",
                                                                 "place"} for agreed in year)


def test_linking_each_link_joins_claims_of_two_documents(built: Path) -> None:
    rows = list(store_of(built).query(PREFIXES + """
      SELECT ?link (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?doc) AS ?docs) WHERE {
        GRAPH ?g { ?link a rkg:EventLink ; rkg:linksClaim ?claim }
        GRAPH ?d { ?claim prov:wasDerivedFrom ?m . ?m oa:hasSource ?doc }
      } GROUP BY ?link"""))
    assert rows and all(int(r["claims"].value) == 2 and int(r["docs"].value) == 2
                        for r in rows)  # type: ignore[index]


def test_linking_count_disagreements_show_in_the_query_with_source_and_quote(
        built: Path) -> None:
    by_source = {r["source"]: r for r in disagreements(built, "count")}
    assert by_source["g09a.txt"]["value"] == "200"
    assert by_source["g09b.txt"]["value"] == "some 180"
    assert "some 180" in str(by_source["g09b.txt"]["quote"])
    assert by_source["g09a.txt"]["subject"] == by_source["g09b.txt"]["subject"]
    # a date given at the day and at the month is no disagreement
    assert disagreements(built, "date") == []


def test_linking_every_disagreement_side_has_its_source_and_verbatim_quote(
        built: Path) -> None:
    """`rkg query disagreements`: each side of each recorded disagreement names its source
    file and quotes it verbatim; the sides of a count disagreement are reports of one event
    (a different count is recorded, not a reason to split)."""
    events = event_files(built)
    rows = [r for kind in ("count", "date", "place", "perpetrator")
            for r in disagreements(built, kind)]
    assert rows
    by_subject: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        text = (FIXTURES / "corpus" / str(r["source"])).read_text(encoding="utf-8")
        assert r["value"] and r["quote"] and str(r["quote"]) in text, r
        by_subject.setdefault(str(r["subject"]), []).append(r)
    for subject, sides in by_subject.items():
        assert len({s["value"] for s in sides}) > 1, sides  # a dispute has two values at least
        files = {str(s["source"]).rsplit(".", 1)[0] for s in sides}
        event = next(k for k in events if k.endswith(subject.split("/")[-1]))
        assert files <= events[event], f"{files} not all reports of {event}"
        assert len(files) > 1  # across documents: one event, not one per count


def test_linking_near_misses_and_recaps_in_the_review_file(built: Path) -> None:
    import json

    review = json.loads((built / "review.json").read_text(encoding="utf-8"))
    assert review["stale_decisions"] == []
    rows = review["near_threshold"]
    assert all(abs(row["score"] - 1.5) <= 1.0 for row in rows if row["step"] != "year")
    # each link of a year-only report waits for a researcher's look, whatever its score
    year = {frozenset((row["left"]["file"], row["right"]["file"]))
            for row in rows if row["step"] == "year" and row["linked"]}
    assert year == {frozenset(("g16a.txt", "g16b.txt")), frozenset(("g17a.txt", "g17b.txt"))}


def test_linking_copy_of_fixtures_is_not_needed_for_rebuild(built: Path, tmp_path: Path) -> None:
    """A rebuild of the same corpus into the same folder gives the same graph bytes."""
    first = (built / "graph.ttl").read_bytes()
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    build_graph(corpus, built)
    assert (built / "graph.ttl").read_bytes() == first
