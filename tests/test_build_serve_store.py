"""The serve store of a rebuild starts from the published build's store (graph/serve/store.py):
the same bytes give a hard-linked clone, a changed build replaces only the named graphs whose
blocks changed, and either way the store holds exactly what a fresh load of the files gives."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graph import trigblocks
from graph.serve.store import STORE_DIR, prepare_store

EXAMPLE = "https://example.org/"


def _files(store: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in store.iterdir() if p.suffix == ".sst"}


def _content(store: Path) -> tuple[list[str], list[str], Graph]:
    """What the store at `store` holds: its quads without blank nodes and its graph names,
    sorted, and its quads with blank nodes as a graph (a load names blank nodes afresh, so
    those compare up to renaming)."""
    opened = ox.Store.read_only(str(store))
    try:
        plain, blank = [], Graph()
        for quad in opened:
            terms = (quad.subject, quad.predicate, quad.object, quad.graph_name)
            if any(isinstance(t, ox.BlankNode) for t in terms):
                blank.add(tuple(_rdflib(t) for t in terms[:3]))
            else:
                plain.append(str(quad))
        return sorted(plain), sorted(str(g) for g in opened.named_graphs()), blank
    finally:
        del opened


def _same(one: Path, other: Path) -> bool:
    first, second = _content(one), _content(other)
    return first[:2] == second[:2] and isomorphic(first[2], second[2])


def _rdflib(term: Any) -> Any:
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    return Literal(term.value, lang=term.language,
                   datatype=None if term.language else URIRef(term.datatype.value))


def _edited(trig: bytes) -> bytes:
    """`trig` with one document graph dropped, a triple added to another and a new graph."""
    docs = [line for line in trig.splitlines(keepends=True)
            if line.startswith(b"graph:doc") and line.endswith(b" {\n")]
    assert len(docs) >= 2
    start = trig.index(docs[0])
    trig = trig[:start] + trig[trig.index(b"}\n", start) + 2:]
    start = trig.index(docs[1])
    end = trig.index(b"}\n", start)
    trig = (trig[:end] + f'\t<{EXAMPLE}a> <{EXAMPLE}b> "a new value" .\n'.encode()
            + trig[end:])
    return trig + f"<{EXAMPLE}g> {{\n\t<{EXAMPLE}a> <{EXAMPLE}b> <{EXAMPLE}c> .\n}}\n".encode()


def test_trig_blocks_cover_the_file(sample_build: Path) -> None:
    path = sample_build / "graph.trig"
    blocks = list(trigblocks.blocks(path))
    assert len(blocks) >= 8 and len({b.iri for b in blocks}) == len(blocks)
    assert trigblocks.prefix_lines(path) + b"".join(b.text for b in blocks) == path.read_bytes()
    parsed = {q.graph_name.value for q in ox.parse(path=path, format=ox.RdfFormat.TRIG)}
    assert parsed == {b.iri for b in blocks}
    pieces = list(trigblocks.chunks(trigblocks.prefix_lines(path), blocks, 100_000))
    assert len(pieces) > 3
    quads = [q for piece in pieces for q in ox.parse(piece, format=ox.RdfFormat.TRIG)]
    assert sorted(map(str, quads)) == sorted(
        str(q) for q in ox.parse(path=path, format=ox.RdfFormat.TRIG))


def test_serve_store_cloned_or_updated_as_a_fresh_load(sample_build: Path,
                                                       tmp_path: Path) -> None:
    published, same, changed, fresh, odd = (
        tmp_path / name for name in ("published", "same", "changed", "fresh", "odd"))
    for folder in (published, same, changed, fresh, odd):
        folder.mkdir()
        shutil.copy2(sample_build / "graph.trig", folder / "graph.trig")
    prepare_store(published)
    made = _files(published / STORE_DIR)
    assert made
    assert _same(published / STORE_DIR, prepare_store(fresh))

    prepare_store(same, previous=published / STORE_DIR)  # same bytes: hard links, no load
    assert _files(same / STORE_DIR) == made
    assert _same(same / STORE_DIR, published / STORE_DIR)

    edited = _edited((sample_build / "graph.trig").read_bytes())
    for folder in (changed, fresh):
        (folder / "graph.trig").write_bytes(edited)
    prepare_store(changed, previous=published / STORE_DIR)
    shutil.rmtree(fresh / STORE_DIR)
    prepare_store(fresh)
    assert _same(changed / STORE_DIR, fresh / STORE_DIR)
    quads, graphs, _blank = _content(changed / STORE_DIR)
    assert f"<{EXAMPLE}g>" in graphs and any('"a new value"' in q for q in quads)
    assert len(graphs) == len(_content(published / STORE_DIR)[1])  # one gone, one new
    kept = set(made) & set(_files(changed / STORE_DIR))
    assert kept  # unchanged graphs' table files are the published ones, linked
    assert _content(published / STORE_DIR)[0] != quads  # the published store is untouched

    # a file not laid out in blocks is loaded whole
    with open(odd / "graph.trig", "a", encoding="utf-8") as trig:
        trig.write(f"<{EXAMPLE}g> {{ <{EXAMPLE}a> <{EXAMPLE}b> <{EXAMPLE}c> . }}\n")
    prepare_store(odd, previous=published / STORE_DIR)
    assert f"<{EXAMPLE}g>" in _content(odd / STORE_DIR)[1]
