"""Incremental builds: unchanged documents are not read by the NLP stage again; added, changed
and removed documents give byte-identical outputs to a full build of the same corpus, in the
files and in a persistent store."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import URIRef

import graph.extract
from graph import iris
from graph.builder import build_graph
from graph.reading import read_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
sys.path.insert(0, str(ROOT / "bench"))
from generate import edit, generate  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture
def nlp_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """File names of the documents the spaCy pipeline annotates (in this process)."""
    calls: list[str] = []
    annotate: Callable[..., Any] = graph.extract.annotate

    def counting(info: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(info.file_name)
        return annotate(info, *args, **kwargs)

    monkeypatch.setattr(graph.extract, "annotate", counting)
    return calls


def store_quads(root: Path) -> set[str]:
    """Every quad of an oxigraph:DIR store, as N-Quads lines."""
    store = ox.Store.read_only(str(root / "current"))
    data = ox.serialize(store, format=ox.RdfFormat.N_QUADS) or b""
    return set(data.decode().splitlines())


def outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "graph.ttl").read_bytes(), (out / "graph.trig").read_bytes()


def subjects(ttl: bytes) -> set[URIRef]:
    from rdflib import Graph

    g = Graph()
    g.parse(data=ttl.decode(), format="turtle")
    return {s for s in g.subjects() if isinstance(s, URIRef)}


def test_incremental_build_equals_full_build(tmp_path: Path, nlp_calls: list[str]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    store = tmp_path / "store"
    spec = f"oxigraph:{store}"

    build_graph(corpus, out, jobs=1, store=spec)
    assert len(nlp_calls) == 5
    before = outputs(out)

    # unchanged: no document reaches the NLP stage, same bytes, store untouched
    nlp_calls.clear()
    result = build_graph(corpus, out, jobs=1, store=spec)
    assert nlp_calls == [] and result.reused == 5
    assert outputs(out) == before
    assert "0 named graphs replaced, 0 dropped" in result.store

    # add one document, change one, remove one
    added = generate(tmp_path / "new", 1, seed=11)[0]
    shutil.copy(added, corpus / added.name)
    changed = corpus / "2024-yonhap-upr-china.txt"
    edit(changed)
    removed = corpus / "2023-10-13-hrf-joint-statement.txt"
    removed_id = next(d.doc_id for d in read_corpus(corpus).documents
                      if d.file_name == removed.name)
    removed.unlink()
    # Event identities are history by design (issue 11: an event keeps its IRI when a report
    # joins or leaves it), so the record the incremental build starts from is an input too.
    history = (out / "identities.json").read_bytes()
    nlp_calls.clear()
    result = build_graph(corpus, out, jobs=1, store=spec)
    assert sorted(nlp_calls) == sorted([added.name, changed.name])
    assert result.reused == 3
    # graphs of the added and changed documents, canonical and build record replaced;
    # those of the removed document and of the changed one's old text dropped
    assert "4 named graphs replaced, 2 dropped" in result.store, result.store

    # a full build of the same corpus, from nothing but the same identity record: no cache
    full = tmp_path / "full"
    full_store = tmp_path / "full-store"
    full.mkdir()
    (full / "identities.json").write_bytes(history)
    build_graph(corpus, full, jobs=2, store=f"oxigraph:{full_store}")
    assert outputs(out) == outputs(full)
    assert store_quads(store) == store_quads(full_store)

    # the removed document's facts are gone, and so is what it alone supported (its events
    # are not: linking joins them to the changed document's later report of the same wave,
    # and an event keeps its IRI while any report supports it)
    doc = URIRef(iris.document(removed_id))
    gone = subjects(before[0]) - subjects(outputs(out)[0])
    assert doc in gone
    assert any("/new-" in s for s in gone)  # entities only it mentioned
    assert removed_id[:16] not in outputs(out)[1].decode()

    # the cache holds exactly the documents of the corpus
    cached = {p.stem for p in (out / ".cache" / "facts").glob("*/*.json")}
    assert cached == {d.doc_id[:32] for d in read_corpus(corpus).documents}
