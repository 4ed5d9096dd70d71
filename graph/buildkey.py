"""A rebuild with nothing changed writes nothing: the key of a build's outputs.

The graph stage's outputs (graph.trig, graph.ttl, build.json) depend only on the named graph
files they are assembled from, and those files are named by everything that made them
(document text and metadata, pipeline, RDF code, registry, ontology: graph/buildcache.py).
So the sorted names of a build's graph files are its key. When a rebuild finds the same key
and the outputs exactly as the last build left them (size and modification time), it keeps
them instead of merging and writing them again (at 1,000 documents: seconds of a rebuild).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from graph import iris
from graph.rdfio import write_text

OUTPUTS = ("graph.trig", "graph.ttl", "build.json")
KEY_FILE = Path(".cache") / "outputs.json"


def outputs_key(graph_files: Iterable[Path], store: str) -> str:
    return iris.digest(store, *sorted(f"{p.parent.name}/{p.name}" for p in graph_files),
                       length=32)


def _stamps(out: Path) -> dict[str, list[int]] | None:
    stamps = {}
    for name in OUTPUTS:
        path = out / name
        if not path.is_file():
            return None
        stat = path.stat()
        stamps[name] = [stat.st_size, stat.st_mtime_ns]
    return stamps


def unchanged(out: Path, key: str) -> int | None:
    """The triple count of the outputs in `out` if they were made under `key` and are as the
    build left them; else None."""
    try:
        data = json.loads((out / KEY_FILE).read_text(encoding="utf-8"))
        stamps = _stamps(out)
        if data["key"] != key or stamps is None or data["outputs"] != stamps:
            return None
        return int(json.loads((out / "build.json").read_text(encoding="utf-8"))["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(out: Path, key: str) -> None:
    stamps = _stamps(out)
    if stamps is not None:
        write_text(out / KEY_FILE, json.dumps({"key": key, "outputs": stamps}) + "\n")


def forget(out: Path) -> None:
    (out / KEY_FILE).unlink(missing_ok=True)
