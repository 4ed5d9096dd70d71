"""Exports that stream: the Turtle union after a default build (graph.ttl merged with the
inferred graph) is byte-identical to sorting the whole union; JSON-LD is written one subject
at a time and reads back as the same dataset."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import graph.exports as exports
from graph.exports import export, read_quads, write_jsonld, write_turtle

INFERRED = "https://w3id.org/refoulement-kg/id/graph/inferred"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _default_build(sample_build: Path, folder: Path) -> Path:
    """The sample build plus an inferred.trig whose triples fall all over graph.ttl's order:
    new triples beside existing subjects, copies of triples graph.ttl already holds, and
    subjects before the first and after the last."""
    folder.mkdir()
    for name in ("graph.trig", "graph.ttl"):
        shutil.copy2(sample_build / name, folder / name)
    union = list(ox.parse(path=str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    inferred = ox.NamedNode(INFERRED)
    quads = []
    for n, triple in enumerate(union):
        if n % 37 == 0:  # a new fact about an existing subject
            quads.append(ox.Quad(triple.subject, ox.NamedNode(RDF_TYPE),
                                 ox.NamedNode(f"urn:example:Inferred{n % 5}"), inferred))
        if n % 53 == 0:  # already asserted: must come out once
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, inferred))
    quads.append(ox.Quad(ox.NamedNode("aaa:first"), ox.NamedNode(RDF_TYPE),
                         ox.NamedNode("urn:example:Edge"), inferred))
    quads.append(ox.Quad(ox.NamedNode("zzz:last"), ox.NamedNode(RDF_TYPE),
                         ox.NamedNode("urn:example:Edge"), inferred))
    with open(folder / "inferred.trig", "wb") as handle:
        ox.serialize(quads, handle, ox.RdfFormat.TRIG)
    later = (folder / "graph.trig").stat().st_mtime_ns + 10**9
    os.utime(folder / "inferred.trig", ns=(later, later))
    return folder


@pytest.mark.parametrize("batch", [7, 4096])
def test_turtle_after_a_default_build_is_the_sorted_union_merged(
        sample_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    build = _default_build(sample_build, tmp_path / "build")
    monkeypatch.setattr(exports, "MERGE_BATCH", batch)
    export(build, "ttl", tmp_path / "merged.ttl")
    whole = io.BytesIO()
    write_turtle(read_quads([build / "graph.trig", build / "inferred.trig"]), whole)
    merged = (tmp_path / "merged.ttl").read_bytes()
    assert merged == whole.getvalue()
    triples = list(ox.parse(merged, format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(set(triples))
    assert ox.Quad(ox.NamedNode("zzz:last"), ox.NamedNode(RDF_TYPE),
                   ox.NamedNode("urn:example:Edge")) in triples


def test_jsonld_is_streamed_per_subject_and_reads_back_the_same(sample_build: Path,
                                                               tmp_path: Path) -> None:
    build = _default_build(sample_build, tmp_path / "build")
    export(build, "jsonld", tmp_path / "graph.jsonld")
    data = (tmp_path / "graph.jsonld").read_bytes()
    doc = json.loads(data)
    assert doc["@context"]["rkgd"] == "https://w3id.org/refoulement-kg/id/"
    quads = list(read_quads([build / "graph.trig", build / "inferred.trig"]))
    subjects = {(str(q.graph_name), str(q.subject)) for q in quads}
    nodes = [(g["@id"], node["@id"]) for g in doc["@graph"] for node in g["@graph"]]
    assert len(nodes) == len(subjects)  # one node object per subject of each graph
    assert INFERRED in {g["@id"] for g in doc["@graph"]}
    back = ox.Dataset(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    original = ox.Dataset(quads)
    for dataset in (back, original):  # blank node names change on reading
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert back == original


def test_jsonld_joins_files_and_handles_empty_ones() -> None:
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    g = ox.NamedNode("https://w3id.org/refoulement-kg/id/graph/x")
    parts = [[ox.Quad(s, p, ox.Literal("1"), ox.DefaultGraph())], [],
             [ox.Quad(s, p, ox.Literal("a", language="en"), g)]]
    out = io.BytesIO()
    write_jsonld(parts, out)
    doc = json.loads(out.getvalue())
    assert doc["@graph"] == [
        {"@id": "http://example.org/s", "http://example.org/p": [{"@value": "1"}]},
        {"@id": "https://w3id.org/refoulement-kg/id/graph/x", "@graph": [
            {"@id": "http://example.org/s",
             "http://example.org/p": [{"@value": "a", "@language": "en"}]}]}]
    out = io.BytesIO()
    write_jsonld([[], []], out)
    assert json.loads(out.getvalue())["@graph"] == []
