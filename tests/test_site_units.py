"""The site reads each document graph's record, claims and mentions once, and keeps them by
the graph's bytes (graph/viz/docunits.py): a rebuild asks the store only about the document
graphs that changed, and draws the site a build from scratch draws."""

from __future__ import annotations

import re
from pathlib import Path

from graph.viz import build_site
from graph.viz.data import DOC_QUERIES, open_graph, source_files
from graph.viz.docunits import DOC_GRAPH_PREFIX, DocUnits
from tests import build_support

FILES = ("graph.trig", "build.json")
QUOTED = re.compile(r'^(\t\toa:exact ")((?:[^"\\]|\\.){40,})(" ;)$', re.M)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _reword_one_sentence(trig: Path) -> str:
    """The first quoted sentence of the first document graph that has one, reworded (what
    extracting an edited document gives its graph); the document graph's IRI."""
    text = trig.read_text(encoding="utf-8")
    start = text.index("graph:doc\\/")
    found = QUOTED.search(text, start)
    assert found is not None, "no quoted sentence in a document graph"
    block = text.rfind("\ngraph:doc\\/", 0, found.start()) + 1
    graph = text[block:text.index(" {", block)].replace("graph:doc\\/", DOC_GRAPH_PREFIX)
    reworded = "Border guards put the seven of them on a train back before sunrise."
    trig.write_text(text[:found.start(2)] + reworded + text[found.end(2):], encoding="utf-8")
    return graph


def test_site_rebuild_asks_only_the_changed_document_graph(sample_build: Path,
                                                           tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = build_support.copy_build(sample_build, tmp_path / "first", FILES)
    drawn = build_site(first, cache=cache)
    graphs = drawn.doc_graphs[0]
    assert graphs > 2 and drawn.doc_graphs == (graphs, 0)
    assert list(cache.glob("doc-units-*.bin"))

    edited = build_support.copy_build(sample_build, tmp_path / "edited", FILES)
    _reword_one_sentence(edited / "graph.trig")
    rebuilt = build_site(edited, previous=first / "site", cache=cache)
    # the edited graph from the store, every other one from the cache
    assert rebuilt.doc_graphs == (1, graphs - 1)
    assert "1 read from the store" in rebuilt.summary()

    fresh = build_support.copy_build(sample_build, tmp_path / "fresh", FILES)
    (fresh / "graph.trig").write_bytes((edited / "graph.trig").read_bytes())
    build_site(fresh)
    site = _tree(edited / "site")
    assert site == _tree(fresh / "site")
    # ... and the change reached it: the reworded sentence is on a page it was not on
    assert any(b"before sunrise" in data for data in site.values())
    assert not any(b"before sunrise" in data for data in _tree(first / "site").values())


def test_site_answers_per_graph_are_those_of_the_whole_store(sample_build: Path,
                                                             tmp_path: Path) -> None:
    """Asked graph by graph (a rebuild), at once (a first build) or read back from the
    cache, the document graphs give the same data."""
    out = build_support.copy_build(sample_build, tmp_path / "out", FILES)
    cache = tmp_path / "cache"
    with open_graph(out) as data:
        scratch = _plain(data)
    with open_graph(out, cache) as data:  # every graph asked, then kept
        assert _plain(data) == scratch
    with open_graph(out, cache) as data:  # every graph from the cache
        assert data.doc_graphs[1] > 2 and data.doc_graphs[0] == 0
        assert _plain(data) == scratch
    with open_graph(out) as data:
        store = data.store
        all_graphs = DocUnits(DOC_QUERIES)
        all_graphs.all_at_once = 0.0  # each query once over every graph
        at_once = {name: list(all_graphs.rows(store, name)) for name in DOC_QUERIES}
        one_by_one = DocUnits(DOC_QUERIES)  # each graph asked with ?g bound to it
        assert at_once == {name: list(one_by_one.rows(store, name)) for name in DOC_QUERIES}
        assert all(any(rows for _graph, rows in at_once[name]) for name in DOC_QUERIES)


def test_site_keeps_no_answers_when_inferred_writes_into_a_document_graph(
        sample_build: Path, tmp_path: Path) -> None:
    out = build_support.copy_build(sample_build, tmp_path / "out", FILES)
    text = (out / "graph.trig").read_text(encoding="utf-8")
    prefixes = "".join(line for line in text.splitlines(keepends=True)
                       if line.startswith("@prefix"))
    doc = text[text.index("graph:doc\\/"):].split(" {", 1)[0]
    inferred = out / "inferred.trig"
    inferred.write_text(f"{prefixes}\n{doc} {{\n\t<urn:x:a> <urn:x:b> <urn:x:c> .\n}}\n",
                        encoding="utf-8")
    units = DocUnits(DOC_QUERIES, out, tmp_path / "cache", [out / "graph.trig", inferred])
    assert units.file is None and not units.digests


def _plain(data: object) -> list[str]:
    return [repr(getattr(data, part)) for part in ("nodes", "edges", "documents", "labels")]


def test_unit_file_reads_the_same_entries_after_release(tmp_path: Path) -> None:
    """`release` hands the mapped pages back; what is read afterwards is still the file."""
    from graph.unitfile import UnitFile

    entries = {f"key-{n}": (f"entry {n} " * (n * 500)).encode() for n in range(1, 6)}
    kept = UnitFile(tmp_path / "units.bin")
    for key, data in entries.items():
        kept.put(key, data)
    kept.save()
    again = UnitFile(tmp_path / "units.bin")
    assert {key: again.get(key) for key in entries} == {
        key: (True, data) for key, data in entries.items()}
    again.release()
    assert {key: again.get(key)[1] for key in entries} == entries
    assert again.get("another") == (False, None)


def test_site_answers_missing_graphs_from_their_blocks(sample_build: Path,
                                                       tmp_path: Path) -> None:
    """Graphs the cache lacks are answered from their own blocks of graph.trig, each loaded
    alone: the same rows the on-disk store gives for them, and the cache file made from them
    is the one the store's answers make. A graph whose answer holds a blank node (named per
    store) is asked of the store instead."""
    out = build_support.copy_build(sample_build, tmp_path / "out", FILES)
    trig = out / "graph.trig"
    text = trig.read_text(encoding="utf-8")
    at = text.index("\t\ta rkg:SourceDocument ;\n", text.index("graph:doc\\/"))
    at = text.index("\n", at) + 1
    trig.write_text(text[:at] + "\t\t<urn:x:note> [] ;\n" + text[at:], encoding="utf-8")
    with open_graph(out) as data:
        store = data.store
        from_store = {name: list(DocUnits(DOC_QUERIES).rows(store, name))
                      for name in DOC_QUERIES}
        units = DocUnits(DOC_QUERIES, out, tmp_path / "cache", source_files(out))
        from_blocks = {name: list(units.rows(store, name)) for name in DOC_QUERIES}
        graphs = len(from_store["documents"])
        assert graphs > 2 and from_blocks == from_store
        # the documents' answer of the graph with the blank node came from the store
        assert units.from_blocks == {"documents": graphs - 1, "claims": graphs,
                                     "mentions": graphs}
        assert units.asked == dict.fromkeys(DOC_QUERIES, graphs)
        assert any(row[1] == "urn:x:note" for _g, rows in from_store["documents"]
                   for row in rows)
        units.save()
        # read back whole from the file the blocks' answers went into
        again = DocUnits(DOC_QUERIES, out, tmp_path / "cache", source_files(out))
        assert {name: list(again.rows(store, name)) for name in DOC_QUERIES} == from_store
        assert again.from_blocks == {} and again.asked == {"documents": 1, "claims": 0,
                                                           "mentions": 0}
