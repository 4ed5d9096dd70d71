"""Bringing a store up to date with a build: only the named graphs whose content changed.

The build hands over its named graph files (graph/graphfiles.py). Each has a content digest;
graphs the store's manifest already holds with the same digest are left alone, changed ones
are replaced whole, graphs the build no longer has (removed documents) are dropped, and the
commit records the new manifest. A store with no manifest (new, or its state unknown) is
loaded whole. The build record graph is written last, so a reader that sees the new build
record sees every other graph of that build too (on stores that do not commit atomically,
i.e. SPARQL endpoints).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from graph import iris
from graph.graphfiles import NamedGraphFile
from graph.stores.base import GraphPayload, GraphStore

BUILD_GRAPH = iris.graph("build")


@dataclass(frozen=True)
class SyncReport:
    store: str
    replaced: int
    dropped: int
    unchanged: int
    full_load: bool

    def summary(self) -> str:
        if self.full_load:
            return f"store {self.store}: loaded {self.replaced} named graphs"
        return (f"store {self.store}: {self.replaced} named graphs replaced, "
                f"{self.dropped} dropped, {self.unchanged} unchanged")


def in_write_order(graphs: Sequence[NamedGraphFile]) -> list[NamedGraphFile]:
    """Graph IRI order, the build record last; empty graphs left out."""
    if len({g.iri for g in graphs}) != len(graphs):
        raise ValueError("each named graph must come once")
    kept = sorted((g for g in graphs if g.nt.stat().st_size), key=lambda g: g.iri)
    return ([g for g in kept if g.iri != BUILD_GRAPH]
            + [g for g in kept if g.iri == BUILD_GRAPH])


def sync(store: GraphStore, graphs: Sequence[NamedGraphFile]) -> SyncReport:
    """Make `store` hold exactly `graphs`, rewriting as little as possible, then commit."""
    ordered = in_write_order(graphs)
    digests = {g.iri: g.digest() for g in ordered}
    known = store.manifest()
    if known is None:
        store.load_all(_payloads(ordered))
        store.commit(digests)
        return SyncReport(store.spec, len(ordered), 0, 0, True)
    dropped = sorted(set(known) - set(digests))
    for iri in dropped:
        store.drop_graph(iri)
    changed = [g for g in ordered if known.get(g.iri) != digests[g.iri]]
    for g in changed:
        store.replace_graph(g.iri, g.ntriples())
    store.commit(digests)
    return SyncReport(store.spec, len(changed), len(dropped), len(ordered) - len(changed),
                      False)


def _payloads(graphs: Sequence[NamedGraphFile]) -> Iterator[GraphPayload]:
    for g in graphs:
        yield g.iri, g.ntriples()
