"""One set of numbers (issue 12): the build summary, build.json, the build record, the site's
front page, `rkg query counts` and the CSV export count the same nodes of the same graph."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli as main
from graph.counts import (
    COUNTED_PREDICATES,
    KINDS,
    RDF_TYPE,
    asserted_triples,
    count_graph_files,
    count_store,
    query_text,
)

ROOT = Path(__file__).resolve().parent.parent
RKG = "https://w3id.org/refoulement-kg/ontology#"
ID = "https://w3id.org/refoulement-kg/id/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus built by the CLI, site included (no reasoning: it adds no node)."""
    out = tmp_path_factory.mktemp("counts") / "out"
    result = CliRunner().invoke(main, ["build", str(ROOT / "corpus"), "--out", str(out),
                                       "--no-reason", "--no-serve-store"])
    assert result.exit_code == 0, result.output
    return out


def _summary_counts(text: str) -> dict[str, tuple[int, int]]:
    found = {}
    for label in KINDS.values():
        match = re.search(rf"^  {re.escape(label)} +(\d+)  \(from (\d+) reports\)$", text, re.M)
        if match:
            found[label] = (int(match[1]), int(match[2]))
    return found


def _site_counts(index: str) -> dict[str, tuple[int, int]]:
    cards = re.findall(r'<div class="card"><span class="n">(\d+)</span> ([^<]+?)'
                       r'(?: <span class="reports">from (\d+) reports?</span>)?</div>', index)
    return {label: (int(n), int(reports or 0)) for n, label, reports in cards}


def _canonical_nodes(out: Path, rdf_class: str) -> set[str]:
    """Independently of graph/counts.py: the class's subjects in the canonical graph."""
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    return {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(RKG + rdf_class), ox.NamedNode(ID + "graph/canonical"))}


def test_counts_agree_across_summary_build_json_site_query_and_csv(built: Path,
                                                                   tmp_path: Path) -> None:
    summary = _summary_counts((built / "summary.txt").read_text(encoding="utf-8"))
    returns = summary["forced returns"]
    # the corpus tells at least one return twice: events after linking < reports
    assert 0 < returns[0] < returns[1]
    assert returns[0] == len(_canonical_nodes(built, "ForcedReturn"))
    assert summary["statements (speech acts)"][0] == len(_canonical_nodes(built, "SpeechAct"))

    record = json.loads((built / "build.json").read_text(encoding="utf-8"))["counts"]
    for kind, label in KINDS.items():
        if kind not in ("SourceDocument", "unreviewed"):  # not facts: their own lines
            assert (record[kind]["nodes"], record[kind]["reports"]) == summary[label], kind
    assert record["SourceDocument"]["nodes"] == len(
        json.loads((built / "build.json").read_text(encoding="utf-8"))["documents"])

    site = _site_counts((built / "site" / "index.html").read_text(encoding="utf-8"))
    assert site["forced returns"] == returns
    assert len(list((built / "site" / "returns").glob("*.html"))) == returns[0]  # one a page
    assert site["documents"] == (record["SourceDocument"]["nodes"], 0)
    assert site[KINDS["unreviewed"]] == (record["unreviewed"]["nodes"], 0)
    for label, numbers in site.items():
        if label not in ("documents", KINDS["unreviewed"]):
            assert summary[label] == numbers, label

    query = CliRunner().invoke(main, ["query", "counts", "--graph", str(built),
                                      "--format", "json", "--store", "oxigraph"])
    assert query.exit_code == 0, query.output
    rows = {r["class"].removeprefix("rkg:").removeprefix(RKG): r
            for r in _json_rows(query.stdout)}
    assert (int(rows["ForcedReturn"]["nodes"]), int(rows["ForcedReturn"]["reports"])) == returns

    exported = CliRunner().invoke(main, ["export", "--graph", str(built), "--format", "csv",
                                         "--out", str(tmp_path / "csv")])
    assert exported.exit_code == 0, exported.output
    with (tmp_path / "csv" / "events.csv").open(encoding="utf-8", newline="") as f:
        events = [r for r in csv.DictReader(f) if r["class"] == "ForcedReturn"]
    assert len(events) == returns[0]
    assert sum(int(r["claims"]) for r in events) == returns[1]


def test_counts_new_entities_are_the_review_queue(built: Path) -> None:
    summary = (built / "summary.txt").read_text(encoding="utf-8")
    said = re.search(r"new entities \(not in the registry, the review queue\): (\d+)$",
                     summary, re.M)
    assert said and int(said[1]) > 0
    queue = CliRunner().invoke(main, ["query", "review-queue", "--graph", str(built),
                                      "--format", "json"])
    assert queue.exit_code == 0, queue.output
    assert len({r["entity"] for r in _json_rows(queue.stdout)}) == int(said[1])
    record = json.loads((built / "build.json").read_text(encoding="utf-8"))
    assert record["new_entities"] == record["counts"]["unreviewed"]["nodes"] == int(said[1])
    index = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert f"Review queue: entities not yet in the registry ({said[1]} rows)" in index


def test_counts_site_and_summary_count_the_same_triples(built: Path) -> None:
    summary = (built / "summary.txt").read_text(encoding="utf-8")
    index = (built / "site" / "index.html").read_text(encoding="utf-8")
    said = re.search(r"^  (\d+) triples;", summary, re.M)
    shown = re.search(r'<p class="lead">(\d+) triples', index)
    assert said and shown and said[1] == shown[1]
    with (built / "graph.ttl").open("rb") as ttl:
        assert sum(1 for _ in ox.parse(ttl, format=ox.RdfFormat.TURTLE)) == int(said[1])


def test_counts_asserted_triples_from_the_record_or_the_store(built: Path,
                                                              tmp_path: Path) -> None:
    """The site takes the count build.json records (a DISTINCT over every quad is costly at
    scale) and counts in the store only without one: both give graph.ttl's triples."""
    store = ox.Store()
    store.bulk_load(path=str(built / "graph.trig"), format=ox.RdfFormat.TRIG)
    counted = asserted_triples(store)
    with (built / "graph.ttl").open("rb") as ttl:
        assert counted == sum(1 for _ in ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    assert asserted_triples(store, built) == counted
    elsewhere = tmp_path / "record"
    elsewhere.mkdir()
    (elsewhere / "build.json").write_text(json.dumps({"triples": 7}), encoding="utf-8")
    assert asserted_triples(store, elsewhere) == 7  # the record is what is read
    (elsewhere / "build.json").write_text(json.dumps({"documents": []}), encoding="utf-8")
    assert asserted_triples(store, elsewhere) == counted
    assert asserted_triples(store, tmp_path / "nothing-here") == counted


def test_counts_build_record_holds_the_same_numbers(built: Path) -> None:
    store = ox.Store()
    store.bulk_load(path=str(built / "graph.trig"), format=ox.RdfFormat.TRIG)
    counts = count_store(store)
    for kind in ("ForcedReturn", "SpeechAct"):
        value = [q.object.value for q in store.quads_for_pattern(
            None, ox.NamedNode(ID + f"build-property/count-{kind}"), None, None)]
        assert value == [str(counts.get(kind).nodes)]


def _json_rows(text: str) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in r.items()} for r in json.loads(text)["rows"]]


CANONICAL = f"<{ID}graph/canonical>"
SMALL = f"""
@prefix rkg: <{RKG}> .
{CANONICAL} {{
  <{ID}return/a> a rkg:ForcedReturn ; rkg:attestedBy <{ID}claim/1> , <{ID}claim/2> .
  <{ID}return/b> a rkg:UnrealisedReturn ; rkg:attestedBy <{ID}claim/3> .
  <{ID}speech/c> a rkg:SpeechAct , rkg:PublicStatement ; rkg:attestedBy <{ID}claim/4> .
}}
<{ID}graph/doc/one> {{ <{ID}doc/one> a rkg:SourceDocument .
  <{ID}return/x> a rkg:ForcedReturn . }}
<{ID}graph/doc/two> {{ <{ID}doc/two> a rkg:SourceDocument . }}
<{ID}graph/registry> {{ <{ID}registry/places.yaml> a rkg:SourceDocument .
  <{ID}return/y> a rkg:ForcedReturn . }}
"""


def test_counts_count_linked_nodes_of_the_canonical_graph_only() -> None:
    store = ox.Store()
    store.load(SMALL.encode(), format=ox.RdfFormat.TRIG)
    counts = count_store(store)
    assert (counts.get("ForcedReturn").nodes, counts.get("ForcedReturn").reports) == (1, 2)
    assert (counts.get("UnrealisedReturn").nodes, counts.get("UnrealisedReturn").reports) == (1, 1)
    assert counts.get("SpeechAct").nodes == 1
    assert counts.documents == 2  # the registry's document records are not corpus documents
    assert counts.get("Detention").nodes == 0
    assert [c.kind for c in counts.rows] == list(KINDS)
    assert counts.new_entities == 0


def test_counts_graph_files_load_only_what_the_query_reads(tmp_path: Path) -> None:
    """count_graph_files loads only the lines of COUNTED_PREDICATES: the query must read no
    other predicate, and a literal that merely mentions one must not change an answer."""
    used = set(re.findall(r"\brkg:(\w+)", query_text())) - set(KINDS)
    assert {f"{RKG}{name}" for name in used} | {RDF_TYPE} == set(COUNTED_PREDICATES)
    store = ox.Store()
    store.load(SMALL.encode(), format=ox.RdfFormat.TRIG)
    canonical = tmp_path / "canonical.nt"
    canonical.write_bytes(ox.serialize(
        [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(
            None, None, None, ox.NamedNode(ID + "graph/canonical"))]
        + [ox.Triple(ox.NamedNode(ID + "note/1"), ox.NamedNode(RKG + "note"),
                     ox.Literal(f"> <{RKG}attestedBy> <{ID}claim/z> ."))],
        format=ox.RdfFormat.N_TRIPLES))
    documents = []
    for name in ("one", "two"):
        graph = ID + f"graph/doc/{name}"
        path = tmp_path / f"{name}.nt"
        path.write_bytes(ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in
                                       store.quads_for_pattern(None, None, None,
                                                               ox.NamedNode(graph))],
                                      format=ox.RdfFormat.N_TRIPLES))
        documents.append((graph, path))
    assert count_graph_files(canonical, documents) == count_store(store)
