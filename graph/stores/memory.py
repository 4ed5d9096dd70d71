"""The default store: Oxigraph in memory, seen by rdflib through oxrdflib. Nothing to start.

`rkg build` keeps no separate copy for it: the build's `graph.trig` is this store's content,
loaded when the store is opened on a build folder. Built directly (tests, the Python API), it
takes writes like the other stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset
from rdflib.query import Result

from graph.stores.base import Bindings, GraphPayload, Manifest, StoreError, quads_of


class MemoryStore:
    spec = "memory"

    def __init__(self, files: Sequence[Path] = ()) -> None:
        self._ox = ox.Store()
        self._manifest: Manifest | None = {}
        for path in files:
            try:
                self._ox.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
            except (OSError, SyntaxError, ValueError) as exc:
                raise StoreError(f"{path}: cannot load into the memory store: {exc}") from exc
            self._manifest = None  # loaded from files: graph digests unknown

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store underneath (benchmarks compare against it)."""
        return self._ox

    def manifest(self) -> Manifest | None:
        return None if self._manifest is None else dict(self._manifest)

    def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
        node = ox.NamedNode(graph_iri)
        if self._ox.contains_named_graph(node):
            self._ox.remove_graph(node)
        self._ox.extend(quads_of([(graph_iri, ntriples)]))

    def drop_graph(self, graph_iri: str) -> None:
        node = ox.NamedNode(graph_iri)
        if self._ox.contains_named_graph(node):
            self._ox.remove_graph(node)

    def load_all(self, graphs: Iterable[GraphPayload]) -> None:
        self._ox.clear()
        self._ox.extend(quads_of(graphs))

    def commit(self, manifest: Mapping[str, str]) -> None:
        self._manifest = dict(manifest)

    def named_graphs(self) -> set[str]:
        return {g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode)}

    def query(self, sparql: str, bindings: Bindings | None = None) -> Result:
        return self.dataset().query(sparql, initBindings=bindings or {})

    def dataset(self) -> Dataset:
        return Dataset(store=OxigraphStore(store=self._ox), default_union=True)

    def close(self) -> None:
        self._ox = ox.Store()
