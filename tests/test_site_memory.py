"""The site stage's compact forms (docs/site.md, "The site stage's memory, second pass") give
what the plain forms gave: files compressed as their pieces come are the bytes of one
compression of the whole text, the search index written in pieces is the same JSON however
it is cut, and the page indexes kept flat or only for places answer what the full indexes
answered, on a built graph."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path

import pytest

from graph.viz import search
from graph.viz.data import open_graph
from graph.viz.pages import PageFacts
from graph.viz.search import Entry
from graph.viz.sitecache import gzipped
from graph.viz.styles import RKG

TEXT = "".join(f"{n} Ünïcode line — {'x' * (n % 37)}\n" for n in range(20000))


def test_gzipped_pieces_are_the_bytes_of_one_gzip_compress() -> None:
    whole = gzip.compress(TEXT.encode("utf-8"), 9, mtime=0)
    uneven = [TEXT[start:start + size] for start, size in _cuts(len(TEXT))]
    assert "".join(uneven) == TEXT
    assert gzipped(uneven) == whole
    assert gzipped([TEXT]) == whole
    assert gzip.decompress(gzipped(uneven)).decode("utf-8") == TEXT


def _cuts(length: int) -> list[tuple[int, int]]:
    cuts, start, size = [], 0, 1
    while start < length:
        cuts.append((start, size))
        start, size = start + size, (size * 7 + 3) % 5003 + 1
    return cuts


def _entries() -> list[Entry]:
    items: list[Entry] = []
    for n in range(300):
        items.append(Entry(str(len(items)), "document", f"Report {n}", f"publisher {n % 7}",
                           f"docs/report-{n}.html", f"2024-01-{n % 28 + 1:02d} · Pub {n % 7}"))
        doc = items[-1]
        for q in range(3):
            items.append(Entry(str(len(items)), "quote", f"Sentence {q} of report {n}.",
                               "more words" * q, f"{doc.href}#m-{q}",
                               f"{doc.title} · {doc.sub.split(' · ')[0]}"))
        items.append(Entry(str(len(items)), "entity", f"Actor {n}", f"alias {n}",
                           f"actors/actor-{n}.html", "State"))
    return items


def test_search_index_is_the_same_json_however_its_rows_are_cut(
        monkeypatch: pytest.MonkeyPatch) -> None:
    items = _entries()
    monkeypatch.setattr(search, "ROWS_PIECE", len(items) + 1)
    whole = "".join(search.compact_json(items))
    for size in (1, 7, 250):
        monkeypatch.setattr(search, "ROWS_PIECE", size)
        assert "".join(search.compact_json(items)) == whole
    index = json.loads(whole)
    assert len(index["rows"]) == len(items)
    assert len(index["lengths"]) == len(items) * len(search.FIELDS)
    # a quote names its document's row; the others are [kind, title, link, sub]
    assert index["rows"][1] == ["Sentence 0 of report 0.", 0, "0"]
    assert index["rows"][0][0] == search.KINDS.index("document")
    # deflating the pieces gives the bytes of deflating the whole
    assert "".join(search.deflated(search.compact_json(items))) == "".join(
        search.deflated([whole]))


def test_page_indexes_answer_as_the_full_indexes(sample_build: Path) -> None:
    """Incoming links kept flat and only for nodes, containment kept only for places with
    something inside: every node's answers are those of the indexes over every link."""
    with open_graph(sample_build) as data:
        shown = sorted(data.nodes)
        facts = PageFacts(data, shown, {})
        incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)
        parents = {n.id: list(n.links.get(RKG + "locatedIn", [])) for n in data.nodes.values()}
        inside: dict[str, set[str]] = defaultdict(set)
        for node in data.nodes.values():
            for pred, targets in node.links.items():
                for target in targets:
                    incoming[target].append((pred, node.id))
            stack, seen = [node.id], {node.id}
            while stack:
                current = stack.pop()
                inside[current].add(node.id)
                for parent in parents.get(current, []):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
        assert any(incoming.values()) and any(len(held) > 1 for held in inside.values())
        for iri in data.nodes:
            assert list(facts.incoming(iri)) == incoming.get(iri, [])
            assert facts.within.get(iri, {iri}) == inside[iri]
        assert len(facts.within) < len(inside)
        # every node's sources: its documents (those quoting it, or itself) and the registry
        quoted = {n.id for n in data.nodes.values() if n.claims or n.mentions}
        assert quoted and all(set(data.nodes[i].sources) >= {q.doc for q in
                                                             data.nodes[i].claims}
                              for i in quoted)
        assert all(list(n.sources) == sorted(n.sources) for n in data.nodes.values())
