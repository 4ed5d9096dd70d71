"""graph.stores: one interface over the memory store and an Oxigraph folder; the sync that
rewrites only changed named graphs; parameters bound for endpoints; clear errors."""

from __future__ import annotations

import itertools
import shutil
import socket
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from graph.graphfiles import NamedGraphFile, write_graph_file
from graph.stores import (
    GraphStore,
    MemoryStore,
    OxigraphDirStore,
    StoreError,
    open_store,
    sync,
    with_values,
)
from graph.stores.sparql import parse_spec
from graph.stores.sync import BUILD_GRAPH

EX = "http://example.org/"
G = "https://w3id.org/refoulement-kg/id/graph/"


Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]


def quad(s: str, o: str | Literal, g: str) -> Quad:
    obj = o if isinstance(o, Literal) else URIRef(EX + o)
    return (URIRef(EX + s), URIRef(EX + "p"), obj, URIRef(G + g))


_FILES: list[Path] = []  # where this test's graph files go (set per test below)
_BUILDS = itertools.count()


@pytest.fixture(autouse=True)
def _graph_files_dir(tmp_path: Path) -> None:
    _FILES[:] = [tmp_path / "graph-files"]


def build(docs: dict[str, list[str]], canonical: list[str]) -> list[NamedGraphFile]:
    """A build's named graph files, as graph.builder writes them."""
    quads = [quad(f"{d}-{i}", Literal(text), f"doc/{d}")
             for d, texts in docs.items() for i, text in enumerate(texts)]
    quads += [quad(c, "event", "canonical") for c in canonical]
    quads += [quad("build", Literal("+".join(sorted(docs))), "build")]
    folder = _FILES[0] / f"build-{next(_BUILDS)}"
    graphs = sorted({str(q[3]) for q in quads})
    return [write_graph_file(g, [q for q in quads if str(q[3]) == g], folder / f"{n}.nt")
            for n, g in enumerate(graphs)]


def triples(graphs: list[NamedGraphFile]) -> int:
    return sum(g.ntriples().count(b"\n") for g in graphs)


def nt(*quads: Quad) -> bytes:
    """N-Triples of the quads' triples (what replace_graph takes)."""
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o, _g in quads).encode()


def count(store: GraphStore, graph: str | None = None) -> int:
    if graph is None:
        row = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
        return int(str(row[0]))  # type: ignore[index]
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = list(store.query(text, {"g": URIRef(G + graph)}))
    return int(str(rows[0][1])) if rows else 0  # type: ignore[index]


@pytest.fixture(params=["memory", "oxigraph"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    if request.param == "memory":
        return MemoryStore()
    return OxigraphDirStore(tmp_path / "store")


def test_stores_implement_the_interface(tmp_path: Path) -> None:
    for s in (MemoryStore(), OxigraphDirStore(tmp_path / "s"),
              open_store("sparql:http://127.0.0.1:9/query")):
        assert isinstance(s, GraphStore)


def test_stores_sync_loads_then_rewrites_only_changed_graphs(store: GraphStore) -> None:
    first = build({"a": ["one", "two"], "b": ["three"]}, ["e1"])
    report = sync(store, first)
    assert report.replaced == 4 and report.dropped == 0
    assert count(store) == triples(first)
    assert store.named_graphs() == {G + "doc/a", G + "doc/b", G + "canonical", G + "build"}

    # b changes, a stays, c is added
    second = build({"a": ["one", "two"], "b": ["three!"], "c": ["four"]}, ["e1"])
    report = sync(store, second)
    assert (report.replaced, report.dropped, report.unchanged) == (3, 0, 2)  # b, c, build
    assert count(store) == triples(second)

    # a removed: its graph and the canonical node only it supported go
    third = build({"b": ["three!"], "c": ["four"]}, [])
    report = sync(store, third)
    assert report.dropped == 2  # doc/a, and canonical (now empty)
    assert G + "doc/a" not in store.named_graphs()
    assert count(store) == triples(third)
    assert store.manifest() == {g.iri: g.digest() for g in third}


def test_stores_replace_and_drop_graph(store: GraphStore) -> None:
    store.load_all((g.iri, g.ntriples()) for g in build({"a": ["x"]}, ["e"]))
    store.replace_graph(G + "doc/a", nt(quad("n", Literal("y"), "doc/a"),
                                        quad("m", Literal("z"), "doc/a")))
    store.drop_graph(G + "canonical")
    store.drop_graph(G + "doc/never-there")
    store.commit({})
    assert count(store, "doc/a") == 2
    assert count(store, "canonical") == 0
    with pytest.raises(ValueError, match="not in"):
        write_graph_file(G + "doc/a", [quad("n", Literal("y"), "doc/b")],
                         _FILES[0] / "wrong.nt")


def test_stores_queries_bind_parameters_as_terms(store: GraphStore) -> None:
    sync(store, build({"a": ["it's \"quoted\"", "plain"]}, []))
    text = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    rows = list(store.query(text, {"o": Literal("it's \"quoted\"")}))
    assert [str(r[0]) for r in rows] == [EX + "a-0"]  # type: ignore[index]
    ds = store.dataset()
    assert len(list(ds.query(text))) == 3


def test_stores_oxigraph_dir_commit_swaps_generations(tmp_path: Path) -> None:
    root = tmp_path / "store"
    s = OxigraphDirStore(root)
    sync(s, build({"a": ["x"]}, []))
    assert (root / "current").resolve().name == "gen-000001"
    sync(s, build({"a": ["x"], "b": ["y"]}, []))
    assert sorted(p.name for p in root.glob("gen-*")) == ["gen-000002"]
    # nothing changed: no new generation
    sync(s, build({"a": ["x"], "b": ["y"]}, []))
    assert sorted(p.name for p in root.glob("gen-*")) == ["gen-000002"]
    # a fresh object on the same folder sees the same graph and manifest
    again = OxigraphDirStore(root)
    assert again.manifest() == s.manifest()
    assert count(again) == 3


def test_stores_oxigraph_dir_uncommitted_writes_are_discarded(tmp_path: Path) -> None:
    root = tmp_path / "store"
    s = OxigraphDirStore(root)
    sync(s, build({"a": ["x"]}, []))
    s.replace_graph(G + "doc/a", nt(quad("n", Literal("changed"), "doc/a")))
    s.close()  # e.g. the build failed after writing some graphs
    assert sorted(p.name for p in root.glob("gen-*")) == ["gen-000001"]
    fresh = OxigraphDirStore(root)
    rows = fresh.query(f"SELECT ?o WHERE {{ GRAPH <{G}doc/a> {{ ?s ?p ?o }} }}")
    assert [str(r[0]) for r in rows] == ["x"]  # type: ignore[index]


def test_stores_oxigraph_dir_one_writer_at_a_time(tmp_path: Path) -> None:
    root = tmp_path / "store"
    first = OxigraphDirStore(root)
    sync(first, build({"a": ["x"]}, []))
    first.replace_graph(G + "doc/a", nt(quad("n", Literal("y"), "doc/a")))
    with pytest.raises(StoreError, match="another build is writing"):
        OxigraphDirStore(root).drop_graph(G + "doc/a")
    first.close()


def test_stores_oxigraph_dir_empty_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no graph built into this store yet"):
        OxigraphDirStore(tmp_path / "nothing").query("ASK { ?s ?p ?o }")


def test_stores_sync_writes_the_build_record_last() -> None:
    written: list[str] = []

    class Recorder(MemoryStore):
        def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
            written.append(graph_iri)
            super().replace_graph(graph_iri, ntriples)

    s = Recorder()
    s.commit({})  # an empty store with a known (empty) manifest: graph by graph
    sync(s, build({"a": ["x"], "b": ["y"]}, ["e"]))
    assert written[-1] == BUILD_GRAPH
    assert sorted(written) == sorted(g.iri for g in build({"a": ["x"], "b": ["y"]}, ["e"]))


def test_stores_specs() -> None:
    assert isinstance(open_store("memory"), MemoryStore)
    assert open_store("oxigraph:some/dir").spec == "oxigraph:some/dir"
    assert parse_spec("http://h:7878/query") == ("http://h:7878/query", "http://h:7878/store",
                                                 60.0)
    assert parse_spec("http://h:3030/ds/sparql,gsp=http://h:3030/ds/data,timeout=5") == (
        "http://h:3030/ds/sparql", "http://h:3030/ds/data", 5.0)
    for bad in ("postgres", "oxigraph:", "sparql:ftp://x/q", "sparql:http://h/q,colour=red"):
        with pytest.raises(StoreError):
            open_store(bad)


def test_stores_endpoint_errors_name_the_url(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = open_store(f"sparql:http://127.0.0.1:{port}/query,timeout=2", state_dir=tmp_path)
    with pytest.raises(StoreError, match=f"http://127.0.0.1:{port}/query: cannot reach"):
        s.query("ASK { ?s ?p ?o }")
    with pytest.raises(StoreError, match=f"PUT http://127.0.0.1:{port}/store\\?graph="):
        s.replace_graph(G + "doc/a", nt(quad("n", Literal("y"), "doc/a")))


def test_stores_with_values_binds_inside_the_where_group() -> None:
    text = ('PREFIX construct: <http://x/> # a { in a comment\n'
            'CONSTRUCT { ?s ?p "}" } WHERE { ?s ?p ?o FILTER(?o < 3 && ?x > <http://a/>) }')
    bound = with_values(text, {"x": Literal(2)})
    assert bound.endswith('WHERE { VALUES (?x) { ("2"^^<http://www.w3.org/2001/XMLSchema#'
                          'integer>) } ?s ?p ?o FILTER(?o < 3 && ?x > <http://a/>) }')
    evil = Literal('x" } } ; DROP ALL ; #')
    assert with_values("SELECT * { ?s ?p ?o }", {"o": evil}) == (
        'SELECT * { VALUES (?o) { ("x\\" } } ; DROP ALL ; #") } ?s ?p ?o }')
    assert with_values("SELECT * WHERE { ?s ?p ?o }", None) == "SELECT * WHERE { ?s ?p ?o }"


def test_stores_oxigraph_dir_generation_deleted_by_hand(tmp_path: Path) -> None:
    root = tmp_path / "store"
    sync(OxigraphDirStore(root), build({"a": ["x"]}, []))
    shutil.rmtree(root / "gen-000001")
    s = OxigraphDirStore(root)
    assert s.manifest() is None
    report = sync(s, build({"a": ["x"], "b": ["y"]}, []))
    assert report.full_load and count(OxigraphDirStore(root)) == 3
