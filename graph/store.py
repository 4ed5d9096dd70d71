"""Opening a built graph for querying: an rdflib Dataset over Oxigraph (default) or memory.

Measured here, rdflib's in-memory store is 40-90x slower than Oxigraph for the same SPARQL,
so `oxigraph` is the default; `memory` exists to check that answers agree.

A build folder holds `graph.trig` (written by the builder) and, after reasoning,
`inferred.trig` (the named graph `rkgd:graph/inferred`, written by graph/reasoning.py).
`open_dataset` loads both; an `inferred.trig` older than `graph.trig` describes an earlier
build and is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset

from graph.errors import NotBuiltError

STORES = ("oxigraph", "memory")
GRAPH_FILE = "graph.trig"
INFERRED_FILE = "inferred.trig"


def graph_file(outdir: Path) -> Path:
    path = outdir / GRAPH_FILE
    if not path.exists():
        raise NotBuiltError(f"{outdir}: no graph.trig here; run 'rkg build' first "
                            f"(or pass --graph with a build's output folder)")
    return path


def inferred_file(outdir: Path) -> Path | None:
    """`outdir/inferred.trig` if it exists and is not older than graph.trig, else None."""
    path = outdir / INFERRED_FILE
    graph = outdir / GRAPH_FILE
    if not path.is_file() or not graph.is_file():
        return None
    if path.stat().st_mtime_ns < graph.stat().st_mtime_ns:
        return None
    return path


def empty_dataset(store: str = "oxigraph") -> Dataset:
    """An empty Dataset whose default graph is the union of all graphs."""
    if store == "oxigraph":
        return Dataset(store="Oxigraph", default_union=True)
    if store == "memory":
        return Dataset(default_union=True)
    raise ValueError(f"unknown store {store!r}; choose one of {', '.join(STORES)}")


def _trig_format(store: str) -> str:
    # oxrdflib's own parser loads straight into the native store; on rdflib's memory store it
    # would type plain literals as xsd:string (PITFALLS.md), so rdflib's parser is used there.
    return "ox-trig" if store == "oxigraph" else "trig"


def open_files(paths: Sequence[Path], store: str = "oxigraph") -> Dataset:
    """TriG files into one Dataset (default graph = union of all graphs)."""
    ds = empty_dataset(store)
    for path in paths:
        ds.parse(path, format=_trig_format(store))
    return ds


def dataset_from_trig(data: str, store: str = "oxigraph") -> Dataset:
    """A Dataset from TriG text (tests and fixtures)."""
    ds = empty_dataset(store)
    ds.parse(data=data, format=_trig_format(store))
    return ds


def open_dataset(outdir: Path, store: str = "oxigraph", *, inferred: bool = True) -> Dataset:
    """The build in `outdir` as a Dataset whose default graph is the union of all graphs.

    With `inferred` (default), `outdir/inferred.trig` is loaded too when it is up to date.
    """
    if store not in STORES:
        raise ValueError(f"unknown store {store!r}; choose one of {', '.join(STORES)}")
    paths = [graph_file(outdir)]
    extra = inferred_file(outdir) if inferred else None
    if extra is not None:
        paths.append(extra)
    return open_files(paths, store)
