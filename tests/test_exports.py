"""`rkg export`: every RDF export round-trips (rdflib and pyoxigraph) to the built graph;
GraphML re-read by networkx has the same nodes and edges; CSV tables; determinism; CLI."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph.cli import cli
from graph.exports import (
    ONTOLOGY_GRAPH,
    RDF_TYPE,
    ExportError,
    compact,
    export,
    jsonld_document,
    source_files,
)

RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
               "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB_FORMATS = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def exported(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in (*RDF_FORMATS, "graphml"):
        files[fmt] = folder / f"graph.{fmt}"
        export(sample_build, fmt, files[fmt])
    files["csv"] = folder / "csv"
    export(sample_build, "csv", files["csv"])
    return files


def _parse(paths: list[Path], fmt: ox.RdfFormat) -> list[ox.Quad]:
    return [q for path in paths for q in ox.parse(path=str(path), format=fmt)]


def _ox_dataset(paths: list[Path], fmt: ox.RdfFormat) -> ox.Dataset:
    ds = ox.Dataset(_parse(paths, fmt))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def _ox_union(paths: list[Path], fmt: ox.RdfFormat) -> set[ox.Triple]:
    ds = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                    for q in _parse(paths, fmt))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ds}


def _rdflib_original(build: Path) -> Dataset:
    """The build as rdflib reads it: graph.trig (+ inferred.trig when up to date)."""
    original = Dataset()
    for path in source_files(build):
        original.parse(path, format="trig")
    return original


@pytest.mark.parametrize("fmt", ["trig", "nq", "jsonld"])
def test_exports_dataset_round_trip_pyoxigraph(sample_build: Path, exported: dict[str, Path],
                                               fmt: str) -> None:
    original = _ox_dataset(source_files(sample_build), ox.RdfFormat.TRIG)
    again = _ox_dataset([exported[fmt]], RDF_FORMATS[fmt])
    assert len(original) == len(again)
    assert set(original) == set(again)


def test_exports_turtle_round_trip_pyoxigraph(sample_build: Path,
                                              exported: dict[str, Path]) -> None:
    assert _ox_union(source_files(sample_build), ox.RdfFormat.TRIG) == _ox_union(
        [exported["ttl"]], ox.RdfFormat.TURTLE)


@pytest.mark.parametrize("fmt", ["trig", "nq", "jsonld"])
def test_exports_dataset_round_trip_rdflib(sample_build: Path, exported: dict[str, Path],
                                           fmt: str) -> None:
    original = _rdflib_original(sample_build)
    again = Dataset()
    again.parse(exported[fmt], format=RDFLIB_FORMATS[fmt])
    graphs = {str(g.identifier): g for g in original.graphs() if len(g)}
    others = {str(g.identifier): g for g in again.graphs() if len(g)}
    assert graphs.keys() == others.keys()
    assert any("/graph/doc/" in name for name in graphs)
    for name, graph in graphs.items():
        assert isomorphic(graph, others[name]), name


def test_exports_turtle_round_trip_rdflib(sample_build: Path, exported: dict[str, Path]) -> None:
    original = _rdflib_original(sample_build)
    union = Graph()
    for s, p, o, _g in original.quads():
        union.add((s, p, o))
    again = Graph().parse(exported["ttl"], format="turtle")
    assert isomorphic(union, again)


def test_exports_turtle_is_prefixed_and_readable(exported: dict[str, Path]) -> None:
    text = exported["ttl"].read_text(encoding="utf-8")
    assert text.startswith("@prefix ")
    assert "return:" in text and "rkg:ForcedReturn" in text and "place:" in text
    assert "<https://w3id.org/refoulement-kg/ontology#ForcedReturn>" not in text


def test_exports_are_deterministic(sample_build: Path, exported: dict[str, Path],
                                   tmp_path: Path) -> None:
    for fmt in (*RDF_FORMATS, "graphml"):
        again = tmp_path / f"again.{fmt}"
        export(sample_build, fmt, again)
        assert again.read_bytes() == exported[fmt].read_bytes(), fmt


def test_exports_turtle_is_the_builds_graph_ttl(sample_build: Path,
                                                exported: dict[str, Path]) -> None:
    # no inferred.trig: graph.ttl is the whole union, copied rather than re-sorted
    assert exported["ttl"].read_bytes() == (sample_build / "graph.ttl").read_bytes()


def _triples(path: Path) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


def test_exports_turtle_sorts_the_union_when_graph_ttl_cannot_serve(
        sample_build: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy2(sample_build / "graph.trig", build / "graph.trig")
    expected = _triples(sample_build / "graph.ttl")
    export(build, "ttl", tmp_path / "no-ttl.ttl")  # no graph.ttl at all
    assert _triples(tmp_path / "no-ttl.ttl") == expected
    # a graph.ttl older than graph.trig is an earlier build's: not used
    (build / "graph.ttl").write_text("<urn:stale> <urn:p> <urn:o> .\n", encoding="utf-8")
    later = (build / "graph.ttl").stat().st_mtime_ns + 10**9
    os.utime(build / "graph.trig", ns=(later, later))
    export(build, "ttl", tmp_path / "stale.ttl")
    assert (tmp_path / "stale.ttl").read_bytes() == (tmp_path / "no-ttl.ttl").read_bytes()
    # an up-to-date inferred.trig joins the union: sorted here, each triple once
    shutil.copy2(sample_build / "graph.ttl", build / "graph.ttl")
    os.utime(build / "graph.ttl", ns=(later, later))
    extra = ox.Triple(ox.NamedNode("https://w3id.org/refoulement-kg/id/state/china"),
                      ox.NamedNode(RDF_TYPE), ox.NamedNode("urn:example:Inferred"))
    (build / "inferred.trig").write_text(
        "<https://w3id.org/refoulement-kg/id/graph/inferred> { "
        f"{extra.subject} {extra.predicate} {extra.object} . }}\n", encoding="utf-8")
    os.utime(build / "inferred.trig", ns=(later + 1, later + 1))
    export(build, "ttl", tmp_path / "inferred.ttl")
    assert _triples(tmp_path / "inferred.ttl") == expected | {extra}
    text = (tmp_path / "inferred.ttl").read_text(encoding="utf-8")
    assert text.startswith("@prefix ") and "return:" in text


def test_exports_jsonld_has_an_inline_context(exported: dict[str, Path]) -> None:
    doc = json.loads(exported["jsonld"].read_text(encoding="utf-8"))
    context = doc["@context"]
    assert isinstance(context, dict)  # never a URL a processor would fetch
    assert context["rkg"] == "https://w3id.org/refoulement-kg/ontology#"
    graphs = {g["@id"] for g in doc["@graph"]}
    data = "https://w3id.org/refoulement-kg/id/"
    assert f"{data}graph/canonical" in graphs and any(g.startswith(f"{data}graph/doc/")
                                                      for g in graphs)


def test_exports_jsonld_compacts_only_safely() -> None:
    assert compact("https://w3id.org/refoulement-kg/id/state/china") == "rkgd:state/china"
    assert compact("https://w3id.org/refoulement-kg/id/") == "https://w3id.org/refoulement-kg/id/"
    assert compact("http://example.org/x") == "http://example.org/x"
    quads = [ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode(RDF_TYPE),
                     ox.NamedNode("https://w3id.org/refoulement-kg/ontology#State"),
                     ox.DefaultGraph())]
    # node objects are pyoxigraph's, in expanded form; the context only declares prefixes
    assert jsonld_document(quads)["@graph"] == [{
        "@id": "http://example.org/s",
        RDF_TYPE: [{"@id": "https://w3id.org/refoulement-kg/ontology#State"}]}]


def test_exports_graphml_round_trips_through_networkx(sample_build: Path,
                                                      exported: dict[str, Path]) -> None:
    expected_nodes: set[str] = set()
    expected_edges: set[tuple[str, str, str]] = set()
    for q in _parse(source_files(sample_build), ox.RdfFormat.TRIG):
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == ONTOLOGY_GRAPH:
            continue
        s = q.subject.value
        expected_nodes.add(s)
        if q.predicate.value == RDF_TYPE or isinstance(q.object, ox.Literal):
            continue
        expected_nodes.add(q.object.value)
        expected_edges.add((s, q.object.value, compact(q.predicate.value)))
    g = nx.read_graphml(exported["graphml"], force_multigraph=True)
    assert set(g.nodes) == expected_nodes
    edges = {(u, v, d["predicate"]) for u, v, d in g.edges(data=True)}
    assert edges == expected_edges
    assert g.number_of_edges() == len(expected_edges)
    china = g.nodes["https://w3id.org/refoulement-kg/id/state/china"]
    assert china["label"] == "China" and china["class"] == "State" and china["group"] == "State"


def test_exports_csv_tables(sample_build: Path, exported: dict[str, Path]) -> None:
    folder = exported["csv"]
    tables = {p.stem: list(csv.DictReader(p.open(encoding="utf-8")))
              for p in folder.glob("*.csv")}
    assert set(tables) == {"events", "statements", "treaty_actions", "claims", "documents"}
    store = ox.Store()
    for path in source_files(sample_build):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)

    def count(pattern: str) -> int:
        q = ("PREFIX rkg: <https://w3id.org/refoulement-kg/ontology#> SELECT (COUNT(DISTINCT ?x)"
             f" AS ?n) WHERE {{ {pattern} }}")
        result = store.query(q, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))[0].value)

    returns = [r for r in tables["events"] if r["class"] == "ForcedReturn"]
    assert len(returns) == count("?x a rkg:ForcedReturn")
    assert all(r["perpetrator"] == "China" for r in returns)
    assert len(tables["statements"]) == count("?x rkg:stance ?s ; rkg:attestedBy ?c") > 0
    kinds = {r["record"] for r in tables["treaty_actions"]}
    assert kinds == {"document", "registry (UNTC)"}
    assert len(tables["documents"]) == 5
    assert all(r["quote"] for r in tables["claims"])


def test_exports_cli_to_stdout_matches_the_file(sample_build: Path,
                                                exported: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "ttl", "--graph", str(sample_build)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == exported["ttl"].read_bytes()


def test_exports_cli_messages(sample_build: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--format", "csv", "--graph", str(sample_build)])
    assert result.exit_code == 1 and "--out FOLDER" in result.output
    result = runner.invoke(cli, ["export", "--format", "ttl", "--graph", str(tmp_path)])
    assert result.exit_code == 1 and "no graph.trig" in result.output
    with pytest.raises(ExportError):
        export(sample_build, "rdfxml", tmp_path / "x")
