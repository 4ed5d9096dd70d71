"""A store in a plain `out/oxigraph/` folder (what the first `rkg serve` of a
`--no-serve-store` build loads) stays in place while a server reads it, through a build that
replaces it with the generation's store; the build after that removes it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.generations import building, new_generation, publish
from graph.serve.generation import Served

ASK = "ASK { <http://example.org/harbour> <http://example.org/faces> ?o }"


def _store(folder: Path, place: str) -> None:
    store = ox.Store(str(folder))
    store.add(ox.Quad(ox.NamedNode("http://example.org/harbour"),
                      ox.NamedNode("http://example.org/faces"),
                      ox.NamedNode(f"http://example.org/{place}"),
                      ox.NamedNode("http://example.org/g")))
    store.flush()
    del store


def _generation(out: Path, place: str) -> Path:
    generation = new_generation(out)
    (generation / "graph.trig").write_text(f"# {place}\n", encoding="utf-8")
    _store(generation / "oxigraph", place)
    return generation


def test_a_pinned_plain_store_survives_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with building(out):
        first = new_generation(out)
        (first / "graph.trig").write_text("# first\n", encoding="utf-8")
        publish(out, first)  # a --no-serve-store build: no oxigraph/ in the generation
    plain = out / "oxigraph"
    _store(plain, "northbay")  # the first `rkg serve` loads the store here
    served = Served(lambda: plain.resolve(), plain)
    reader = ox.Store.read_only(str(plain))
    inode = plain.stat().st_ino

    with building(out):
        publish(out, _generation(out, "southbay"))
    assert plain.is_symlink()  # the build's own store is what out/oxigraph names now
    aside = [p for p in out.glob(".oxigraph.old-*") if p.stat().st_ino == inode]
    assert len(aside) == 1, "the store the server reads was removed under it"
    assert reader.query(ASK, use_default_graph_as_union=True)
    assert bool(ox.Store.read_only(str(aside[0])).query(ASK, use_default_graph_as_union=True))

    served.close()  # the server switched to the new store and let go of the old one
    del reader
    with building(out):
        publish(out, _generation(out, "westbay"))
    assert not list(out.glob(".oxigraph.old-*"))
    answer = ox.Store.read_only(str(plain)).query(
        "SELECT ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert [row["o"].value for row in answer] == ["http://example.org/westbay"]
