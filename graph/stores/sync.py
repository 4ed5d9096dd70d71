"""Bringing a store up to date with a build: only the named graphs whose content changed.

The build hands over all its quads, sorted (graph first, as `rdfio.sorted_unique` leaves
them). Each named graph gets a content digest; graphs the store's manifest already holds with
the same digest are left alone, changed ones are replaced whole, graphs the build no longer
has (removed documents) are dropped, and the commit records the new manifest. A store with no
manifest (new, or its state unknown) is loaded whole. The build record graph is written last,
so a reader that sees the new build record sees every other graph of that build too (on
stores that do not commit atomically, i.e. SPARQL endpoints).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from graph import iris
from graph.rdf.terms import Quad
from graph.stores.base import GraphStore, graph_digest

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


def group_by_graph(quads: Sequence[Quad]) -> dict[str, list[Quad]]:
    """Named graph IRI -> its quads (order kept); the build record graph comes last."""
    groups = {g: list(qs) for g, qs in groupby(quads, key=lambda q: str(q[3]))}
    if len(groups) != len({str(q[3]) for q in quads}):
        raise ValueError("quads must come sorted by graph (rdfio.sorted_unique)")
    if BUILD_GRAPH in groups:
        groups[BUILD_GRAPH] = groups.pop(BUILD_GRAPH)
    return groups


def sync(store: GraphStore, quads: Sequence[Quad]) -> SyncReport:
    """Make `store` hold exactly `quads`, rewriting as little as possible, then commit."""
    groups = group_by_graph(quads)
    digests = {g: graph_digest(qs) for g, qs in groups.items()}
    known = store.manifest()
    if known is None:
        store.load_all(q for qs in groups.values() for q in qs)
        store.commit(digests)
        return SyncReport(store.spec, len(groups), 0, 0, True)
    dropped = sorted(set(known) - set(digests))
    for g in dropped:
        store.drop_graph(g)
    changed = [g for g in groups if known.get(g) != digests[g]]
    for g in changed:
        store.replace_graph(g, groups[g])
    store.commit(digests)
    return SyncReport(store.spec, len(changed), len(dropped), len(groups) - len(changed),
                      False)
