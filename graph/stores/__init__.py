"""Stores behind one interface (`GraphStore`), chosen by a spec string (`--store`):

- `memory` (default): Oxigraph in memory through oxrdflib; nothing to start. A build's
  `graph.trig` is its content.
- `oxigraph:DIR`: a persistent Oxigraph store in a folder, swapped in whole generations so a
  killed build leaves the last complete graph (graph/stores/oxigraph_dir.py).
- `sparql:URL[,gsp=URL][,timeout=S]`: any SPARQL 1.1 endpoint, loaded one named graph at a time
  through the Graph Store Protocol and queried through the SPARQL Protocol
  (graph/stores/sparql.py; docs/stores.md for Fuseki and GraphDB).

>>> store = open_store("memory")
>>> store.spec
'memory'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from graph.graphfiles import NamedGraphFile
from graph.stores.base import GraphStore, Manifest, StoreError, with_values
from graph.stores.memory import MemoryStore
from graph.stores.oxigraph_dir import OxigraphDirStore
from graph.stores.sparql import SparqlEndpointStore, parse_spec
from graph.stores.sync import SyncReport, sync

__all__ = [
    "GraphStore",
    "Manifest",
    "MemoryStore",
    "OxigraphDirStore",
    "SparqlEndpointStore",
    "StoreError",
    "SyncReport",
    "open_store",
    "publish",
    "sync",
    "with_values",
]

KINDS = ("memory", "oxigraph:DIR", "sparql:URL")


def open_store(spec: str, *, state_dir: Path | None = None,
               files: Sequence[Path] = ()) -> GraphStore:
    """The store a spec names. `state_dir` keeps an endpoint's manifest (a build's
    `.cache/stores`); `files` are TriG files loaded into a memory store."""
    kind, sep, rest = spec.partition(":")
    if spec == "memory":
        return MemoryStore(files)
    if kind == "oxigraph" and sep and rest:
        return OxigraphDirStore(Path(rest).expanduser())
    if kind == "sparql" and sep and rest:
        query_url, gsp_url, timeout = parse_spec(rest)
        return SparqlEndpointStore(query_url, gsp_url, timeout=timeout, state_dir=state_dir)
    raise StoreError(f"unknown store {spec!r}; use one of {', '.join(KINDS)}")


def check_spec(spec: str) -> str:
    """`spec` if it names a store (nothing is opened or contacted), else StoreError."""
    kind, sep, rest = spec.partition(":")
    if spec == "memory" or (kind == "oxigraph" and sep and rest):
        return spec
    if kind == "sparql" and sep and rest:
        parse_spec(rest)
        return spec
    raise StoreError(f"unknown store {spec!r}; use one of {', '.join(KINDS)}")


def publish(spec: str, out: Path, graphs: Sequence[NamedGraphFile]) -> SyncReport | None:
    """After a build: bring the store `spec` up to date with the build's named graphs.

    The memory store's content is the build's graph.trig, so there is nothing to do for it.
    """
    if spec in ("", "memory"):
        return None
    store = open_store(spec, state_dir=out / ".cache" / "stores")
    try:
        return sync(store, graphs)
    finally:
        store.close()
