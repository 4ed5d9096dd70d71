"""The site reads its nodes, labels and counts from the blocks of the build's files
(graph/viz/nodeblocks.py) and gets what the on-disk store gives: where a block could read
otherwise (a literal the store keeps in another form, a blank node, a count the store's
query would answer row by row) that part is the store's."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from graph.serve.store import prepare_store
from graph.viz import nodeblocks
from graph.viz.data import GraphData, Reading, load_store, source_files
from graph.viz.nodes import _read_subject, node_iris, read_labels
from graph.viz.records import RKG
from tests import build_support

FILES = ("graph.trig", "inferred.trig", "build.json")
XSD = "http://www.w3.org/2001/XMLSchema#"
RECORD = "\t\ta rkg:SourceDocument ;\n"


def _edit(trig: Path, *edits: tuple[str, str]) -> None:
    """Each (line, added) in turn: `added` put before the first `line` of a document graph
    (the first line of its block when `line` is empty) or, for a line starting
    "CANONICAL", of the canonical graph."""
    text = trig.read_text(encoding="utf-8")
    for line, added in edits:
        start = text.index("graph:canonical {" if line.startswith("CANONICAL")
                           else "graph:doc\\/")
        line = line.removeprefix("CANONICAL")
        at = text.index(line, start) if line else text.index("\n", start) + 1
        text = text[:at] + added + text[at:]
    trig.write_text(text, encoding="utf-8")


def _store(out: Path, tmp: Path) -> ox.Store:
    return ox.Store.read_only(str(prepare_store(out, location=tmp / f"{out.name}-store")))


def _data(out: Path, store: ox.Store, files: list[Path] | None) -> GraphData:
    return load_store(Reading(store, None, files))


def _same(a: GraphData, b: GraphData) -> None:
    assert a.nodes == b.nodes and a.edges == b.edges and a.labels == b.labels
    assert a.documents == b.documents and a.build == b.build


def test_nodes_read_from_blocks_are_the_stores(sample_build: Path, tmp_path: Path) -> None:
    """A document's record given a literal in a form the store changes ("007" for an
    xsd:integer, kept as 7) and a non-node subject given a label with an upper-case
    language tag: the node with that literal is read from the store, every other node and
    every label from the blocks, and the data are the store's."""
    out = build_support.copy_build(sample_build, tmp_path / "out", FILES)
    _edit(out / "graph.trig", (RECORD, '\t\trkg:pageCount "007"^^xsd:integer ;\n'),
          ("", '\t<urn:x:thing> rdfs:label "A thing"@EN-GB .\n'))
    store = _store(out, tmp_path)
    iris = node_iris(store)
    read = nodeblocks.read(source_files(out), iris)
    assert read is not None and read.labels is not None and read.counts is not None
    # the edited record, and any other node holding a literal the store keeps otherwise
    assert read.to_store >= 1 and len(read.raws) + read.to_store == len(iris)
    kept = (RKG + "pageCount", "7", XSD + "integer", None)  # as the store gives it
    edited = [iri for iri in iris if kept in _read_subject(store, iri).literals]
    assert len(edited) == 1 and edited[0] not in read.raws and len(read.raws) > 100
    for iri, raw in read.raws.items():
        assert raw.unique() == _read_subject(store, iri).unique(), iri
    assert read.labels == read_labels(store) and read.labels["urn:x:thing"] == "A thing"
    blocks, stored = _data(out, store, source_files(out)), _data(out, store, None)
    _same(blocks, stored)
    assert blocks.nodes[edited[0]].literals[RKG + "pageCount"] == ("7",)


def test_labels_and_counts_the_blocks_cannot_answer_are_the_stores(
        sample_build: Path, tmp_path: Path) -> None:
    """A label that is a blank node (named per store), and a count a node links to given a
    second rkg:value (the store's query answers a row for each, the last one kept): the
    labels and the counts are asked of the store, and the data are the store's."""
    out = build_support.copy_build(sample_build, tmp_path / "out", FILES)
    trig = out / "graph.trig"
    count = _linked_count(trig.read_text(encoding="utf-8"))
    _edit(trig, ("", "\t<urn:x:thing> rdfs:label [] .\n"),
          (f"CANONICAL\t{count} a rkg:PersonCount ;\n",
           f"\t{count} rkg:value 998 , 999 .\n"))
    store = _store(out, tmp_path)
    read = nodeblocks.read(source_files(out), node_iris(store))
    assert read is not None and read.labels is None and read.counts is None
    _same(_data(out, store, source_files(out)), _data(out, store, None))


def _linked_count(trig: str) -> str:
    """The token of a count some node links to with rkg:count in the canonical graph."""
    canonical = trig[trig.index("graph:canonical {"):]
    found = re.search(r"\t\trkg:count (count:\w+)", canonical)
    assert found is not None, "no node links to a count"
    return found.group(1)


def test_files_not_cut_in_blocks_are_left_to_the_store(sample_build: Path,
                                                         tmp_path: Path) -> None:
    out = build_support.copy_build(sample_build, tmp_path / "out", FILES)
    trig = out / "graph.trig"
    trig.write_text(trig.read_text(encoding="utf-8") + "<urn:x:a> <urn:x:b> <urn:x:c> .\n",
                    encoding="utf-8")
    store = _store(out, tmp_path)
    assert nodeblocks.read(source_files(out), node_iris(store)) is None
    _same(_data(out, store, source_files(out)), _data(out, store, None))
